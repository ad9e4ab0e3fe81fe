"""Quotes and who said them.

Direct quotes: text in double quotation marks followed by a quoting ending (“…”라고 말했다,
“…”며, “…”고 밝혔다) or closing the sentence. Indirect quotes: `…다고 밝혔다` after a
named speaker.

The speaker is the person or body as the article names them: the noun phrase marked as the
topic or subject of the quoting clause (`김성수 의원은 “…”`, `이재명 지사가 19일 “…”`, `A씨도
“…”`, `이근주 대표 역시 “…”`), else the one after the quote (`“…”라고 김 대표는 말했다`).
Kiwi's tags delimit that phrase: it is the run of nouns (NNG/NNP/NNB/SL…), determiners,
genitive 의, coordinating 와/과 and bracketed asides ending at the particle, so it stops at
a relative clause (an ETM ending: `연구를 수행한 | 최기홍 국민연금연구원 연구위원`), an adverb
(`이어 | 김성수 의원`), a case particle (`이와 관련` …) or a comma. Dates and sentence
adverbials at its front (`24일`, `이날`, `반면`, `관련`) and bracketed asides (an age, a
constituency, `<사진>`) are dropped.

A phrase does not always name anyone. A pronoun (`그는`, `그녀는`, `이들은`) and a quote
with no speaker in its sentence (`이어 “…”`, `그러면서 “…”`, `또 “…”`) belong to the speaker
in force: the last person or body the article made the subject, with a quote or not. A
demonstrative (`이 관계자는`) is the last mention of that noun, else the speaker in force. A
short second mention (`김 의원` after `김성수 의원`, `트럼프` after `도널드 트럼프 공화당
후보`) is the first full mention of that person in the article, cut after the title it
shares. A pronoun is never stored: with nobody in force the speaker is None.

A quote is attributed to nobody when its sentence has another subject (`“…”는 목소리가
끊이지 않는다`: the quote is what a voice says, and no one is named) — no speaker is better
than a wrong one. A quote followed by a relative clause of saying (`“…”고 지적한 국민의힘
윤희숙 의원을 향해`) is that phrase's.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.model import Quote, Sentence

if TYPE_CHECKING:
    from pipeline.analysis.sentences import Morph

MIN_QUOTE_CHARS = 8  # shorter quoted text is a name or a scare quote (‘뭉칫돈’)
MAX_SPEAKER_CHARS = 60
MAX_BARE_WORDS = 3  # a speaker without a particle (`김수영 서구의원 “…”`) is a short phrase
MAX_SPEAKER_WORDS = 8  # longer runs of nouns are a headline glued to the lede, not a name
DIRECT = re.compile(r"[“\"](?P<text>[^“”\"]+)[”\"]")
# What follows a direct quote when it is speech, not a title or a term.
QUOTE_TAIL = re.compile(r"(?:\s*(?:이)?(?:라고|라며|라면서|라는|며|면서|고|는)\b|\s*[.?!…]*\s*$)")
SPEECH_VERBS = (
    "말했다|밝혔다|강조했다|설명했다|덧붙였다|전했다|지적했다|주장했다|언급했다|답했다|"
    "말한다|밝힌다|내다봤다|전망했다|분석했다|평가했다|우려했다|예상했다|당부했다|촉구했다|"
    "토로했다|털어놨다|역설했다|설명한다|했다"
)
SPEECH_VERB_WORDS = tuple(SPEECH_VERBS.split("|"))
INDIRECT = re.compile(
    rf"(?P<text>\S.*?(?:다|라|냐|자))고\s+(?:\S+\s+){{0,3}}?(?:{SPEECH_VERBS})\.?$"
)
# Matched at the quote's end (`match(text, pos)`; a `^` would only match at 0).
SPEAKER_AFTER = re.compile(
    rf"\s*(?:이)?(?:라고|고)\s+(?P<speaker>\S.*?)(?:은|는|이|가)\s+.*?(?:{SPEECH_VERBS})"
)

# Kiwi tags of the words a noun phrase is made of.
NOMINAL = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "SL", "SH", "SN", "XSN", "XPN", "XR"})
TOPIC = frozenset({("은", "JX"), ("는", "JX"), ("께서", "JKS"), ("께서", "JX")})
ALSO = frozenset({("도", "JX"), ("역시", "MAG"), ("또한", "MAG")})  # `A씨도`, `이근주 대표 역시`
SUBJECT = frozenset({("이", "JKS"), ("가", "JKS")})
# A subject followed by one of these before the quote belongs to a reported clause
# (`조 후보자가 … 추천했었다는 보도를 거론하면서 “…”`), not to the quoting one.
REPORTED = ("다는", "라는", "냐는", "자는")
LINKS = frozenset({"JKG", "JC"})  # 의 and 와/과 join nouns inside one phrase
BRACKETS = {")": "(", "’": "‘", ">": "<", "]": "[", "」": "「", "』": "『", "〉": "〈"}
OPENERS = {v: k for k, v in BRACKETS.items()}
SURNAME_TAGS = frozenset({"NNP", "NNG", "NR", "IC"})  # how Kiwi tags a lone surname (`오` IC)
STEMS = frozenset({"VV", "VA", "VX", "XSV", "XSA"})  # a stem with no ending after it
TOPIC_PARTICLES = frozenset({"은", "는", "도", "만", "까지", "부터", "조차", "마저", "나", "이나"})
CASE_PARTICLES = frozenset(
    {"에", "에서", "으로", "로", "에게", "께", "한테", "부터", "까지", "처럼", "보다", "와", "과",
     "하고", "에게서", "으로서", "로서", "으로써", "로써", "마다", "께서", "이랑", "랑"}
)  # fmt: skip
QUOTED = re.compile(r'“[^“”]*(?:”|$)|"[^"]*(?:"|$)')
TIGHT = re.compile(r"\s+([·,])")  # `김미희 ·장지화` once the asides are gone
QUOTE_MARKS = frozenset({"“", "”", '"'})
PIECE = re.compile(r"[^\s()<>\[\]]+")  # a word, brackets apart
ASIDE = re.compile(r"\s*[(<\[][^()<>\[\]]*[)>\]]\s*")  # an age, a constituency, <사진>
# Nouns that open a sentence as adverbials, never a speaker's name: times and connectives.
ADVERBIAL_NOUNS = frozenset(
    {"이날", "당일", "오늘", "어제", "내일", "현재", "당시", "최근", "올해", "지난해", "작년",
     "내년", "오전", "오후", "새벽", "반면", "한편", "이후", "그동안", "결국", "실제"}
)  # fmt: skip
# Nouns that close an adverbial clause after an adnominal ending (`…하는 가운데`, `…한 뒤`).
CLAUSE_NOUNS = frozenset(
    {"가운데", "뒤", "후", "동안", "만큼", "때", "중", "이후", "직후", "결과", "끝", "사이",
     "와중", "경우", "순간", "무렵", "대신"}
)  # fmt: skip
TIME_UNITS = frozenset({"일", "월", "년", "시", "분", "께", "경"})
TIME_WORDS = frozenset({"이날", "당일", "오늘", "어제", "내일", "오전", "오후", "새벽", "밤"})
POSSESSIVE_PRONOUNS = frozenset({"우리", "저희"})  # `우리 외교부`: the ministry
DEMONSTRATIVES = frozenset({"이", "그", "저", "이들", "그들"})
PRONOUN_WORDS = frozenset({"자신", "본인", "당신"})


@dataclass(frozen=True, slots=True)
class _Phrase:
    """A noun phrase of a sentence: its tokens (offsets inside the sentence) and the sentence."""

    tokens: tuple[Morph, ...]
    source: str

    @property
    def end(self) -> int:
        return self.tokens[-1][3]

    @property
    def text(self) -> str:
        """The phrase as written, bracketed asides dropped, spaces normalised."""
        return _clean(self.source[self.tokens[0][2] : self.end])

    @property
    def words(self) -> list[list[Morph]]:
        return _words(self.tokens)

    def surface(self, word: Sequence[Morph]) -> str:
        return self.source[word[0][2] : word[-1][3]]


@dataclass(slots=True)
class _Said:
    """A sentence of the article as the quote finder keeps it."""

    text: str
    offset: int  # of the sentence in its block: Kiwi's offsets are the block's
    raw: Sequence[Morph]
    open: bool = False  # a body sentence without quotes: its subject may take the floor
    _tokens: tuple[Morph, ...] | None = None
    _mentions: list[_Phrase] | None = None

    @property
    def tokens(self) -> tuple[Morph, ...]:
        """Tokens with offsets inside the sentence, those inside quotations left out."""
        if self._tokens is None:
            local = [(f, t, s - self.offset, e - self.offset) for f, t, s, e in self.raw]
            self._tokens = _outside_quotes(self.text, local)
        return self._tokens

    @property
    def mentions(self) -> list[_Phrase]:
        """The sentence's noun phrases that may name someone (found once)."""
        if self._mentions is None:
            self._mentions = _mentions_in(self.text, self.tokens)
        return self._mentions


