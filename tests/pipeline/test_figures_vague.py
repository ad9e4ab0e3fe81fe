"""Vague numerals (figures-spec.md, "Vague numerals"): `수백억원` is found as a range of
several hundred hundred-millions, never as an exact `백억원`; `수많은` and `몇 명이냐` are not
figures."""

from __future__ import annotations

import pytest

from pipeline.figures import extract_figures
from pipeline.model import Figure

# (sentence, span, kind, value, range_to, unit)
Example = tuple[str, str, str, int, int, str | None]
SPEC_EXAMPLES: list[Example] = [
    ("사업에 수백억원을 쏟아부었다", "수백억원", "money", 20_000_000_000, 90_000_000_000, "KRW"),
    ("계약금 수천만 원을 날렸다", "수천만 원", "money", 20_000_000, 90_000_000, "KRW"),
    ("주민 수십 명이 대피했다", "수십 명", "count", 20, 90, "명"),
    ("관중 수십만 명이 몰렸다", "수십만 명", "count", 200_000, 900_000, "명"),
    ("수백 가구가 정전됐다", "수백 가구", "count", 200, 900, "가구"),
    ("수십년 동안 방치됐다", "수십년", "duration", 20, 90, "년"),
    ("몇 차례 연기됐다", "몇 차례", "count", 2, 9, "차례"),
    ("수차례 경고했다", "수차례", "count", 2, 9, "차례"),
    ("몇 개월 뒤 재개된다", "몇 개월", "duration", 2, 9, "개월"),
    ("수개월째 공석이다", "수개월째", "duration", 2, 9, "개월"),
    ("두세 번 만났다", "두세 번", "count", 2, 3, "번"),
    ("서너 명이 다쳤다", "서너 명", "count", 3, 4, "명"),
    ("너덧 곳이 문을 닫았다", "너덧 곳", "count", 4, 5, "곳"),
    ("너댓 개를 샀다", "너댓 개", "count", 4, 5, "개"),
    ("대여섯 명이 모였다", "대여섯 명", "count", 5, 6, "명"),
    ("예닐곱 차례 시도했다", "예닐곱 차례", "count", 6, 7, "차례"),
    ("십수 년 만의 일이다", "십수 년", "duration", 11, 19, "년"),
    ("수억~수십억 원을 챙겼다", "수억~수십억 원", "money", 200_000_000, 9_000_000_000, "KRW"),
]

# Phrasings of our own, as Korean news writes them.
NEWS_EXAMPLES: list[Example] = [
    ("피해액은 수조 원에 이를 전망이다", "수조 원", "money", 2 * 10**12, 9 * 10**12, "KRW"),
    ("빅테크가 수십억 달러를 쏟아부었다", "수십억 달러", "money", 2 * 10**9, 9 * 10**9, "USD"),
    ("수십억을 뜯어낸 혐의", "수십억", "money", 2 * 10**9, 9 * 10**9, "KRW"),
    ("수백억~수천억 원의 세금", "수백억~수천억 원", "money", 2 * 10**10, 9 * 10**11, "KRW"),
    ("매회 수백~수천 명이 몰린다", "수백~수천 명", "count", 200, 9000, "명"),
    ("수백~수천만 원의 과태료", "수백~수천만 원", "money", 2_000_000, 90_000_000, "KRW"),
    ("1조 수천억 원을 들였다", "1조 수천억 원", "money", 12 * 10**11, 19 * 10**11, "KRW"),
    ("건물 수십 채가 탔다", "수십 채", "count", 20, 90, "채"),
    ("탱크 수백 대를 잃었다", "수백 대", "count", 200, 900, "대"),
    ("주가가 수십 배 뛰었다", "수십 배", "ratio", 20, 90, "배"),
    ("하루 새 수십 % 출렁였다", "수십 %", "percent", 20, 90, "%"),
    ("최대 수 억원에 이른다", "수 억원", "money", 2 * 10**8, 9 * 10**8, "KRW"),
    ("수년간 지연된 사업", "수년", "duration", 2, 9, "년"),
    ("수일 내 발표한다", "수일", "duration", 2, 9, "일"),
    ("이미 수 차례 경고했다", "수 차례", "count", 2, 9, "차례"),
    ("지난 몇 년 동안 올랐다", "몇 년", "duration", 2, 9, "년"),
    ("몇 주 만에 두 배가 됐다", "몇 주", "duration", 2, 9, "주"),
    ("최근 몇 달 사이", "몇 달", "duration", 2, 9, "개월"),
    ("그런 기업은 몇 곳 없다", "몇 곳", "count", 2, 9, "곳"),
    ("수익이 몇 배 더 크다", "몇 배", "ratio", 2, 9, "배"),
    ("한두 차례 금리를 내린다", "한두 차례", "count", 1, 2, "차례"),
    ("기한을 두세 달 늦췄다", "두세 달", "duration", 2, 3, "개월"),
    ("서너 시간 조사를 받았다", "서너 시간", "duration", 3, 4, "시간"),
    ("십수억 원대 자산가", "십수억 원대", "money", 11 * 10**8, 19 * 10**8, "KRW"),
    ("수십억대 자산가", "수십억대", "money", 2 * 10**9, 9 * 10**9, "KRW"),
    ("수천억 원어치를 팔았다", "수천억 원어치", "money", 2 * 10**11, 9 * 10**11, "KRW"),
    ("수백만 구독자를 거느린", "수백만", "count", 2_000_000, 9_000_000, None),
]


