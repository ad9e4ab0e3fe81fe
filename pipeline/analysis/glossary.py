"""Terms the article explains itself, and known glossary terms that it mentions.

Abbreviations with their expansion, either way round: 대규모언어모델(LLM), 최고경영자(CEO),
VC (venture capital), 단말기유통구조개선법(단통법). A term with its Hanja: 예비주수(豫備注水).
The article's own definitions, each with its defining sentence: `X란 …다`, `X는 …을
말한다 / 뜻한다`, and a term with a defining phrase in brackets, `X(…하는 제도)`. Known
terms (from imported notes) are matched by their head (`VC (venture capital)` by `VC`); an
abbreviation found here for a known term is filed under the known term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pipeline.model import GlossaryCandidate, Sentence

if TYPE_CHECKING:
    from pipeline.analysis.sentences import Morph

ACRONYM = r"[A-Z][A-Za-z0-9&]*[A-Z0-9](?:[-.][A-Z0-9]+)*"
# 한글 expansion directly before the acronym in brackets: 대규모언어모델(LLM)
KOREAN_EXPANSION = re.compile(
    rf"(?P<expansion>[가-힣]{{2,}})\s?\((?P<term>{ACRONYM})\)(?![A-Za-z0-9])"
)
# Acronym then its English words in brackets: VC (venture capital)
ENGLISH_EXPANSION = re.compile(
    rf"(?<![A-Za-z])(?P<term>{ACRONYM})\s?\((?P<expansion>[A-Za-z][A-Za-z\- ]{{3,60}})\)"
)
# A Korean abbreviation after its full name: 단말기유통구조개선법(단통법), 원자력안전위원회(원안위)
HANGUL_ABBREVIATION = re.compile(
    r"(?P<expansion>[가-힣]{4,30})[’'”\"]?\s?\((?P<term>[가-힣]{2,5})\)"
)
# A term with its Hanja, syllable for syllable: 예비주수(豫備注水), 비화(飛火)
HANJA = re.compile(r"(?P<term>[가-힣]{2,8})[’'”\"]?\s?\((?P<hanja>[\u4e00-\u9fff]{2,8})\)")
# A term with a defining phrase in brackets, ending in a modified noun: 분리공시제(보조금을
# 제조사와 통신사 몫으로 나눠 공시하는 제도).
BRACKET_DEFINITION = re.compile(
    r"(?P<term>[가-힣A-Za-z]{2,15})[’'”\"]?\s?\((?P<definition>[^()]{4,80}?"
    r"(?:하는|되는|하던|되던|한|된|인|있는|없는)\s[가-힣]{1,8})\)"
)
LIST_ENDS = (" 등", " 외")  # (A, B 등): examples, not a definition
DEFINITION_VERBS = "말한다|뜻한다|의미한다|가리킨다|일컫는다|이른다|지칭한다"
# A defined term: up to three short words, no clause (a clause ends in 것, 등, 수 …).
TERM = r"[‘'“\"]?(?P<term>[^\s,“”\"‘’']{1,15}?(?:\s[^\s,“”\"‘’']{1,15}?){0,2}?)[’'”\"]?"
# Each with texts one of which it needs, so that most sentences skip it cheaply.
DEFINITIONS = (
    (re.compile(rf"^{TERM}(?:이)?란\s+(?P<definition>.+?(?:다|것|말))\.?$"), ("란",)),
    (
        re.compile(
            rf"^{TERM}(?:은|는)\s+(?P<definition>.+?)(?:을|를)\s+(?:{DEFINITION_VERBS})\.?$"
        ),
        tuple(DEFINITION_VERBS.split("|")),
    ),
)
NOT_A_TERM_END = ("것", "등", "수", "때", "데")
PARTICLES = ("은", "는", "이", "가", "을", "를", "의", "에", "도")
NOUN_TAGS = frozenset({"NNG", "NNP", "NNB"})
SUBJECT_TAGS = frozenset({"JX", "JKS"})
KNOWN_HEAD = re.compile(r"^(?P<head>.+?)\s*\(.*\)\s*$")
MIN_KNOWN_CHARS = 2


def find_glossary(
    sentences: Sequence[Sentence],
    known_terms: Iterable[str] = (),
    headlines: Sequence[str] = (),
    *,
    tokens: Sequence[Sequence[Morph]] | None = None,
) -> tuple[GlossaryCandidate, ...]:
    """Glossary candidates of the sentences; known terms are also looked for in `headlines`.

    With each sentence's `tokens`, a `X란 …` sentence is a definition only where Kiwi reads
    란 as the particle and no subject follows it (not `김영란 위원장은 …`).
    """
    found: dict[str, list[str]] = {}
    for i, s in enumerate(sentences):
        toks = tokens[i] if tokens is not None else None
        for term, definition in _in_sentence(s, toks):
            definitions = found.setdefault(term, [])
            if definition not in definitions:
                definitions.append(definition)
    known = _known_in("\n".join([*headlines, *(s.text for s in sentences)]), known_terms)
    for term, head in known.items():
        definitions = found.pop(head, []) if head != term else found.pop(term, [])
        found[term] = definitions
    return tuple(GlossaryCandidate(t, tuple(d)) for t, d in found.items())


def _in_sentence(sentence: Sentence, tokens: Sequence[Morph] | None) -> list[tuple[str, str]]:
    text = sentence.text
    pairs: list[tuple[str, str]] = []
    if "(" in text:  # all of these are bracketed; most sentences have no bracket
        for m in KOREAN_EXPANSION.finditer(text):
            pairs.append((m["term"], m["expansion"]))
        for m in HANGUL_ABBREVIATION.finditer(text):
            if _abbreviates(m["term"], m["expansion"]):
                pairs.append((m["term"], m["expansion"]))
        for m in HANJA.finditer(text):
            if len(m["term"]) == len(m["hanja"]):
                pairs.append((m["term"], m["hanja"]))
        for m in BRACKET_DEFINITION.finditer(text):
            if not m["definition"].endswith(LIST_ENDS):
                pairs.append((m["term"], text))
        for m in ENGLISH_EXPANSION.finditer(text):
            expansion = m["expansion"].strip()
            if _initials_match(m["term"], expansion):
                pairs.append((m["term"], expansion))
    for pattern, needles in DEFINITIONS:
        if not any(needle in text for needle in needles):
            continue  # the pattern cannot match without one of them
        d = pattern.match(text)
        if d and _is_term(d["term"]) and _defines(sentence, tokens, d.start("definition")):
            pairs.append((d["term"].strip(), text))
            break
    return pairs


def _defines(sentence: Sentence, tokens: Sequence[Morph] | None, at: int) -> bool:
    """Does the definition that starts at `at` follow a particle (란, 은 …), not a name's
    last syllable, and start with something other than a subject (`위원장은`)?"""
    if tokens is None:
        return True
    offset = sentence.start
    before = [t for t in tokens if t[3] - offset <= at]
    after = [t for t in tokens if t[2] - offset >= at]
    if not before or before[-1][1] in NOUN_TAGS:  # 김영란: the name itself
        return False
    return not (len(after) >= 2 and after[0][1] in NOUN_TAGS and after[1][1] in SUBJECT_TAGS)


def _is_term(term: str) -> bool:
    """A noun phrase: no quotation mark, no word before the last that ends in a particle
    (`아주대는 김영` of 아주대는 김영란 …)."""
    words = term.split()
    return not any(q in term for q in '“”"‘’') and not any(
        w.endswith(PARTICLES) for w in words[:-1]
    )


def _abbreviates(short: str, long: str) -> bool:
    """Is `short` made of syllables of `long`, in order, starting with its first?"""
    if short[0] != long[0] or len(short) >= len(long):
        return False
    rest = iter(long)
    return all(syllable in rest for syllable in short)


def _initials_match(acronym: str, expansion: str) -> bool:
    letters = [c for c in acronym if c.isalpha()]
    words = [w for w in re.split(r"[\s\-]+", expansion) if w]
    return len(words) >= len(letters) >= 2 and all(
        any(w[0].lower() == c.lower() for w in words) for c in letters
    )


def _known_in(text: str, known_terms: Iterable[str]) -> dict[str, str]:
    """Known terms mentioned in `text`, each with the head it was matched by."""
    out: dict[str, str] = {}
    for term in known_terms:
        m = KNOWN_HEAD.match(term)
        head = m["head"] if m else term.strip()
        if len(head) < MIN_KNOWN_CHARS:
            continue
        if head not in text:
            continue
        if head.isascii():
            # Latin terms need word edges (AI must not match inside MAIN)
            found = re.search(rf"(?<![A-Za-z]){re.escape(head)}(?![A-Za-z])", text)
        else:
            found = re.search(re.escape(head), text)
        if found:
            out[term] = head
    return out
