"""Naver News: URL forms, the saved corpus pages (current and 2020 layouts), failures."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scrapers.errors import DecodeError, NotAnArticle, ParseError
from scrapers.files import page_from_file
from scrapers.model import Article, Author, Page
from scrapers.parse import parse_page
from scrapers.sites import canonical_url, find_site, naver
from tests.conftest import REPO
from tests.factories import page_at

KST = ZoneInfo("Asia/Seoul")
CANONICAL = "https://n.news.naver.com/mnews/article/015/0004906221"


@pytest.mark.parametrize(
    "url",
    [
        "https://n.news.naver.com/article/015/0004906221",
        "https://n.news.naver.com/mnews/article/015/0004906221?sid=101",
        "https://n.news.naver.com/article/newspaper/015/0004906221?date=20250610",
        "https://n.news.naver.com/mnews/article/comment/015/0004906221",
        "https://news.naver.com/main/read.naver?mode=LSD&mid=shm&sid1=101&oid=015&aid=0004906221",
        "http://news.naver.com/main/read.nhn?mode=LSD&mid=sec&oid=015&aid=0004906221&sid1=001",
        "https://m.news.naver.com/read.nhn?oid=015&aid=0004906221&sid1=101",
        "https://m.entertain.naver.com/article/015/0004906221",
        "https://entertain.naver.com/read?oid=015&aid=0004906221",
        "https://sports.news.naver.com/news.nhn?oid=015&aid=0004906221",
        "https://m.sports.naver.com/article/015/0004906221",
        # entertainment and sports hosts: Naver serves one article under each of them
        "https://m.entertain.naver.com/home/article/015/0004906221",
        "https://m.entertain.naver.com/now/article/015/0004906221?sid=7a5",
        "https://m.entertain.naver.com/article/comment/015/0004906221",
        "https://m.entertain.naver.com/read?oid=015&aid=0004906221",
        "https://entertain.naver.com/now/read?oid=015&aid=0004906221&cid=1073789",
        "https://m.sports.naver.com/wfootball/article/015/0004906221",
        "https://m.sports.naver.com/kbaseball/news/read?oid=015&aid=0004906221",
        "https://sports.naver.com/news?oid=015&aid=0004906221",
        "HTTPS://N.NEWS.NAVER.COM/mnews/article/015/0004906221#comment",
    ],
)
def test_every_url_form_has_one_canonical_url(url: str) -> None:
    assert find_site(url) is naver
    assert canonical_url(url) == CANONICAL


@pytest.mark.parametrize(
    "url",
    [
        "https://entertain.naver.com/home",
        "https://m.entertain.naver.com/ranking",
        "https://m.sports.naver.com/wfootball/index",
        "https://m.sports.naver.com/original/article/1",  # not a press's article id
        "https://sports.news.naver.com/kbaseball/news/index?isphoto=N",
    ],
)
def test_entertainment_and_sports_pages_that_are_not_articles_keep_their_url(url: str) -> None:
    assert find_site(url) is naver
    assert not naver.is_article_url(url)
    assert canonical_url(url) == url


def test_naver_pages_without_an_article_id_keep_their_url() -> None:
    url = "https://news.naver.com/section/101?utm_source=x"
    assert canonical_url(url) == "https://news.naver.com/section/101"


def corpus_page(corpus: Path, name: str, url: str | None = None) -> Page:
    return page_from_file(corpus / "naver" / name, url)


def kst(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=KST)


def test_current_layout_with_deck_photos_and_byline(corpus: Path) -> None:
    article = parse_page(corpus_page(corpus, "article_003_0012577249.html"))
    assert article.url == "https://n.news.naver.com/mnews/article/003/0012577249"
    assert (article.site, article.press, article.press_code) == ("naver", "뉴시스", "003")
    assert article.title == "AI 노트북 3대 중 2대…삼성 '갤럭시 북4 엣지' 뜬다"
    assert article.subheadings == (
        "6월18일 '갤럭시 북4 엣지' 출시",
        "온디바이스·클라우드 AI 모두 지원",
        "스마트폰 연동으로 AI 더 쉽게 사용",
    )
    assert article.published_at == kst(2024, 5, 30, 11, 40, 8)
    assert article.updated_at == kst(2024, 5, 30, 11, 41, 15)
    assert article.authors == (Author("이현주", "lovelypsyche@newsis.com"),)
    assert article.section == "경제"
    assert article.paragraphs[0].startswith("삼성전자가 올해 더 강력한")
    assert article.paragraphs[-1].endswith("40.6㎝(16인치)는 235만원과 265만원이다.")
    assert len(article.paragraphs) == 16
    # the deck and the photo captions are not body text
    assert "온디바이스·클라우드 AI 모두 지원" not in article.body_text
    assert "재판매 및 DB 금지" not in article.body_text
    assert len(article.images) == 3
    assert article.images[0].url.startswith("https://imgnews.pstatic.net/image/003/2024/05/30/")
    assert article.images[0].caption is not None
    assert article.images[0].caption.startswith("[서울=뉴시스]30일 진행된 '갤럭시 북4 엣지'")
    assert article.original_url == (
        "https://www.newsis.com/view/?id=NISX20240530_0002754461&cID=13001&pID=13000"
    )
    # the press's picks under the article ("뉴시스 주요뉴스": '최동석과 이혼' 박지윤 …) are not
    # related to it, and the body has no 관련기사 box
    assert article.related == ()


def test_og_url_with_html_entities_gives_the_canonical_url(corpus: Path) -> None:
    # og:url there is ".../018/0005316196?sid&#x3D;100"
    article = parse_page(corpus_page(corpus, "article_018_0005316196.html"))
    assert article.url == "https://n.news.naver.com/mnews/article/018/0005316196"
    assert article.title == "\"비상상황 조작vs정당 자율성\"...'이준석 가처분' 날선 공방"
    assert article.subheadings[1] == "'개정된 당헌 효력 있나' 다툼이 쟁점"
    assert article.published_at == kst(2022, 9, 14, 16, 4, 3)
    assert article.updated_at is None
    assert article.authors == (Author("조민정", "jjung@edaily.co.kr"),)
    # the photo sits in a nested table.nbd_table; its caption is not a paragraph
    assert article.paragraphs[1].startswith("14일 서울남부지법 민사합의51부(부장 황정수)는")
    assert "국회사진취재단" not in article.body_text
    assert article.images[0].caption is not None
    assert article.images[0].caption.endswith("(사진=국회사진취재단)")


@pytest.mark.parametrize(
    ("name", "title", "press", "published", "first_words", "last_words"),
    [
        (
            "article_016_0002194334.html",
            "경찰, 해병대 1사단 첫 압수수색…“확인할 증거 서류 많아”",
            "헤럴드경제",
            (2023, 9, 7, 12, 22, 2),
            "경찰이 집중호우 실종자",
            "흉상도 건립할 계획이다.",
        ),
        (
            "article_082_0001252309.html",
            "“올바른 전기사용으로 안전한 겨울 보내세요”",
            "부산일보",
            (2024, 1, 22, 23, 1, 1),
            "한국전기안전공사(사장 박지현)는 전열기구",
            "콜센터(1588-7500)로 전화하면 상담 받을 수 있다.",
        ),
        (
            "article_421_0008770777.html",
            "3분의 물이 지키는 것…예비주수, 산불 대응의 새로운 전략 [기고]",
            "뉴스1",
            (2026, 2, 12, 10, 30, 0),
            "지난해 3월, 경북 영남 지역을 덮친 대형 산불은",
            "국민 곁을 든든히 지키겠다고 약속드린다.",
        ),
    ],
)
def test_current_layout_pages(
    corpus: Path,
    name: str,
    title: str,
    press: str,
    published: tuple[int, ...],
    first_words: str,
    last_words: str,
) -> None:
    article = parse_page(corpus_page(corpus, name))
    assert (article.title, article.press) == (title, press)
    assert article.published_at == kst(*published)
    assert article.paragraphs[0].startswith(first_words)
    assert article.paragraphs[-1].endswith(last_words)


def test_contribution_with_two_sections(corpus: Path) -> None:
    article = parse_page(corpus_page(corpus, "article_421_0008770777.html"))
    # "이 기사는 언론사에서 오피니언, 사회 섹션으로 분류했습니다": the first is the primary one
    assert article.section == "오피니언"
    # a [기고]'s writer stands where a deck would: it is the byline, not a deck
    assert article.subheadings == ()
    assert article.authors == (Author("김승룡"),)


@pytest.mark.parametrize(
    ("line", "writer"),
    [
        ("김승룡 소방청장 직무대행", "김승룡"),
        ("홍길동(한국대 경제학과 교수)", "홍길동"),
        ("글 박서연 변호사", "박서연"),
        ("산불 대응, 예비주수로 바꿔야", None),  # a deck that argues
        ("윤석열 대통령 취임", None),  # a name and a title, then an event
        ("지역 소방본부 인력 2배로 늘려야 한다", None),
    ],
)
def test_a_contributions_writer_line_is_told_from_a_deck(line: str, writer: str | None) -> None:
    from scrapers.sites.base import writer_of_line

    found = writer_of_line(line)
    assert (found.name if found else None) == writer


@pytest.mark.parametrize(
    ("title", "section", "signed"),
    [
        ("3분의 물이 지키는 것 [기고]", "사회", True),
        ("[홍길동 칼럼] 물의 가치", None, True),
        ("(특별기고) 산불의 계절", None, True),
        ("산불의 계절", "오피니언", True),
        ("[기자수첩] 산불의 계절", "사회", False),
        ("소방청, 예비주수 확대", "사회", False),
    ],
)
def test_contributions_are_told_by_headline_tag_or_section(
    title: str, section: str | None, signed: bool
) -> None:
    from scrapers.sites.base import is_contribution

    assert is_contribution(title, section) is signed


def test_old_read_nhn_layout(corpus: Path) -> None:
    article = parse_page(corpus_page(corpus, "article_old_029_0002625369.html"))
    assert article.url == "https://n.news.naver.com/mnews/article/029/0002625369"
    assert article.title == '이재명, 자신 비판한 윤희숙에 "공개 토론하자"'
    assert (article.press, article.press_code, article.section) == ("디지털타임스", "029", "정치")
    assert article.published_at == kst(2020, 9, 19, 20, 28)
    assert article.paragraphs[0].startswith('이재명 경기도지사가 19일 "지자체에 지역화폐가')
    assert article.paragraphs[-1].endswith('청산해야 할 적폐일 뿐"이라고 주장했다.')
    assert article.authors == (Author("김미경", "the13ook@dt.co.kr"),)
    # the flash-workaround script and the trailing subscribe links are gone
    assert "_flash_removeCallback" not in article.body_text
    assert "구독" not in article.body_text
    assert "바로가기" not in article.body_text
    assert "<연합뉴스>" not in article.body_text  # photo caption


@pytest.mark.parametrize(
    "name",
    [
        "list_2022_section100_politics.html",
        "list_main_LS2D_101_263_economy.html",
        "list_main_section100_euckr.html",
        "list_news_home.html",
        "list_old_main_LS2D_100_265.html",
        "list_section100_new.html",
        "list_section105_it.html",
    ],
)
def test_list_pages_are_not_articles(corpus: Path, name: str) -> None:
    with pytest.raises(NotAnArticle, match="not an article page"):
        parse_page(corpus_page(corpus, name, "https://news.naver.com/section/100"))


@pytest.mark.parametrize(
    "name",
    [
        "search_2025_bsidekorea_dom.html",
        "search_2025_payhere.html",
        "search_2026_shinsegyeong_light.html",
        "search_2026_shinsegyeong_pc.html",
        "search_ai.html",
    ],
)
def test_search_pages_are_not_articles(corpus: Path, name: str) -> None:
    url = "https://search.naver.com/search.naver?where=news&query=AI"
    with pytest.raises(NotAnArticle):
        parse_page(corpus_page(corpus, name, url))


def test_utf16_mojibake_trap_is_refused(corpus: Path) -> None:
    page = corpus_page(corpus, "trap_article_018_0005236061_utf16le_mojibake.html")
    assert page.charset_warning is not None
    with pytest.raises(DecodeError, match="mojibake"):
        parse_page(page)


def test_missing_title_is_named(corpus: Path) -> None:
    page = corpus_page(corpus, "article_003_0012577249.html")
    broken = page.text.replace('id="title_area" class="media_end_head_headline"', "")
    with pytest.raises(ParseError, match="title_area") as info:
        naver.parse(_with_text(page, broken))
    assert not isinstance(info.value, NotAnArticle)


def test_missing_date_is_named(corpus: Path) -> None:
    page = corpus_page(corpus, "article_016_0002194334.html")
    broken = page.text.replace("_ARTICLE_DATE_TIME", "_SOMETHING_ELSE")
    with pytest.raises(ParseError, match="_ARTICLE_DATE_TIME"):
        naver.parse(_with_text(page, broken))


def test_article_url_without_body_is_a_parse_error_not_a_list_page() -> None:
    page = page_at("https://n.news.naver.com/mnews/article/015/0004906221", "<html><body/></html>")
    with pytest.raises(ParseError, match="dic_area") as info:
        naver.parse(page)
    assert not isinstance(info.value, NotAnArticle)


def test_the_naver_structure_fixture_page() -> None:
    article = parse_page(page_from_file(REPO / "tests" / "fixtures" / "naver_article.html"))
    assert isinstance(article, Article)
    assert article.url == CANONICAL
    assert article.press == "한국경제"
    assert article.title == "국내 AI 스타트업, 40억달러 투자 유치…“대규모언어모델 경쟁 본격화”"
    assert article.subheadings == (
        "글로벌 펀드 주도로 기업가치 두 배로",
        "데이터센터·연구 인력 확보에 투입",
    )
    assert article.published_at == kst(2025, 6, 10, 9, 12)
    assert article.authors == (Author("박서연", "seoyeon@hankyung.com"),)
    assert len(article.paragraphs) == 8
    assert "40억달러(약 5조4000억원)" in article.paragraphs[0]
    assert "대규모언어모델(LLM)" in article.body_text
    assert "”라고 말했다" in article.body_text
    assert "한빛AI 제공" not in article.body_text


def _with_text(page: Page, text: str) -> Page:
    return page_at(page.final_url, text)
