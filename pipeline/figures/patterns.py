"""Regular expressions and word lists for figure extraction (see figures-spec.md)."""

from __future__ import annotations

import re

from pipeline.figures.numerals import DAY_WORDS, NATIVE_ONES, NATIVE_PAIRS, NATIVE_TENS
from pipeline.model import FigureKind

DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# One group below 만: `2천6백`, `4천 606`, `1,396`, `천`.
GROUP = rf"(?:(?:{DIGITS})?[천千백百]\s?)+(?:{DIGITS})?|(?:{DIGITS})"
BIG = r"[경조兆억億만萬]"
# A whole numeral: `5조4000억`, `15만 4천 606`, `2천6백여만`, `1천만 677`.
# The leading (?=…) tests the first character: the engine then skips most positions at once
# instead of trying each alternative there (here and in NATIVE; the match is unchanged).
CORE = re.compile(rf"(?=[\d천千백百])(?:{GROUP})(?:여?\s?{BIG}(?:\s?(?:{GROUP}))?)*")

SIGN = re.compile(r"(?:(?<![가-힣])(?P<word>마이너스|플러스)\s?|(?P<char>[-+△▲▼±−]))$")
# Bound / approximation words written before the figure, outside its span.
APPROX_BEFORE = re.compile(
    r"(?<![가-힣])(?:약|대략|최대|최소|적어도|근|약\s?연|최고\s?연|최대\s?규모|최소\s?규모)\s?$"
)
# Markers attached to the figure (inside the span).
ATTACHED_MARKERS = re.compile(r"(?:여|가량|쯤|께|경|남짓|안팎|가까이|대|선|어치|정도)")
APPROX_ATTACHED = frozenset(
    {"여", "가량", "쯤", "께", "경", "남짓", "안팎", "가까이", "대", "선", "정도"}
)
# Words after the figure that make it approximate (bounds, thresholds crossed).
APPROX_AFTER = re.compile(
    r"\s?(?:가량|정도(?!로)|쯤|안팎|남짓|가까이|이상|이하|미만|이내|넘게|넘는|넘어|넘었|넘긴|"
    r"넘어섰|초반|내외|수준|(?:에\s?)?육박|(?:에\s?)?가까운|돌파|\s[가-힣]{1,4}[을를이가]\s?돌파|[이가을를]\s?(?:넘는|넘게|넘어|넘었|넘긴|돌파|웃돌))"
)
# A threshold that belongs to another named quantity (`수출액 61억 달러를 넘어섰다`) is exact.
OTHER_QUANTITY_BEFORE = re.compile(r"(?:액|량|율|률|가격|금액|규모|실적|매출)\s$")
PAREN_APPROX = re.compile(r"\)\s?(?:가량|정도(?!로)|안팎|남짓|쯤)")
DIRECTION_AFTER = re.compile(
    r"(?:\s?(?:씩|이나|나|가량|정도|쯤|가까이|넘게|이상|더|이|가|을|를|만큼|각각|안팎|남짓|여))*"
    r"\)?\s?(?P<word>증가|늘|상승|오른|올랐|올라|오르|인상|증액|순증|급증|급등|폭등|뛰|높아|불어|"
    r"확대|감소|줄|하락|내린|내렸|내려|떨어|급락|급감|폭락|삭감|감액|깎|낮아|축소|증발|뺏|날아|↑|↓)"
)
UP_WORDS = frozenset(
    {"증가", "늘", "상승", "오른", "올랐", "올라", "오르", "인상", "증액", "순증", "급증"}
    | {"급등", "폭등", "뛰", "높아", "불어", "확대", "↑"}
)
CONVERSION_GAP = re.compile(
    r"\s?(?:\(\s?(?:약|대략)?\s?|,?\s?(?:우리\s?돈|한화로?|원화로?|원화\s?기준)\s?(?:으로\s?)?(?:약\s?)?)"
)
LIST_GAP = re.compile(r"\s?(?:[,·]|와|과|및|,\s?그리고)\s?(?:[가-힣]{1,4}\s)?")
RANGE_SEP = re.compile(r"\s?[~∼〜～]\s?|-(?=\d)")

