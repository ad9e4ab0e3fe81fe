"""Find and normalise the figures in one sentence (see figures-spec.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from pipeline.figures import patterns as p
from pipeline.figures.numerals import (
    BIG_UNITS,
    DAY_WORDS,
    NATIVE_PAIRS,
    SEVERAL,
    TEN_ODD,
    Number,
    order_value,
    parse_digits,
    parse_korean_number,
    parse_native,
    parse_sino,
    to_number,
    valid_prefix,
)
from pipeline.model import Figure, FigureKind

MAX_AGE = 120
MAX_DAY = 31
MAX_MONTH = 12
MAX_HOUR = 24
YEAR_MIN, YEAR_MAX = 1000, 2999
HANGUL = re.compile(r"[가-힣]")
LETTER_BEFORE = re.compile(r"[A-Za-z가-힣\d.,/:_\-]$")
PLAIN_DIGITS = re.compile(r"[\d,.]+")
SPACED_TAIL = re.compile(r"\s\d[\d,]*$")
FROM = re.compile(r"부터\s?")
SPACED_DAE = re.compile(r"\s대(?![가-힣])")
DATE_UNIT_AFTER = r"[년월일시분세살위]"
LOOKBEHIND = 24  # characters of context examined before a figure
STRONG_KINDS: frozenset[FigureKind] = frozenset({"money", "percent", "percent_point"})


@dataclass
class Draft:
    """A figure while it is being built (mutable; turned into `Figure` at the end)."""

    start: int
    end: int
    kind: FigureKind
    value: Number | str
    unit: str | None
    approx: bool = False
    range_to: Number | str | None = None
    direction: str | None = None
    converts: int | None = None
    has_big: bool = False
    trailing_big: int = 1
    is_bare: bool = False


def extract(sentence: str) -> list[Figure]:
    drafts = _scan(sentence)
    drafts = _resolve_overlaps(drafts, sentence)
    _mark_context(sentence, drafts)
    _approx_after_parenthesis(sentence, drafts)
    _link_conversions(sentence, drafts)
    _share_directions(sentence, drafts)
    return [_to_figure(sentence, d) for d in drafts]


def _before(s: str, pos: int) -> str:
    """The text just before `pos`: look-behind patterns need only a few words, and searching
    the whole prefix would make long inputs quadratic."""
    return s[max(0, pos - LOOKBEHIND) : pos]


# --- scanning ----------------------------------------------------------------------------


def _scan(s: str) -> list[Draft]:
    drafts: list[Draft] = []
    pos = 0
    while (match := p.CORE.search(s, pos)) is not None:
        draft = _figure_at(s, match.start(), core_match=match)
        if draft is None:
            pos = match.end()
            continue
        draft = _extend_range(s, draft)
        drafts.append(draft)
        pos = max(draft.end, match.start() + 1)
    drafts = _merge_split_amounts(s, drafts)
    drafts.extend(_special_figures(s))
    # A vague numeral starts before the exact one inside it (`수백억원` holds `백억원`), so
    # `_resolve_overlaps` keeps the vague reading.
    drafts.extend(_vague_figures(s))
    return drafts


def _merge_split_amounts(s: str, drafts: list[Draft]) -> list[Draft]:
    """`60조원 3,000억원` is one amount written with the currency twice."""
    merged: list[Draft] = []
    for d in drafts:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == d.kind == "money"
            and prev.unit == d.unit == "KRW"
            and s[prev.end : d.start] == " "
            and prev.range_to is None
            and d.range_to is None
            and isinstance(prev.value, int)
            and isinstance(d.value, int)
        ):
            step = BIG_UNITS.get(s[prev.end - 2 : prev.end - 1])
            if step is not None and 0 < d.value < step and prev.value % step == 0:
                merged[-1] = replace(prev, end=d.end, value=prev.value + d.value)
                continue
        merged.append(d)
    return merged


def has_big_unit(text: str) -> bool:
    return any(c in BIG_UNITS for c in text)


def _core_at(
    s: str, pos: int, match: re.Match[str] | None = None
) -> tuple[Decimal, int, bool, int] | None:
    """(value, end, has big unit, multiplier of the trailing big unit) for a numeral at pos;
    `match` is `p.CORE.match(s, pos)` when the caller already has it."""
    if match is None:
        match = p.CORE.match(s, pos)
        if match is None:
            return None
    text = match.group()
    if PLAIN_DIGITS.fullmatch(text):
        # Most numerals: no units to validate or multiply (same result as the general path).
        digits = parse_digits(text)
        return None if digits is None else (Decimal(0) + digits, match.end(), False, 1)
    text = valid_prefix(text)
    tail = SPACED_TAIL.search(text)
    if tail is not None and has_big_unit(text) and re.match(DATE_UNIT_AFTER, s[pos + len(text) :]):
        text = text[: tail.start()]  # `5억 2023년`: the year is not part of the amount
    value = parse_korean_number(text)
    if value is None:
        return None
    end = match.start() + len(text)
    has_digit = any(c.isdigit() for c in text)
    has_big = any(c in BIG_UNITS for c in text)
    if not has_digit and (not has_big or not re.fullmatch(r"[천백千百]+[만억조경]", text)):
        return None
    trailing = 1
    stripped = text.rstrip("여")
    if stripped and stripped[-1] in BIG_UNITS:
        trailing = BIG_UNITS[stripped[-1]]
    return value, end, has_big, trailing


def _figure_at(
    s: str, pos: int, in_range: bool = False, core_match: re.Match[str] | None = None
) -> Draft | None:
    core = _core_at(s, pos, core_match)
    if core is None:
        return None
    value, end, has_big, trailing = core
    before = _before(s, pos)
    glued = bool(LETTER_BEFORE.search(before)) and not in_range
    if glued and before[-1] in "-+−" and re.search(r"(?:^|[\s(\[,:])$", before[:-1]):
        glued = False
    if glued and before.endswith(",") and before[-2:-1].isdigit():
        glued = False  # the second item of a list such as `6,7월`
    if p.PHONE.match(s, pos) or (not has_big and _is_stock_code(s, pos, end)):
        return None
    draft = _with_unit(s, pos, end, value, has_big)
    if draft is None:
        return None
    draft.has_big, draft.trailing_big = has_big, trailing
    if glued:
        prev = before[-1]
        if prev == "제" and draft.kind == "other":
            draft.start -= 1  # `제19대`, `제14호`: the ordinal prefix belongs to the span
        elif not (draft.kind in STRONG_KINDS and HANGUL.match(prev)) or draft.kind == "date":
            return None
    if s[pos - 1 : pos] == "-" and s[pos - 2 : pos - 1].isalpha():
        return None
    _apply_sign(s, draft)
    return draft


def _is_stock_code(s: str, start: int, end: int) -> bool:
    text = s[start:end]
    return len(text) == 6 and text.isdigit() and text.startswith("0")


def _with_unit(s: str, start: int, end: int, value: Decimal, has_big: bool) -> Draft | None:
    rest_pos = end
    approx_inside = "여" in s[start:end]
    if s.startswith("여", rest_pos):
        rest_pos += 1
        approx_inside = True
    number: Number = to_number(value)
    if "." in s[start:end] and not has_big:
        number = float(value)
    is_int = isinstance(number, int)

    # Dates and times first: they are built from several numbers.
    if is_int and not has_big:
        dated = _date_or_time(s, start, rest_pos, int(number))
        if dated is not None:
            dated.approx = dated.approx or approx_inside
            return dated
    for unit_end, kind, unit in _units_at(s, rest_pos):
        if not _unit_boundary_ok(s, unit_end, unit, kind):
            continue
        draft = Draft(start, unit_end, kind, number, unit, approx=approx_inside)
        _refine_kind(s, draft)
        return draft
    if has_big:
        last = s[start:end].rstrip("여").rstrip()[-1]
        if last in "조兆억億경":
            return Draft(start, end, "money", number, "KRW", approx=approx_inside)
        return Draft(start, end, "count", number, None, approx=approx_inside, is_bare=True)
    if s.startswith("선", end) and _unit_boundary_ok(s, end + 1, None, "other"):
        return Draft(start, end + 1, "other", number, None, approx=True)
    if isinstance(number, float) and re.match(r"[\d.A-Za-z]", s[end : end + 1]):
        return None  # `24.05.23`, version-like numbers
    # A bare number: kept only when it is a decimal (index level, magnitude) or shares the
    # unit of the next figure; decided in `_resolve_overlaps`.
    return Draft(start, end, "other", number, None, approx=approx_inside, is_bare=True)


def _units_at(s: str, pos: int) -> Iterator[tuple[int, FigureKind, str | None]]:
    """(end, kind, unit) of each unit rule that matches at `pos`, in rule order.

    The first comes from the rules' one alternation (most numbers stop there), the rest
    from trying the later rules one by one."""
    first = p.ANY_UNIT.match(s, pos)
    if first is None or first.lastindex is None:
        return
    index = first.lastindex - 1  # rule i is group i + 1
    _, kind, unit = p.COMPILED_UNITS[index]
    yield first.end(), kind, unit
    for rule, kind, unit in p.COMPILED_UNITS[index + 1 :]:
        match = rule.match(s, pos)
        if match is not None:
            yield match.end(), kind, unit


def _unit_boundary_ok(s: str, unit_end: int, unit: str | None, kind: FigureKind) -> bool:
    nxt = s[unit_end : unit_end + 1]
    if not nxt or not HANGUL.match(nxt):
        return True
    if kind in STRONG_KINDS and unit != "KRW":
        return True
    return nxt in p.ALLOWED_AFTER_UNIT


def _refine_kind(s: str, d: Draft) -> None:
    """Context rules for units with several meanings (대, 주, 분, 년, 일…)."""
    after = s[d.end :]
    if d.unit == "기" and p.COUNT_MACHINE_CONTEXT.search(_before(s, d.start)):
        d.kind = "count"
    if d.unit == "대":
        value = d.value
        if p.ORDINAL_CONTEXT.match(after):
            d.kind = "other"
        elif (
            isinstance(value, int)
            and 10 <= value <= 90
            and value % 10 == 0
            and not p.VEHICLE_CONTEXT.search(_before(s, d.start))
            and not p.AGE_FOLLOW.match(after)
        ):
            d.kind, d.approx = "other", True


def _date_or_time(s: str, start: int, pos: int, n: int) -> Draft | None:
    if s.startswith("년", pos):
        compound = p.YEAR_DURATION_TAIL.match(s, pos)
        if n < YEAR_MIN and compound is not None:
            months = compound.group("months")
            total = n * 12 + (int(months) if months else 6)
            return Draft(start, compound.end(), "duration", total, "개월")
        match = p.YEAR_TAIL.match(s, pos)
        if match is None:
            return None
        if n < YEAR_MIN or n > YEAR_MAX:
            end = pos + 1
            if s.startswith("차", end) or s.startswith(" 차", end):
                end = s.index("차", end) + 1
            return Draft(start, end, "duration", n, "년")
        if match.group("decade"):
            return Draft(start, match.end(), "date", f"{str(n)[:3]}X", "년대", approx=True)
        if match.group("quarter"):
            return Draft(start, match.end(), "date", f"{n}-Q{match.group('quarter')}", "분기")
        month = match.group("month")
        if month and 1 <= int(month) <= 12:
            day = match.group("day")
            if day and 1 <= int(day) <= MAX_DAY:
                return Draft(
                    start, match.end(), "date", f"{n}-{int(month):02d}-{int(day):02d}", "일"
                )
            end = match.end() if not day else match.end("month") + 1
            return Draft(start, end, "date", f"{n}-{int(month):02d}", "월")
        return Draft(start, pos + 1 + (1 if match.group("do") else 0), "date", str(n), "년")
    if s.startswith("월", pos) and 1 <= n <= 12:
        span = p.MONTH_DAY_RANGE.match(s, pos)
        if span is not None:
            d1, d2 = int(span.group("d1")), int(span.group("d2"))
            return Draft(
                start,
                span.end(),
                "date",
                f"--{n:02d}-{d1:02d}",
                "일",
                range_to=f"--{n:02d}-{d2:02d}",
            )
        part = p.MONTH_PART.match(s, pos + 1)
        if part is not None:
            return Draft(start, part.end(), "date", f"--{n:02d}", "월", approx=True)
        match = p.MONTH_TAIL.match(s, pos)
        assert match is not None
        day = match.group("day")
        if day and 1 <= int(day) <= MAX_DAY:
            return Draft(start, match.end(), "date", f"--{n:02d}-{int(day):02d}", "일")
        return Draft(start, pos + 1, "date", f"--{n:02d}", "월")
    if s.startswith("일", pos) and not s.startswith("일반", pos):
        elapsed = p.ELAPSED_BEFORE.search(_before(s, start)) is not None
        if p.DURATION_AFTER_DAY.match(s, pos + 1) or n > MAX_DAY or n == 0 or elapsed:
            return Draft(start, pos + 1, "duration", n, "일")
        return Draft(start, pos + 1, "date", f"---{n:02d}", "일")
    if s.startswith("분기", pos):
        if p.QUARTER_RUN.match(s, pos):
            return Draft(start, pos + 2, "duration", n, "분기")
        if 1 <= n <= 4:
            return Draft(start, pos + 2, "date", f"Q{n}", "분기")
        return None
    if s.startswith("주", pos) and p.DURATION_AFTER_WEEK.match(s, pos + 1):
        if s.startswith("주일", pos):
            return Draft(start, pos + 2, "duration", n, "주")
        return Draft(start, pos + 1, "duration", n, "주")
    if s.startswith("시", pos) and n <= MAX_HOUR:
        match = p.TIME_TAIL.match(s, pos)
        if match is not None:
            return _time(s, start, match, n)
    if s.startswith("분", pos) and not re.match(r"분의\s?\d|분기", s[pos:]):
        return Draft(start, pos + 1, "duration", n, "분")
    if s.startswith("초", pos) and not s.startswith("초반", pos) and not s.startswith("초과", pos):
        return Draft(start, pos + 1, "duration", n, "초")
    return None


def _time(s: str, start: int, match: re.Match[str], hour: int) -> Draft:
    window = _before(s, start)
    prefix = p.TIME_PREFIX.search(window)
    if prefix is not None:
        start -= len(window) - prefix.start()
        if prefix.group("word") in p.PM_WORDS and hour < 12:
            hour += 12
    minute = int(match.group("minute") or 0)
    end = match.end()
    range_to: str | None = None
    if match.group("minute2"):
        range_to = f"T{hour:02d}:{int(match.group('minute2')):02d}"
    else:
        upper = p.TIME_RANGE.match(s, end)
        if upper is not None and int(upper.group("hour")) <= MAX_HOUR:
            hour2 = int(upper.group("hour"))
            if upper.group("word") in p.PM_WORDS and hour2 < 12:
                hour2 += 12
            range_to = f"T{hour2:02d}:{int(upper.group('minute') or 0):02d}"
            end = upper.end()
    approx = False
    tail = re.compile(r"쯤|께|경").match(s, end)
    if tail is not None:
        end, approx = tail.end(), True
    return Draft(start, end, "date", f"T{hour:02d}:{minute:02d}", "시각", approx, range_to)


def _apply_sign(s: str, d: Draft) -> None:
    window = _before(s, d.start)
    sign = p.SIGN.search(window)
    if sign is None:
        return
    sign_start = d.start - (len(window) - sign.start())
    if sign.group("char") in {"-", "−"}:
        before = _before(s, sign_start)
        if before and not re.search(r"[\s(\[,:]$", before):
            return
    if isinstance(d.value, str):
        return
    token = sign.group("word") or sign.group("char")
    d.start = sign_start
    if token in {"-", "−", "△", "▼", "마이너스"}:
        d.value = -d.value
        d.direction = "down"
    elif token in {"+", "▲", "플러스"}:
        d.direction = "up"


def _extend_range(s: str, d: Draft) -> Draft:
    sep = p.RANGE_SEP.match(s, d.end)
    if sep is not None:
        second = _figure_at(s, sep.end(), in_range=True)
        if second is not None and _range_compatible(d, second):
            return _merge_range(d, second, second.end)
    via = FROM.match(s, d.end)
    if via is not None:
        second = _figure_at(s, via.end(), in_range=True)
        if second is not None and _range_compatible(d, second) and not d.is_bare:
            end = second.end + (2 if s.startswith("까지", second.end) else 0)
            return _merge_range(d, second, end)
    return d


def _range_compatible(lo: Draft, hi: Draft) -> bool:
    if hi.is_bare and not hi.has_big:
        return lo.is_bare and lo.kind == "other" and "." in str(lo.value) + str(hi.value)
    if lo.is_bare and not lo.has_big:
        return True
    return lo.kind == hi.kind and lo.unit == hi.unit


def _merge_range(lo: Draft, hi: Draft, end: int) -> Draft:
    value: Number | str = lo.value
    if lo.is_bare and not lo.has_big:
        if isinstance(value, int | float) and hi.trailing_big > 1:
            value = to_number(Decimal(str(value)) * hi.trailing_big)
        if hi.kind == "date" and isinstance(hi.value, str):
            value = _date_like(hi.value, value)
    return replace(
        hi,
        start=lo.start,
        end=end,
        value=value,
        range_to=hi.value,
        approx=lo.approx or hi.approx,
        direction=lo.direction or hi.direction,
        is_bare=False,
    )


def _date_like(template: str, value: Number | str) -> str:
    """Write the lower end of `3~6월` in the same shape as the upper end (`--03`)."""
    if not isinstance(value, int):
        return str(value)
    if template.startswith("---"):
        return f"---{value:02d}"
    if template.startswith("--") and len(template) == 4:
        return f"--{value:02d}"
    if template.startswith("Q"):
        return f"Q{value}"
    return str(value)


def _special_figures(s: str) -> list[Draft]:
    found: list[Draft] = []
    for m in p.NATIVE.finditer(s):
        word = m.group("num") or m.group("one")
        unit = m.group("unit") or m.group("unit1")
        n = parse_native(word) if word != "한" else 1
        if n is None:
            continue
        glued = len(word) == 1 and m.group().replace(" ", "") == m.group()
        if glued and unit not in p.GLUED_COUNTERS:
            continue
        found.append(_native_figure(m.start(), m.end(), n, unit))
    for m in _find(p.EOK_DAE, s, "억대"):
        found.append(Draft(m.start(), m.end(), "money", 10**8, "KRW", approx=True))
    for m in _find(p.FIRST, s, "첫"):
        found.append(Draft(m.start(), m.end(), "other", 1, "번째"))
    for m in _find(p.DAY_WORD, s, *p.DAY_WORD_ENDS):
        found.append(Draft(m.start(), m.end(), "duration", DAY_WORDS[m.group("word")], "일"))
    for m in _find(p.SINO_RATIO, s, "배", "퍼센트"):
        n = parse_sino(m.group("num"))
        if n is not None:
            kind: FigureKind = "ratio" if m.group("unit") == "배" else "percent"
            found.append(Draft(m.start(), m.end(), kind, n, "배" if kind == "ratio" else "%"))
    for m in _find(p.FRACTION, s, "분의"):
        den, num = int(m.group("den")), int(m.group("num"))
        if den:
            found.append(Draft(m.start(), m.end(), "ratio", num / den, None))
    for m in _find(p.SLASH_FRACTION, s, "/"):
        num, den = int(m.group("num")), int(m.group("den"))
        if 0 < num < den:
            found.append(Draft(m.start(), m.end(), "ratio", num / den, None))
    for m in _find(p.BATTING, s, "할"):
        thousandths = int(m.group("h")) * 100 + int(m.group("p") or 0) * 10 + int(m.group("r") or 0)
        found.append(Draft(m.start(), m.end(), "other", thousandths / 1000, None))
    for m in _find(p.BARE_AGE, s, "("):
        age = int(m.group("age"))
        if 0 < age <= MAX_AGE:
            found.append(Draft(m.start("age"), m.end("age"), "other", age, None))
    return found


def _find(pattern: re.Pattern[str], s: str, *needles: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(s)`, or nothing when `s` holds none of `needles`: texts the pattern
    cannot match without. Most sentences have none, and `in` is far cheaper than a scan."""
    for needle in needles:
        if needle in s:
            return pattern.finditer(s)
    return iter(())


