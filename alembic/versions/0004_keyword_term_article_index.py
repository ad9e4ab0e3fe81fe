"""keyword index (term, article_id) for document frequencies

The document-frequency query every ingest runs (articles per keyword term) is answered from
the (term, article_id) index alone; it replaces the index on term, and the index on
article_id goes too, since (article_id, term) from 0003 serves every lookup by article.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 05:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("keywords", schema=None) as batch_op:
        batch_op.create_index("ix_keywords_term_article_id", ["term", "article_id"], unique=False)
        batch_op.drop_index("ix_keywords_term")
        batch_op.drop_index("ix_keywords_article_id")


def downgrade() -> None:
    with op.batch_alter_table("keywords", schema=None) as batch_op:
        batch_op.create_index("ix_keywords_article_id", ["article_id"], unique=False)
        batch_op.create_index("ix_keywords_term", ["term"], unique=False)
        batch_op.drop_index("ix_keywords_term_article_id")