# Hangul syllables that may follow a counter directly (particles, markers, verbs of change).
ALLOWED_AFTER_UNIT = frozenset(
    "이가을를은는의에와과도만로으께씩째간당중나여쯤경대선어정안남넘초미까부보였인라며고다짜꼴뿐밖"
    "늘줄증감상하폭올내떨전후동아서랑엔치배가량씩"
)

TIME_PREFIX = re.compile(r"(?P<word>오전|오후|새벽|아침|저녁|밤|낮|어젯밤|지난밤|오늘밤|밤새)\s?$")
PM_WORDS = frozenset({"오후", "저녁", "밤", "어젯밤", "지난밤", "오늘밤", "밤새"})

NATIVE_NUMERAL = "|".join(
    sorted(
        [f"{t}{o}" for t in NATIVE_TENS for o in NATIVE_ONES if o not in {"하나", "둘", "셋", "넷"}]
        + list(NATIVE_TENS)
        + [o for o in NATIVE_ONES if o not in {"하나", "둘", "셋", "넷", "석", "넉", "한"}],
        key=len,
        reverse=True,
    )
)
# Counters that follow a native numeral; `한` is only a number before the first group.
NATIVE_COUNTERS = (
    "번째|명|번|배|차례|건|개|가지|곳|사람|달|해|시간|살|마리|대|권|잔|그릇|회사|후보|나라|군데|"
    "종류|팀|쌍|척|채|편|곳|세트|개국|분기"
)
ONE_COUNTERS = "명|번|달|사람|그릇|잔|가지|차례|시간|마리|쌍|대|종류"
# A one-syllable native numeral glued to its counter (`두명`) only with these counters.
GLUED_COUNTERS = frozenset({"명", "번", "배", "차례", "가지", "곳", "개", "건", "회사"})
_AFTER_OK = "".join(sorted(ALLOWED_AFTER_UNIT))
UNIT_END = rf"(?=$|[^가-힣]|[{_AFTER_OK}])"
_NATIVE_FIRST = "".join(sorted({word[0] for word in NATIVE_NUMERAL.split("|")} | {"한"}))
NATIVE = re.compile(
    rf"(?=[{_NATIVE_FIRST}])(?<![가-힣])(?:(?P<num>{NATIVE_NUMERAL})\s?(?P<unit>{NATIVE_COUNTERS})"
    rf"|(?P<one>한)\s?(?P<unit1>{ONE_COUNTERS})){UNIT_END}"
)
# --- vague numerals (figures-spec.md, "Vague numerals") ---
# `수`/`몇`/`십수` before an order of magnitude: `수백억`, `수십만`, `수천`, `몇백`, `십수억`,
# also written with spaces (`수 십 만원`) or with a redundant `여` (`수십여 명`). `수많은`
# has no order after `수` and so is no match; `이수만` (a name) fails the look-behind.
VAGUE_ORDER = re.compile(
    r"(?=[수몇십])(?<![가-힣A-Za-z\d])(?:(?P<word>수|몇)(?P<gap>\s?)"
    r"(?P<order>[십백천](?:\s?[만억조경])?|[만억조경])|(?P<word10>십수)(?P<order10>[만억조경]?))"
    r"(?P<about>여)?"
)
# Counters after `몇`, `수` or a native pair (`몇 차례`, `수개월`, `두세 번`): kind and unit
# as for an exact number (`달` → months, `해` → years, as with native numerals).
VAGUE_COUNTERS: dict[str, tuple[FigureKind, str]] = {
    "명": ("count", "명"),
    "사람": ("count", "사람"),
    "개국": ("count", "개국"),
    "개사": ("count", "개사"),
    "개": ("count", "개"),
    "곳": ("count", "곳"),
    "군데": ("count", "군데"),
    "건": ("count", "건"),
    "차례": ("count", "차례"),
    "번": ("count", "번"),
    "회": ("count", "회"),
    "가지": ("count", "가지"),
    "가구": ("count", "가구"),
    "대": ("count", "대"),
    "채": ("count", "채"),
    "척": ("count", "척"),
    "권": ("count", "권"),
    "마리": ("count", "마리"),
    "팀": ("count", "팀"),
    "종류": ("count", "종류"),
    "종": ("count", "종"),
    "배": ("ratio", "배"),
    "년": ("duration", "년"),
    "해": ("duration", "년"),
    "개월": ("duration", "개월"),
    "달": ("duration", "개월"),
    "주일": ("duration", "주"),
    "주": ("duration", "주"),
    "일": ("duration", "일"),
    "시간": ("duration", "시간"),
    "분기": ("duration", "분기"),
    "분": ("duration", "분"),
    "초": ("duration", "초"),
    "살": ("other", "살"),
}
# `수` glued to a counter is a numeral only where the word is not another noun: 수명 (life),
# 수주 (orders won), 수배 (wanted), 수건, 수분, 수초, 수해, 수달, 수회 (bribery) are not.
SU_GLUED = frozenset({"차례", "개월", "년", "일", "시간", "개국", "개사"})
# `수 차례` spaced: mostly `~할 수 있다` has the same shape, so only counters that cannot
# follow that `수`, and not after a syllable ending in ㄹ (see RIEUL_FINAL).
SU_SPACED = frozenset({"차례", "개월", "년", "시간"})
# Counters a native pair does not take: `두세 분` are people, `서너 일` are tasks.
PAIR_NOT = frozenset({"년", "일", "분", "초"})
# An order of magnitude takes a counter the unit rules lack (`수십 채`, `수백 번`, `수십 년`);
# `주` after it is shares (`수백만 주`), not weeks.
ORDER_NOT = frozenset({"주"})
_VAGUE_WORDS = "|".join(sorted([*NATIVE_PAIRS, "수", "몇"], key=len, reverse=True))
_VAGUE_FIRST = "".join(sorted({word[0] for word in NATIVE_PAIRS} | {"수", "몇"}))
_VAGUE_COUNTER = "|".join(sorted(VAGUE_COUNTERS, key=len, reverse=True))
VAGUE_FEW = re.compile(
    rf"(?=[{_VAGUE_FIRST}])(?<![가-힣A-Za-z\d])(?P<word>{_VAGUE_WORDS})(?P<space>\s?)"
    rf"(?P<counter>{_VAGUE_COUNTER}){UNIT_END}"
)
VAGUE_COUNTER = re.compile(rf"\s?(?P<counter>{_VAGUE_COUNTER}){UNIT_END}")
# Hangul syllables by final consonant (Unicode orders them initial × medial × final).
_SYLLABLES = range(0xAC00, 0xD7A4)
RIEUL_FINAL = frozenset(chr(c) for c in _SYLLABLES if (c - 0xAC00) % 28 == 8)
_RIEUL = "".join(sorted(RIEUL_FINAL))
# `몇` asks rather than counts when its clause ends like a question: `몇 명이냐`,
# `몇 명인지`, `몇 명이 다쳤는지`, `몇 년이 걸릴지`, `몇 곳일까`, `몇 명인가`. Only endings:
# a noun ending in 지 (`현지`, `단지`, `2차전지`) must not make a statement a question.
QUESTION_AFTER = re.compile(
    rf"[^.,!;:\"'“”‘’()\[\]]{{0,20}}?(?:\?|냐|니까|나요|[는은인던{_RIEUL}]지|[{_RIEUL}]까"
    r"|[는은인던]가(?![가-힣]))"
)
DAY_WORD = re.compile(
    rf"(?<![가-힣])(?P<word>{'|'.join(sorted(DAY_WORDS, key=len, reverse=True))}){UNIT_END}"
)
DAY_WORD_ENDS = frozenset(word[-1] for word in DAY_WORDS)  # one is in any text DAY_WORD matches
EOK_DAE = re.compile(r"(?<![\d가-힣])억대")  # 억대: in the hundreds of millions (of won)
FIRST = re.compile(r"(?<![가-힣])첫\s?번째")
SINO_RATIO = re.compile(
    r"(?<![가-힣])(?P<num>[일이삼사오육칠팔구]?[십백천][일이삼사오육칠팔구십백천]*)\s?(?P<unit>배|퍼센트)"
)
FRACTION = re.compile(r"(?<![\d.])(?P<den>\d+)\s?분의\s?(?P<num>\d+)(?![\d.])")
SLASH_FRACTION = re.compile(r"(?<![\d./])(?P<num>\d{1,2})/(?P<den>\d{1,2})(?![\d/.])")
BATTING = re.compile(r"(?<!\d)(?P<h>\d)할(?:\s?(?P<p>\d)푼)?(?:\s?(?P<r>\d)리)?")
BARE_AGE = re.compile(r"(?<=[가-힣A-Za-z])\((?P<age>\d{1,3})(?=[)·,])")
PHONE = re.compile(r"\d{2,4}-\d{3,4}-\d{4}")

