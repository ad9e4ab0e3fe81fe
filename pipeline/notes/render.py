"""Write a `Note` as Markdown in the seed format (../shared/note-format/example-note.md).

A `Note` keeps paragraphs and in-body headings in separate lists, so where the headings go
comes from `body` (the blocks in order) when the caller has it; without it the headings open
the body. Highlights and bold passages are found again in the paragraphs, in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from pipeline.model import Note, NoteLink, ResearchNode
from pipeline.notes.parse import BOLD_MARK, HIGHLIGHT_MARK, PRESS_SEPARATOR, BodyBlock

SEPARATOR = "---"
INDENT = "    "
GLOSSARY_HEADING = "### 용어정리"
EVIDENCE_HEADING = "### 본문의 근거"
RESEARCH_HEADING = "### 추가 조사할 내용 / 결과"
RELATED_HEADING = "#### 연관기사 링크"
BODY_HEADING_PREFIX = "#### "
QUESTION_PREFIX = "#### "


def render_note(note: Note, *, body: Sequence[BodyBlock] | None = None) -> str:
    """The note as Markdown, ending with a newline."""
    out: list[str] = [f"# {note.title}"]
    out += [f"## {s}" for s in note.subheadings]
    out += [link_line(note.source), "", SEPARATOR, ""]
    out += _body(note, body)
    out += ["", SEPARATOR, "", GLOSSARY_HEADING, ""]
    for term, definitions in note.glossary.items():
        out.append(f"* {term}")
        out += [f"{INDENT}* {d}" for d in definitions]
    out += ["", SEPARATOR, "", EVIDENCE_HEADING, ""]
    out += [f"* {e}" for e in note.evidence]
    out += ["", SEPARATOR, "", RESEARCH_HEADING]
    for n, research in enumerate(note.research):
        if n:
            out.append("")
        if research.question:
            out.append(f"{QUESTION_PREFIX}{research.question}")
        out.append("")
        out += _tree(research.tree, 0)
    out += ["", SEPARATOR, "", RELATED_HEADING]
    for link in note.related_links:
        out += ["", link_line(link)]
    return "\n".join(_squeeze_blank(out)).rstrip() + "\n"


def link_line(link: NoteLink) -> str:
    text = f"{link.title}{PRESS_SEPARATOR}{link.press}" if link.press else link.title
    return f"[{text}]({link.url})"


def _body(note: Note, body: Sequence[BodyBlock] | None) -> list[str]:
    if body is None:
        body = [BodyBlock("heading", h) for h in note.body_headings] + [
            BodyBlock("paragraph", p) for p in note.body_paragraphs
        ]
    paragraphs = [b.text for b in body if b.kind == "paragraph"]
    highlights = _Marker(HIGHLIGHT_MARK, note.highlights, paragraphs)
    bold = _Marker(BOLD_MARK, note.bold, paragraphs)
    out: list[str] = []
    index = 0
    for block in body:
        if out:
            out.append("")
        if block.kind == "heading":
            out.append(f"{BODY_HEADING_PREFIX}{block.text}")
            continue
        spans = highlights.spans(index) + bold.spans(index)
        out.append(_marked(block.text, spans))
        index += 1
    return out


class _Marker:
    """Finds a note's passages (in note order) in its paragraphs (in body order)."""

    def __init__(self, mark: str, passages: Sequence[str], paragraphs: Sequence[str]) -> None:
        self.mark = mark
        self.paragraphs = paragraphs
        self.pending = list(passages)

    def spans(self, index: int) -> list[tuple[int, int, str]]:
        text = self.paragraphs[index]
        rest = self.paragraphs[index:]
        spans: list[tuple[int, int, str]] = []
        pos = 0
        while self.pending:
            passage = self.pending[0]
            if not any(passage in p for p in rest):
                self.pending.pop(0)  # found nowhere: cannot be placed, drop it
                continue
            at = text.find(passage, pos)
            if at < 0:
                break
            spans.append((at, at + len(passage), self.mark))
            pos = at + len(passage)
            self.pending.pop(0)
        return spans


def _marked(text: str, spans: list[tuple[int, int, str]]) -> str:
    spans = _uncrossed(spans)
    # At one position closers come before openers; of two openers the longer span opens
    # first, of two closers the shorter closes first, so every pair nests. Equal spans put
    # bold outside the highlight.
    depth = {BOLD_MARK: 0, HIGHLIGHT_MARK: 1}
    events = sorted(
        [(start, 1, start - end, depth[mark], mark) for start, end, mark in spans]
        + [(end, 0, end - start, -depth[mark], mark) for start, end, mark in spans]
    )
    out: list[str] = []
    last = 0
    for at, _, _, _, mark in events:
        out.append(text[last:at])
        out.append(mark)
        last = at
    out.append(text[last:])
    return "".join(out)


def _uncrossed(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Split a bold span where a highlight that it neither contains nor lies inside starts
    or ends: `**a `b** c`` would not nest, `**a** `**b** c`` does."""
    highlights = [(start, end) for start, end, mark in spans if mark == HIGHLIGHT_MARK]
    out: list[tuple[int, int, str]] = []
    for start, end, mark in spans:
        if mark != BOLD_MARK:
            out.append((start, end, mark))
            continue
        cuts = sorted(
            {
                cut
                for hs, he in highlights
                if (start < hs < end < he) or (hs < start < he < end)
                for cut in (hs, he)
                if start < cut < end
            }
        )
        bounds = [start, *cuts, end]
        out.extend((a, b, mark) for a, b in pairwise(bounds) if a < b)
    return out


def _tree(nodes: Sequence[ResearchNode], depth: int) -> list[str]:
    out: list[str] = []
    for node in nodes:
        out.append(f"{INDENT * depth}* {node.text}")
        out += _tree(node.children, depth + 1)
    return out


def _squeeze_blank(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return out
