"""Values produced by analysis and by the note parser."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

FigureKind = Literal[
    "money", "percent", "percent_point", "count", "ratio", "duration", "date", "other"
]


@dataclass(frozen=True, slots=True)
class Figure:
    """One numeric fact in a sentence, normalised as `figures-spec.md` defines."""

    text: str
    start: int
    end: int
    kind: FigureKind
    value: int | float | str  # str only for dates
    unit: str | None
    approx: bool = False
    range_to: int | float | str | None = None
    converts: int | None = None  # index into the same sentence's figure list
    direction: Literal["up", "down"] | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int  # position in the article
    block_index: int  # which body block it comes from
    start: int  # character offsets inside that block's text
    end: int
    text: str
    figures: tuple[Figure, ...] = ()

    def with_figures(self, figures: tuple[Figure, ...]) -> Sentence:
        return replace(self, figures=figures)


@dataclass(frozen=True, slots=True)
class Keyword:
    term: str
    score: float
    rank: int  # 1 = best


@dataclass(frozen=True, slots=True)
class Quote:
    speaker: str | None
    text: str
    sentence_index: int


@dataclass(frozen=True, slots=True)
class GlossaryCandidate:
    term: str
    definitions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Analysis:
    sentences: tuple[Sentence, ...]
    keywords: tuple[Keyword, ...] = ()
    quotes: tuple[Quote, ...] = ()
    glossary: tuple[GlossaryCandidate, ...] = ()
    evidence: tuple[int, ...] = ()  # sentence indices
    summary: tuple[int, ...] = ()  # sentence indices, in article order
    summary_ranking: tuple[int, ...] = ()  # every summary candidate, best first
    version: str = "0"  # bumps when analysis output changes, so stored rows are recomputed


# --- the study note (see ../shared/note-format/) -------------------------------------------


@dataclass(frozen=True, slots=True)
class NoteLink:
    title: str
    press: str | None
    url: str


@dataclass(frozen=True, slots=True)
class ResearchNode:
    text: str
    children: tuple[ResearchNode, ...] = ()


@dataclass(frozen=True, slots=True)
class Research:
    question: str
    tree: tuple[ResearchNode, ...] = ()


@dataclass(frozen=True, slots=True)
class Note:
    title: str
    subheadings: tuple[str, ...]
    source: NoteLink
    body_paragraphs: tuple[str, ...]
    body_headings: tuple[str, ...]
    highlights: tuple[str, ...]
    bold: tuple[str, ...]
    glossary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    research: tuple[Research, ...] = ()
    related_links: tuple[NoteLink, ...] = ()