@dataclass(slots=True)
class _Discourse:
    """What the article has said before sentence `now`: the speaker in force, the mentions.

    Both are worked out only when a quote needs them, most quotes name their speaker: the
    speaker in force by looking back from `now` to the last quote's sentence for a subject
    that names someone, the noun phrases that may name someone (for short mentions) in the
    sentences that hold the name.
    """

    said: list[_Said] = field(default_factory=list)
    now: int = 0
    _in_force: str | None = None
    _settled: int = 0  # sentences before this one were looked at for the speaker in force

    @property
    def in_force(self) -> str | None:
        """The last person or body named as a subject before `now`, or None."""
        now = self.now
        for k in range(now - 1, self._settled - 1, -1):
            said = self.said[k]
            if not said.open:
                continue
            self.now = k  # resolve that subject with what was said before it
            try:
                speaker = _subject_speaker(said.text, said.tokens, self)
            finally:
                self.now = now
            if speaker is not None:
                self._in_force = speaker
                break
        self._settled = max(self._settled, now)
        return self._in_force

    def takes_floor(self, speaker: str) -> None:
        """A quote of sentence `now` was said by `speaker`."""
        self._in_force = speaker
        self._settled = self.now + 1

    def mentions(self, *words: str) -> list[_Phrase]:
        """The noun phrases before `now` that may name someone, in sentences holding `words`."""
        return [
            phrase
            for said in self.said[: self.now]
            if all(w in said.text for w in words)
            for phrase in said.mentions
        ]


