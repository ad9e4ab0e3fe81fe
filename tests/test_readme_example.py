"""The README's Quick start page: an invented article on a reserved domain, never mistaken
for the real article of the example study note."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import FIXTURES, REPO
from tests.test_cli_basics import run

EXAMPLE = REPO / "examples" / "example_article.html"
EXAMPLE_NOTE = FIXTURES / "analysis" / "example-note.md"  # the real note's article


def test_the_example_page_says_it_is_invented_and_lives_on_example_com() -> None:
    html = EXAMPLE.read_text(encoding="utf-8")
    assert "invented" in html
    parsed = run("parse", str(EXAMPLE), "--json")
    assert parsed.returncode == 0, parsed.stderr
    article = json.loads(parsed.stdout)
    assert article["url"].startswith("https://news.example.com/")
    assert article["press"] == "예시경제"
    assert article["subheadings"] == [
        "글로벌 펀드 주도로 기업가치 두 배로",
        "데이터센터·연구 인력 확보에 투입",
    ]
    assert article["published_at"] == "2025-06-10T09:12:00+09:00"
    assert "한빛AI 제공" not in article["body_text"]  # the photo caption


def test_quick_start_then_the_example_note_are_two_articles(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    ingested = run("ingest", str(EXAMPLE), "--note", "--db", str(db))
    assert ingested.returncode == 0, ingested.stderr
    assert "https://news.example.com/" in ingested.stdout
    imported = run("import-note", str(EXAMPLE_NOTE), "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, title FROM articles ORDER BY id").fetchall()
    assert len(rows) == 2, rows
    assert rows[0][1].startswith("국내 AI 스타트업")
    assert "0004906221" in rows[1][0]
    assert rows[1][1].startswith("떡잎 보이면 뭉칫돈")
