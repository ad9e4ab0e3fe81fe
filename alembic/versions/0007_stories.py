"""stories: articles of one event across presses, their term index and story_overview

`stories` holds one row per event with its representative headline, first and last time and
article and press counts; `story_articles` puts each article in one story (with the
similarity it joined at); `story_terms` is the inverted index the assignment finds candidate
stories through, keyed by (term, time) so a lookup reads the time window only. The view
`story_overview` shows stories in KST with their presses, for people writing SQL.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MEMBER_PRESSES = (
    "SELECT DISTINCT p.name FROM story_articles sa JOIN articles a ON a.id = sa.article_id "
    "JOIN press p ON p.id = a.press_id WHERE sa.story_id = s.id"
)


def _view(dialect: str) -> str:
    if dialect == "postgresql":
        first = "(s.first_at AT TIME ZONE 'Asia/Seoul')"
        last = "(s.last_at AT TIME ZONE 'Asia/Seoul')"
        day = "CAST(s.first_at AT TIME ZONE 'Asia/Seoul' AS DATE)"
        names = f"(SELECT string_agg(name, ', ' ORDER BY name) FROM ({_MEMBER_PRESSES}) n)"
    else:
        first, last = "datetime(s.first_at, '+9 hours')", "datetime(s.last_at, '+9 hours')"
        day = "date(s.first_at, '+9 hours')"
        # SQLite 3.40 has no ORDER BY inside group_concat: an ordered subquery keeps order.
        names = f"(SELECT group_concat(name, ', ') FROM ({_MEMBER_PRESSES} ORDER BY p.name))"
    return f"""
        SELECT s.id, s.headline, {day} AS day, {first} AS first_kst, {last} AS last_kst,
               s.articles, s.presses, {names} AS press_names
        FROM stories s"""


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("presses", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    op.create_index(op.f("ix_stories_first_at"), "stories", ["first_at"])
    op.create_index(op.f("ix_stories_last_at"), "stories", ["last_at"])
    op.create_table(
        "story_articles",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_story_articles_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_story_articles_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_articles")),
    )
    op.create_index(op.f("ix_story_articles_story_id"), "story_articles", ["story_id"])
    op.create_index(op.f("ix_story_articles_at"), "story_articles", ["at"])
    op.create_table(
        "story_terms",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_story_terms_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "term", name=op.f("pk_story_terms")),
    )
    op.create_index("ix_story_terms_term_at", "story_terms", ["term", "at"])
    op.execute(f"CREATE VIEW story_overview AS {_view(op.get_bind().dialect.name)}")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS story_overview")
    op.drop_table("story_terms")
    op.drop_table("story_articles")
    op.drop_table("stories")