def find_quotes(
    sentences: Sequence[Sentence],
    tokens: Sequence[Sequence[Morph]],
    eligible: frozenset[int],
) -> tuple[Quote, ...]:
    quotes: list[Quote] = []
    d = _Discourse()
    for sentence, toks in zip(sentences, tokens, strict=True):
        said = _Said(sentence.text, sentence.start, toks)
        d.now = len(d.said)
        d.said.append(said)
        if sentence.index not in eligible:
            continue
        found = _quotes_in(sentence, said, d)
        quotes.extend(found)
        speakers = [q.speaker for q in found if q.speaker]
        if speakers:
            d.takes_floor(speakers[-1])
        said.open = not found
    return tuple(quotes)


def _outside_quotes(text: str, tokens: list[Morph]) -> tuple[Morph, ...]:
    """The tokens outside quotations (the marks kept): speakers are never inside one.

    A sentence may begin inside a quotation opened in an earlier one (`…받았다”며 “…”`).
    """
    spans = []
    start = 0
    first_close, first_open = text.find("”"), text.find("“")
    if first_close >= 0 and (first_open < 0 or first_close < first_open):
        spans.append((0, first_close))
        start = first_close + 1
    spans += [(m.start() + 1, m.end() - 1) for m in QUOTED.finditer(text, start)]
    if not spans:
        return tuple(tokens)
    kept = []
    k = 0  # tokens and spans both run in text order
    for token in tokens:
        while k < len(spans) and token[2] >= spans[k][1]:
            k += 1
        if k == len(spans) or token[2] < spans[k][0]:
            kept.append(token)
    return tuple(kept)


# --- quotes of one sentence --------------------------------------------------------------


def _quotes_in(sentence: Sentence, said: _Said, d: _Discourse) -> list[Quote]:
    text = sentence.text
    direct = [
        m
        for m in DIRECT.finditer(text)
        if len(m["text"].strip()) >= MIN_QUOTE_CHARS and QUOTE_TAIL.match(text, m.end())
    ]
    if direct:
        spans = [(m.start(), m.end()) for m in direct]
        speakers = _direct_speakers(text, said.tokens, spans, d)
        return [
            Quote(speaker, m["text"].strip(), sentence.index)
            for m, speaker in zip(direct, speakers, strict=True)
        ]
    # INDIRECT ends in a speech verb: most sentences do not, and `endswith` is far cheaper
    # than finding the topic and the search, which tries every start.
    if not text.strip().removesuffix(".").endswith(SPEECH_VERB_WORDS):
        return []
    tokens = said.tokens
    particle = _topic(text, tokens, 0, len(text), last=False)
    if particle is None:
        return []
    phrase, after = particle
    rest = text[after:].strip()
    indirect = INDIRECT.search(rest)
    if indirect is None:
        return []
    # `…없다고 익수자의 동료는 설명했다`: a topic between the quote and its verb is the speaker.
    rest_start = len(text) - len(text[after:].lstrip())
    said_by = _topic(text, tokens, rest_start + indirect.end("text"), len(text), last=True)
    speaker = _resolve(said_by[0] if said_by else phrase, d)
    if speaker is None:
        return []
    return [Quote(speaker, indirect["text"].strip(), sentence.index)]


