"""Quotes and who said them.

Direct quotes: text in double quotation marks followed by a quoting ending (“…”라고 말했다,
“…”며, “…”고 밝혔다) or closing the sentence. Indirect quotes: `…다고 밝혔다` after a
named speaker. The speaker is the phrase before the first topic or subject particle that
precedes the quote (한 VC 투자 담당 임원은 “…”), else the one after it (“…”라고 김 대표는 말했다).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.model import Quote, Sentence

if TYPE_CHECKING:
    from pipeline.analysis.sentences import Morph

MIN_QUOTE_CHARS = 8  # shorter quoted text is a name or a scare quote (‘뭉칫돈’)
MAX_SPEAKER_CHARS = 40
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
SPEAKER_AFTER = re.compile(
    rf"^\s*(?:이)?(?:라고|고)\s+(?P<speaker>\S.*?)(?:은|는|이|가)\s+.*?(?:{SPEECH_VERBS})"
)
# Words before the speaker that are not part of it: a date, "on this", "meanwhile".
SPEAKER_PREFIX = re.compile(
    r"^(?:(?:지난|오는)\s+)?\d{1,2}일\s+|^(?:이에|이와|그러면서|한편|또)\s+(?:대해(?:서)?\s+|관련해\s+)?"
    r"|^(?:\S+\s+){0,2}?\S+에\s+대해(?:서)?\s+|^이날\s+"
)
TOPIC_TAGS = frozenset({"JX", "JKS"})
TOPIC_FORMS = frozenset({"은", "는", "이", "가", "께서"})


def find_quotes(
    sentences: Sequence[Sentence],
    tokens: Sequence[Sequence[Morph]],
    eligible: frozenset[int],
) -> tuple[Quote, ...]:
    quotes: list[Quote] = []
    for sentence, toks in zip(sentences, tokens, strict=True):
        if sentence.index in eligible:
            quotes.extend(_quotes_in(sentence, toks))
    return tuple(quotes)


def _quotes_in(sentence: Sentence, tokens: Sequence[Morph]) -> list[Quote]:
    text = sentence.text
    direct = [
        m
        for m in DIRECT.finditer(text)
        if len(m["text"].strip()) >= MIN_QUOTE_CHARS and QUOTE_TAIL.match(text, m.end())
    ]
    if direct:
        speaker = _speaker_before(sentence, tokens, direct[0].start())
        if speaker is None:
            after = SPEAKER_AFTER.match(text, direct[-1].end())
            speaker = _clean(after["speaker"]) if after else None
        return [Quote(speaker, m["text"].strip(), sentence.index) for m in direct]
    particle = _first_topic(sentence, tokens, len(text))
    if particle is None:
        return []
    speaker = _clean(text[: particle[0]])
    rest = text[particle[1] :].strip()
    # INDIRECT ends in a speech verb: most sentences do not, and `endswith` is far cheaper
    # than the search, which tries every start.
    said = rest.removesuffix(".").endswith(SPEECH_VERB_WORDS)
    indirect = INDIRECT.search(rest) if said else None
    if speaker is None or indirect is None:
        return []
    return [Quote(speaker, indirect["text"].strip(), sentence.index)]


def _speaker_before(sentence: Sentence, tokens: Sequence[Morph], limit: int) -> str | None:
    particle = _first_topic(sentence, tokens, limit)
    return _clean(sentence.text[: particle[0]]) if particle else None


def _first_topic(sentence: Sentence, tokens: Sequence[Morph], limit: int) -> tuple[int, int] | None:
    """(start, end) inside the sentence of the first topic/subject particle before `limit`."""
    for form, tag, start, end in tokens:
        start -= sentence.start
        if start >= limit:
            break
        if tag in TOPIC_TAGS and form in TOPIC_FORMS and start > 0:
            return start, end - sentence.start
    return None


def _clean(speaker: str) -> str | None:
    """The speaker phrase, without a leading clause (up to the last comma)."""
    speaker = speaker.rsplit(",", 1)[-1].strip()
    while (prefix := SPEAKER_PREFIX.match(speaker)) and prefix.end() < len(speaker):
        speaker = speaker[prefix.end() :].strip()
    if not speaker or len(speaker) > MAX_SPEAKER_CHARS or any(q in speaker for q in '“”"'):
        return None
    return speaker