def _native_figure(start: int, end: int, n: int, unit: str) -> Draft:
    if unit == "배":
        return Draft(start, end, "ratio", n, "배")
    if unit == "번째":
        return Draft(start, end, "other", n, "번째")
    if unit == "달":
        return Draft(start, end, "duration", n, "개월")
    if unit in {"시간", "해"}:
        return Draft(start, end, "duration", n, "시간" if unit == "시간" else "년")
    if unit == "살":
        return Draft(start, end, "other", n, "살")
    return Draft(start, end, "count", n, unit)


# --- vague numerals (figures-spec.md, "Vague numerals") ----------------------------------

# An exact amount written before a vague one adds to it: `1조 수천억원`, `2만 수천 명`.
EXACT_BEFORE_VAGUE = re.compile(r"(?<![\d.,])(?P<num>\d+)\s?(?P<big>[경조억만])\s?$")


def _vague_figures(s: str) -> list[Draft]:
    """`수백억원`, `수십 명`, `수억~수십억 원`, `몇 차례`, `수개월`, `두세 번`, `십수 년`: ranges
    from the lowest to the highest number the words allow, always approximate."""
    found: list[Draft] = []
    for m in _find(p.VAGUE_ORDER, s, "수", "몇"):
        draft = _vague_order(s, m)
        if draft is not None:
            found.append(draft)
    for m in _find(p.VAGUE_FEW, s, "수", "몇", *NATIVE_PAIRS):
        draft = _vague_few(s, m)
        if draft is not None:
            found.append(draft)
    return found


