"""keyword_terms: articles per keyword term, kept by triggers

Analysis reads, for every article it ingests, how many stored articles have each of its few
hundred candidate terms as a keyword. Counting `keywords` rows for that reads one index
entry per article that has the term, which grows with the store (38 ms a query at 100,000
articles, `bench/bench_store_reads.py`); this table answers with one row per term. Triggers
on `keywords` keep it: every insert adds one to its term, every delete (cascades from a
deleted article too) takes one away, so the counts cannot drift whatever writes the table.
Triggers are not in the models' metadata, so `alembic check` does not see them; and a later
SQLite batch migration that recreates `keywords` ("move and copy") drops them with the old
table: create them again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 05:25:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNT_UP = (
    "INSERT INTO keyword_terms (term, articles) VALUES (NEW.term, 1) "
    "ON CONFLICT (term) DO UPDATE SET articles = keyword_terms.articles + 1"
)
_COUNT_DOWN = "UPDATE keyword_terms SET articles = articles - 1 WHERE term = OLD.term"

_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER keywords_count_insert AFTER INSERT ON keywords BEGIN {_COUNT_UP}; END",
    f"CREATE TRIGGER keywords_count_delete AFTER DELETE ON keywords BEGIN {_COUNT_DOWN}; END",
]
_POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION keywords_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_COUNT_UP}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION keywords_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {_COUNT_DOWN}; RETURN NULL; END $$""",
    "CREATE TRIGGER keywords_count_insert AFTER INSERT ON keywords "
    "FOR EACH ROW EXECUTE FUNCTION keywords_count_insert()",
    "CREATE TRIGGER keywords_count_delete AFTER DELETE ON keywords "
    "FOR EACH ROW EXECUTE FUNCTION keywords_count_delete()",
]


def upgrade() -> None:
    op.create_table(
        "keyword_terms",
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_keyword_terms")),
    )
    op.execute(
        "INSERT INTO keyword_terms (term, articles) "
        "SELECT term, count(*) FROM keywords GROUP BY term"
    )
    for statement in _POSTGRES_TRIGGERS if _postgres() else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ("keywords_count_insert", "keywords_count_delete"):
        if _postgres():
            op.execute(f"DROP TRIGGER {trigger} ON keywords")
            op.execute(f"DROP FUNCTION {trigger}()")
        else:
            op.execute(f"DROP TRIGGER {trigger}")
    op.drop_table("keyword_terms")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"
