"""sentences.summary_rank: each summary candidate's place in the summary order

The summariser orders every candidate sentence, best first; the first N of that order are
a summary of N sentences. Keeping the order lets `newsnote note --sentences N` show a
longer or shorter summary without analysing the article again. NULL: not a candidate (a
byline, a caption, a heading, a fragment), or stored before this revision.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, also on SQLite: no table copy, so no trigger is lost.
    op.add_column("sentences", sa.Column("summary_rank", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Not a batch "move and copy": on SQLite, dropping the old `sentences` table would
    # cascade to the figures, quotes, highlights and evidence that refer to it. DROP COLUMN
    # (SQLite 3.35 and later, PostgreSQL) keeps the table.
    op.execute("ALTER TABLE sentences DROP COLUMN summary_rank")
