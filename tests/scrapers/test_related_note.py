"""A stored article's note lists under "#### 연관기사 링크" the page's related links only."""

from __future__ import annotations

from sqlalchemy import Engine

from pipeline.notes.from_store import render_stored_note
from pipeline.notes.render import RELATED_HEADING
from scrapers.files import page_from_file
from scrapers.parse import parse_page
from storage.save import save_article
from tests import factories
from tests.conftest import FIXTURES


def related_section(markdown: str) -> list[str]:
    lines = markdown.splitlines()
    return [line for line in lines[lines.index(RELATED_HEADING) + 1 :] if line]


def stored_note(engine: Engine, fixture: str) -> str:
    parsed = parse_page(page_from_file(FIXTURES / "related" / fixture))
    saved = save_article(engine, factories.article(related=parsed.related), factories.analysis())
    return render_stored_note(engine, saved.article_id)


def test_note_lists_the_body_box_not_the_press_picks_or_rankings(engine: Engine) -> None:
    assert related_section(stored_note(engine, "naver_body_box.html")) == [
        "[삼성전자, HBM 12단 양산 돌입 - 중앙일보](https://www.joongang.co.kr/article/25200001)",
        "[D램 가격 반등…“바닥 지났다” - 중앙일보](https://www.joongang.co.kr/article/25200002)",
        "[반도체 재고 4주 이하로 감소 - 중앙일보](https://www.joongang.co.kr/article/25200003)",
    ]


def test_note_of_a_page_without_related_links_lists_none(engine: Engine) -> None:
    markdown = stored_note(engine, "naver_picks_only.html")
    assert RELATED_HEADING in markdown.splitlines()
    assert related_section(markdown) == []
    assert "로또" not in markdown
