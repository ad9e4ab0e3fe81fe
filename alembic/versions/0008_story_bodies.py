"""story bodies: each article's body as letter-gram TF-IDF vector, and the grams' day counts

`story_bodies` keeps an article's body vector (packed bytes, see `pipeline.stories.body`);
`story_gram_days` counts, per gram and UTC day, the articles whose body has it: the document
frequencies a new article's vector is weighed with, read for the window's days only. Stories
assigned before this revision have no body vectors: run `newsnote stories rebuild` once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story_bodies",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_story_bodies_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_bodies")),
    )
    op.create_table(
        "story_gram_days",
        sa.Column("gram", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("gram", "day", name=op.f("pk_story_gram_days")),
    )


def downgrade() -> None:
    op.drop_table("story_gram_days")
    op.drop_table("story_bodies")
