"""The rows a stored article's study note is made of, read as plain values.

`pipeline.notes.from_store` turns these into a `Note` (choosing the note-taker's rows over
computed ones, locating passages, grouping figures); this module only reads. Rows come in
the order the note shows them (by position, rank or id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Executable, select
from sqlalchemy.orm import Session

from storage import models as m
from storage.db import for_reads
from storage.errors import NotFound
from storage.figure_diff import figure_diff_rows


@dataclass(frozen=True, slots=True)
class BlockRow:
    id: int
    position: int
    kind: str  # paragraph | heading | quote | caption
    text: str


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    id: int
    block_id: int
    start: int  # character offsets inside the block
    end: int


@dataclass(frozen=True, slots=True)
class MarkedRow:
    """A highlight, an evidence sentence or a summary sentence."""

    sentence_id: int | None
    text: str
    source: str  # note (the note-taker's), or how analysis chose it


@dataclass(frozen=True, slots=True)
class ResearchItemRow:
    id: int
    parent_id: int | None
    text: str


@dataclass(frozen=True, slots=True)
class ResearchRows:
    question: str
    items: tuple[ResearchItemRow, ...]


@dataclass(frozen=True, slots=True)
class RelatedRow:
    url: str
    title: str
    press: str | None
    source: str


@dataclass(frozen=True, slots=True)
class NoteRows:
    article_id: int
    url: str
    title: str
    press: str | None
    parser: str
    blocks: tuple[BlockRow, ...]
    sentences: tuple[SentenceSpan, ...]
    highlights: tuple[MarkedRow, ...]
    evidence: tuple[MarkedRow, ...]
    summary_ranked: tuple[MarkedRow, ...]  # sentences with a summary rank, best first
    subheadings: tuple[str, ...]
    glossary: dict[str, tuple[str, ...]]  # term -> definitions
    research: tuple[ResearchRows, ...]
    related: tuple[RelatedRow, ...]


@dataclass(frozen=True, slots=True)
class FigureRow:
    id: int
    kind: str
    text: str
    converts_id: int | None
    sentence: str  # the text of the figure's sentence


@dataclass(frozen=True, slots=True)
class FigureChange:
    """A figure another stored article reports differently (`storage.figure_diff`)."""

    quantity: str
    mine: str
    other: str
    other_sentence: str | None
    other_title: str | None
    other_press: str | None


@dataclass(frozen=True, slots=True)
class ResearchMaterial:
    """What an article's research section is drawn from when no note-taker wrote one."""

    figures: tuple[FigureRow, ...]  # in sentence order
    changes: tuple[FigureChange, ...]
    keywords: tuple[str, ...]  # best first
    sentences: tuple[str, ...]  # every sentence's text, in order


def find_article_id(
    engine: Engine, *, article_id: int | None = None, urls: Sequence[str] = ()
) -> int | None:
    """The id of the article with `article_id`, else of the first of `urls` stored; None
    when none is."""
    with for_reads(engine).connect() as conn:
        # an id past the store's integers names no article (and would overflow the driver)
        if article_id is not None and article_id < 2**63:
            found = conn.execute(
                select(m.Article.id).where(m.Article.id == article_id)
            ).scalar_one_or_none()
            if found is not None:
                return int(found)
        for url in urls:
            found = conn.execute(
                select(m.Article.id).where(m.Article.url == url)
            ).scalar_one_or_none()
            if found is not None:
                return int(found)
    return None


def read_note_rows(engine: Engine, article_id: int) -> NoteRows:
    """Every row of the article's note. Raises `NotFound` when it is not stored."""
    with Session(for_reads(engine)) as session:
        article = session.get(m.Article, article_id)
        if article is None:
            raise NotFound(f"no stored article {article_id}")
        blocks = tuple(
            BlockRow(b.id, b.position, b.kind, b.text)
            for b in session.execute(
                select(m.ArticleBlock)
                .where(m.ArticleBlock.article_id == article_id)
                .order_by(m.ArticleBlock.position)
            ).scalars()
        )
        sentences = tuple(
            SentenceSpan(s.id, s.block_id, s.start, s.end)
            for s in session.execute(
                select(m.Sentence.id, m.Sentence.block_id, m.Sentence.start, m.Sentence.end)
                .where(m.Sentence.article_id == article_id)
                .order_by(m.Sentence.position)
            )
        )
        conn = session.connection()
        return NoteRows(
            article_id=article.id,
            url=article.url,
            title=article.title,
            press=article.press.name if article.press else None,
            parser=article.parser,
            blocks=blocks,
            sentences=sentences,
            highlights=_marked(
                conn,
                select(m.Highlight.sentence_id, m.Highlight.text, m.Highlight.source)
                .where(m.Highlight.article_id == article_id)
                .order_by(m.Highlight.rank),
            ),
            evidence=_marked(
                conn,
                select(m.Evidence.sentence_id, m.Evidence.text, m.Evidence.source)
                .where(m.Evidence.article_id == article_id)
                .order_by(m.Evidence.position),
            ),
            summary_ranked=tuple(
                MarkedRow(r.id, r.text, "summary")
                for r in conn.execute(
                    select(m.Sentence.id, m.Sentence.text)
                    .where(
                        m.Sentence.article_id == article_id, m.Sentence.summary_rank.is_not(None)
                    )
                    .order_by(m.Sentence.summary_rank)
                )
            ),
            subheadings=tuple(
                conn.execute(
                    select(m.ArticleSubheading.text)
                    .where(m.ArticleSubheading.article_id == article_id)
                    .order_by(m.ArticleSubheading.position)
                ).scalars()
            ),
            glossary=_glossary(conn, article_id),
            research=_research(conn, article_id),
            related=tuple(
                RelatedRow(r.url, r.title, r.press, r.source)
                for r in conn.execute(
                    select(
                        m.RelatedLink.url,
                        m.RelatedLink.title,
                        m.RelatedLink.press,
                        m.RelatedLink.source,
                    )
                    .where(m.RelatedLink.article_id == article_id)
                    .order_by(m.RelatedLink.position)
                )
            ),
        )