def _direct_speakers(
    text: str, tokens: Sequence[Morph], spans: list[tuple[int, int]], d: _Discourse
) -> list[str | None]:
    """The speaker of each quote span of one sentence."""
    speakers: list[str | None] = []
    named = False  # did the sentence name a speaker before this quote?
    current: str | None = None
    start = 0
    pending: list[int] = []
    impersonal = _impersonal(text, tokens, spans)
    for i, (q_start, q_end) in enumerate(spans):
        found = _topic(text, tokens, start, q_start, last=True, subjects=not impersonal)
        if found is None and i == 0:
            found = _bare(text, tokens, q_start)
        if found is not None:
            named = True
            current = _resolve(found[0], d)
        relative = _relative_speaker(text, tokens, q_end)
        if relative is not None:
            speakers.append(_resolve(relative, d))
        elif named:
            speakers.append(current)
        else:
            speakers.append(None)
            pending.append(i)
        start = q_end
    if not pending:
        return speakers
    after = _speaker_after(text, tokens, spans[-1][1])
    if after is not None:
        speaker = _resolve(after, d)
    elif impersonal or _has_subject(text, tokens, spans):
        speaker = None  # someone else is the subject: nobody is said to say it
    elif not text[spans[-1][1] :].strip(" .?!…") or _clause_after(tokens, spans[-1][1]):
        speaker = None  # a quote standing alone, or not what the sentence's verb says
    else:
        speaker = d.in_force  # `이어 “…”고 말했다`: the speaker in force goes on
    for i in pending:
        speakers[i] = speaker
    return speakers


def _topic(
    text: str,
    tokens: Sequence[Morph],
    start: int,
    end: int,
    *,
    last: bool,
    subjects: bool = True,
) -> tuple[_Phrase, int] | None:
    """The phrase marked as topic (은/는), also-topic (도/역시) or subject (이/가) in a span.

    A topic wins over an also-topic, which wins over a subject; among several of a kind, the
    one nearest the quote (`last`) or the first (an indirect quote's content follows its
    speaker). Returns the phrase and the offset right after its marker.
    """
    found: tuple[list[tuple[int, int]], ...] = ([], [], [])  # (token index, end) by rank
    for i, (form, tag, t_start, t_end) in enumerate(tokens):
        if t_start < start or i == 0:
            continue
        if t_end > end:
            break
        prev = tokens[i - 1]
        attached = prev[3] >= t_start
        if (form, tag) in TOPIC and attached:
            rank = 0
        elif (form, tag) in ALSO and (attached or tag == "MAG"):
            rank = 1
        elif (form, tag) in SUBJECT and attached and subjects:
            rank = 2
        else:
            continue
        if prev[1] in NOMINAL or prev[0] in BRACKETS:
            found[rank].append((i, t_end))
    for rank, kind in enumerate(found):
        for i, t_end in reversed(kind) if last else kind:
            if rank == 2 and _reported(tokens, i, end):
                continue
            phrase = _phrase_ending(text, tokens, i - 1, stop=start)
            if phrase is not None:
                return phrase, t_end
    return None


def _reported(tokens: Sequence[Morph], subject: int, end: int) -> bool:
    """Does the clause of the subject at tokens[subject] end as a reported one before `end`?

    A final ending followed by more words, a quoting adnominal (`했다는`) or a nominaliser
    (`없음을`) closes it.
    """
    following = [t for t in tokens[subject + 1 :] if t[2] < end]
    for k, (form, tag, _, _) in enumerate(following):
        if tag == "ETM" and form.endswith(REPORTED):
            return True
        if tag == "ETN" or (
            tag == "EF" and any(t[1] not in ("SF", "SSC", "SE") for t in following[k + 1 :])
        ):
            return True
    return False


def _has_subject(text: str, tokens: Sequence[Morph], spans: list[tuple[int, int]]) -> bool:
    """Does the sentence mark a topic or subject outside its quotes?"""
    outside = [(0, spans[0][0])]
    outside += [(a[1], b[0]) for a, b in itertools.pairwise(spans)]
    outside.append((spans[-1][1], len(text)))
    return any(_topic(text, tokens, a, b, last=False) for a, b in outside)


