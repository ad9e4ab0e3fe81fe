"""Sentences of an article's blocks, with exact character offsets, and their tokens.

Kiwi splits and tokenises in one pass. A sentence's span runs from its first token to the
next sentence's first token (trailing spaces dropped), so no character of a block is lost
between sentences; a split that leaves a quotation mark or bracket open is undone by
merging with the following sentence, so quotes and brackets stay inside one sentence. A
dateline or byline glued to the front of a sentence (`[서울=뉴시스]이현주 기자 = 정부는 …`)
becomes a sentence of its own, so the story's first sentence reads without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from pipeline.analysis.kiwi import Tokenising, sentences_of
from pipeline.model import Sentence
from scrapers.boilerplate import byline_prefix
from scrapers.model import Article, BlockKind

if TYPE_CHECKING:
    from kiwipiepy import Token

# Captions describe photos, not the story; they get no sentences.
SENTENCE_BLOCKS = frozenset({BlockKind.PARAGRAPH, BlockKind.QUOTE, BlockKind.HEADING})
# Blocks whose sentences may be quoted, summarised or used as evidence.
BODY_BLOCKS = frozenset({BlockKind.PARAGRAPH, BlockKind.QUOTE})
PAIRS = (("“", "”"), ("‘", "’"), ("(", ")"), ("[", "]"), ("「", "」"), ("『", "』"))
STRAIGHT_QUOTES = ('"',)

# A token as plain values: (form, tag, start, end). Kiwi builds a new object on every read
# of a `Token` attribute, so analysis reads each once, here, and then works on these.
Morph = tuple[str, str, int, int]
# Read from C in one call; indexing a `Token` (its sequence protocol) is the slow way.
_morph = attrgetter("form", "tag", "start", "end")


@dataclass(frozen=True, slots=True)
class Tokenised:
    """An article's sentences with each sentence's tokens (offsets inside its block)."""

    sentences: tuple[Sentence, ...]
    tokens: tuple[tuple[Morph, ...], ...]  # parallel to `sentences`
    body: frozenset[int]  # indices of sentences in paragraph / quote blocks
    extra_tokens: tuple[tuple[Morph, ...], ...]  # title and subheadings, for keywords


class SplitInProgress:
    """An article Kiwi has started splitting and tokenising; `result()` is its `Tokenised`."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self._block_ids = [
            i for i, b in enumerate(article.blocks) if b.kind in SENTENCE_BLOCKS and b.text.strip()
        ]
        extras = [t for t in (article.title, *article.subheadings) if t.strip()]
        self._tokenising = Tokenising([article.blocks[i].text for i in self._block_ids] + extras)

    def result(self) -> Tokenised:
        return _collect(self.article, self._block_ids, self._tokenising.result())


def split_article(article: Article) -> Tokenised:
    """Split and tokenise every sentence-bearing block, plus title and deck, in one go."""
    return SplitInProgress(article).result()


def _collect(
    article: Article, block_ids: Sequence[int], analysed: Sequence[Sequence[Token]]
) -> Tokenised:
    sentences: list[Sentence] = []
    tokens: list[tuple[Morph, ...]] = []
    body: set[int] = set()
    for block_index, block_tokens in zip(block_ids, analysed, strict=False):
        block = article.blocks[block_index]
        for start, end, toks in _spans(block.text, sentences_of(block_tokens)):
            if block.kind in BODY_BLOCKS:
                body.add(len(sentences))
            sentences.append(
                Sentence(len(sentences), block_index, start, end, block.text[start:end])
            )
            tokens.append(tuple(map(_morph, toks)))
    extra_tokens = tuple(tuple(map(_morph, toks)) for toks in analysed[len(block_ids) :])
    return Tokenised(tuple(sentences), tuple(tokens), frozenset(body), extra_tokens)


def _spans(text: str, sents: Sequence[Sequence[Token]]) -> list[tuple[int, int, tuple[Token, ...]]]:
    """(start, end, tokens) per sentence, covering `text` without gaps, unbalanced merged."""
    groups = [part for s in sents if s for part in _at_final_endings(text, s)]
    if not groups:
        stripped = text.strip()
        if not stripped:
            return []
        start = text.index(stripped[0])
        return [(start, start + len(stripped), ())]
    merged: list[list[Token]] = []
    for group in groups:
        if merged and _is_open(text, merged[-1][0].start, group[0].start):
            merged[-1].extend(group)
        else:
            merged.append(group)
    starts = [g[0].start for g in merged]
    starts[0] = len(text) - len(text.lstrip())
    out: list[tuple[int, int, tuple[Token, ...]]] = []
    for i, group in enumerate(merged):
        start = starts[i]
        limit = starts[i + 1] if i + 1 < len(merged) else len(text)
        if cut := byline_prefix(text[start:limit]):
            byline_end = start + len(text[start : start + cut].rstrip())
            out.append((start, byline_end, tuple(t for t in group if t.start < start + cut)))
            group = [t for t in group if t.start >= start + cut]
            start += cut
        end = start + len(text[start:limit].rstrip())
        if end > start:
            out.append((start, end, tuple(group)))
    return out


def _at_final_endings(text: str, tokens: Sequence[Token]) -> list[list[Token]]:
    """Kiwi's sentence cut where it missed one: a final ending, a full stop, then a space
    or, in text whose spaces were lost, a letter or a digit.

    Kiwi keeps `…시대가 됐다. '불이 나면 …` as one sentence when the next begins with a
    quotation mark, and `…밝혔다.MBK파트너스는 …` or `…미끄러졌다.31일 한국거래소에 …`
    (text exported without its spaces) when nothing separates them; after a final ending
    the full stop cannot be a decimal point. A cut inside a quotation is undone by the
    merge that follows.
    """
    parts: list[list[Token]] = [[]]
    for i, token in enumerate(tokens):
        parts[-1].append(token)
        if (
            token.tag == "SF"
            and i > 0
            and tokens[i - 1].tag == "EF"
            and i + 1 < len(tokens)
            and _separates(text, token.end, tokens[i + 1].start)
        ):
            parts.append([])
    return [p for p in parts if p]


def _separates(text: str, end: int, next_start: int) -> bool:
    gap = text[end:next_start]
    return gap.isspace() or (not gap and text[end : end + 1].isalnum())


def _is_open(text: str, start: int, end: int) -> bool:
    """Does text[start:end] leave a quotation mark or bracket open?"""
    part = text[start:end]
    if any(part.count(o) > part.count(c) for o, c in PAIRS):
        return True
    return any(part.count(q) % 2 for q in STRAIGHT_QUOTES)