def _several(s: str, m: re.Match[str]) -> tuple[int, int, str] | None:
    """(lowest, highest, order) of a VAGUE_ORDER match: `수백억` → (2·10¹⁰, 9·10¹⁰, `백억`);
    None for the `수` of `~ㄹ 수` (`할 수 있다`): `할 수만 있다면`, `볼 수조차`, `할 수 십`."""
    if m["word10"]:
        low, high = TEN_ODD
        order = m["order10"]
    else:
        low, high = SEVERAL
        order = m["order"].replace(" ", "")
        after_rieul = s[m.start() - 2 : m.start() - 1] in p.RIEUL_FINAL
        if m["word"] == "수" and (m["gap"] or order in {"만", "조"}) and after_rieul:
            return None
        if m["word"] == "수" and s.startswith(("만큼", "조차"), m.start() + 1):
            return None
    scale = order_value(order)
    return low * scale, high * scale, order


def _vague_order(s: str, m: re.Match[str]) -> Draft | None:
    several = _several(s, m)
    if several is None:
        return None
    low, high, order = several
    end = m.end()
    sep = p.RANGE_SEP.match(s, end)
    upper = p.VAGUE_ORDER.match(s, sep.end()) if sep is not None else None
    upper_several = _several(s, upper) if upper is not None else None
    if upper is not None and upper_several is not None:
        # `수억~수십억 원`: one span from the lower end of the first to the upper end of the
        # second; `수백~수천만 원` writes the big unit once, for both ends (수백만~수천만).
        upper_low, upper_high, upper_order = upper_several
        shared = BIG_UNITS.get(upper_order[-1:], 1)
        range_low = low if has_big_unit(order) else low * shared
        if upper_low > range_low:  # a range goes up; `수천~수백` is no range we can read
            low, high, end, order = range_low, upper_high, upper.end(), upper_order
    unit = _vague_unit(s, end, order)
    if unit is None:
        return None
    unit_end, kind, unit_word = unit
    if m["word"] == "몇" and _is_question(s, unit_end):
        return None
    start = m.start()
    exact = EXACT_BEFORE_VAGUE.search(_before(s, start))
    if exact is not None and BIG_UNITS[exact["big"]] > high:
        base = int(exact["num"]) * BIG_UNITS[exact["big"]]
        start -= len(exact.group())
        low, high = base + low, base + high
    draft = Draft(start, unit_end, kind, low, unit_word, approx=True, range_to=high)
    draft.has_big = has_big_unit(order)
    if draft.has_big:
        draft.trailing_big = BIG_UNITS[order[-1]]
    if unit_word != "대":  # `수십 대` are vehicles or machines, never an age group
        _refine_kind(s, draft)
    return draft


