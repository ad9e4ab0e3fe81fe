"""Daum News: both real layouts in the corpus, field by field, and the URL forms of an article.

Each corpus page has its fields read by hand in tests/data/expected_fields/<stem>.json and its
text in tests/data/expected_bodies/<stem>.txt. The pages written for the refusals (deleted,
video-only, photo-only, list) are in tests/fixtures/sites/daum, checked by
test_sites_fixtures.py; here, what those cannot show: the layout chosen by the page, the
errors that name what is missing, the canonical URL forms.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scrapers.errors import NotAnArticle, ParseError
from scrapers.files import page_from_file
from scrapers.model import Article, BlockKind, Page
from scrapers.parse import parse_page
from scrapers.sites import canonical_url, daum, find_site
from tests.conftest import FIXTURES
from tests.metrics import token_f1

DATA = Path(__file__).resolve().parent.parent / "data"
FIELDS = sorted((DATA / "expected_fields").glob("article_*v_*.json"))
BODY_F1_FLOOR = 0.98
OLD_PAGE = "article_news_v_20180516162315753"
NEW_PAGE = "article_v_20260321214325415_ytn"


def corpus_page(corpus: Path, stem: str) -> Path:
    path = corpus / "daum" / f"{stem}.html"
    if not path.is_file():
        pytest.skip(f"daum/{stem}.html not in this corpus")
    return path


def expected(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (DATA / "expected_fields" / f"{stem}.json").read_text(encoding="utf-8")
    )
    return data


def parse_corpus(corpus: Path, stem: str, url: str | None = None) -> Article:
    return parse_page(page_from_file(corpus_page(corpus, stem), url))


def page_with(text: str, url: str) -> Page:
    from datetime import UTC, datetime

    return Page(
        url=url,
        final_url=url,
        status=200,
        headers={},
        content=text.encode(),
        text=text,
        charset="utf-8",
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_the_corpus_pages_have_their_fields_written_down() -> None:
    assert [p.stem for p in FIELDS] == [OLD_PAGE, NEW_PAGE]


@pytest.mark.parametrize("spec", FIELDS, ids=lambda p: p.stem)
def test_corpus_page_fields(corpus: Path, spec: Path) -> None:
    want = expected(spec.stem)
    article = parse_corpus(corpus, spec.stem, want["source_url"])
    for key in ("url", "site", "press", "title", "section", "original_url"):
        assert getattr(article, key) == want[key], key
    assert list(article.subheadings) == want["subheadings"]
    for key in ("published_at", "updated_at"):
        value = getattr(article, key)
        assert (value.isoformat() if value else None) == want[key], key
    assert [{"name": a.name, "email": a.email} for a in article.authors] == want["authors"]
    assert [{"url": i.url, "caption": i.caption} for i in article.images] == want["images"]
    assert [{"url": r.url, "title": r.title} for r in article.related] == want["related"]
    assert article.parser == "daum"


@pytest.mark.parametrize("spec", FIELDS, ids=lambda p: p.stem)
def test_corpus_page_body(corpus: Path, spec: Path) -> None:
    want = expected(spec.stem)
    article = parse_corpus(corpus, spec.stem, want["source_url"])
    reference = (DATA / "expected_bodies" / f"{spec.stem}.txt").read_text(encoding="utf-8")
    score = token_f1(article.body_text, reference)
    assert score >= BODY_F1_FLOOR, f"{spec.stem}: token F1 {score:.3f}"
    # Captions are CAPTION blocks (and image captions), never paragraphs.
    captions = {i.caption for i in article.images if i.caption}
    assert not captions & set(article.paragraphs)
    caption_blocks = [b.text for b in article.blocks if b.kind is BlockKind.CAPTION]
    assert len(caption_blocks) == len(captions)


def test_corpus_page_without_daum_or_press_furniture(corpus: Path) -> None:
    text = "\n".join(
        parse_corpus(corpus, stem, expected(stem)["source_url"]).body_text
        for stem in (OLD_PAGE, NEW_PAGE)
    )
    for furniture in (
        "기사 도구 모음",
        "자동요약",
        "본문 보기를 권장합니다",  # the automatic summary's notice
        "해당 언론사로",
        "주요 뉴스",
        "추천뉴스",
        "직접 확인하세요",
        "[앵커]",
        "[기자]",
        "김이영입니다",  # the sign-off
        "영상기자",
        "영상편집",
        "제보",
        "채널 추가",
        "02-398-8585",
        "@",
        "무단전재",
        "Copyright",
        "이근홍 기자 =",
    ):
        assert furniture not in text, furniture


def test_short_id_page_gets_the_long_canonical_url(corpus: Path) -> None:
    # Read from disk without a URL, the page's own og:url (the short id) is the URL.
    page = page_from_file(corpus_page(corpus, OLD_PAGE))
    assert page.final_url == "https://news.v.daum.net/v/oU43f89lSh"
    assert parse_page(page).url == "https://v.daum.net/v/20180516162315753"


def test_layout_is_chosen_by_the_page_not_the_url(corpus: Path) -> None:
    # Each page served under the other layout's host still parses by its own layout.
    old = parse_corpus(corpus, OLD_PAGE, "https://v.daum.net/v/20180516162315753")
    new = parse_corpus(corpus, NEW_PAGE, "https://news.v.daum.net/v/20260321214325415")
    assert old.extra["layout"] == "news_v"
    assert new.extra["layout"] == "box_view"
    assert (old.press, new.press) == ("뉴시스", "YTN")


def test_page_of_neither_layout_names_the_missing_article_view() -> None:
    page = page_with(
        "<html><head><title>x</title></head><body><h3 class='tit_view'>제목</h3>"
        "<div class='article_view'><p>본문이 다른 틀에 있다.</p></div></body></html>",
        "https://v.daum.net/v/20240101000000000",
    )
    with pytest.raises(ParseError, match="article view") as caught:
        daum.parse(page)
    assert not isinstance(caught.value, NotAnArticle)
    assert "div#harmonyContainer.article_view" in str(caught.value)
    assert "article#mArticle.box_view" in str(caught.value)


def fixture_text(name: str) -> str:
    return (FIXTURES / "sites" / "daum" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fixture", "remove", "missing"),
    [
        ("box_view_minimal.html", '<h3 class="tit_view" data-translation="true">', "title"),
        ("box_view_minimal.html", '<span class="num_date">', "publication time"),
        ("news_v_minimal.html", '<span class="num_date">2021. 03. 04. 09:15</span>', "publication"),
    ],
)
def test_layout_page_missing_an_element_names_it(fixture: str, remove: str, missing: str) -> None:
    text = fixture_text(fixture)
    assert remove in text
    page = page_with(text.replace(remove, "<span>", 1), "https://v.daum.net/v/20250611184533120")
    with pytest.raises(ParseError, match=missing):
        daum.parse(page)


def test_page_without_a_press_is_refused() -> None:
    text = fixture_text("box_view_minimal.html").replace(">한빛방송</a>", "></a>")
    page = page_with(text, "https://v.daum.net/v/20250611184533120")
    with pytest.raises(ParseError, match="press"):
        daum.parse(page)


def test_deleted_notice_inside_the_article_view_is_refused() -> None:
    text = fixture_text("box_view_minimal.html")
    start = text.index('<section dmcf-sid="bx0001">')
    end = text.index("</section>", start)
    text = text[:start] + "<section><p>언론사 요청에 의해 삭제된 기사입니다.</p>" + text[end:]
    page = page_with(text, "https://v.daum.net/v/20250611184533120")
    with pytest.raises(NotAnArticle, match="deleted article"):
        daum.parse(page)


def test_an_article_quoting_the_deleted_notice_is_still_an_article() -> None:
    text = fixture_text("box_view_minimal.html").replace(
        "다시 문을 열었습니다.</p>",
        "다시 문을 열었습니다.</p>"
        "<p>예전 공지는 '삭제된 기사입니다'라는 문구만 남아 있었습니다.</p>",
    )
    article = daum.parse(page_with(text, "https://v.daum.net/v/20250611184533120"))
    assert "삭제된 기사입니다" in article.body_text


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://v.daum.net/v/20260321214325415", "https://v.daum.net/v/20260321214325415"),
        ("http://v.daum.net/v/20260321214325415/", "https://v.daum.net/v/20260321214325415"),
        (
            "https://news.v.daum.net/v/20180516162315753?f=o#comment",
            "https://v.daum.net/v/20180516162315753",
        ),
        (
            "https://news.v.daum.net/v/20180516162315753?s=print_news",
            "https://v.daum.net/v/20180516162315753",
        ),
        ("http://v.media.daum.net/v/20170615203441266", "https://v.daum.net/v/20170615203441266"),
        ("https://NEWS.V.DAUM.NET/v/20180516162315753", "https://v.daum.net/v/20180516162315753"),
        # A short id cannot be turned into the long one without the page: it stays short.
        ("https://news.v.daum.net/v/oU43f89lSh", "https://v.daum.net/v/oU43f89lSh"),
        # Not article pages: normalised only.
        ("https://v.daum.net/channel/23/home?utm_source=x", "https://v.daum.net/channel/23/home"),
    ],
)
def test_canonical_url_forms(url: str, canonical: str) -> None:
    assert daum.canonical_url(url) == canonical
    assert canonical_url(url) == canonical  # through the registry


def test_daum_is_registered_before_the_generic_parser() -> None:
    assert find_site("https://v.daum.net/v/20260321214325415").NAME == "daum"
    assert find_site("https://news.v.daum.net/v/oU43f89lSh").NAME == "daum"
    # Daum's news front and section pages hold no article of their own: not this parser's.
    assert find_site("https://news.daum.net/society").NAME == "generic"
    assert daum.article_id("https://v.daum.net/channel/23/home") is None
    assert daum.article_id("https://example.com/v/20260321214325415") is None


def test_deleted_notice_where_the_title_was_is_refused_as_deleted() -> None:
    title = "강변 산책로 새 단장…야간 조명 500개 설치"
    text = fixture_text("box_view_minimal.html").replace(
        f'<h3 class="tit_view" data-translation="true">{title}</h3>',
        "<p class='txt_empty'>삭제된 기사입니다.</p>",
    )
    assert title not in text.split("<body>", 1)[1]
    page = page_with(text, "https://v.daum.net/v/20250611184533120")
    with pytest.raises(NotAnArticle, match="deleted article"):
        daum.parse(page)


def test_list_page_with_a_headline_about_deleted_articles_is_a_list() -> None:
    text = fixture_text("channel_list.html").replace(
        "도심 공원 야외 공연 재개", "“삭제된 기사입니다” 안내만 남은 포털"
    )
    page = page_with(text, "https://v.daum.net/channel/99/home")
    with pytest.raises(NotAnArticle, match=r"list page, no article view \(3 article links\)"):
        daum.parse(page)