def _bare(text: str, tokens: Sequence[Morph], end: int) -> tuple[_Phrase, int] | None:
    """A speaker written without a particle right before the quote: `용인환경정의 24일 “…”`."""
    inside = [i for i, t in enumerate(tokens) if t[3] <= end]
    if not inside:
        return None
    last = inside[-1]
    while last >= 0 and _is_time_word(tokens, last):
        last = _word_start(tokens, last) - 1
    if last < 0 or tokens[last][1] not in NOMINAL:
        return None
    phrase = _phrase_ending(text, tokens, last, stop=0)
    if phrase is None or len(phrase.words) > MAX_BARE_WORDS:
        return None
    first = tokens.index(phrase.tokens[0])
    before = [t for t in tokens[:first] if t[1] not in ("MAG", "MAJ", "SP")]
    if before or any(t[1] in ("EC", "ETM") for t in tokens[:first]):
        return None  # more than an adverb before it: not a bare speaker
    return phrase, tokens[last][3]


def _relative_speaker(text: str, tokens: Sequence[Morph], q_end: int) -> _Phrase | None:
    """`“…”고 지적한 국민의힘 윤희숙 의원을`: the quote of the phrase a saying verb modifies."""
    i = next((k for k, t in enumerate(tokens) if t[2] >= q_end), len(tokens))
    if i < len(tokens) and tokens[i][1] == "VCP":
        i += 1
    if i >= len(tokens) or tokens[i][0] not in ("고", "라고") or tokens[i][2] - q_end > 2:
        return None
    verb = i + 1
    if verb >= len(tokens):
        return None
    end_of_word = _word_end(tokens, verb, len(tokens) - 1)
    if tokens[end_of_word][1] != "ETM":
        return None
    if not any(t[1] in ("VV", "XSV") for t in tokens[verb : end_of_word + 1]):
        return None
    last = end_of_word
    while last + 1 < len(tokens) and tokens[last + 1][1] in NOMINAL:
        last += 1
    if last == end_of_word:
        return None
    phrase = _phrase_ending(text, tokens, last, stop=tokens[end_of_word][3])
    if phrase is None or not _names_someone(phrase):
        return None
    return phrase


def _speaker_after(text: str, tokens: Sequence[Morph], q_end: int) -> _Phrase | None:
    """`“…”라고 김 대표는 말했다`: the phrase after the last quote."""
    after = SPEAKER_AFTER.match(text, q_end)
    if after is None:
        return None
    end = after.end("speaker")
    last = next((k for k, t in enumerate(tokens) if t[3] == end), None)
    if last is None:
        return None
    return _phrase_ending(text, tokens, last, stop=after.start("speaker"))


def _clause_after(tokens: Sequence[Morph], q_end: int) -> bool:
    """`“…”고 했는데 전적 공감한다`: does another clause follow the quoting one?

    Only a quote whose quoting verb is the sentence's last (`이어 “…”고 말했다`) is said by
    the speaker in force.
    """
    after = [t for t in tokens if t[2] >= q_end]
    k = 0
    while k < len(after) and after[k][1] == "VCP":
        k += 1
    if k < len(after) and after[k][1] in ("EC", "ETM", "JKQ"):
        k += 1  # the quoting ending itself: `(이)라고`, `고`, `며`
    return any(t[1] == "EC" for t in after[k:])


def _impersonal(text: str, tokens: Sequence[Morph], spans: list[tuple[int, int]]) -> bool:
    """`“…”는 목소리가 끊이지 않는다`: the quote is what a noun says, and it is the subject."""
    for _, q_end in spans:
        i = next((k for k, t in enumerate(tokens) if t[2] >= q_end), len(tokens))
        if i < len(tokens) and tokens[i][1] == "VCP":
            i += 1
        if i >= len(tokens) or tokens[i][1] != "ETM":
            continue
        j = i + 1
        while j < len(tokens) and tokens[j][1] in NOMINAL:
            j += 1
        if j > i + 1 and j < len(tokens) and (tokens[j][0], tokens[j][1]) in TOPIC | SUBJECT:
            return True
    return False


# --- the speaker in force ----------------------------------------------------------------


