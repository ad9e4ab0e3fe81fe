"""Related links are the ones a page presents as related to its article, and only those.

Rankings, most-read lists, recommendations and the press's own picks around an article
(Naver's "주요뉴스 … 해당 언론사에서 선정", "랭킹 뉴스", "많이 본 뉴스"; Daum's "주요 뉴스";
Donga's "오늘의 화제뉴스") are never related links; a 관련기사 box or line in the body is.
Checked on the corpus's real pages and on pages written for these tests
(tests/fixtures/related).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.files import page_from_file
from scrapers.model import Article
from scrapers.parse import parse_page
from scrapers.sites.base import has_class, parse_document, text_of
from scrapers.sites.related import related_in_body
from tests.conftest import FIXTURES
from tests.scrapers.test_sites_corpus import (
    IMAGE_ONLY,
    UNSUPPORTED,
    or_skip,
    provenance,
    url_of,
)

RELATED = FIXTURES / "related"

# Every corpus article page with related links, and those links; every other page has none.
CORPUS_RELATED: dict[str, list[tuple[str, str]]] = {
    # Donga's 관련기사 box in the body (the keyword search links beside its heading left out)
    "other/legacy2016_donga_article_20160918_80317105.html": [
        ("http://news.donga.com/rel/3/all/20160918/80317108/1", "확 바뀐 2016 추석장사씨름대회"),
        (
            "http://news.donga.com/rel/3/all/20160918/80316845/1",
            "[커버스토리]식은 모래판 부활의 한판",
        ),
        (
            "http://news.donga.com/rel/3/all/20160918/80317095/1",
            "스모, 11만 원짜리 입장권 매진… 식을 줄 모르는 열기",
        ),
        (
            "http://news.donga.com/rel/3/all/20160918/80317076/1",
            "갈 곳 잃은 옛 장사들, 다단계-격투기-막노동 전전",
        ),
    ],
    "other/legacy2016_donga_article_20160918_80317108.html": [
        (
            "http://news.donga.com/rel/3/all/20160918/80317105/1",
            "예산 증액… 협회 통합… “룰 바꿔 기술씨름 되살려야”",
        ),
        (
            "http://news.donga.com/rel/3/all/20160918/80316845/1",
            "[커버스토리]식은 모래판 부활의 한판",
        ),
        (
            "http://news.donga.com/rel/3/all/20160918/80317095/1",
            "스모, 11만 원짜리 입장권 매진… 식을 줄 모르는 열기",
        ),
        (
            "http://news.donga.com/rel/3/all/20160918/80317076/1",
            "갈 곳 잃은 옛 장사들, 다단계-격투기-막노동 전전",
        ),
    ],
    "other/legacy2016_donga_article_20160918_80317115.html": [
        (
            "http://news.donga.com/rel/3/all/20160918/80316916/1",
            "항공 58편-뱃길 33개 운항차질 ‘귀경 발동동’",
        ),
        (
            "http://news.donga.com/rel/3/all/20160918/80316831/1",
            "보름달 밀어낸 태풍… 귀경길 물폭탄",
        ),
    ],
    # the 2016 Chosun page's related list (#rel_art_list_id), in canonical form
    "chosun/legacy2016_article_2016091302449.html": [
        (
            "https://news.chosun.com/site/data/html_dir/2016/09/13/2016091302451.html",
            "[사설] 北核이란 癌은 보수 정권 9년간에도 커 왔다",
        ),
    ],
}

# The lists around the corpus's articles that are never related to them: rankings, most-read
# lists, recommendations, the press's picks and issues (class names as the pages write them).
NOT_RELATED_BOXES = [
    # Naver: the press's picks ("주요뉴스", and "관련뉴스" over the same in the old layout),
    # its issues, its ranking, its most-read feed, the old layout's most-read lists
    "media_end_linked",
    "link_news",
    "related_issue",
    "rankingnews",
    "comp_feed_wrap",
    "section_list_ranking",
    # Daum: the press's picks ("YTN에서 직접 확인하세요", "뉴시스 주요 뉴스"), recommendations
    "viewrelate_wrap",
    "cp_view",
    "box_news_recomm",
    "realtime_news",
    # Donga: today's talked-about news, most-recommended; Khan: most-read
    "todayDongaHotNews",
    "clickNews6",
    "news_popular",
    "opinion_popular",
]
NOT_RELATED_XPATH = " | ".join(
    f"descendant::*[{has_class(name)}]/descendant::a[@href]" for name in NOT_RELATED_BOXES
)


def corpus_articles() -> list[object]:
    rows = [
        r
        for r in provenance()
        if r["kind"] == "article"
        and r["file"] not in IMAGE_ONLY
        and r["file"] not in UNSUPPORTED
        and "trap_" not in r["file"]
    ]
    return or_skip([pytest.param(r, id=r["file"]) for r in rows])


ARTICLES = corpus_articles()


def parse_corpus(corpus: Path, row: dict[str, str]) -> Article:
    return parse_page(page_from_file(corpus / row["file"], url_of(row)))


def parse_fixture(name: str, url: str | None = None) -> Article:
    return parse_page(page_from_file(RELATED / name, url))


def pairs(article: Article) -> list[tuple[str, str]]:
    return [(r.url, r.title) for r in article.related]


@pytest.mark.parametrize("row", ARTICLES)
def test_corpus_pages_give_only_their_related_links(corpus: Path, row: dict[str, str]) -> None:
    article = parse_corpus(corpus, row)
    assert pairs(article) == CORPUS_RELATED.get(row["file"], [])


@pytest.mark.parametrize("row", ARTICLES)
def test_ranking_picks_and_recommendations_are_never_related(
    corpus: Path, row: dict[str, str]
) -> None:
    article = parse_corpus(corpus, row)
    root = parse_document(page_from_file(corpus / row["file"], url_of(row)).text)
    listed = {text_of(a) for a in root.xpath(NOT_RELATED_XPATH)} - {""}
    listed_urls = {str(a.get("href")) for a in root.xpath(NOT_RELATED_XPATH)}
    assert not listed & {r.title for r in article.related}
    assert not listed_urls & {r.url for r in article.related}


def test_the_corpus_has_the_lists_that_must_not_be_related(corpus: Path) -> None:
    """The check above is not vacuous: the Naver pages carry the press's picks, rankings
    and most-read lists, and so do the Daum, Donga and Khan pages."""
    with_lists = set()
    for param in ARTICLES:
        (row,) = param.values  # type: ignore[attr-defined]
        root = parse_document(page_from_file(corpus / row["file"], url_of(row)).text)
        if root.xpath(NOT_RELATED_XPATH):
            with_lists.add(row["file"].split("/")[0])
    assert with_lists >= {"naver", "daum", "other"}


def test_naver_press_picks_under_a_laptop_article_are_not_its_related_articles(
    corpus: Path,
) -> None:
    path = corpus / "naver" / "article_003_0012577249.html"
    page = page_from_file(path, "https://n.news.naver.com/mnews/article/003/0012577249")
    assert "'최동석과 이혼' 박지윤" in page.text  # "뉴시스 주요뉴스" under the article
    article = parse_page(page)
    assert article.title == "AI 노트북 3대 중 2대…삼성 '갤럭시 북4 엣지' 뜬다"
    assert article.related == ()


def test_naver_body_box_and_line_are_related_the_lists_around_it_are_not() -> None:
    article = parse_fixture("naver_body_box.html")
    assert pairs(article) == [
        ("https://www.joongang.co.kr/article/25200001", "삼성전자, HBM 12단 양산 돌입"),
        ("https://www.joongang.co.kr/article/25200002", "D램 가격 반등…“바닥 지났다”"),
        ("https://www.joongang.co.kr/article/25200003", "반도체 재고 4주 이하로 감소"),
    ]
    assert {r.press for r in article.related} == {"중앙일보"}
    titles = " ".join(r.title for r in article.related)
    for other in ("열애설", "이혼 소송", "보디 프로필", "원 구성", "파경", "로또", "유튜버"):
        assert other not in titles  # recommendations, picks, issues, ranking, most-read
    # the box is still not body text
    assert "HBM 12단" not in article.body_text


def test_naver_page_with_only_picks_and_rankings_has_no_related_links() -> None:
    assert parse_fixture("naver_picks_only.html").related == ()


def test_generic_body_box_and_line_are_related() -> None:
    url = "http://news.dongne.example/List/3/all/20160918/80317108/1"
    article = parse_fixture("generic_related_box.html", url)
    assert article.parser == "generic"
    assert pairs(article) == [
        (
            "http://news.dongne.example/rel/3/all/20160918/80317105/1",
            "예산 증액… 협회 통합… “룰 바꿔 기술씨름 되살려야”",
        ),
        (
            "http://news.dongne.example/rel/3/all/20160918/80316845/1",
            "[커버스토리]식은 모래판 부활의 한판",
        ),
        (
            "http://news.dongne.example/rel/3/all/20160918/80317076/1",
            "갈 곳 잃은 옛 장사들, 다단계-격투기-막노동 전전",
        ),
    ]
    assert {r.press for r in article.related} == {"동네일보"}
    # not: the page itself, keyword searches, a link in prose, the press's picks in a box
    # its class calls "related", a best-of box, the side column's most-read and recommended
    urls = {r.url for r in article.related}
    assert url not in urls
    assert not any("search" in u or "80300001" in u or "8031900" in u for u in urls)


def test_nate_body_box_is_related_the_most_read_list_is_not() -> None:
    article = parse_fixture("nate_rel_news.html")
    assert pairs(article) == [
        ("https://news.nate.com/view/20240424n00111", "한은 “2분기 성장률 둔화 가능성”"),
        ("https://news.nate.com/view/20240423n00222", "수출 7개월 연속 증가"),
    ]
    assert "수출 7개월" not in article.body_text


def test_chosun_2016_related_list_is_related_the_most_read_list_is_not() -> None:
    article = parse_fixture("chosun_2016_rel_art_list.html")
    assert pairs(article) == [
        (
            "https://news.chosun.com/site/data/html_dir/2016/09/13/2016091302451.html",
            "[사설] 北核이란 癌은 보수 정권 9년간에도 커 왔다",
        ),
        (
            "https://news.chosun.com/site/data/html_dir/2016/09/13/2016091300201.html",
            "경주 규모 5.8 지진… 관측 이래 최대",
        ),
    ]
    assert {r.press for r in article.related} == {"조선일보"}


BASE = "https://news.example.com/article/1"


def related(body: str) -> list[tuple[str, str]]:
    root = parse_document(f"<html><body><div id='body'>{body}</div></body></html>")
    (element,) = root.xpath("descendant::div[@id='body']")
    return related_in_body(element, BASE)


def items(*titles: str) -> str:
    return "".join(f"<li><a href='/a/{n}'>{t}</a></li>" for n, t in enumerate(titles))


@pytest.mark.parametrize(
    "heading",
    ["관련기사", "관련 기사", "[관련기사]", "관련기사 2", "연관기사", "▶ 관련뉴스", "관련기사 :"],
)
def test_a_box_under_a_related_heading_is_kept(heading: str) -> None:
    box = f"<div class='box'><h3>{heading}</h3><ul>{items('금리 인상 여파 계속')}</ul></div>"
    assert related(f"<p>본문 문장입니다.</p>{box}") == [
        ("https://news.example.com/a/0", "금리 인상 여파 계속")
    ]


@pytest.mark.parametrize(
    "heading",
    [
        "이 기사 어때요",  # Joongang's recommendations, in the same box shape
        "디지털타임스 관련뉴스",  # Naver's old layout, over the press's picks
        "관련 업계",
        "많이 본 뉴스",
        "추천 기사",
        "주요뉴스",
    ],
)
def test_a_box_under_any_other_heading_is_not(heading: str) -> None:
    box = f"<div class='box'><h3>{heading}</h3><ul>{items('금리 인상 여파 계속')}</ul></div>"
    assert related(f"<p>본문 문장입니다.</p>{box}") == []


@pytest.mark.parametrize("marks", ["class='rank_box'", "class='newsRanking'", "id='mostViewed'"])
def test_a_related_heading_over_a_ranking_box_is_not_trusted(marks: str) -> None:
    box = f"<div {marks}><h3>관련기사</h3><ul>{items('금리 인상 여파 계속')}</ul></div>"
    assert related(box) == []


def test_a_box_with_more_links_than_a_related_box_holds_is_a_list_of_another_kind() -> None:
    titles = [f"기사 제목 {n}번입니다" for n in range(20)]
    assert related(f"<div><h3>관련기사</h3><ul>{items(*titles)}</ul></div>") == []


def test_a_labelled_line_links_its_article() -> None:
    body = (
        "<p>본문입니다.<br>☞ 관련기사 <a href='/a/1'>정부, 전기요금 동결</a><br>"
        "<a href='/a/2'>▶관련기사: 한전 적자 확대</a><br>"
        "<b>[관련기사]</b> <a href='/a/3'>가스요금도 묶여</a></p>"
    )
    assert related(body) == [
        ("https://news.example.com/a/1", "정부, 전기요금 동결"),
        ("https://news.example.com/a/2", "한전 적자 확대"),
        ("https://news.example.com/a/3", "가스요금도 묶여"),
    ]


def test_links_in_prose_searches_scripts_and_the_page_itself_are_not_related() -> None:
    body = (
        "<p>이와 관련해 <a href='/a/9'>정부가 발표한 대책</a>은 다음과 같다.</p>"
        "<div><h3>관련기사</h3><ul>"
        "<li><a href='/search?query=금리'>금리 검색 결과</a></li>"
        "<li><a href='javascript:void(0)'>자바스크립트 링크</a></li>"
        f"<li><a href='{BASE}'>이 기사 자신의 제목</a></li>"
        "<li><a href='/a/5'>관련기사</a></li>"
        "</ul></div>"
    )
    assert related(body) == []


def test_a_page_without_related_links_has_none() -> None:
    assert related("<p>본문만 있는 기사입니다. <a href='/a/1'>링크 하나</a></p>") == []
