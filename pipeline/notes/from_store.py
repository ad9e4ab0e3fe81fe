"""Build the study note of a stored article (ingested from its page or imported from a note).

Body: the article's blocks, headings as `####`. Highlights: the note-taker's when the article
has them, else the extractive summary; evidence sentences are bold. Consecutive marked
sentences of one paragraph become one passage, as a reader marks them. Research: the
note-taker's questions, or for an ingested article the figures and entities to check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.model import Note, NoteLink, Research, ResearchNode
from pipeline.notes.parse import BodyBlock
from pipeline.notes.render import render_note
from scrapers.errors import ScraperError
from scrapers.sites import canonical_url
from storage.errors import NotFound
from storage.note_rows import (
    FigureChange,
    MarkedRow,
    NoteRows,
    RelatedRow,
    ResearchItemRow,
    find_article_id,
    read_note_rows,
    read_research_material,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

FIGURES_QUESTION = "기사의 근거를 통해 바뀐 수치는 무엇인가?"
ENTITIES_QUESTION = "기사에 나온 주체와 용어는 무엇인가?"
MAX_RESEARCH_FIGURES = 12
MAX_RESEARCH_ENTITIES = 5
CHANGED_GROUP = "다른 기사와 다른 수치"
# Figure kinds worth checking against other sources, with the group label shown in the note.
FIGURE_GROUPS: dict[str, str] = {
    "money": "금액",
    "percent": "비율 (%)",
    "percent_point": "증감 (%p)",
    "count": "수량",
    "ratio": "배율",
}
BODY_KINDS = {"paragraph": "paragraph", "quote": "paragraph", "heading": "heading"}
NOTE_PARSER = "note"
SENTENCE_END_MARKS = ".?!"


@dataclass(frozen=True, slots=True)
class _Span:
    block: int  # position of the block
    start: int
    end: int


def load_note(
    engine: Engine, key: str | int, summary_sentences: int | None = None
) -> tuple[Note, tuple[BodyBlock, ...]]:
    """The note of the article stored under `key` (numeric id or URL) and its body blocks.

    The highlights are the note-taker's when the article has them, else the summary stored
    with it, or its `summary_sentences` best summary sentences when that is given.
    Raises `storage.errors.NotFound` when no article matches.
    """
    article_id = _find(engine, key)
    return _build(engine, read_note_rows(engine, article_id), summary_sentences)


def note_from_store(engine: Engine, key: str | int) -> Note:
    return load_note(engine, key)[0]


def render_stored_note(engine: Engine, key: str | int, summary_sentences: int | None = None) -> str:
    note, body = load_note(engine, key, summary_sentences)
    return render_note(note, body=body)


def _find(engine: Engine, key: str | int) -> int:
    text = str(key).strip()
    if text.isdigit():
        found = find_article_id(engine, article_id=int(text))
    else:
        candidates = [text]
        with suppress(ScraperError):  # not a URL a site knows: looked up as typed
            candidates.insert(0, canonical_url(text))
        found = find_article_id(engine, urls=candidates)
    if found is None:
        raise NotFound(f"no stored article for {text}")
    return found


def _build(
    engine: Engine, rows: NoteRows, summary_sentences: int | None
) -> tuple[Note, tuple[BodyBlock, ...]]:
    blocks = [
        (b.id, b.position, BODY_KINDS[b.kind], b.text) for b in rows.blocks if b.kind in BODY_KINDS
    ]
    block_pos = {block_id: pos for block_id, pos, _, _ in blocks}
    texts = {pos: text for _, pos, kind, text in blocks if kind == "paragraph"}
    sentence_spans = {
        s.id: _Span(block_pos[s.block_id], s.start, s.end)
        for s in rows.sentences
        if s.block_id in block_pos
    }

    highlight_rows: Sequence[MarkedRow] = rows.highlights
    if summary_sentences is not None:
        highlight_rows = _with_summary(rows, summary_sentences)
    highlight_spans = _merge(
        _spans_preferring_note(highlight_rows, sentence_spans, texts, to_sentence_end=False),
        texts,
    )

    evidence = _prefer_note([(r.source, (r.sentence_id, r.text)) for r in rows.evidence])
    bold_spans = _merge(
        _spans_preferring_note(rows.evidence, sentence_spans, texts, to_sentence_end=True),
        texts,
    )

    research = tuple(Research(r.question, _tree(None, _children(r.items))) for r in rows.research)
    if not research and rows.parser != NOTE_PARSER:
        research = _auto_research(engine, rows.article_id)

    body = tuple(
        BodyBlock("heading" if k == "heading" else "paragraph", t) for _, _, k, t in blocks
    )
    note = Note(
        title=rows.title,
        subheadings=rows.subheadings,
        source=NoteLink(rows.title, rows.press, rows.url),
        body_paragraphs=tuple(b.text for b in body if b.kind == "paragraph"),
        body_headings=tuple(b.text for b in body if b.kind == "heading"),
        highlights=tuple(texts[s.block][s.start : s.end] for s in highlight_spans),
        bold=tuple(texts[s.block][s.start : s.end] for s in bold_spans),
        glossary=rows.glossary,
        evidence=tuple(text for _, text in evidence),
        research=research,
        related_links=_related(rows.related),
    )
    return note, body


def _with_summary(rows: NoteRows, n: int) -> list[MarkedRow]:
    """The highlights with the computed ones replaced by the article's n best summary
    sentences (by `sentences.summary_rank`); as they are when no ranks are stored."""
    if not rows.summary_ranked:
        return list(rows.highlights)
    noted = [r for r in rows.highlights if r.source == NOTE_PARSER]
    return [*noted, *rows.summary_ranked[:n]]


def _prefer_note(rows: list[tuple[str, tuple[int | None, str]]]) -> list[tuple[int | None, str]]:
    """The note-taker's rows when there are any, else the computed ones."""
    noted = [row for source, row in rows if source == NOTE_PARSER]
    return noted or [row for _, row in rows]