def _subject_speaker(text: str, tokens: Sequence[Morph], d: _Discourse) -> str | None:
    """Who a sentence without quotes makes its subject, when that subject names someone."""
    found = _topic(text, tokens, 0, len(text), last=False, subjects=False)
    if found is None:
        found = _topic(text, tokens, 0, len(text), last=False)
        if found is None or _modifies(tokens, found[1]):
            return None  # `우 수석이 … 업무하는 사진이 실렸다`: the subject of a relative clause
    phrase = found[0]
    if _is_pronoun(phrase) or _demonstrative(phrase) is not None:
        return None  # `그는 …`: the same person goes on
    if any(t[1] == "JKG" for t in phrase.tokens) or not _names_someone(phrase):
        return None  # `황 대표의 이번 제안은`: a thing of someone's
    return _resolve(phrase, d)


def _modifies(tokens: Sequence[Morph], after: int) -> bool:
    """Does the clause starting at offset `after` end as a relative clause (ETM) first?"""
    for _, tag, start, _ in tokens:
        if start >= after and tag in ("ETM", "EC", "EF"):
            return tag == "ETM"
    return False


def _names_someone(phrase: _Phrase) -> bool:
    """Does the phrase hold a name (NNP) or 씨?"""
    return any(t[1] == "NNP" or (t[0] == "씨" and t[1] == "NNB") for t in phrase.tokens)


def _mentions_in(text: str, tokens: Sequence[Morph]) -> list[_Phrase]:
    """The sentence's noun phrases that may name someone: a name, or two words or more."""
    found = []
    for i, token in enumerate(tokens):
        if token[1] not in NOMINAL and token[0] not in BRACKETS:
            continue
        if i + 1 < len(tokens):
            following = tokens[i + 1]
            if following[1] in NOMINAL or following[0] in OPENERS or following[0] in BRACKETS:
                continue  # the phrase goes on
        phrase = _phrase_ending(text, tokens, i, stop=0, links=False)
        if phrase is not None and (len(phrase.words) > 1 or _names_someone(phrase)):
            found.append(phrase)
    return found


# --- resolving a phrase to a speaker -----------------------------------------------------


def _resolve(phrase: _Phrase, d: _Discourse) -> str | None:
    """The speaker a phrase stands for: never a pronoun, None when nobody is in force."""
    if _is_pronoun(phrase):
        return d.in_force
    head = _demonstrative(phrase)
    full = _full_mention(phrase, d)
    words = phrase.words
    if full is None and head is None and len(words) == 2 and _surface_in(phrase, DEMONSTRATIVES):
        # `이 관계자` with 이 read as a surname but nobody so named before: "this" official.
        head = _clean(phrase.surface(words[-1]))
    if full is None and head is not None:
        for mention in reversed(d.mentions(head)):
            if mention.text.endswith(head) and mention.text != phrase.text:
                return mention.text
        return d.in_force  # `이 매체는`: the outlet that has the floor
    text = full or phrase.text
    if not text or len(text) > MAX_SPEAKER_CHARS or any(q in text for q in '“”"'):
        return None
    return text


def _surface_in(phrase: _Phrase, forms: frozenset[str]) -> bool:
    return phrase.surface(phrase.words[0]) in forms


def _is_pronoun(phrase: _Phrase) -> bool:
    """`그`, `그녀`, `이들`: a phrase of pronouns only."""
    return {t[1] for t in phrase.tokens} <= {"NP", "XSN"} or phrase.text in PRONOUN_WORDS


def _demonstrative(phrase: _Phrase) -> str | None:
    """`이 관계자`, `이들 예비후보`: the noun a demonstrative points back with."""
    words = phrase.words
    if len(words) < 2:
        return None
    first = words[0]
    pointing = (len(first) == 1 and first[0][1] == "MM") or {t[1] for t in first} <= {
        "NP",
        "XSN",
    }
    if pointing and phrase.surface(first) in DEMONSTRATIVES:
        return _clean(phrase.surface(words[-1]))
    return None


def _full_mention(phrase: _Phrase, d: _Discourse) -> str | None:
    """The first full mention of the person a short mention names, or None.

    `김 의원` (a one-syllable surname as a word, then a title) is the latest earlier mention
    holding a name that starts with 김 followed by a word ending in 의원; `트럼프` (a name
    alone) the latest earlier mention holding that name after another name (`도널드
    트럼프`). That person's first such mention is the answer, cut after the title.
    """
    if any(t[1] == "JC" or t[0] == "·" for t in phrase.tokens):
        return None  # several people: `염 시장과 판노프 시장`
    words = phrase.words
    surname = next(
        (
            k
            for k, w in enumerate(words[:-1])
            if len(w) == 1 and w[0][1] in SURNAME_TAGS and len(w[0][0]) == 1 and _hangul(w[0][0])
        ),
        None,
    )
    if surname is not None:
        key, title, prefix = words[surname][0][0], _clean(phrase.surface(words[-1])), True
    elif len(words) == 1 and words[0][0][1] == "NNP" and len(phrase.text) >= 2:
        key, title, prefix = phrase.text, "", False
    else:
        return None
    mentions = d.mentions(key, title)
    for mention in reversed(mentions):
        latest = _match(mention, key, title, prefix=prefix)
        if latest is not None:
            break
    else:
        return None
    for mention in mentions:
        first = _match(mention, key, title, prefix=prefix)
        if first is not None and first[1] == latest[1]:
            return first[0]
    return latest[0]


