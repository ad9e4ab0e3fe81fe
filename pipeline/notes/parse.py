"""Read a study note written in the seed format (../shared/note-format/) into a `Note`.

The note is read line by line in three parts: the header (`# title`, `## subheadings`, the
source link), the body (paragraphs and in-body headings, up to the first section heading), and
the named sections (glossary, evidence, research, related links). Separators (`---`), blank
lines and heading levels only delimit; they carry no meaning of their own. Anything that does
not fit raises `NoteFormatError` with the 1-based line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pipeline.errors import NoteFormatError
from pipeline.model import Note, NoteLink, Research, ResearchNode

SEPARATOR_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
BULLET_RE = re.compile(r"^(\s*)[*+-]\s+(.*?)\s*$")
# The link text may itself contain square brackets: it runs to the last `](`.
LINK_RE = re.compile(r"^\s*(?:[*+-]\s+)?\[(?P<text>.+)\]\((?P<url>[^\s()]+(?:\([^\s()]*\))?)\)\s*$")
WEB_URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
PRESS_SEPARATOR = " - "
HIGHLIGHT_MARK = "`"
BOLD_MARK = "**"
TAB_WIDTH = 4

SectionKind = Literal["glossary", "evidence", "research", "related"]
# A heading names a section when its text starts like one of these, at any heading level.
SECTION_HEADINGS: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
    ("glossary", re.compile(r"^용어\s*정리")),
    ("evidence", re.compile(r"^본문의?\s*근거")),
    ("research", re.compile(r"^추가\s*조사")),
    ("related", re.compile(r"^(?:연관|관련)\s*기사")),
)


@dataclass(frozen=True, slots=True)
class BodyBlock:
    """One body block in note order: the `Note` keeps paragraphs and headings apart."""

    kind: Literal["paragraph", "heading"]
    text: str


@dataclass(slots=True)
class _Line:
    number: int
    text: str


@dataclass(slots=True)
class _Item:
    line: int
    indent: int
    text: str
    children: list[_Item] = field(default_factory=list)


def parse_note(markdown: str) -> Note:
    """The `Note` in `markdown`; `NoteFormatError(line, message)` when it is malformed."""
    return parse_note_with_body(markdown)[0]


def parse_note_with_body(markdown: str) -> tuple[Note, tuple[BodyBlock, ...]]:
    """The note and its body blocks in order (headings between the paragraphs they separate)."""
    lines = [
        _Line(i, raw.expandtabs(TAB_WIDTH).rstrip())
        for i, raw in enumerate(markdown.lstrip("\ufeff").splitlines(), start=1)
    ]
    pos, title, subheadings, source = _header(lines)
    pos, body = _body(lines, pos)
    sections = _sections(lines, pos)

    paragraphs: list[str] = []
    headings: list[str] = []
    highlights: list[str] = []
    bold: list[str] = []
    blocks: list[BodyBlock] = []
    for kind, block_lines in body:
        plain, marked, strong = _paragraph_markup(block_lines)
        if kind == "heading":
            headings.append(plain)
            blocks.append(BodyBlock("heading", plain))
        else:
            paragraphs.append(plain)
            highlights.extend(marked)
            bold.extend(strong)
            blocks.append(BodyBlock("paragraph", plain))
    note = Note(
        title=title,
        subheadings=tuple(subheadings),
        source=source,
        body_paragraphs=tuple(paragraphs),
        body_headings=tuple(headings),
        highlights=tuple(highlights),
        bold=tuple(bold),
        glossary=_glossary(sections.get("glossary", [])),
        evidence=_evidence(sections.get("evidence", [])),
        research=_research(sections.get("research", [])),
        related_links=_related(sections.get("related", [])),
    )
    return note, tuple(blocks)


# --- header ---------------------------------------------------------------------------------


def _header(lines: list[_Line]) -> tuple[int, str, list[str], NoteLink]:
    pos = _skip_blank(lines, 0)
    if pos == len(lines):
        raise NoteFormatError(1, "empty note: expected '# headline'")
    first = lines[pos]
    match = HEADING_RE.match(first.text)
    if match is None or len(match.group(1)) != 1 or not match.group(2):
        raise NoteFormatError(first.number, "expected the headline as '# headline'")
    title = match.group(2)
    subheadings: list[str] = []
    pos += 1
    while pos < len(lines):
        line = lines[pos]
        pos += 1
        if not line.text.strip() or SEPARATOR_RE.match(line.text):
            continue
        heading = HEADING_RE.match(line.text)
        if heading is not None and len(heading.group(1)) >= 2 and heading.group(2):
            subheadings.append(heading.group(2))
            continue
        if LINK_RE.match(line.text):
            return pos, title, subheadings, _link(line)
        raise NoteFormatError(
            line.number,
            "expected a '## subheading' or the source link '[headline - press](url)'",
        )
    raise NoteFormatError(lines[-1].number, "missing the source link '[headline - press](url)'")


def _link(line: _Line) -> NoteLink:
    match = LINK_RE.match(line.text)
    if match is None:
        raise NoteFormatError(line.number, "expected a link '[title - press](url)'")
    url = match.group("url")
    if not WEB_URL_RE.match(url):
        raise NoteFormatError(line.number, f"not a web address: {url}")
    text = match.group("text").strip()
    title, sep, press = text.rpartition(PRESS_SEPARATOR)
    if not sep or not title.strip() or not press.strip():
        return NoteLink(title=text, press=None, url=url)
    return NoteLink(title=title.strip(), press=press.strip(), url=url)


# --- body -----------------------------------------------------------------------------------


def _section_kind(line: _Line) -> SectionKind | None:
    match = HEADING_RE.match(line.text)
    if match is None or len(match.group(1)) < 2:
        return None
    for kind, pattern in SECTION_HEADINGS:
        if pattern.match(match.group(2)):
            return kind
    return None


def _body(lines: list[_Line], pos: int) -> tuple[int, list[tuple[str, list[_Line]]]]:
    """Body blocks as (kind, lines) up to the first section heading."""
    blocks: list[tuple[str, list[_Line]]] = []
    current: list[_Line] = []

    def flush() -> None:
        if current:
            blocks.append(("paragraph", list(current)))
            current.clear()

    while pos < len(lines):
        line = lines[pos]
        if _section_kind(line) is not None:
            break
        pos += 1
        if not line.text.strip() or SEPARATOR_RE.match(line.text):
            flush()
            continue
        heading = HEADING_RE.match(line.text)
        if heading is not None and heading.group(2):
            flush()
            blocks.append(("heading", [_Line(line.number, heading.group(2))]))
            continue
        current.append(line)
    flush()
    return pos, blocks


def _paragraph_markup(lines: list[_Line]) -> tuple[str, list[str], list[str]]:
    """(text without markup, highlights, bold passages) of one paragraph.

    Backticks and `**` toggle; a passage may run over several lines of the same paragraph.
    """
    plain: list[str] = []
    highlights: list[str] = []
    bold: list[str] = []
    marked: list[str] | None = None
    strong: list[str] | None = None
    marked_at = strong_at = 0
    for n, line in enumerate(lines):
        text = line.text.strip()
        if n:
            for buf in (plain, marked, strong):
                if buf is not None:
                    buf.append(" ")
        i = 0
        while i < len(text):
            if text.startswith(BOLD_MARK, i):
                if strong is None:
                    strong, strong_at = [], line.number
                else:
                    _keep(bold, strong)
                    strong = None
                i += len(BOLD_MARK)
                continue
            if text.startswith(HIGHLIGHT_MARK, i):
                if marked is None:
                    marked, marked_at = [], line.number
                else:
                    _keep(highlights, marked)
                    marked = None
                i += len(HIGHLIGHT_MARK)
                continue
            for buf in (plain, marked, strong):
                if buf is not None:
                    buf.append(text[i])
            i += 1
    if marked is not None:
        raise NoteFormatError(marked_at, "a highlight opened with ` is not closed in its paragraph")
    if strong is not None:
        raise NoteFormatError(strong_at, "a bold passage opened with ** is not closed")
    return "".join(plain).strip(), highlights, bold


def _keep(passages: list[str], chars: list[str]) -> None:
    text = "".join(chars).strip()
    if text:
        passages.append(text)


# --- sections -------------------------------------------------------------------------------


def _sections(lines: list[_Line], pos: int) -> dict[SectionKind, list[_Line]]:
    sections: dict[SectionKind, list[_Line]] = {}
    current: list[_Line] | None = None
    for line in lines[pos:]:
        kind = _section_kind(line)
        if kind is not None:
            current = sections.setdefault(kind, [])
            continue
        if not line.text.strip() or SEPARATOR_RE.match(line.text):
            continue
        if current is None:  # pragma: no cover - _body stops only at a section heading
            raise NoteFormatError(line.number, "text outside any section")
        current.append(line)
    return sections


def _items(lines: list[_Line], section: str) -> list[_Item]:
    """Bullets nested by indentation (any consistent width); indented plain lines continue."""
    roots: list[_Item] = []
    stack: list[_Item] = []
    for line in lines:
        match = BULLET_RE.match(line.text)
        if match is None:
            indent = len(line.text) - len(line.text.lstrip())
            if stack and indent > 0:
                stack[-1].text = f"{stack[-1].text} {line.text.strip()}"
                continue
            raise NoteFormatError(line.number, f"expected a '* ' bullet in the {section} section")
        item = _Item(line.number, len(match.group(1)), match.group(2))
        while stack and stack[-1].indent >= item.indent:
            stack.pop()
        (stack[-1].children if stack else roots).append(item)
        stack.append(item)
    return roots


def _flatten(items: list[_Item]) -> list[_Item]:
    out: list[_Item] = []
    for item in items:
        out.append(item)
        out.extend(_flatten(item.children))
    return out


def _glossary(lines: list[_Line]) -> dict[str, tuple[str, ...]]:
    glossary: dict[str, tuple[str, ...]] = {}
    for term in _items(lines, "glossary"):
        definitions = tuple(d.text for d in _flatten(term.children))
        glossary[term.text] = glossary.get(term.text, ()) + definitions
    return glossary


def _evidence(lines: list[_Line]) -> tuple[str, ...]:
    return tuple(item.text for item in _flatten(_items(lines, "evidence")))


def _research(lines: list[_Line]) -> tuple[Research, ...]:
    """`#### question` headings, each followed by its bullet tree."""
    groups: list[tuple[str, list[_Line]]] = []
    for line in lines:
        heading = HEADING_RE.match(line.text)
        if heading is not None:
            groups.append((heading.group(2), []))
            continue
        if not groups:
            groups.append(("", []))
        groups[-1][1].append(line)
    return tuple(Research(q, _nodes(_items(body, "research"))) for q, body in groups)


def _nodes(items: list[_Item]) -> tuple[ResearchNode, ...]:
    return tuple(ResearchNode(i.text, _nodes(i.children)) for i in items)


def _related(lines: list[_Line]) -> tuple[NoteLink, ...]:
    return tuple(_link(line) for line in lines)


def _skip_blank(lines: list[_Line], pos: int) -> int:
    while pos < len(lines) and not lines[pos].text.strip():
        pos += 1
    return pos