# (pattern, kind, unit, space allowed before it). Longer forms come first.
UnitRule = tuple[str, FigureKind, str | None, bool]
UNIT_RULES: tuple[UnitRule, ...] = (
    (r"%\s?[pP](?:t)?(?![A-Za-z])", "percent_point", "%p", True),
    (r"%\s?포인트", "percent_point", "%p", True),
    (r"퍼센트\s?포인트", "percent_point", "%p", True),
    (r"[%％]", "percent", "%", True),
    (r"퍼센트", "percent", "%", True),
    (r"원(?!장|전|자|칙|래|두|정|유|점|형|고|룸|리|숭|년)", "money", "KRW", True),
    (r"달러|弗", "money", "USD", True),
    (r"위안", "money", "CNY", True),
    (r"엔(?!진|터|씨)", "money", "JPY", True),
    (r"유로", "money", "EUR", True),
    (r"파운드", "money", "GBP", True),
    (r"포인트", "other", "포인트", True),
    (r"거래일", "duration", "거래일", True),
    (r"개월", "duration", "개월", True),
    (r"주년", "duration", "주년", True),
    (r"시간", "duration", "시간", True),
    (r"번째", "other", "번째", True),
    (r"단계", "other", "단계", False),
    (r"개사", "count", "개사", True),
    (r"개국", "count", "개국", True),
    (r"개교", "count", "개교", True),
    (r"개소", "count", "개소", True),
    (r"가구", "count", "가구", True),
    (r"마리", "count", "마리", True),
    (r"차례", "count", "차례", True),
    (r"가지", "count", "가지", True),
    (r"그릇", "count", "그릇", True),
    (r"켤레", "count", "켤레", True),
    (r"송이", "count", "송이", True),
    (r"군데", "count", "군데", True),
    (r"상자", "count", "상자", True),
    (r"홈런", "count", "홈런", True),
    (r"인치", "other", "인치", False),
    (r"관왕", "count", "관왕", False),
    (r"라운드", "other", "라운드", False),
    (r"체급", "count", "체급", False),
    (r"인조", "count", "인조", False),
    (r"롤", "count", "롤", False),
    (r"단(?!지|체|독|계|위|어|기|가|속|일)", "other", "단", False),
    (r"장(?!관|애|기|사|소|례|면|르|악|남|녀|님|마|점|르)", "count", "장", False),
    (r"구(?!역|청|간|속|조|매|입|성|제|단|역|장|의)", "count", "구", False),
    (r"나노", "other", "nm", False),
    (r"㎚|nm(?![A-Za-z])", "other", "nm", False),
    (r"㎜|mm(?![A-Za-z])", "other", "mm", False),
    (r"㎝|cm(?![A-Za-z])", "other", "cm", False),
    (r"㎞|km(?![A-Za-z])", "other", "km", False),
    (r"㎡|m2(?![A-Za-z0-9])|제곱미터", "other", "㎡", False),
    (r"㎏|kg(?![A-Za-z])", "other", "kg", False),
    (r"㏊|ha(?![A-Za-z])", "other", "ha", False),
    (r"m(?![A-Za-z])", "other", "m", False),
    (r"t(?![A-Za-z])|톤", "other", "t", False),
    (r"명", "count", "명", True),
    (r"개", "count", "개", True),
    (r"곳", "count", "곳", True),
    (r"건", "count", "건", True),
    (r"배", "ratio", "배", True),
    (r"위", "other", "위", False),
    (r"세(?!대|계|기|금|력|무|종|균|입|출|트|션|상)", "other", "세", False),
    (r"살", "other", "살", False),
    (r"평", "other", "평", False),
    (r"도(?=$|[\s,.)'\"’”]|라|로|를|의|가|에|까)", "other", "도", False),
    (r"급", "other", "급", False),
    (r"기", "other", "기", False),
    (r"호(?!선|실|텔)", "other", "호", False),
    (r"차(?!관|장|원|량|로|례|트|이)", "other", "차", False),
    (r"회", "count", "회", False),
    (r"번(?!가|지|길)", "count", "번", False),
    (r"표", "count", "표", False),
    (r"석", "count", "석", False),
    (r"척", "count", "척", False),
    (r"채", "count", "채", False),
    (r"편", "count", "편", False),
    (r"권", "count", "권", False),
    (r"잔", "count", "잔", False),
    (r"병", "count", "병", False),
    (r"인(?!치|상|하|데|지|가)", "count", "인", False),
    (r"쌍", "count", "쌍", False),
    (r"팀", "count", "팀", False),
    (r"사(?!단|장|업|건|람|이|항|고|무|실)", "count", "사", False),
    (r"종(?!목|합|료)", "count", "종", False),
    (r"점", "other", "점", False),
    (r"대", "count", "대", False),
)
COMPILED_UNITS: tuple[tuple[re.Pattern[str], FigureKind, str | None], ...] = tuple(
    (re.compile((r"\s?" if space else "") + rf"(?:{pattern})"), kind, unit)
    for pattern, kind, unit, space in UNIT_RULES
)
# Every rule as one alternation, rule i followed by the empty group i + 1 (the rules have no
# groups of their own): the first rule that matches at a position, in one call. The group
# comes after the rule so that a branch starting with a literal is skipped at its first char.
ANY_UNIT = re.compile("|".join(f"(?:{rule.pattern})()" for rule, _, _ in COMPILED_UNITS))