def _match(phrase: _Phrase, key: str, title: str, *, prefix: bool) -> tuple[str, str] | None:
    """(the mention cut after the title, the name in it) when `phrase` fully names `key`.

    With `prefix`, a name is a word of two to four syllables starting with the surname
    `key` (or such an NNP at the front of a word: `김성수의원`); the last one followed by a
    word ending in `title` wins (`김포시 김철수 의원`). Without, the name is the word `key`
    after another name (`도널드 트럼프`).
    """
    found = None
    words = phrase.words
    for k, word in enumerate(words):
        surface = phrase.surface(word)
        if prefix:
            head = word[0][0] if word[0][1] == "NNP" else ""
            name = next((n for n in (surface, head) if _given_name(n, key)), None)
            name_end = word[-1][3] if name == surface else word[0][3]
        else:
            given = k > 0 and words[k - 1][-1][1] in ("NNP", "SL")
            name = surface if surface == key and given else None
            name_end = word[-1][3]
        if name is None:
            continue
        if not title:
            return phrase.text, name
        for piece in PIECE.finditer(phrase.source, name_end, phrase.end):
            if piece[0].endswith(title):
                end = piece.end()
                if end < len(phrase.source) and phrase.source[end] in ")>]":
                    end += 1
                found = _clean(phrase.source[phrase.tokens[0][2] : end]), name
                break
    return found


def _given_name(name: str, surname: str) -> bool:
    return name != surname and name.startswith(surname) and 2 <= len(name) <= 4 and _hangul(name)


# --- noun phrases ------------------------------------------------------------------------


def _phrase_ending(
    text: str, tokens: Sequence[Morph], last: int, *, stop: int, links: bool = True
) -> _Phrase | None:
    """The noun phrase whose last token is tokens[last], not reaching before offset `stop`.

    Walks back word by written word (Kiwi splits unknown names, `윤|도|한`, so a word is
    taken whole) over words ending in a noun or determiner, bracketed groups and, with
    `links`, words ending in 의 / 와 / 과 joining nouns; a list ending in 등 takes its commas.
    """
    form = tokens[last][0]
    if tokens[last][1] not in NOMINAL and form not in BRACKETS:
        return None
    listing = form == "등"
    i = _word_start(tokens, last)
    if form in BRACKETS:
        opening = _opening(tokens, last)
        if opening is None:
            return None
        i = min(i, _word_start(tokens, opening))
    while i > 0:
        j = i - 1  # the last token of the word before
        form = tokens[j][0]
        if tokens[j][2] < stop or form in QUOTE_MARKS:
            break
        if form in BRACKETS:
            opening = _opening(tokens, j)
            if opening is None or tokens[opening][2] < stop:
                break
            i = _word_start(tokens, opening)
            continue
        start = _word_start(tokens, j)
        if not _joins(tokens[start : j + 1], links=links, listing=listing):
            break
        i = start
    first = _strip_front(tokens, i, last)
    if first > last:
        return None
    toks = tuple(tokens[first : last + 1])
    if all(t[1] in ("NNB", "SN", "MM", "SP", "SSO", "SSC") for t in toks):
        return None  # `것은`, `수가`: not a phrase that names anyone
    spaces = sum(b[2] > a[3] for a, b in itertools.pairwise(toks))
    if spaces >= MAX_SPEAKER_WORDS:
        return None  # more than MAX_SPEAKER_WORDS written words
    return _Phrase(toks, text)


