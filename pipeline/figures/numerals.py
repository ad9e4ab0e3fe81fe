"""Korean numeral parsing: Arabic digits mixed with 경/조/억/만/천/백, Sino and native numerals."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

Number = int | float

BIG_UNITS: dict[str, int] = {
    "경": 10**16,
    "조": 10**12,
    "兆": 10**12,
    "억": 10**8,
    "億": 10**8,
    "만": 10**4,
    "萬": 10**4,
}
SMALL_UNITS: dict[str, int] = {"천": 1000, "千": 1000, "백": 100, "百": 100, "십": 10}
SINO_DIGITS: dict[str, int] = {
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
}

# Native numerals as they appear before a counter (한 명, 두 배, 스무 살, 열두 번째).
NATIVE_TENS: dict[str, int] = {
    "열": 10,
    "스물": 20,
    "스무": 20,
    "서른": 30,
    "마흔": 40,
    "쉰": 50,
    "예순": 60,
    "일흔": 70,
    "여든": 80,
    "아흔": 90,
}
NATIVE_ONES: dict[str, int] = {
    "한": 1,
    "하나": 1,
    "두": 2,
    "둘": 2,
    "세": 3,
    "셋": 3,
    "석": 3,
    "네": 4,
    "넷": 4,
    "넉": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
}
# Day counts written as one word.
DAY_WORDS: dict[str, int] = {
    "하루": 1,
    "이틀": 2,
    "사흘": 3,
    "나흘": 4,
    "닷새": 5,
    "엿새": 6,
    "이레": 7,
    "여드레": 8,
    "아흐레": 9,
    "열흘": 10,
    "보름": 15,
}

# Vague numerals (figures-spec.md, "Vague numerals"): the lowest and highest multiple they
# stand for. `수`/`몇` is "several" (2 … 9), `십수` "ten-odd" (11 … 19).
SEVERAL: tuple[int, int] = (2, 9)
TEN_ODD: tuple[int, int] = (11, 19)
# Native pairs: two neighbouring numbers said together, "two or three" and so on.
NATIVE_PAIRS: dict[str, tuple[int, int]] = {
    "한두": (1, 2),
    "두세": (2, 3),
    "두서너": (2, 4),
    "서너": (3, 4),
    "너덧": (4, 5),
    "너댓": (4, 5),
    "네댓": (4, 5),
    "대여섯": (5, 6),
    "예닐곱": (6, 7),
}

_TOKEN = re.compile(r"(\d[\d,]*(?:\.\d+)?)?\s*([경조兆억億만萬천千백百십])?\s*(여)?")


def to_number(value: Decimal) -> Number:
    """An int when the value is integral, else a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def parse_digits(text: str) -> Decimal | None:
    """`1,396` → 1396, `3.5` → 3.5; None when it is not a plain Arabic number."""
    cleaned = text.replace(",", "")
    if not cleaned or not re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_korean_number(text: str) -> Decimal | None:
    """Value of a numeral like `5조4000억`, `1억2천만`, `15만 4천 606`, `2천6백여만`, `천만`.

    Returns None when `text` is not a well-formed numeral (then the caller ignores it).
    """
    text = text.strip()
    if not text:
        return None
    total = Decimal(0)
    group = Decimal(0)
    last_big: int | None = None
    seen = False
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            return None
        digits, unit, _ = match.groups()
        pos = match.end()
        if digits is None and unit is None:
            return None
        number = parse_digits(digits) if digits is not None else None
        if digits is not None and number is None:
            return None
        seen = True
        if unit is None:
            group += number if number is not None else Decimal(0)
        elif unit in SMALL_UNITS:
            group += (number if number is not None else Decimal(1)) * SMALL_UNITS[unit]
        else:
            big = BIG_UNITS[unit]
            if last_big is not None and big >= last_big:
                return None
            if number is not None:
                group += number
            total += (group if group else Decimal(1)) * big
            group = Decimal(0)
            last_big = big
    if not seen:
        return None
    return total + group


def valid_prefix(text: str) -> str:
    """The longest leading part of `text` whose big units (경/조/억/만) strictly decrease:
    `1억 1억` → `1억`, `5억 2천만` unchanged."""
    last_big: int | None = None
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            break
        unit = match.group(2)
        if unit in BIG_UNITS:
            big = BIG_UNITS[unit]
            if last_big is not None and big >= last_big:
                break
            last_big = big
        pos = match.end()
    return text[:pos].rstrip()


_SINO = re.compile(r"(?:[일이삼사오육칠팔구]?[십백천])+[일이삼사오육칠팔구]?|[일이삼사오육칠팔구]")


def parse_sino(text: str) -> int | None:
    """`오십` → 50, `삼백이십` → 320 (Sino-Korean numerals written in Hangul, below 10000)."""
    if not _SINO.fullmatch(text):
        return None
    total = 0
    digit = 0
    for char in text:
        if char in SINO_DIGITS:
            digit = SINO_DIGITS[char]
        else:
            total += (digit or 1) * SMALL_UNITS[char]
            digit = 0
    return total + digit


def parse_native(text: str) -> int | None:
    """`스물다섯` → 25, `열두` → 12, `두` → 2; None otherwise."""
    text = text.replace(" ", "")
    for tens_word, tens in NATIVE_TENS.items():
        if text.startswith(tens_word):
            rest = text[len(tens_word) :]
            if not rest:
                return tens
            ones = NATIVE_ONES.get(rest)
            return None if ones is None else tens + ones
    return NATIVE_ONES.get(text)


def order_value(order: str) -> int:
    """The order of magnitude a vague numeral multiplies: `백억` → 10**10, `십` → 10, `` → 1."""
    value = 1
    for char in order:
        value *= SMALL_UNITS.get(char) or BIG_UNITS[char]
    return value
