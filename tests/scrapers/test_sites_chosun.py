"""Chosun: the 2016 EUC-KR pages of the corpus, URL forms, and Arc JSON decoding."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scrapers.errors import NotAnArticle, ParseError
from scrapers.files import page_from_file
from scrapers.model import Author, Page
from scrapers.parse import parse_page
from scrapers.sites import arc, canonical_url, chosun, find_site
from tests.factories import page_at

KST = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://www.chosun.com/economy/2024/03/12/Q3JZ7XKFOVBKHPLM2Y4T5WNRGE/?utm_source=naver",
            "https://www.chosun.com/economy/2024/03/12/Q3JZ7XKFOVBKHPLM2Y4T5WNRGE/",
        ),
        (
            "http://chosun.com/economy/2024/03/12/Q3JZ7XKFOVBKHPLM2Y4T5WNRGE/#comments",
            "https://www.chosun.com/economy/2024/03/12/Q3JZ7XKFOVBKHPLM2Y4T5WNRGE/",
        ),
        (
            "https://biz.chosun.com/stock/finance/2025/01/20/7YH2LQ4M3BGSDNX5KUEWT6RZPA/",
            "https://biz.chosun.com/stock/finance/2025/01/20/7YH2LQ4M3BGSDNX5KUEWT6RZPA/",
        ),
        (
            "http://news.chosun.com/site/data/html_dir/2016/09/17/2016091700921.html",
            "https://news.chosun.com/site/data/html_dir/2016/09/17/2016091700921.html",
        ),
        (
            "http://m.chosun.com/svc/article.html?sname=news&contid=2016091700921",
            "https://news.chosun.com/site/data/html_dir/2016/09/17/2016091700921.html",
        ),
    ],
)
def test_url_forms(url: str, canonical: str) -> None:
    assert find_site(url) is chosun
    assert canonical_url(url) == canonical


def legacy(corpus: Path, name: str) -> Page:
    return page_from_file(corpus / "chosun" / name)


def test_2016_article_in_euc_kr(corpus: Path) -> None:
    page = legacy(corpus, "legacy2016_article.html")
    assert page.charset == "cp949"
    article = parse_page(page)
    assert article.url == "https://news.chosun.com/site/data/html_dir/2016/09/17/2016091700921.html"
    assert (article.site, article.press) == ("chosun", "조선일보")
    assert article.title == "정부, 北 핵실험 '방사성 제논' 이번에도 검출 실패"
    assert article.subheadings == (
        "북핵 실험 분석할 유일한 단서",
        "실험 장소와 수백km 거리",
        "한국 땅·공해선 포집 어렵고 장비 성능 떨어진다는 지적도",
    )
    assert article.published_at == datetime(2016, 9, 17, 18, 59, tzinfo=KST)
    assert article.authors == (Author("박건형"),)
    assert article.section == "정치"
    assert article.paragraphs[0].startswith("정부가 지난 9일 북한이 실시한 5차 핵실험을")
    assert article.paragraphs[-1].endswith("전면적으로 시스템을 개편해야 한다”고 말했다.")
    assert len(article.paragraphs) == 6
    assert article.images[0].caption == "/조선DB"


def test_ad_script_inside_a_word_is_removed_without_a_space(corpus: Path) -> None:
    article = parse_page(legacy(corpus, "legacy2016_article.html"))
    # the page has "서둘러 도<script …cs_art_ad_center_in.js></script>입하던 당시"
    assert "서둘러 도입하던 당시" in article.body_text
    assert "cs_art_ad" not in article.body_text


def test_2016_newspaper_layout_without_h1(corpus: Path) -> None:
    article = parse_page(legacy(corpus, "legacy2016_article_2.html"))
    assert article.title == (
        "[조선일보 독자권익보호위원회 8월 정례회의] "
        "대형 기획기사 많아 반갑지만 대안 제시 취약해 허탈"
    )
    assert article.published_at == datetime(2016, 8, 12, 3, 0, tzinfo=KST)
    assert article.subheadings[0] == "'우병우 커넥션' 확실한 증거 찾는 끈질긴 추적 아쉬워"
    assert article.authors == (Author("김정형"),)
    assert article.paragraphs[0].startswith("조선일보 독자권익보호위원회(위원장 조순형 전 의원)가")
    assert "왼쪽부터 이선희" not in article.body_text  # photo caption


def test_2016_editorial(corpus: Path) -> None:
    article = parse_page(legacy(corpus, "legacy2016_article_2016091302449.html"))
    assert article.title == "[사설] 상상 못할 비극 겪기 전에 地震 대비 태세 점검하라"
    assert article.published_at == datetime(2016, 9, 14, 3, 10, tzinfo=KST)
    assert article.paragraphs[0].startswith("2010년 1월 발생한 규모 7.0 아이티 지진 때")


@pytest.mark.parametrize(
    ("name", "title", "text"),
    [
        (
            "legacy2016_article_2016091301378.html",
            "[카드뉴스] 자녀가 代이은 '키다리 아저씨'의 쌀가마 선행",
            "'얼굴없는 천사로' 온정을 전달합니다.",
        ),
        (
            "legacy2016_article_2016091301750.html",
            "[카드뉴스] '황당함'을 소재로 한 예술가, 어처구니없게 바다에 갇히다.",
            "한진해운 법정관리 사태로 바다에 표류하게 된 예술가 레베카 모스",
        ),
    ],
)
def test_card_news_keeps_its_one_line_of_text(
    corpus: Path, name: str, title: str, text: str
) -> None:
    article = parse_page(legacy(corpus, name))
    assert article.title == title
    assert article.paragraphs == (text,)
    assert "카드뉴스가 더 보고 싶다면" not in article.body_text
    assert len(article.images) > 5


def test_card_news_with_images_only_is_not_an_article(corpus: Path) -> None:
    with pytest.raises(NotAnArticle, match="card news"):
        parse_page(legacy(corpus, "legacy2016_article_2016091301145.html"))


def test_2016_list_page_is_not_an_article(corpus: Path) -> None:
    page = page_from_file(
        corpus / "chosun" / "legacy2016_article_list.html",
        "http://news.chosun.com/svc/list_in/list.html",
    )
    with pytest.raises(NotAnArticle):
        parse_page(page)


def test_2016_page_without_date_names_the_element(corpus: Path) -> None:
    page = legacy(corpus, "legacy2016_article.html")
    broken = page.text.replace('id="date_text"', 'id="gone"')
    with pytest.raises(ParseError, match="#date_text"):
        chosun.parse(page_at(page.final_url, broken))


def test_arc_json_is_decoded_whole_even_with_semicolons_and_closing_tags() -> None:
    story = {
        "type": "story",
        "headlines": {"basic": "a; b"},
        "content_elements": [{"type": "text", "content": "x;</b> y"}],
    }
    text = (
        "<script>Fusion.globalContent="
        + json.dumps(story)
        + ";Fusion.globalContentConfig={};</script>"
    )
    assert arc.global_content(text) == story


def test_arc_story_without_text_names_what_is_missing() -> None:
    story = {
        "type": "story",
        "headlines": {"basic": "제목"},
        "display_date": "2024-01-01T00:00:00Z",
        "content_elements": [{"type": "image", "url": "https://x/y.jpg"}],
    }
    url = "https://www.chosun.com/national/2024/01/01/ABC/"
    text = f"<script>Fusion.globalContent={json.dumps(story)};</script>"
    with pytest.raises(ParseError, match="content_elements"):
        chosun.parse(page_at(url, text))