def read_research_material(
    engine: Engine, article_id: int, *, changes: int, keywords: int
) -> ResearchMaterial:
    """The article's figures, at most `changes` figures other articles report differently,
    and its best `keywords` keywords with every sentence's text."""
    with for_reads(engine).connect() as conn:
        figures = tuple(
            FigureRow(r.id, r.kind, r.text, r.converts_id, r.sentence)
            for r in conn.execute(
                select(
                    m.Figure.id,
                    m.Figure.kind,
                    m.Figure.text,
                    m.Figure.converts_id,
                    m.Sentence.text.label("sentence"),
                )
                .join(m.Sentence, m.Sentence.id == m.Figure.sentence_id)
                .where(m.Figure.article_id == article_id)
                .order_by(m.Sentence.position, m.Figure.position)
            )
        )
        found: list[FigureChange] = []
        for row in figure_diff_rows(conn, article_id=article_id, limit=changes):
            mine, other = ("1", "2") if row["article_id_1"] == article_id else ("2", "1")
            found.append(
                FigureChange(
                    quantity=row["quantity"],
                    mine=row[f"figure_{mine}"],
                    other=row[f"figure_{other}"],
                    other_sentence=row[f"sentence_{other}"],
                    other_title=row[f"title_{other}"],
                    other_press=row[f"press_{other}"],
                )
            )
        terms = tuple(
            conn.execute(
                select(m.Keyword.term)
                .where(m.Keyword.article_id == article_id)
                .order_by(m.Keyword.rank)
                .limit(keywords)
            ).scalars()
        )
        texts = tuple(
            conn.execute(
                select(m.Sentence.text)
                .where(m.Sentence.article_id == article_id)
                .order_by(m.Sentence.position)
            ).scalars()
        )
    return ResearchMaterial(figures, tuple(found), terms, texts)


def _marked(conn: Connection, query: Executable) -> tuple[MarkedRow, ...]:
    return tuple(MarkedRow(r.sentence_id, r.text, r.source) for r in conn.execute(query))


def _glossary(conn: Connection, article_id: int) -> dict[str, tuple[str, ...]]:
    rows = conn.execute(
        select(m.GlossaryTerm.id, m.GlossaryTerm.term)
        .join(m.ArticleGlossary, m.ArticleGlossary.term_id == m.GlossaryTerm.id)
        .where(m.ArticleGlossary.article_id == article_id)
        .order_by(m.GlossaryTerm.id)
    ).all()
    glossary: dict[str, tuple[str, ...]] = {}
    for term_id, term in rows:
        glossary[term] = tuple(
            conn.execute(
                select(m.GlossaryDefinition.text)
                .where(m.GlossaryDefinition.term_id == term_id)
                .order_by(m.GlossaryDefinition.position, m.GlossaryDefinition.id)
            ).scalars()
        )
    return glossary


def _research(conn: Connection, article_id: int) -> tuple[ResearchRows, ...]:
    out: list[ResearchRows] = []
    for qid, question in conn.execute(
        select(m.ResearchQuestion.id, m.ResearchQuestion.question)
        .where(m.ResearchQuestion.article_id == article_id)
        .order_by(m.ResearchQuestion.position)
    ).all():
        items = tuple(
            ResearchItemRow(r.id, r.parent_id, r.text)
            for r in conn.execute(
                select(m.ResearchItem.id, m.ResearchItem.parent_id, m.ResearchItem.text)
                .where(m.ResearchItem.question_id == qid)
                .order_by(m.ResearchItem.position)
            )
        )
        out.append(ResearchRows(question, items))
    return tuple(out)
