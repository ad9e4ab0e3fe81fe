"""report views: named views for people writing SQL by hand

Views are not part of `storage.models` metadata, so `alembic check` ignores them. Times are
shown in KST (UTC+9; Korea has had no daylight saving since 1988). SQLite stores
`published_at` as naive UTC text, PostgreSQL as timestamptz, hence one SQL text per dialect
where time or string aggregation is involved.

Note for later SQLite migrations: a batch "move and copy" of a table these views read
(recreate: dropping or retyping a column) renames a temporary table over the original, which
SQLite refuses while a view names the table ("error in view article_overview: no such table").
Run such a migration with `PRAGMA legacy_alter_table=ON`, or drop the views and recreate them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 13:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOP_KEYWORDS = 5  # keywords shown per article in article_overview

# Per dialect: a UTC column -> KST timestamp / KST day, and seconds between two timestamps.
_SQLITE = {
    "kst": "datetime({col}, '+9 hours')",
    "day": "date({col}, '+9 hours')",
    "seconds": "ROUND((julianday({end}) - julianday({start})) * 86400, 1)",
}
_POSTGRES = {
    "kst": "({col} AT TIME ZONE 'Asia/Seoul')",
    "day": "CAST({col} AT TIME ZONE 'Asia/Seoul' AS DATE)",
    "seconds": "ROUND(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS NUMERIC), 1)",
}


def _views(dialect: str) -> dict[str, str]:
    d = _POSTGRES if dialect == "postgresql" else _SQLITE

    def kst(col: str) -> str:
        return d["kst"].format(col=col)

    def day(col: str) -> str:
        return d["day"].format(col=col)

    if dialect == "postgresql":
        top_keywords = (
            "(SELECT string_agg(k.term, ', ' ORDER BY k.rank) FROM keywords k "
            f"WHERE k.article_id = a.id AND k.rank <= {TOP_KEYWORDS})"
        )
        summary = (
            "(SELECT string_agg(h.text, ' ' ORDER BY h.rank) FROM highlights h "
            "WHERE h.article_id = a.id AND h.source = 'summary')"
        )
    else:
        # SQLite 3.40 has no ORDER BY inside group_concat; an ordered subquery keeps order.
        top_keywords = (
            "(SELECT group_concat(term, ', ') FROM (SELECT k.term FROM keywords k "
            f"WHERE k.article_id = a.id AND k.rank <= {TOP_KEYWORDS} ORDER BY k.rank))"
        )
        summary = (
            "(SELECT group_concat(text, ' ') FROM (SELECT h.text FROM highlights h "
            "WHERE h.article_id = a.id AND h.source = 'summary' ORDER BY h.rank))"
        )
    duration = d["seconds"].format(
        start="r.started_at", end="COALESCE(r.finished_at, r.heartbeat_at)"
    )

    def count_status(status: str) -> str:
        return f"COUNT(CASE WHEN i.status = '{status}' THEN 1 END) AS {status}"

    return {
        "article_overview": f"""
            SELECT a.id, a.url, a.title, p.name AS press, a.section,
                   {kst("a.published_at")} AS published_kst,
                   {top_keywords} AS top_keywords,
                   {summary} AS summary
            FROM articles a LEFT JOIN press p ON p.id = a.press_id""",
        "keyword_daily": f"""
            SELECT {day("a.published_at")} AS day, k.term,
                   COUNT(DISTINCT k.article_id) AS articles
            FROM keywords k JOIN articles a ON a.id = k.article_id
            WHERE a.published_at IS NOT NULL
            GROUP BY {day("a.published_at")}, k.term""",
        "figure_facts": f"""
            SELECT f.id AS figure_id, f.text AS figure, f.kind, f.unit, f.value, f.value_text,
                   f.approx, f.range_to, f.range_to_text, f.direction, f.subject,
                   f.converts_id, s.text AS sentence, a.id AS article_id, a.title, a.url,
                   p.name AS press, {kst("a.published_at")} AS published_kst
            FROM figures f
            JOIN articles a ON a.id = f.article_id
            LEFT JOIN sentences s ON s.id = f.sentence_id
            LEFT JOIN press p ON p.id = a.press_id""",
        "quote_facts": f"""
            SELECT q.id AS quote_id, q.speaker, q.text AS quote, s.text AS sentence,
                   a.id AS article_id, a.title, a.url, p.name AS press,
                   {kst("a.published_at")} AS published_kst
            FROM quotes q
            JOIN articles a ON a.id = q.article_id
            LEFT JOIN sentences s ON s.id = q.sentence_id
            LEFT JOIN press p ON p.id = a.press_id""",
        "quotes_by_speaker": f"""
            SELECT q.speaker, COUNT(*) AS quotes, COUNT(DISTINCT q.article_id) AS articles,
                   MIN({kst("a.published_at")}) AS first_kst,
                   MAX({kst("a.published_at")}) AS last_kst
            FROM quotes q JOIN articles a ON a.id = q.article_id
            WHERE q.speaker IS NOT NULL
            GROUP BY q.speaker""",
        "press_daily": f"""
            SELECT {day("a.published_at")} AS day, COALESCE(p.name, '(unknown)') AS press,
                   COUNT(*) AS articles
            FROM articles a LEFT JOIN press p ON p.id = a.press_id
            WHERE a.published_at IS NOT NULL
            GROUP BY {day("a.published_at")}, COALESCE(p.name, '(unknown)')""",
        "run_health": f"""
            SELECT r.id AS run_id, r.kind, r.status, r.host,
                   {kst("r.started_at")} AS started_kst,
                   {kst("r.finished_at")} AS finished_kst,
                   {duration} AS seconds,
                   COUNT(i.id) AS items,
                   {count_status("new")}, {count_status("changed")},
                   {count_status("unchanged")}, {count_status("not_modified")},
                   {count_status("failed")}, {count_status("pending")},
                   {count_status("claimed")},
                   AVG(i.total_ms) AS avg_total_ms
            FROM runs r LEFT JOIN run_items i ON i.run_id = r.id
            GROUP BY r.id, r.kind, r.status, r.host, r.started_at, r.finished_at,
                     r.heartbeat_at""",
    }


def upgrade() -> None:
    for name, body in _views(op.get_context().dialect.name).items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def downgrade() -> None:
    for name in reversed(list(_views(op.get_context().dialect.name))):
        op.execute(f"DROP VIEW IF EXISTS {name}")
