"""Newsroom furniture in article text: what a reader skips, and what stays the story."""

from __future__ import annotations

import pytest

from scrapers.boilerplate import byline_prefix, clean_article, is_furniture
from scrapers.errors import ParseError
from scrapers.model import Article, Author, Block, BlockKind

FURNITURE = [
    "홍길동 기자 hong@example.com",
    "포천=박덕준 기자 pdj3015@kihoilbo.co.kr",
    "동부취재본부/김우관 기자 kwg@namdonews.com",
    "기경범 kgb@namdonews.com",
    "남궁진 기자",
    "[서울=뉴시스]이현주 기자 =",
    "(서울=연합뉴스) 홍길동 기자 =",
    "YTN 김이영입니다.",
    "KBS 뉴스 홍길동입니다",
    "[앵커]",
    "[영상취재 김세호]",
    "영상편집 : 이자은",
    "(사진=연합뉴스)",
    "<사진=인천소방본부 제공>",
    "/사진 = 고양시 제공",
    "▲ 고남석 연수구청장이 지역화폐 출범을 알리는 기자회견을 하고 있다.",
    "▶ 네이버에서 YTN 채널 구독하기",
    "※ 이 기사는 지역신문발전기금을 지원받았습니다.",
    "자세한 사항은 구 어르신장애인과(☎032-760-7327)로 문의하면 안내받을 수 있다.",
    "저작권자 © 연합뉴스, 무단 전재 및 재배포 금지",
    "연합뉴스",
    "lkh2011@newsis.com",
    "[전화] 02-398-8585",
    "[카카오톡] YTN 검색해 채널 추가",
    "지금까지 서울 광화문광장에서 YTN 김이영입니다.",
    "경주=이권효 boriam@donga.com /최지연·박성민 기자",
    "‘향이네’ 페이스북 페이지를 열었습니다. 새로운 소식을 접하세요!(▶바로가기)",
]
STORY = [
    "정부가 5일 내년 예산안을 발표했다.",
    "이재정 경기도교육감은 2일 기자단과 간담회를 열고 소신을 밝혔다.",
    "박 의원은 이날 국회 정론관에서 기자회견을 갖고 재심을 신청하겠다고 말했다.",
    "이번 행사는 처음입니다.",
    "(재)화성시문화재단이 10월 1일부터 작품전시를 진행한다.",
    "김 의원은 “문의가 쏟아졌다”고 말했다.",
    "연합뉴스는 5일 이같이 보도했다.",
    "신청은 이메일(apply@example.kr)로 받는다.",
    "지금까지 정부 발표를 전해 드렸습니다.",
    # a long paragraph that merely opens with a credit or a mark is the article's text
    "사진=연합뉴스 " + "정부가 내년 예산을 700조원으로 편성했다고 5일 밝혔다. " * 4,
    "※한경 마켓PRO 텔레그램을 구독하시면 " + "국내 증시의 흐름을 분석한 기사를 읽을 수 있다. " * 4,
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_lines_are_recognised(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", STORY)
def test_the_story_is_not_furniture(line: str) -> None:
    assert not is_furniture(line)
    assert byline_prefix(line) == 0


@pytest.mark.parametrize(
    ("text", "story"),
    [
        ("[서울=뉴시스]이현주 기자 = 정부가 발표했다.", "정부가 발표했다."),
        ("(서울=연합뉴스) 홍길동 기자 = 정부가 발표했다.", "정부가 발표했다."),
        ("[헤럴드경제=한지숙 기자] 정부가 발표했다.", "정부가 발표했다."),
        ("[기호일보=디지털뉴스부] 경록은 합격자를 냈다.", "경록은 합격자를 냈다."),
        ("[이데일리 김현아 기자] 통신 3사가 요금을 내렸다.", "통신 3사가 요금을 내렸다."),
        ("[앵커] 오늘 첫 소식입니다.", "오늘 첫 소식입니다."),
        ("홍길동 기자 = 정부가 발표했다.", "정부가 발표했다."),
        ("(사진=연합뉴스) 정부가 발표했다.", "정부가 발표했다."),
    ],
)
def test_a_leading_byline_is_cut_from_the_sentence_it_starts(text: str, story: str) -> None:
    assert text[byline_prefix(text) :] == story


def _article(*blocks: Block, authors: tuple[Author, ...] = ()) -> Article:
    return Article(
        url="https://news.example.kr/1",
        site="generic",
        title="예산 700조원",
        blocks=blocks,
        parser="generic",
        parser_version="1",
        authors=authors,
    )


def test_clean_article_leaves_the_story_a_reader_reads() -> None:
    article = _article(
        Block(BlockKind.PARAGRAPH, "[서울=뉴시스]이현주 기자 = 정부가 예산을 발표했다."),
        Block(BlockKind.HEADING, "[앵커]"),
        Block(BlockKind.PARAGRAPH, "(사진=연합뉴스)"),
        Block(BlockKind.CAPTION, "추경호 부총리가 브리핑하고 있다."),
        Block(BlockKind.PARAGRAPH, "야당은 삭감을 요구했다. 이현주 기자 lovely@newsis.com"),
        Block(BlockKind.PARAGRAPH, "▶ 네이버에서 뉴시스 채널 구독하기"),
        Block(BlockKind.PARAGRAPH, "저작권자 © 뉴시스, 무단 전재 및 재배포 금지"),
    )
    cleaned = clean_article(article)
    assert [(b.kind, b.text) for b in cleaned.blocks] == [
        (BlockKind.PARAGRAPH, "정부가 예산을 발표했다."),
        (BlockKind.HEADING, "[앵커]"),
        (BlockKind.CAPTION, "추경호 부총리가 브리핑하고 있다."),
        (BlockKind.PARAGRAPH, "야당은 삭감을 요구했다."),
    ]
    assert cleaned.authors == (Author("이현주", "lovely@newsis.com"),)


def test_an_article_of_nothing_but_furniture_is_refused() -> None:
    furniture = _article(
        Block(BlockKind.PARAGRAPH, "홍길동 기자 hong@example.com"),
        Block(BlockKind.PARAGRAPH, "저작권자 © 연합뉴스, 무단 전재 및 재배포 금지"),
    )
    with pytest.raises(ParseError, match="only bylines and page furniture"):
        clean_article(furniture)


def test_clean_article_keeps_the_authors_a_parser_found() -> None:
    named = (Author("김철수", "chulsoo@hankyung.com"),)
    article = _article(
        Block(BlockKind.PARAGRAPH, "정부가 예산을 발표했다."),
        Block(BlockKind.PARAGRAPH, "홍길동 기자 hong@example.com"),
        authors=named,
    )
    assert clean_article(article).authors == named
    story = _article(Block(BlockKind.PARAGRAPH, "정부가 예산을 발표했다."))
    assert clean_article(story) is story