def _joins(word: Sequence[Morph], *, links: bool, listing: bool) -> bool:
    """May this written word stand inside a noun phrase, before its last word?

    Words ending a clause or an argument stop the phrase: a relative or connective ending
    (`수행한`, `열고`), a case particle (`변론에`, `시는`), a standalone adverb (`이어`), a
    comma outside a list, a quotation mark. Kiwi splits names it does not know and tags the
    pieces as it can (`곽상|욱` MAG, `이동|하` XSV, `김|태|란` JX, `오` IC, a lone `도` JX),
    so a word is judged by what such a tag can mean there: a lone particle or a bare stem is
    a misread name, an adverb glued to a noun too.
    """
    form, tag = word[-1][0], word[-1][1]
    if any(t[0] in QUOTE_MARKS for t in word) or tag in ("SF", "SE"):
        return False
    if tag in NOMINAL or tag in ("MM", "IC") or tag in STEMS:
        return True
    if tag in LINKS:
        return links
    if form in (",", "·"):
        return listing or form == "·"
    if len(word) == 1:
        return tag.startswith("J")  # a particle standing alone is a misread noun (`도`)
    if tag in ("MAG", "MAJ"):
        return word[-2][1] in NOMINAL  # `곽상|욱`
    if tag == "JX":
        return form not in TOPIC_PARTICLES
    if tag == "JKB":
        return form not in CASE_PARTICLES
    return False


def _strip_front(tokens: Sequence[Morph], first: int, last: int) -> int:
    """Skip dates, sentence adverbials, links and possessive pronouns at a phrase's front."""
    while first <= last:
        end = _word_end(tokens, first, last)
        form = "".join(t[0] for t in tokens[first : end + 1])
        if (
            form in ADVERBIAL_NOUNS
            or _is_time_word(tokens, end)
            or (form == "관련" and first > 0 and tokens[first - 1][1] in ("JKB", "JC"))
            or (end < last and form in POSSESSIVE_PRONOUNS)
        ):
            first = end + 1
        elif tokens[end][1] in LINKS and all(
            t[1] in ("NP", "XSN", "MM") for t in tokens[first:end]
        ):
            first = end + 1  # `이와 관련`, `그의`: a pronoun's link, not a name
        elif tokens[first][1] in LINKS or tokens[first][0] in (",", "·"):
            first += 1
        elif (
            first > 0
            and tokens[first - 1][1] == "ETM"
            and (tokens[first][1] == "NNB" or form in CLAUSE_NOUNS)
        ):
            first = end + 1  # `소명된 만큼`, `악화하는 가운데`: the noun ends an adverbial clause
        else:
            break
    return first


def _is_time_word(tokens: Sequence[Morph], end: int) -> bool:
    """Is the word ending at tokens[end] a date or time (`24일`, `오후`, `5시께`, `이날`)?"""
    word = tokens[_word_start(tokens, end) : end + 1]
    if "".join(t[0] for t in word) in TIME_WORDS:
        return True
    return word[0][1] == "SN" and all(t[1] == "SN" or t[0] in TIME_UNITS for t in word)


def _word_start(tokens: Sequence[Morph], i: int) -> int:
    while i > 0 and tokens[i][2] <= tokens[i - 1][3]:
        i -= 1
    return i


def _word_end(tokens: Sequence[Morph], i: int, last: int) -> int:
    while i < last and tokens[i + 1][2] <= tokens[i][3]:
        i += 1
    return i


def _words(tokens: Sequence[Morph]) -> list[list[Morph]]:
    """Tokens grouped by the written words they come from; a bracketed aside is a word."""
    words: list[list[Morph]] = []
    depth = 0
    for token in tokens:
        opening = token[0] in OPENERS
        glued = bool(words) and token[2] <= words[-1][-1][3]
        if glued and (depth or not opening) and not (words[-1][-1][0] in BRACKETS and not depth):
            words[-1].append(token)
        else:
            words.append([token])
        if opening:
            depth += 1
        elif token[0] in BRACKETS and depth:
            depth -= 1
    return words


def _clean(raw: str) -> str:
    return TIGHT.sub(r"\1", " ".join(ASIDE.sub(" ", raw).split()))


def _opening(tokens: Sequence[Morph], close: int) -> int | None:
    """Index of the bracket that tokens[close] closes, within the same stretch of text."""
    want = BRACKETS[tokens[close][0]]
    for k in range(close - 1, max(-1, close - 40), -1):
        form = tokens[k][0]
        if form == want:
            return k
        if form in ("“", "”", '"') or tokens[k][1] == "SF":
            return None
    return None


def _closing(tokens: Sequence[Morph], opening: int) -> int | None:
    want = OPENERS[tokens[opening][0]]
    for k in range(opening + 1, min(len(tokens), opening + 40)):
        if tokens[k][0] == want:
            return k
        if tokens[k][0] in ("“", "”", '"') or tokens[k][1] == "SF":
            return None
    return None


def _hangul(text: str) -> bool:
    return all("가" <= ch <= "힣" for ch in text)