# Date continuations after a number (year, month, day, quarter, time).
YEAR_TAIL = re.compile(
    r"년(?P<decade>대)?(?P<do>도)?(?:\s?(?P<month>\d{1,2})월(?:\s?(?P<day>\d{1,2})일)?"
    r"|\s?(?P<quarter>[1-4])분기)?"
)
MONTH_TAIL = re.compile(r"월(?:\s?(?P<day>\d{1,2})일)?")
TIME_TAIL = re.compile(
    r"시(?!간|즌|대|점|청|장|민|각|의회|도|리)"
    r"(?:\s?(?P<minute>\d{1,2})(?:\s?[~∼〜～]\s?(?P<minute2>\d{1,2}))?분)?"
)
TIME_RANGE = re.compile(
    r"\s?[~∼〜～]\s?(?:(?P<word>오전|오후|새벽|아침|저녁|밤|낮)\s?)?(?P<hour>\d{1,2})시"
    r"(?:\s?(?P<minute>\d{1,2})분)?"
)
MONTH_DAY_RANGE = re.compile(r"월\s?(?P<d1>\d{1,2})\s?[~∼〜～-]\s?(?P<d2>\d{1,2})일")
MONTH_PART = re.compile(r"초(?!과|반)|말(?![가-힣])|중순|초순|하순|상순")
COUNT_MACHINE_CONTEXT = re.compile(r"(?:원전|원자로|발전기|항공기|전투기|엘리베이터)\s?$")
ELAPSED_BEFORE = re.compile(r"[가-힣]\s지\s$")  # `발생한 지 20일이 지났다`
DURATION_AFTER_DAY = re.compile(r"\s?(?:간|째|동안|만에|연속|이나|씩|여간)")
DURATION_AFTER_WEEK = re.compile(r"\s?(?:간|째|동안|만에|연속|일)")
QUARTER_RUN = re.compile(r"분기\s?연속")
YEAR_DURATION_TAIL = re.compile(r"년\s?(?:(?P<months>\d{1,2})\s?개월|(?P<half>반))")
ORDINAL_CONTEXT = re.compile(r"\s?(?:국회|대선|총선|대통령|국회의원|의원|총장|회장|정부|지방선거)")
VEHICLE_CONTEXT = re.compile(
    r"(?:차량|자동차|차|버스|트럭|PC|노트북|기기|대수|택시|항공기|전투기)\s?$"
)
AGE_FOLLOW = re.compile(r"(?:\s?(?:중|가운데)\s)")
