"""Naver's layouts side by side: each page is read by the layout it has.

The sports page is real (../shared/corpus/naver), its fields read by hand into
tests/data/expected_fields/; the read.nhn page with a deck and a byline box is written for
these tests (tests/fixtures/naver_layouts/), in the structure the issue describes.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scrapers.errors import NotAnArticle, ParseError
from scrapers.files import page_from_file
from scrapers.model import Article, Author, BlockKind
from scrapers.parse import parse_page
from tests.conftest import FIXTURES
from tests.factories import page_at
from tests.metrics import token_f1

DATA = Path(__file__).resolve().parent.parent / "data"
SPORTS = "sports_477_0000073768"
KST = ZoneInfo("Asia/Seoul")


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
    with pytest.raises(NotAnArticle, match="a deleted or withdrawn article"):
        parse_page(page_from_file(FIXTURES / "naver_layouts" / "deleted.html"))


# The entertainment and app layouts are built from the structure public scrapers document
# (docs/design.md); the pages below are written for these tests in that structure.
LAYOUT_FIXTURES = FIXTURES / "naver_layouts"


def layout_page(name: str) -> Article:
    return parse_page(page_from_file(LAYOUT_FIXTURES / name))


def test_the_entertainment_layout_gives_every_field() -> None:
    article = layout_page("entertain_read.html")
    assert article.url == "https://n.news.naver.com/mnews/article/312/0000654321"
    assert (article.title, article.press, article.press_code, article.section) == (
        "신인 밴드 '파도소리', 첫 단독 공연 매진",
        "가상스포츠",
        "312",
        "연예",
    )
    assert article.published_at == datetime(2022, 3, 4, 17, 7, tzinfo=KST)
    assert article.updated_at == datetime(2022, 3, 4, 18, 15, tzinfo=KST)
    assert article.authors == (Author("홍예린", "yerin.hong@example.co.kr"),)
    assert [i.caption for i in article.images] == ["밴드 파도소리. 사진 제공=가상레코드"]
    assert article.paragraphs[0] == "신인 밴드 파도소리가 첫 단독 공연 표를 모두 팔았다."
    assert article.paragraphs[-1].endswith("추가 공연을 검토하고 있다고 전했다.")
    for furniture in ("다른 기사 보기", "무단 전재", "@example.co.kr", "사진 제공"):
        assert furniture not in article.body_text
    assert article.extra["layout"] == "entertain"


def test_the_app_layout_gives_every_field() -> None:
    article = layout_page("app_entertain.html")
    assert article.url == "https://n.news.naver.com/mnews/article/108/0003300001"
    assert (article.title, article.press, article.section) == (
        "가수 이가상, 데뷔 10주년 기념 음반 발표",
        "가상연예신문",
        "연예",
    )
    assert article.published_at == datetime(2024, 6, 11, 9, 5, tzinfo=KST)
    assert article.updated_at == datetime(2024, 6, 11, 10, 40, tzinfo=KST)
    assert article.authors == (Author("박나래온", "naraeon@example.com"),)
    assert [i.caption for i in article.images] == ["가수 이가상. 사진 제공=가상엔터"]
    assert len(article.paragraphs) == 3
    assert "사진 제공" not in article.body_text
    assert article.extra["layout"] == "app"


def test_an_entertainment_page_without_its_headline_fails_naming_it() -> None:
    with pytest.raises(ParseError, match=r"h2\.end_tit") as caught:
        layout_page("entertain_no_title.html")
    assert not isinstance(caught.value, NotAnArticle)


def test_an_app_page_in_an_unknown_structure_fails_loudly() -> None:
    with pytest.raises(ParseError, match=r"#articeBody, \._article_content") as caught:
        layout_page("app_host_unknown_layout.html")
    assert not isinstance(caught.value, NotAnArticle)


def test_the_app_shell_is_refused_with_the_url_to_fetch_instead() -> None:
    with pytest.raises(NotAnArticle, match="shell of Naver's entertainment/sports app") as caught:
        layout_page("app_shell.html")
    assert "fetch https://n.news.naver.com/article/109/0005000001 instead" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "what"),
    [("video_only.html", "a video-only page"), ("photo_gallery.html", "a photo gallery")],
)
def test_pages_without_article_text_are_refused_as_what_they_are(name: str, what: str) -> None:
    with pytest.raises(NotAnArticle, match=what) as caught:
        layout_page(name)
    assert "\n" not in str(caught.value)


def test_a_page_that_says_it_is_a_video_is_refused_as_one_without_a_known_player() -> None:
    html = (LAYOUT_FIXTURES / "video_only.html").read_text(encoding="utf-8")
    html = html.replace(
        '<div class="vod_player_wrap _VOD_PLAYER_WRAP" data-video-id="ABC123">', "<div>"
    )
    assert "vod_player" not in html  # only og:type video.other says what it is
    page = page_at("https://n.news.naver.com/mnews/article/052/0002000001", html)
    with pytest.raises(NotAnArticle, match="a video-only page"):
        parse_page(page)


def test_a_news_page_with_a_video_and_text_is_an_article() -> None:
    html = (LAYOUT_FIXTURES / "video_only.html").read_text(encoding="utf-8")
    story = "도심 하천에서 수달 가족이 처음 발견됐다. 시는 하천 보호 구역을 넓히기로 했다."
    html = html.replace("영상취재: 조가상<br>", f"{story}<br>영상취재: 조가상<br>")
    article = parse_page(page_at("https://n.news.naver.com/mnews/article/052/0002000001", html))
    assert article.paragraphs == (story,)


@pytest.mark.parametrize(
    ("author", "og_url", "press", "section"),
    [
        (
            "네이버 연예 | 가상연예신문",
            "https://m.entertain.naver.com/article/108/0003300001",
            "가상연예신문",
            "연예",
        ),
        # the press first, and a press whose name says 스포츠: the section is Naver's service
        (
            "스포츠가상 | 네이버 연예",
            "https://m.entertain.naver.com/article/108/0003300001",
            "스포츠가상",
            "연예",
        ),
        (
            "네이버 스포츠 | 가상일보",
            "https://m.sports.naver.com/kbaseball/article/108/0003300001",
            "가상일보",
            "스포츠",
        ),
    ],
)
def test_the_app_layout_reads_press_and_service_from_og_article_author(
    author: str, og_url: str, press: str, section: str
) -> None:
    html = (LAYOUT_FIXTURES / "app_entertain.html").read_text(encoding="utf-8")
    html = html.replace("네이버 연예 | 가상연예신문", author).replace(
        "https://m.entertain.naver.com/article/108/0003300001", og_url
    )
    article = parse_page(page_at(og_url, html))
    assert (article.press, article.section) == (press, section)


def test_a_naver_list_page_is_refused_as_a_list_page(corpus: Path) -> None:
    page = page_from_file(corpus / "naver" / "list_section105_it.html")
    with pytest.raises(NotAnArticle, match="a list or search page") as caught:
        parse_page(page)
    assert "\n" not in str(caught.value)