def _spans_preferring_note(
    rows: Sequence[MarkedRow],
    sentence_spans: dict[int, _Span],
    texts: dict[int, str],
    *,
    to_sentence_end: bool,
) -> list[_Span]:
    """Spans of the note-taker's passages, or of the computed ones when none of the
    note's can be found in this text (a note attached to a page worded differently)."""
    noted = [(r.sentence_id, r.text) for r in rows if r.source == NOTE_PARSER]
    spans = _locate(noted, sentence_spans, texts)
    if not spans:
        computed = [(r.sentence_id, r.text) for r in rows if r.source != NOTE_PARSER]
        spans = _locate(computed, sentence_spans, texts)
    if to_sentence_end:
        spans = [_to_sentence_end(span, texts) for span in spans]
    return spans


def _locate(
    rows: Iterable[tuple[int | None, str]],
    sentence_spans: dict[int, _Span],
    texts: dict[int, str],
) -> list[_Span]:
    spans: list[_Span] = []
    for sentence_id, text in rows:
        span = sentence_spans.get(sentence_id) if sentence_id is not None else None
        if span is not None and span.block in texts:
            block_text = texts[span.block]
            if block_text[span.start : span.end] == text or not text:
                spans.append(span)
                continue
            at = block_text.find(text, span.start)
            if at >= 0:
                spans.append(_Span(span.block, at, at + len(text)))
                continue
        for pos, block_text in texts.items():
            at = block_text.find(text) if text else -1
            if at >= 0:
                spans.append(_Span(pos, at, at + len(text)))
                break
    return spans


def _to_sentence_end(span: _Span, texts: dict[int, str]) -> _Span:
    """Evidence is often listed without its full stop: bold the sentence with it."""
    text = texts[span.block]
    end = span.end
    while end < len(text) and text[end] in SENTENCE_END_MARKS:
        end += 1
    return _Span(span.block, span.start, end)


