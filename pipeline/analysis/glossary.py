"""Terms the article explains itself, and known glossary terms that it mentions.

Abbreviations with their expansion, either way round: 대규모언어모델(LLM), 최고경영자(CEO),
VC (venture capital). Definitional sentences: `X란 …다`, `X는 …을 말한다`. Known terms
(from imported notes) are matched by their head (`VC (venture capital)` by `VC`); an
abbreviation found here for a known term is filed under the known term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipeline.model import GlossaryCandidate, Sentence

ACRONYM = r"[A-Z][A-Za-z0-9&]*[A-Z0-9](?:[-.][A-Z0-9]+)*"
# 한글 expansion directly before the acronym in brackets: 대규모언어모델(LLM)
KOREAN_EXPANSION = re.compile(
    rf"(?P<expansion>[가-힣]{{2,}})\s?\((?P<term>{ACRONYM})\)(?![A-Za-z0-9])"
)
# Acronym then its English words in brackets: VC (venture capital)
ENGLISH_EXPANSION = re.compile(
    rf"(?<![A-Za-z])(?P<term>{ACRONYM})\s?\((?P<expansion>[A-Za-z][A-Za-z\- ]{{3,60}})\)"
)
DEFINITION_VERBS = "말한다|뜻한다|의미한다|가리킨다|일컫는다|이른다|지칭한다"
# A defined term: up to three short words, no clause (a clause ends in 것, 등, 수 …).
TERM = r"(?P<term>[^\s,“”\"‘’]{1,15}?(?:\s[^\s,“”\"‘’]{1,15}?){0,2}?)"
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
KNOWN_HEAD = re.compile(r"^(?P<head>.+?)\s*\(.*\)\s*$")
MIN_KNOWN_CHARS = 2


def find_glossary(
    sentences: Sequence[Sentence], known_terms: Iterable[str] = (), headlines: Sequence[str] = ()
) -> tuple[GlossaryCandidate, ...]:
    """Glossary candidates of the sentences; known terms are also looked for in `headlines`."""
    found: dict[str, list[str]] = {}
    for s in sentences:
        for term, definition in _in_sentence(s.text):
            definitions = found.setdefault(term, [])
            if definition not in definitions:
                definitions.append(definition)
    known = _known_in("\n".join([*headlines, *(s.text for s in sentences)]), known_terms)
    for term, head in known.items():
        definitions = found.pop(head, []) if head != term else found.pop(term, [])
        found[term] = definitions
    return tuple(GlossaryCandidate(t, tuple(d)) for t, d in found.items())


def _in_sentence(text: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if "(" in text:  # both expansions are bracketed; most sentences have no bracket
        for m in KOREAN_EXPANSION.finditer(text):
            pairs.append((m["term"], m["expansion"]))
        for m in ENGLISH_EXPANSION.finditer(text):
            expansion = m["expansion"].strip()
            if _initials_match(m["term"], expansion):
                pairs.append((m["term"], expansion))
    for pattern, needles in DEFINITIONS:
        if not any(needle in text for needle in needles):
            continue  # the pattern cannot match without one of them
        d = pattern.match(text)
        if d and not any(q in d["term"] for q in '“”"‘’'):
            pairs.append((d["term"].strip(), text))
            break
    return pairs


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