def _vague_unit(s: str, pos: int, order: str) -> tuple[int, FigureKind, str | None] | None:
    """(end, kind, unit) after a vague order of magnitude, as for an exact number; None when
    nothing after it makes it a figure (`수십에 달한다`, `수조에 담긴`: a water tank)."""
    money_big = order[-1:] in {"억", "조", "경"}
    # `수십억대 자산가`, `수십억 대 비자금`: 대 is the bracket marker, not the counter.
    if not (money_big and s.startswith(("대", " 대"), pos)):
        for unit_end, kind, unit in _units_at(s, pos):
            if _unit_boundary_ok(s, unit_end, unit, kind):
                return unit_end, kind, unit
        counter = p.VAGUE_COUNTER.match(s, pos)
        if counter is not None and counter["counter"] not in p.ORDER_NOT:
            return (counter.end(), *p.VAGUE_COUNTERS[counter["counter"]])
    if money_big and order != "조":
        return pos, "money", "KRW"
    if order.endswith("만") and order != "만":
        # `수백만 구독자`, like `1000만 관객`; a bare `수만` is mostly `수` + `만` ("only the
        # number": `매장 수만 늘었다`).
        return pos, "count", None
    return None


def _vague_few(s: str, m: re.Match[str]) -> Draft | None:
    """`몇 차례`, `수개월`, `두세 번`: a few of a counter."""
    word, counter, glued = m["word"], m["counter"], not m["space"]
    if counter == "번" and s.startswith("째", m.end()):
        return None  # `몇 번째`, `두세 번째`: ordinals, not counts
    if word == "수":
        if counter not in (p.SU_GLUED if glued else p.SU_SPACED):
            return None
        if not glued and s[m.start() - 2 : m.start() - 1] in p.RIEUL_FINAL:
            return None  # `할 수 년`: the `수` of `~ㄹ 수 있다`
    elif word == "몇":
        if _is_question(s, m.end()):
            return None
    elif counter in p.PAIR_NOT or (glued and counter not in p.GLUED_COUNTERS):
        return None
    low, high = NATIVE_PAIRS.get(word, SEVERAL)
    kind, unit = p.VAGUE_COUNTERS[counter]
    return Draft(m.start(), m.end(), kind, low, unit, approx=True, range_to=high)


