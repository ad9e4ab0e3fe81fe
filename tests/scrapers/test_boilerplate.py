"""Newsroom furniture in article text: what a reader skips, and what stays the story."""

from __future__ import annotations

import pytest

from scrapers.boilerplate import byline_prefix, is_furniture

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
]
STORY = [
    "정부가 5일 내년 예산안을 발표했다.",
    "이재정 경기도교육감은 2일 기자단과 간담회를 열고 소신을 밝혔다.",
    "박 의원은 이날 국회 정론관에서 기자회견을 갖고 재심을 신청하겠다고 말했다.",
    "이번 행사는 처음입니다.",
    "(재)화성시문화재단이 10월 1일부터 작품전시를 진행한다.",
    "김 의원은 “문의가 쏟아졌다”고 말했다.",
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
    ],
)
def test_a_leading_byline_is_cut_from_the_sentence_it_starts(text: str, story: str) -> None:
    assert text[byline_prefix(text) :] == story