def _find(figures: list[Figure], text: str) -> Figure:
    for figure in figures:
        if figure.text == text:
            return figure
    raise AssertionError(f"{text!r} not in {[f.text for f in figures]}")


@pytest.mark.parametrize(
    ("sentence", "span", "kind", "value", "range_to", "unit"),
    SPEC_EXAMPLES + NEWS_EXAMPLES,
    ids=[example[0] for example in SPEC_EXAMPLES + NEWS_EXAMPLES],
)
def test_vague_numeral_is_an_approximate_range(
    sentence: str, span: str, kind: str, value: int, range_to: int, unit: str | None
) -> None:
    figure = _find(extract_figures(sentence), span)
    assert (figure.kind, figure.value, figure.range_to, figure.unit) == (
        kind,
        value,
        range_to,
        unit,
    )
    assert figure.approx is True
    assert sentence[figure.start : figure.end] == figure.text


@pytest.mark.parametrize(
    "sentence",
    [
        "수백억원을 들였다",
        "수천만 원을 받았다",
        "1조 수천억원 규모",
    ],
)
def test_no_exact_figure_hides_inside_a_vague_one(sentence: str) -> None:
    """`수백억원` used to come out as an exact `백억원` (1e10)."""
    figures = extract_figures(sentence)
    assert len(figures) == 1
    assert figures[0].approx is True
    assert figures[0].range_to is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "수많은 시민이 광장에 모였다",
        "몇몇 의원은 불참했다",
        "희생자가 몇 명이냐고 물었다",
        "몇 명인지 아직 모른다",
        "몇 명이 다쳤는지 확인되지 않았다",
        "완공까지 몇 년이 걸릴지 알 수 없다",
        "주가가 주당순자산의 몇 배인지 나타낸다",
        "몇 번째 시도인지 기억나지 않는다",
        "할 수 있는 일을 했다",
        "이를 볼 수조차 없게 됐다",
        "할 수만 있다면 좋겠다",
        "매장 수만 늘었다",
        "배터리 수명이 길다",
        "수주 잔고가 늘었다",
        "피의자를 수배 중이다",
        "수조에 물고기를 넣었다",
        "두세요 여기에",
        "이수만 프로듀서",
    ],
)
def test_words_that_are_not_vague_numerals(sentence: str) -> None:
    assert extract_figures(sentence) == []


def test_question_elsewhere_in_the_sentence_does_not_hide_a_statement() -> None:
    """A noun ending in 지 (`2차전지`) is no question ending."""
    figures = extract_figures("최근 몇 년간 국내 증시에서 2차전지 종목이 올랐다")
    assert _find(figures, "몇 년").range_to == 9


def test_vague_figure_keeps_direction_and_neighbours() -> None:
    figures = extract_figures("아파트값은 최근 한 달 새 수천만 원 떨어졌다")
    assert [(f.text, f.value, f.range_to, f.direction) for f in figures] == [
        ("한 달", 1, None, None),
        ("수천만 원", 20_000_000, 90_000_000, "down"),
    ]


def test_native_pair_and_exact_native_numeral_side_by_side() -> None:
    figures = extract_figures("두 사람은 두세 번 만났다")
    assert [(f.text, f.value, f.range_to, f.approx) for f in figures] == [
        ("두 사람", 2, None, False),
        ("두세 번", 2, 3, True),
    ]
