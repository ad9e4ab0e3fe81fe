"""Every example quoted in figures-spec.md, with the values the spec gives for it."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.figures import extract_figures
from pipeline.model import Figure

# (sentence, span, kind, value, unit, other expected fields)
SPEC_EXAMPLES: list[tuple[str, str, str, Any, str | None, dict[str, Any]]] = [
    ("매출이 5조4000억원이다", "5조4000억원", "money", 5_400_000_000_000, "KRW", {}),
    ("2경 300조원 규모", "2경 300조원", "money", 20_300_000_000_000_000, "KRW", {}),
    ("17.4억 달러를 투자", "17.4억 달러", "money", 1_740_000_000, "USD", {}),
    ("100조 투자유치", "100조", "money", 100_000_000_000_000, "KRW", {}),
    ("영업이익 1,396억을 기록", "1,396억", "money", 139_600_000_000, "KRW", {}),
    ("52조 규모의 예산", "52조", "money", 52_000_000_000_000, "KRW", {}),
    ("3억 8000만 달러를 받았다", "3억 8000만 달러", "money", 380_000_000, "USD", {}),
    ("금리는 3.5%다", "3.5%", "percent", 3.5, "%", {}),
    ("수익률 1,733%", "1,733%", "percent", 1733, "%", {}),
    ("관객 1천만 677명", "1천만 677명", "count", 10_000_677, "명", {}),
    ("8만 4백 명이 모였다", "8만 4백 명", "count", 80_400, "명", {}),
    ("15만 4천 606명이 참가", "15만 4천 606명", "count", 154_606, "명", {}),
    ("1억2천만 명의 인구", "1억2천만 명", "count", 120_000_000, "명", {}),
    ("1000만 관객을 모은 영화", "1000만", "count", 10_000_000, None, {}),
    ("천만 영화가 됐다", "천만", "count", 10_000_000, None, {}),
    ("두회사가 합병했다", "두회사", "count", 2, "회사", {}),
    ("한 사람이 다쳤다", "한 사람", "count", 1, "사람", {}),
    ("수출이 두 배 늘었다", "두 배", "ratio", 2, "배", {"direction": "up"}),
    ("무려 오십 배 차이", "오십 배", "ratio", 50, "배", {}),
    ("전체의 4분의 1이다", "4분의 1", "ratio", 0.25, None, {}),
    ("전체의 1/4이다", "1/4", "ratio", 0.25, None, {}),
    ("근무 2년 6개월 만에", "2년 6개월", "duration", 30, "개월", {}),
    ("입사 3년 차 직원", "3년 차", "duration", 3, "년", {}),
    ("3분기 연속 흑자", "3분기", "duration", 3, "분기", {}),
    ("올해 3분기 실적", "3분기", "date", "Q3", "분기", {}),
    ("2023년 3분기 실적", "2023년 3분기", "date", "2023-Q3", "분기", {}),
    ("2021년 11월 출시", "2021년 11월", "date", "2021-11", "월", {}),
    ("2017년 1월 11일 발표", "2017년 1월 11일", "date", "2017-01-11", "일", {}),
    ("12일 발표했다", "12일", "date", "---12", "일", {}),
    ("5월 23일 열린다", "5월 23일", "date", "--05-23", "일", {}),
    ("12월 중 발표", "12월", "date", "--12", "월", {}),
    ("1970년대 경제", "1970년대", "date", "197X", "년대", {"approx": True}),
    ("사고는 오후 1시쯤 났다", "오후 1시쯤", "date", "T13:00", "시각", {"approx": True}),
    ("9시15분께 도착", "9시15분께", "date", "T09:15", "시각", {"approx": True}),
    ("어젯밤 10시 화재", "어젯밤 10시", "date", "T22:00", "시각", {}),
    ("저녁 8시 50분 출발", "저녁 8시 50분", "date", "T20:50", "시각", {}),
    ("코스피는 2442.43으로 마감", "2442.43", "other", 2442.43, None, {}),
    ("1.73포인트 올랐다", "1.73포인트", "other", 1.73, "포인트", {"direction": "up"}),
    ("리그 1위 팀", "1위", "other", 1, "위", {}),
    ("두 번째 시도", "두 번째", "other", 2, "번째", {}),
    ("A씨(31세)는", "31세", "other", 31, "세", {}),
    ("24살 청년", "24살", "other", 24, "살", {}),
    ("김모(37)씨는", "37", "other", 37, None, {}),
    ("타율 2할4푼4리", "2할4푼4리", "other", 0.244, None, {}),
    ("20나노 공정", "20나노", "other", 20, "nm", {}),
    ("300㎜ 웨이퍼", "300㎜", "other", 300, "mm", {}),
    ("부지 289만㎡", "289만㎡", "other", 2_890_000, "㎡", {}),
    ("무게 25t 트럭", "25t", "other", 25, "t", {}),
    ("면적 5㏊", "5㏊", "other", 5, "ha", {}),
    ("70대 노인", "70대", "other", 70, "대", {"approx": True}),
    ("차량 7대가 부서졌다", "7대", "count", 7, "대", {}),
    ("판매량 60만대", "60만대", "count", 600_000, "대", {}),
    ("500대 기업", "500대", "count", 500, "대", {}),
    ("19대 대선", "19대", "other", 19, "대", {}),
    ("제19대 국회", "제19대", "other", 19, "대", {}),
    ("합계출산율 0.72명", "0.72명", "count", 0.72, "명", {}),
    ("1천640억원대 매출", "1천640억원대", "money", 164_000_000_000, "KRW", {"approx": True}),
    ("환율은 1,330원선", "1,330원선", "money", 1330, "KRW", {"approx": True}),
    ("1,360원대 환율", "1,360원대", "money", 1360, "KRW", {"approx": True}),
    ("2만여 개 업체", "2만여 개", "count", 20_000, "개", {"approx": True}),
    ("1000원어치 샀다", "1000원어치", "money", 1000, "KRW", {}),
    ("10년가량 걸렸다", "10년가량", "duration", 10, "년", {"approx": True}),
    ("2천6백여만 원을 받았다", "2천6백여만 원", "money", 26_000_000, "KRW", {"approx": True}),
    ("1%대 성장", "1%대", "percent", 1, "%", {"approx": True}),
    ("20만 명대 유지", "20만 명대", "count", 200_000, "명", {"approx": True}),
    ("지수는 2,320선", "2,320선", "other", 2320, None, {"approx": True}),
    ("주가는 -17.82%", "-17.82%", "percent", -17.82, "%", {"direction": "down"}),
    ("영업이익 △12.9%", "△12.9%", "percent", -12.9, "%", {"direction": "down"}),
    ("등락률 +3.98%", "+3.98%", "percent", 3.98, "%", {"direction": "up"}),
    ("성장률 마이너스 4.8%", "마이너스 4.8%", "percent", -4.8, "%", {"direction": "down"}),
    ("수출 1.9%↓", "1.9%", "percent", 1.9, "%", {"direction": "down"}),
    ("오차는 ±2.0%포인트", "±2.0%포인트", "percent_point", 2.0, "%p", {}),
    ("금리 0.25%p 인상", "0.25%p", "percent_point", 0.25, "%p", {"direction": "up"}),
    ("약 300명이 모였다", "300명", "count", 300, "명", {"approx": True}),
    ("100명 이상 참석", "100명", "count", 100, "명", {"approx": True}),
    ("10억 명을 돌파했다", "10억 명", "count", 1_000_000_000, "명", {"approx": True}),
    ("천만 관객을 돌파", "천만", "count", 10_000_000, None, {"approx": True}),
    ("1,400원을 넘었다가", "1,400원", "money", 1400, "KRW", {"approx": True}),
    ("50억원에 달한다", "50억원", "money", 5_000_000_000, "KRW", {"approx": False}),
    ("최대 5만원", "5만원", "money", 50_000, "KRW", {"approx": True}),
    ("매출이 9.1% 감소했다", "9.1%", "percent", 9.1, "%", {"direction": "down"}),
    ("매출이 9.1% 증가했다", "9.1%", "percent", 9.1, "%", {"direction": "up"}),
    ("수출(-7.3%)이 줄었다", "-7.3%", "percent", -7.3, "%", {"direction": "down"}),
    (
        "4000억~5000억원",
        "4000억~5000억원",
        "money",
        400_000_000_000,
        "KRW",
        {"range_to": 500_000_000_000},
    ),
    (
        "3,500만원~4,500만원",
        "3,500만원~4,500만원",
        "money",
        35_000_000,
        "KRW",
        {"range_to": 45_000_000},
    ),
    ("4,500~5,500만원", "4,500~5,500만원", "money", 45_000_000, "KRW", {"range_to": 55_000_000}),
    ("13일부터 17일까지", "13일부터 17일까지", "date", "---13", "일", {"range_to": "---17"}),
    ("10-15년차", "10-15년차", "duration", 10, "년", {"range_to": 15}),
    ("10∼50mm 비", "10∼50mm", "other", 10, "mm", {"range_to": 50}),
]


def _find(figures: list[Figure], text: str) -> Figure:
    for figure in figures:
        if figure.text == text:
            return figure
    raise AssertionError(f"{text!r} not in {[f.text for f in figures]}")


@pytest.mark.parametrize(
    ("sentence", "span", "kind", "value", "unit", "extra"),
    SPEC_EXAMPLES,
    ids=[example[0] for example in SPEC_EXAMPLES],
)
def test_spec_example(
    sentence: str, span: str, kind: str, value: Any, unit: str | None, extra: dict[str, Any]
) -> None:
    figure = _find(extract_figures(sentence), span)
    assert sentence[figure.start : figure.end] == figure.text
    assert (figure.kind, figure.value, figure.unit) == (kind, value, unit)
    if isinstance(value, float):
        assert isinstance(figure.value, float)
    for field, expected in extra.items():
        assert getattr(figure, field) == expected, field


@pytest.mark.parametrize(
    "sentence",
    [
        "삼성전자(005930) 주가",
        "문의 02-1234-5678로 전화",
        "지하철 1호선 운행",
        "제2공장 착공",
        "코로나19 확산",
        "갤럭시 S3 출시",
        "삼천리 강산",
        "그만큼 중요하다",
        "결과에 만족했다",
        "약속을 지켰다",
        "계약을 맺었다",
        "한 때 인기였다",
        "양국 정상이 만났다",
        "동해-삼척 구간",
    ],
)
def test_non_figures_are_not_extracted(sentence: str) -> None:
    assert extract_figures(sentence) == []


def test_conversion_in_parentheses_points_at_the_original() -> None:
    figures = extract_figures("40억달러(약 5조4000억원)를 투자한다")
    assert [(f.text, f.value, f.unit) for f in figures] == [
        ("40억달러", 4_000_000_000, "USD"),
        ("5조4000억원", 5_400_000_000_000, "KRW"),
    ]
    assert figures[1].converts == 0
    assert figures[1].approx is True


@pytest.mark.parametrize(
    ("sentence", "original", "converted"),
    [
        ("5천500억 달러(약 797조원)", "5천500억 달러", "797조원"),
        ("11억 5천만 달러, 우리 돈 1조 6천억 원", "11억 5천만 달러", "1조 6천억 원"),
        ("'3840억 위안' 한화로 약 73조 8088억 원", "3840억 위안", "73조 8088억 원"),
    ],
)
def test_conversions(sentence: str, original: str, converted: str) -> None:
    figures = extract_figures(sentence)
    first = _find(figures, original)
    second = _find(figures, converted)
    assert second.converts == figures.index(first)


@pytest.mark.parametrize(
    ("sentence", "texts"),
    [
        ("2.8%(3억 1000만 원) 감소", ["2.8%", "3억 1000만 원"]),
        ("106억원(인센티브 6억원)", ["106억원", "6억원"]),
        ("100엔당 938.09원", ["100엔", "938.09원"]),
    ],
)
def test_not_conversions(sentence: str, texts: list[str]) -> None:
    figures = extract_figures(sentence)
    assert [f.text for f in figures] == texts
    assert all(f.converts is None for f in figures)


@pytest.mark.parametrize(
    "sentence", ["9.1%에서 5.7%로 낮아졌다", "1,200원→1,300원", "6,7월", "사우스 파스 6~8"]
)
def test_not_ranges(sentence: str) -> None:
    assert all(f.range_to is None for f in extract_figures(sentence))


def test_levels_get_no_direction() -> None:
    figures = extract_figures("환율은 전날보다 오른 1088.50원에 마감했다")
    assert _find(figures, "1088.50원").direction is None


def test_list_shares_one_verb() -> None:
    figures = extract_figures("수출액과 수입액이 각각 8.8%, 7.3% 감소했다")
    assert [f.direction for f in figures] == ["down", "down"]


def test_odd_conversion_written_in_two_parts() -> None:
    figures = extract_figures("446억 달러, 한화 60조원 3,000억원")
    assert [(f.text, f.value, f.unit, f.converts) for f in figures] == [
        ("446억 달러", 44_600_000_000, "USD", None),
        ("60조원 3,000억원", 60_300_000_000_000, "KRW", 0),
    ]


def test_marker_after_parenthesis_covers_both_figures() -> None:
    figures = extract_figures("11조원(2.93%)가량을 투자했다")
    assert [(f.text, f.approx) for f in figures] == [("11조원", True), ("2.93%", True)]


def test_threshold_of_another_quantity_is_exact() -> None:
    figures = extract_figures("대중국 수출액이 미국에 대한 수출액 61억 8,800만 달러를 넘어섰다")
    assert [(f.value, f.unit, f.approx) for f in figures] == [(6_188_000_000, "USD", False)]


def test_list_of_months_gives_two_dates() -> None:
    figures = extract_figures("6,7월에 열린다")
    assert [(f.kind, f.value) for f in figures] == [("date", "--06"), ("date", "--07")]


@pytest.mark.parametrize(
    ("sentence", "kind", "approx"),
    [
        ("10대가 운전하던 차량", "other", True),
        ("13대 품목", "count", False),
        ("4대 그룹 총수", "count", False),
        ("3대 프로젝트", "count", False),
    ],
)
def test_dae_meanings(sentence: str, kind: str, approx: bool) -> None:
    (figure,) = extract_figures(sentence)
    assert (figure.kind, figure.unit, figure.approx) == (kind, "대", approx)


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("파업 3일째", 3, "일"),
        ("사흘 만에", 3, "일"),
        ("2주간 휴가", 2, "주"),
        ("5거래일 연속", 5, "거래일"),
    ],
)
def test_durations(sentence: str, value: int, unit: str) -> None:
    (figure,) = extract_figures(sentence)
    assert (figure.kind, figure.value, figure.unit) == ("duration", value, unit)


def test_one_amount_written_with_spaces_is_one_figure() -> None:
    assert [f.text for f in extract_figures("1억 1억 원")] == ["1억", "1억 원"]
    assert [(f.kind, f.value) for f in extract_figures("5억 2023년")] == [
        ("money", 500_000_000),
        ("date", "2023"),
    ]


@pytest.mark.parametrize(
    "sentence", ["뉴욕 27번가에서", "BMW 5시리즈 출시", "수원에 스타필드 2.0.1 개장"]
)
def test_names_with_digits_are_not_figures(sentence: str) -> None:
    assert extract_figures(sentence) == []


def test_word_containing_plus_is_not_a_sign() -> None:
    (figure,) = extract_figures("LG유플러스 588억원")
    assert (figure.text, figure.value, figure.direction) == ("588억원", 58_800_000_000, None)


def test_amount_followed_by_copula() -> None:
    (figure,) = extract_figures("짜장면도 8000원인데")
    assert (figure.text, figure.value, figure.unit) == ("8000원", 8000, "KRW")


def test_degrees() -> None:
    figures = extract_figures("35도라는 광주, 실측해보니 41도")
    assert [(f.kind, f.value, f.unit) for f in figures] == [
        ("other", 35, "도"),
        ("other", 41, "도"),
    ]