def _merge(spans: list[_Span], texts: dict[int, str]) -> list[_Span]:
    """Spans in article order; touching or overlapping ones in one paragraph become one."""
    out: list[_Span] = []
    for span in sorted(set(spans), key=lambda s: (s.block, s.start, s.end)):
        if out and out[-1].block == span.block:
            last = out[-1]
            gap = texts[span.block][last.end : span.start]
            if span.start <= last.end or not gap.strip():
                out[-1] = _Span(last.block, last.start, max(last.end, span.end))
                continue
        out.append(span)
    return out


def _children(items: Sequence[ResearchItemRow]) -> dict[int | None, list[tuple[int, str]]]:
    kids: dict[int | None, list[tuple[int, str]]] = {}
    for item in items:
        kids.setdefault(item.parent_id, []).append((item.id, item.text))
    return kids


def _tree(
    parent: int | None, kids: dict[int | None, list[tuple[int, str]]]
) -> tuple[ResearchNode, ...]:
    return tuple(ResearchNode(text, _tree(i, kids)) for i, text in kids.get(parent, []))


def _auto_research(engine: Engine, article_id: int) -> tuple[Research, ...]:
    """Figures to check (grouped by kind, a conversion beside its amount) and main entities."""
    material = read_research_material(
        engine, article_id, changes=MAX_RESEARCH_FIGURES, keywords=MAX_RESEARCH_ENTITIES
    )
    figures = material.figures
    conversions = {f.converts_id: f for f in figures if f.converts_id is not None}
    groups: dict[str, list[ResearchNode]] = {}
    shown = 0
    for figure in figures:
        if figure.converts_id is not None or figure.kind not in FIGURE_GROUPS:
            continue
        if shown == MAX_RESEARCH_FIGURES:
            break
        label = figure.text
        converted = conversions.get(figure.id)
        if converted is not None:
            label = f"{figure.text} = {converted.text}"
        groups.setdefault(FIGURE_GROUPS[figure.kind], []).append(
            ResearchNode(label, (ResearchNode(figure.sentence),))
        )
        shown += 1
    changed = _changed_elsewhere(material.changes)
    if changed:
        groups[CHANGED_GROUP] = changed
    research: list[Research] = []
    if groups:
        research.append(
            Research(
                FIGURES_QUESTION,
                tuple(
                    ResearchNode(label, tuple(groups[label]))
                    for label in (*FIGURE_GROUPS.values(), CHANGED_GROUP)
                    if label in groups
                ),
            )
        )
    entities = _entities(material.keywords, material.sentences)
    if entities:
        research.append(Research(ENTITIES_QUESTION, entities))
    return tuple(research)


def _changed_elsewhere(changes: Sequence[FigureChange]) -> list[ResearchNode]:
    """Figures that related articles report differently (see storage.figure_diff)."""
    nodes: list[ResearchNode] = []
    for c in changes:
        source = " - ".join(x for x in (c.other_title, c.other_press) if x)
        nodes.append(
            ResearchNode(
                f"{c.quantity}: {c.mine} ↔ {c.other}",
                (ResearchNode(f"{c.other_sentence or ''} ({source})".strip()),),
            )
        )
    return nodes


def _entities(terms: Sequence[str], texts: Sequence[str]) -> tuple[ResearchNode, ...]:
    nodes: list[ResearchNode] = []
    for term in terms:
        first = next((t for t in texts if term in t), None)
        nodes.append(ResearchNode(term, (ResearchNode(first),) if first else ()))
    return tuple(nodes)


def _related(rows: Sequence[RelatedRow]) -> tuple[NoteLink, ...]:
    seen: set[str] = set()
    links: list[NoteLink] = []
    # the note-taker's links first, then the page's own
    for row in sorted(rows, key=lambda r: r.source != NOTE_PARSER):
        if row.url not in seen:
            seen.add(row.url)
            links.append(NoteLink(row.title, row.press, row.url))
    return tuple(links)
