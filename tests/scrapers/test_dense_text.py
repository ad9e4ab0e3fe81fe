"""The generic parser's fast body finder: the container with the most prose, cleaned."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from scrapers.files import page_from_file
from scrapers.parse import parse_page
from scrapers.sites.base import KST, parse_document
from scrapers.sites.dense_text import dense_blocks, prose_chars

PARAGRAPHS = [
    "지난달 지역 소상공인의 카드 매출이 1년 전보다 5% 늘어난 것으로 나타났다. "
    "설 연휴를 앞두고 전통시장과 골목상권을 찾는 발길이 늘어난 영향이다.",
    "1월 카드 매출은 모두 812억원으로 집계됐다. 업종별로는 음식점이 가장 많이 늘었고 "
    "의류와 잡화가 뒤를 이었다.",
    "상인회 관계자는 온누리상품권 환급 행사가 손님을 끌어모았다고 말했다. "
    "시는 다음 달에도 같은 행사를 열 계획이다.",
]


def page(body: str) -> str:
    menu = "".join(f"<li><a href='/s/{i}'>섹션 메뉴 항목 {i}번</a></li>" for i in range(30))
    return f"""<html><head><title>t</title></head><body>
    <nav><ul>{menu}</ul></nav>
    <div id="wrap"><div class="side">오늘의 날씨 맑음</div>{body}</div>
    <footer>회사 소개 · 이용 약관 · 개인정보 처리방침 · 청소년 보호정책 · 고객센터</footer>
    </body></html>"""


def test_body_is_the_paragraphs_without_caption_related_links_or_scripts() -> None:
    related = "".join(
        f"<li><a href='/n/{i}'>다른 기사 제목 {i}번째 이야기</a></li>" for i in range(8)
    )
    body = f"""<div class="article_body">
      <div class="photo_box"><img src="a.jpg"><span>시장 풍경. 사진 제공 상인회</span></div>
      {PARAGRAPHS[0]}<br><br>{PARAGRAPHS[1]}<script>var x = "광고 스크립트";</script>
      <p>{PARAGRAPHS[2]}</p>
      <div class="related_news"><ul>{related}</ul></div>
    </div>"""
    blocks = dense_blocks(parse_document(page(body)))
    assert blocks is not None
    assert [b.text for b in blocks] == PARAGRAPHS


def test_a_page_whose_densest_text_is_links_has_no_dense_body() -> None:
    digest = "".join(
        f"<p><a href='/n/{i}'>{PARAGRAPHS[i % 3]}</a></p>" for i in range(6)
    )  # a digest of headlines: all prose sits inside links
    assert dense_blocks(parse_document(page(f"<div class='list'>{digest}</div>"))) is None


def test_a_page_with_too_little_prose_has_no_dense_body() -> None:
    assert dense_blocks(parse_document(page("<div class='body'>짧은 공지입니다.</div>"))) is None


def test_link_heavy_article_still_parses_through_the_fallback(corpus: Path) -> None:
    # A weekly digest whose every paragraph links to another article: no dense body, so
    # trafilatura extracts it.
    name = "legacy2016_khan_article_201609270932001.html"
    article = parse_page(
        page_from_file(corpus / "other" / name, "http://h2.khan.co.kr/201609270932001")
    )
    assert article.site == "generic"
    assert "경향신문 독자들은 어떤 뉴스를 가장 많이 봤을까요" in article.body_text
    # Only the text is trafilatura's: the metadata comes from the page's tags, as on pages
    # with a dense body (the outlet from <title>'s "… - 경향 ‘향이네’", not the host name).
    assert article.title == "[가지가지뉴스]9월 셋째주 경향 독자들이 가장 많이 본 뉴스"
    assert article.press == "경향 ‘향이네’"
    assert article.section == "가지가지뉴스"
    assert article.published_at == datetime(2016, 9, 27, 9, 32, tzinfo=KST)
    assert [a.name for a in article.authors] == ["박홍두"]


def test_prose_chars_counts_what_a_word_character_search_counts() -> None:
    samples = [
        "",
        " \n\t ",
        "\xa0\u3000",
        "지난달 카드 매출이 5% 늘었다.",
        "snake_case · ＡＩ 칩 ①② “인용” ‘작은’ … ⓒ 2016",
        "e\u0301 à la carte — 12,000원",
    ]
    for text in samples:
        assert prose_chars(text) == len(re.findall(r"\w", text)), text


def test_a_bold_deck_at_the_head_of_the_body_is_the_deck_not_text() -> None:
    from scrapers.sites.dense_text import dense_body

    body = f"""<div class="article_txt">
      <strong>[연속기획/ 골목 경제]<br>설 앞둔 카드 매출 5% 증가<br>음식점 가장 많이 늘어</strong>
      <br><br>{PARAGRAPHS[0]}<br><br>{PARAGRAPHS[1]}<br><br>{PARAGRAPHS[2]}
    </div>"""
    found = dense_body(parse_document(page(body)))
    assert found is not None
    # the series label is a kicker, not a deck line
    assert found.deck == ("설 앞둔 카드 매출 5% 증가", "음식점 가장 많이 늘어")
    assert [b.text for b in found.blocks] == PARAGRAPHS


def test_a_subtitle_box_at_the_head_of_the_body_is_the_deck() -> None:
    from scrapers.sites.dense_text import dense_body

    body = f"""<div class="art_body">
      <div class="art_subtit"><p><strong>ㆍ소상공인 카드 매출 집계</strong><br>
      <strong>ㆍ전통시장 발길 늘어</strong></p></div>
      <p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p>
    </div>"""
    found = dense_body(parse_document(page(body)))
    assert found is not None
    assert found.deck == ("소상공인 카드 매출 집계", "전통시장 발길 늘어")
    assert [b.text for b in found.blocks] == PARAGRAPHS


def test_a_bold_lead_made_of_sentences_stays_in_the_text() -> None:
    from scrapers.sites.dense_text import dense_body

    body = f"""<div class="article_txt">
      <p><b>{PARAGRAPHS[0]}</b></p><p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p>
    </div>"""
    found = dense_body(parse_document(page(body)))
    assert found is not None
    assert found.deck == ()
    assert [b.text for b in found.blocks] == PARAGRAPHS


def test_a_bold_dateline_that_the_text_runs_on_from_is_not_a_deck() -> None:
    from scrapers.sites.dense_text import dense_body

    body = f"""<div class="article_txt">
      <strong>[가상시=가상뉴스]</strong> {PARAGRAPHS[0]}<br><br>{PARAGRAPHS[1]}<br><br>
      {PARAGRAPHS[2]}
    </div>"""
    found = dense_body(parse_document(page(body)))
    assert found is not None
    assert found.deck == ()
    assert found.blocks[0].text == f"[가상시=가상뉴스] {PARAGRAPHS[0]}"


def test_a_bold_byline_on_its_own_line_is_not_a_deck() -> None:
    from scrapers.sites.dense_text import dense_body

    body = f"""<div class="article_txt">
      <b>홍길동 기자 hong@example.com</b><br><br>{PARAGRAPHS[0]}<br><br>{PARAGRAPHS[1]}
      <br><br>{PARAGRAPHS[2]}
    </div>"""
    found = dense_body(parse_document(page(body)))
    assert found is not None
    assert found.deck == ()


def test_a_bold_deck_after_an_empty_ad_box_is_still_the_deck() -> None:
    from scrapers.sites.dense_text import dense_body

    body = f"""<div class="article_txt"><div id="slot_top"></div><!-- 광고 --><br>
      <strong>설 앞둔 카드 매출 5% 증가</strong><br><br>
      {PARAGRAPHS[0]}<br><br>{PARAGRAPHS[1]}<br><br>{PARAGRAPHS[2]}
    </div>"""
    found = dense_body(parse_document(page(body)))
    assert found is not None
    assert found.deck == ("설 앞둔 카드 매출 5% 증가",)
    assert [b.text for b in found.blocks] == PARAGRAPHS
