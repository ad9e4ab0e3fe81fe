"""Property tests: numbers written in Korean units round-trip; no string makes extraction fail."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.figures import extract_figures
from pipeline.figures.numerals import parse_korean_number

BIG = (("경", 10**16), ("조", 10**12), ("억", 10**8), ("만", 10**4))


@st.composite
def group_text(draw: st.DrawFn, value: int) -> str:
    """One 4-digit group as Korean news writes it: `4500`, `4,500`, `4천500`, `4천5백`."""
    style = draw(st.sampled_from(["digits", "comma", "thousands", "hundreds"]))
    if style == "digits" or value < 100:
        return str(value)
    if style == "comma":
        return f"{value:,}"
    thousands, rest = divmod(value, 1000)
    hundreds, tail = divmod(rest, 100)
    parts = []
    if thousands:
        parts.append(f"{thousands}천")
    if style == "hundreds" and hundreds:
        parts.append(f"{hundreds}백")
        if tail:
            parts.append(str(tail))
    elif rest:
        parts.append(str(rest))
    inner = draw(st.sampled_from(["", " "]))
    return inner.join(parts) if parts else str(value)


@st.composite
def korean_amount(draw: st.DrawFn) -> tuple[str, int]:
    value = draw(st.integers(min_value=1, max_value=10**20 - 1))
    pieces: list[str] = []
    remainder = value
    for word, size in BIG:
        group, remainder = divmod(remainder, size)
        if group:
            pieces.append(draw(group_text(group)) + word)
    if remainder:
        pieces.append(draw(group_text(remainder)))
    space = draw(st.sampled_from(["", " "]))
    return space.join(pieces), value


@given(korean_amount())
@settings(max_examples=300, deadline=None)
def test_numeral_parser_round_trips(amount: tuple[str, int]) -> None:
    text, value = amount
    assert parse_korean_number(text) == value


@given(korean_amount(), st.sampled_from(["원", " 원", "명", " 명"]))
@settings(max_examples=300, deadline=None)
def test_amount_in_a_sentence_round_trips(amount: tuple[str, int], unit: str) -> None:
    text, value = amount
    sentence = f"올해 예산은 {text}{unit}이다."
    figures = extract_figures(sentence)
    assert len(figures) == 1, figures
    assert figures[0].value == value
    assert figures[0].text == f"{text}{unit}"
    assert figures[0].unit == ("KRW" if "원" in unit else "명")


KOREAN_ALPHABET = st.sampled_from(
    [
        *"0123456789,.~∼-+△▲▼%()[]·/ 원만억조경천백십여대선약년월일시분개명배의에서로도가이을를",
        *["달러", "포인트", "분의", "오후", "마이너스", "우리 돈", "부터", "까지", "한화로 약"],
        *["두", "세", "제", "호선", "코로나", "S"],
    ]
)


@given(st.lists(KOREAN_ALPHABET, max_size=40).map("".join))
@settings(max_examples=500, deadline=None)
def test_never_raises_on_figure_like_text(sentence: str) -> None:
    figures = extract_figures(sentence)
    for figure in figures:
        assert sentence[figure.start : figure.end] == figure.text
    starts = [f.start for f in figures]
    assert starts == sorted(starts)


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_never_raises_on_any_text(sentence: str) -> None:
    for figure in extract_figures(sentence):
        assert sentence[figure.start : figure.end] == figure.text