def _is_question(s: str, end: int) -> bool:
    """`몇 명이냐`, `몇 명인지 모른다`: `몇` asks how many, and states no figure."""
    return p.QUESTION_AFTER.match(s, end) is not None


def _resolve_overlaps(drafts: list[Draft], s: str) -> list[Draft]:
    ordered = sorted(drafts, key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[Draft] = []
    for i, d in enumerate(ordered):
        if kept and d.start < kept[-1].end:
            continue
        if d.is_bare and not _bare_is_figure(d):
            shared = _unit_written_once(s, d, ordered[i + 1] if i + 1 < len(ordered) else None)
            if shared is None:
                continue
            d = shared
        kept.append(d)
    return kept


def _unit_written_once(s: str, d: Draft, nxt: Draft | None) -> Draft | None:
    """`1930, 1935년생` and `15, 16일`: the unit of the next figure applies to a bare number."""
    if nxt is None or not isinstance(d.value, int) or d.has_big:
        return None
    if not re.fullmatch(r",\s?", s[d.end : nxt.start]) or nxt.kind != "date":
        return None
    if not isinstance(nxt.value, str) or nxt.range_to is not None:
        return None
    if nxt.unit == "년" and YEAR_MIN <= d.value <= YEAR_MAX and re.fullmatch(r"\d{4}", nxt.value):
        return replace(d, kind="date", value=str(d.value), unit="년", is_bare=False)
    if nxt.unit == "일" and nxt.value.startswith("---") and 1 <= d.value <= MAX_DAY:
        return replace(d, kind="date", value=f"---{d.value:02d}", unit="일", is_bare=False)
    if nxt.unit == "월" and re.fullmatch(r"--\d\d", nxt.value) and 1 <= d.value <= MAX_MONTH:
        return replace(d, kind="date", value=f"--{d.value:02d}", unit="월", is_bare=False)
    return None


def _bare_is_figure(d: Draft) -> bool:
    if d.has_big:
        return True
    return d.kind == "other" and isinstance(d.value, float)


# --- context: approx, attached markers, direction, conversions -----------------------------


def _mark_context(s: str, drafts: list[Draft]) -> None:
    for d in drafts:
        spaced = SPACED_DAE.match(s, d.end)
        if spaced is not None and d.kind == "money":
            d.end, d.approx = spaced.end(), True
        marker = p.ATTACHED_MARKERS.match(s, d.end)
        if marker is not None and not _marker_is_word_start(s, marker.end(), marker.group()):
            d.end = marker.end()
            if marker.group() in p.APPROX_ATTACHED:
                d.approx = True
        if p.APPROX_BEFORE.search(_before(s, d.start)):
            d.approx = True
        if p.APPROX_AFTER.match(s, d.end) and not p.OTHER_QUANTITY_BEFORE.search(
            _before(s, d.start)
        ):
            d.approx = True
        if d.kind == "duration" and s.startswith("째", d.end):
            d.end += 1
        if d.direction is None and d.kind not in {"date"}:
            direction = _direction_after(s, d.end)
            if direction is not None:
                d.direction = direction
        if s.startswith("↑", d.end) or s.startswith("↓", d.end):
            d.direction = "up" if s[d.end] == "↑" else "down"


def _marker_is_word_start(s: str, end: int, marker: str) -> bool:
    """`대` in `2천억 대 도박` is a marker, but `대` in `3대 중` is a counter (handled by units)."""
    nxt = s[end : end + 1]
    if marker in {"대", "선", "경", "여", "정도"} and nxt and HANGUL.match(nxt):
        return nxt not in p.ALLOWED_AFTER_UNIT
    return False


def _direction_after(s: str, end: int) -> str | None:
    match = p.DIRECTION_AFTER.match(s, end)
    if match is None:
        return None
    return "up" if match.group("word") in p.UP_WORDS else "down"


def _approx_after_parenthesis(s: str, drafts: list[Draft]) -> None:
    """`11조원(2.93%)가량`: the marker after the parenthesis covers both figures."""
    for i in range(1, len(drafts)):
        prev, cur = drafts[i - 1], drafts[i]
        if s[prev.end : cur.start] == "(" and p.PAREN_APPROX.match(s, cur.end):
            prev.approx = cur.approx = True


def _link_conversions(s: str, drafts: list[Draft]) -> None:
    for i in range(1, len(drafts)):
        prev, cur = drafts[i - 1], drafts[i]
        if prev.kind != "money" or cur.kind != "money" or prev.unit == cur.unit:
            continue
        gap = s[prev.end : cur.start]
        if p.CONVERSION_GAP.fullmatch(gap) or p.CONVERSION_GAP.fullmatch(gap.strip(" '\"‘’“”")):
            cur.converts = i - 1
            if cur.direction is None and prev.direction is not None:
                cur.direction = prev.direction


def _share_directions(s: str, drafts: list[Draft]) -> None:
    for i in range(len(drafts) - 2, -1, -1):
        cur, nxt = drafts[i], drafts[i + 1]
        if cur.direction is not None or nxt.direction is None or cur.kind != nxt.kind:
            continue
        if p.LIST_GAP.fullmatch(s[cur.end : nxt.start]):
            cur.direction = nxt.direction
    for i in range(len(drafts) - 1):
        cur, nxt = drafts[i], drafts[i + 1]
        if nxt.converts == i and cur.direction is None and nxt.direction is not None:
            cur.direction = nxt.direction


def _to_figure(s: str, d: Draft) -> Figure:
    direction = d.direction if d.direction in {"up", "down"} else None
    return Figure(
        text=s[d.start : d.end],
        start=d.start,
        end=d.end,
        kind=d.kind,
        value=d.value,
        unit=d.unit,
        approx=d.approx,
        range_to=d.range_to,
        converts=d.converts,
        direction="up" if direction == "up" else "down" if direction == "down" else None,
    )
