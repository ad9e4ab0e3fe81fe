"""Naver's layouts side by side: each page is read by the layout it has.

The sports page is real (../shared/corpus/naver), its fields read by hand into
tests/data/expected_fields/; the read.nhn page with a deck and a byline box is written for
these tests (tests/fixtures/naver_layouts/), in the structure the issue describes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.files import page_from_file
from scrapers.model import BlockKind
from scrapers.parse import parse_page
from tests.conftest import FIXTURES
from tests.metrics import token_f1

DATA = Path(__file__).resolve().parent.parent / "data"
SPORTS = "sports_477_0000073768"


def test_the_sports_layout_gives_every_field_read_by_hand(corpus: Path) -> None:
    want = json.loads((DATA / "expected_fields" / f"{SPORTS}.json").read_text(encoding="utf-8"))
    article = parse_page(page_from_file(corpus / "naver" / f"{SPORTS}.html", want["source_url"]))
    for key in ("url", "site", "press", "title", "section", "original_url"):
        assert getattr(article, key) == want[key], key
    assert list(article.subheadings) == want["subheadings"]
    assert article.published_at is not None
    assert article.published_at.isoformat() == want["published_at"]
    assert article.updated_at is None
    assert [{"name": a.name, "email": a.email} for a in article.authors] == want["authors"]
    assert [{"url": i.url, "caption": i.caption} for i in article.images] == want["images"]
    assert [r.url for r in article.related] == want["related"]
    body = (DATA / "expected_bodies" / f"{SPORTS}.txt").read_text(encoding="utf-8")
    assert token_f1(article.body_text, body) >= 0.98
    assert "spoon.spotvnews" not in article.body_text  # the press's promoted links


def test_the_read_nhn_layout_puts_deck_caption_and_byline_where_they_belong() -> None:
    article = parse_page(page_from_file(FIXTURES / "naver_layouts" / "read_nhn_deck_byline.html"))
    assert article.url == "https://n.news.naver.com/mnews/article/009/0004999001"
    assert article.subheadings == ("메모리 단가 반등에 수출 회복", "하반기 누적 흑자 전환 기대")
    assert article.paragraphs[0] == "반도체 수출이 석 달 연속 늘었다."
    assert not any("부산항" in p or "구독" in p for p in article.paragraphs)
    assert [i.caption for i in article.images] == [
        "부산항 신선대부두에 컨테이너가 쌓여 있다. [연합뉴스]"
    ]
    assert [(a.name, a.email) for a in article.authors] == [("김하늘", "sky@mk.co.kr")]
    assert article.press == "매일경제"
    assert all(b.kind is BlockKind.PARAGRAPH for b in article.blocks)


def test_a_deleted_article_is_refused_as_what_it_is() -> None:
    from scrapers.errors import NotAnArticle

    with pytest.raises(NotAnArticle, match="a deleted or withdrawn article"):
        parse_page(page_from_file(FIXTURES / "naver_layouts" / "deleted.html"))
