"""Store an imported study note in the same tables as an ingested article.

The canonical source URL is the key. In one transaction:
  URL not stored, or stored from an earlier note -> the note's text is the article's text
                                                    (articles.origin = 'note', parser 'note')
  URL already ingested from the page             -> the page's text stays; only the note's
                                                    own rows are attached to it
Then the note's own rows (highlights, evidence, glossary links and related links with
source = 'note', research questions and items) are replaced when they differ from the stored
ones. Importing the same note twice changes nothing.

Storage does not import pipeline: what it reads from a note is described by the Protocols
below, which `pipeline.model.Note` satisfies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.orm import Session

from storage import models as m
from storage.inputs import AnalysisIn, BlockIn, SentenceIn
from storage.save import link_glossary, save_in_session

NOTE_PARSER = "note"
NOTE_PARSER_VERSION = "1"
NOTE_SOURCE = "note"

NoteSaveStatus = Literal["stored", "updated", "unchanged"]


class NoteLinkIn(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def press(self) -> str | None: ...
    @property
    def url(self) -> str: ...


class ResearchNodeIn(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def children(self) -> Sequence[ResearchNodeIn]: ...


class ResearchIn(Protocol):
    @property
    def question(self) -> str: ...
    @property
    def tree(self) -> Sequence[ResearchNodeIn]: ...


class NoteIn(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def subheadings(self) -> Sequence[str]: ...
    @property
    def source(self) -> NoteLinkIn: ...
    @property
    def highlights(self) -> Sequence[str]: ...
    @property
    def glossary(self) -> Mapping[str, Sequence[str]]: ...
    @property
    def evidence(self) -> Sequence[str]: ...
    @property
    def research(self) -> Sequence[ResearchIn]: ...
    @property
    def related_links(self) -> Sequence[NoteLinkIn]: ...


@dataclass(frozen=True, slots=True)
class NoteSaveResult:
    article_id: int
    status: NoteSaveStatus
    attached: bool  # True when the note's rows went onto an article ingested from its page


@dataclass(frozen=True, slots=True)
class _Block:
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class _Analysis:
    """Only sentences (with figures) for a note's own text; nothing else is computed."""

    sentences: Sequence[SentenceIn]
    version: str
    keywords: tuple[Any, ...] = ()
    quotes: tuple[Any, ...] = ()
    glossary: tuple[Any, ...] = ()
    evidence: tuple[int, ...] = ()
    summary: tuple[int, ...] = ()
    summary_ranking: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _NoteArticle:
    """A note's header and body in the shape `save_in_session` stores (`ArticleIn`)."""

    url: str
    site: str
    title: str
    press: str | None
    subheadings: Sequence[str]
    blocks: Sequence[BlockIn]
    published_at: datetime | None
    fingerprint: str
    press_code: str | None = None
    section: str | None = None
    updated_at: datetime | None = None
    authors: tuple[Any, ...] = ()
    images: tuple[Any, ...] = ()
    related: tuple[Any, ...] = ()
    parser: str = NOTE_PARSER
    parser_version: str = NOTE_PARSER_VERSION
    original_url: str | None = None

    def content_hash(self) -> str:
        return self.fingerprint


def save_note(
    engine: Engine,
    note: NoteIn,
    *,
    url: str,
    blocks: Sequence[BlockIn],
    analysis: AnalysisIn | None = None,
    site: str = NOTE_PARSER,
    published_at: datetime | None = None,
) -> NoteSaveResult:
    """Store `note` under the canonical source `url`.

    `blocks` are the body blocks in order (kind 'paragraph' or 'heading'); `analysis`, when
    given, supplies sentences (with figures) of those blocks. The note's link URLs should be
    canonical already, so they meet the articles they point at.
    """
    with Session(engine) as session, session.begin():
        return save_note_in_session(
            session,
            note,
            url=url,
            blocks=blocks,
            analysis=analysis,
            site=site,
            published_at=published_at,
        )


def save_note_in_session(
    session: Session,
    note: NoteIn,
    *,
    url: str,
    blocks: Sequence[BlockIn],
    analysis: AnalysisIn | None = None,
    site: str = NOTE_PARSER,
    published_at: datetime | None = None,
) -> NoteSaveResult:
    existing = session.execute(
        select(m.Article.id, m.Article.parser).where(m.Article.url == url)
    ).one_or_none()
    attached = existing is not None and existing.parser != NOTE_PARSER
    new = body_changed = False
    if attached:
        assert existing is not None
        article_id = existing.id
        had_rows = _stored_rows(session, article_id) != _EMPTY_ROWS
    else:
        article = _NoteArticle(
            url=url,
            site=site,
            title=note.title,
            press=note.source.press,
            subheadings=tuple(note.subheadings),
            blocks=tuple(_Block(str(b.kind), b.text) for b in blocks),
            published_at=published_at,
            fingerprint=note_fingerprint(note, blocks),
        )
        sentences = analysis.sentences if analysis is not None else ()
        version = analysis.version if analysis is not None else NOTE_PARSER_VERSION
        result = save_in_session(session, article, _Analysis(sentences, version), origin="note")
        article_id = result.article_id
        had_rows = result.status != "new"
        new = result.status == "new"
        body_changed = result.status == "changed"
    if not (new or body_changed) and _same_rows(_stored_rows(session, article_id), note):
        return NoteSaveResult(article_id, "unchanged", attached)
    _replace_note_rows(session, article_id, note)
    return NoteSaveResult(article_id, "updated" if had_rows else "stored", attached)


def note_fingerprint(note: NoteIn, blocks: Sequence[BlockIn]) -> str:
    """A hash of everything in the note, the articles.content_hash of a note's article."""
    payload = {
        "title": note.title,
        "subheadings": list(note.subheadings),
        "source": [note.source.title, note.source.press, note.source.url],
        "blocks": [[str(b.kind), b.text] for b in blocks],
        "rows": _wanted_rows(note),
        "glossary": sorted((t, sorted(d)) for t, d in note.glossary.items()),
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=list)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the note's own rows --------------------------------------------------------------------

_Tree = tuple[tuple[str, "_Tree"], ...]
_Rows = tuple[
    tuple[str, ...],  # highlights
    tuple[str, ...],  # evidence
    tuple[tuple[str, frozenset[str]], ...],  # glossary: term, definitions
    tuple[tuple[str, _Tree], ...],  # research
    tuple[tuple[str, str, str | None], ...],  # related links: url, title, press
]
_EMPTY_ROWS: _Rows = ((), (), (), (), ())


def _tree(nodes: Sequence[ResearchNodeIn]) -> _Tree:
    return tuple((n.text, _tree(n.children)) for n in nodes)


def _wanted_rows(note: NoteIn) -> _Rows:
    """The note's rows as `_stored_rows` reads them back, glossary definitions aside."""
    return (
        tuple(note.highlights),
        tuple(note.evidence),
        (),
        tuple((r.question, _tree(r.tree)) for r in note.research),
        tuple((link.url, link.title, link.press) for link in note.related_links),
    )


def _same_rows(stored: _Rows, note: NoteIn) -> bool:
    """True when the stored note rows already say what `note` says.

    Definitions are shared by every article that uses a term, so a term may have more
    stored definitions than this note lists; it must have at least those.
    """
    glossary = dict(stored[2])
    if set(glossary) != set(note.glossary):
        return False
    if any(not set(defs) <= glossary[term] for term, defs in note.glossary.items()):
        return False
    return stored[:2] + stored[3:] == _wanted_rows(note)[:2] + _wanted_rows(note)[3:]


def _stored_rows(session: Session, article_id: int) -> _Rows:
    highlights = session.execute(
        select(m.Highlight.text)
        .where(m.Highlight.article_id == article_id, m.Highlight.source == NOTE_SOURCE)
        .order_by(m.Highlight.rank)
    ).scalars()
    evidence = session.execute(
        select(m.Evidence.text)
        .where(m.Evidence.article_id == article_id, m.Evidence.source == NOTE_SOURCE)
        .order_by(m.Evidence.position)
    ).scalars()
    definitions: dict[str, set[str]] = {}
    for term, text in session.execute(
        select(m.GlossaryTerm.term, m.GlossaryDefinition.text)
        .join(m.ArticleGlossary, m.ArticleGlossary.term_id == m.GlossaryTerm.id)
        .outerjoin(m.GlossaryDefinition, m.GlossaryDefinition.term_id == m.GlossaryTerm.id)
        .where(m.ArticleGlossary.article_id == article_id, m.ArticleGlossary.source == NOTE_SOURCE)
    ):
        definitions.setdefault(term, set())
        if text is not None:
            definitions[term].add(text)
    related = session.execute(
        select(m.RelatedLink.url, m.RelatedLink.title, m.RelatedLink.press)
        .where(m.RelatedLink.article_id == article_id, m.RelatedLink.source == NOTE_SOURCE)
        .order_by(m.RelatedLink.position)
    ).all()
    return (
        tuple(highlights),
        tuple(evidence),
        tuple(sorted((t, frozenset(d)) for t, d in definitions.items())),
        _stored_research(session, article_id),
        tuple((r.url, r.title, r.press) for r in related),
    )


def _stored_research(session: Session, article_id: int) -> tuple[tuple[str, _Tree], ...]:
    questions = session.execute(
        select(m.ResearchQuestion.id, m.ResearchQuestion.question)
        .where(m.ResearchQuestion.article_id == article_id)
        .order_by(m.ResearchQuestion.position)
    ).all()
    out: list[tuple[str, _Tree]] = []
    for q in questions:
        children: dict[int | None, list[tuple[int, str]]] = {}
        for item in session.execute(
            select(m.ResearchItem.id, m.ResearchItem.parent_id, m.ResearchItem.text)
            .where(m.ResearchItem.question_id == q.id)
            .order_by(m.ResearchItem.position)
        ):
            children.setdefault(item.parent_id, []).append((item.id, item.text))

        def build(parent: int | None, kids: dict[int | None, list[tuple[int, str]]]) -> _Tree:
            return tuple((text, build(i, kids)) for i, text in kids.get(parent, []))

        out.append((q.question, build(None, children)))
    return tuple(out)


def _replace_note_rows(session: Session, article_id: int, note: NoteIn) -> None:
    for model in (m.Highlight, m.Evidence, m.RelatedLink, m.ArticleGlossary):
        session.execute(
            delete(model).where(model.article_id == article_id, model.source == NOTE_SOURCE)
        )
    session.execute(delete(m.ResearchQuestion).where(m.ResearchQuestion.article_id == article_id))
    locate = _SentenceFinder(session, article_id)
    if note.highlights:
        session.execute(
            insert(m.Highlight),
            [
                {
                    "article_id": article_id,
                    "sentence_id": locate(text),
                    "source": NOTE_SOURCE,
                    "rank": rank,
                    "text": text,
                }
                for rank, text in enumerate(note.highlights, start=1)
            ],
        )
    if note.evidence:
        session.execute(
            insert(m.Evidence),
            [
                {
                    "article_id": article_id,
                    "sentence_id": locate(text),
                    "position": pos,
                    "source": NOTE_SOURCE,
                    "text": text,
                }
                for pos, text in enumerate(note.evidence)
            ],
        )
    for term, definitions in note.glossary.items():
        term_id = link_glossary(session, article_id, term, definitions, source=NOTE_SOURCE)
        # the term may have been linked by analysis first: the note claims it
        session.execute(
            update(m.ArticleGlossary)
            .where(m.ArticleGlossary.article_id == article_id, m.ArticleGlossary.term_id == term_id)
            .values(source=NOTE_SOURCE)
        )
    for pos, research in enumerate(note.research):
        question_id = session.execute(
            insert(m.ResearchQuestion)
            .values(article_id=article_id, position=pos, question=research.question)
            .returning(m.ResearchQuestion.id)
        ).scalar_one()
        _insert_items(session, question_id, None, research.tree)
    for pos, link in enumerate(note.related_links):
        target = session.execute(
            select(m.Article.id).where(m.Article.url == link.url)
        ).scalar_one_or_none()
        session.add(
            m.RelatedLink(
                article_id=article_id,
                position=pos,
                url=link.url,
                title=link.title,
                press=link.press,
                source=NOTE_SOURCE,
                related_article_id=target,
            )
        )
    session.flush()


def _insert_items(
    session: Session, question_id: int, parent_id: int | None, nodes: Sequence[ResearchNodeIn]
) -> None:
    for pos, node in enumerate(nodes):
        item_id = session.execute(
            insert(m.ResearchItem)
            .values(question_id=question_id, parent_id=parent_id, position=pos, text=node.text)
            .returning(m.ResearchItem.id)
        ).scalar_one()
        _insert_items(session, question_id, item_id, node.children)


class _SentenceFinder:
    """The stored sentence a passage starts in, found by searching the article's blocks."""

    def __init__(self, session: Session, article_id: int) -> None:
        self.blocks = session.execute(
            select(m.ArticleBlock.id, m.ArticleBlock.text)
            .where(m.ArticleBlock.article_id == article_id)
            .order_by(m.ArticleBlock.position)
        ).all()
        self.sentences: dict[int, list[tuple[int, int, int]]] = {}
        for s in session.execute(
            select(m.Sentence.id, m.Sentence.block_id, m.Sentence.start, m.Sentence.end)
            .where(m.Sentence.article_id == article_id)
            .order_by(m.Sentence.position)
        ):
            self.sentences.setdefault(s.block_id, []).append((s.start, s.end, s.id))

    def __call__(self, passage: str) -> int | None:
        for block in self.blocks:
            at = block.text.find(passage)
            if at < 0:
                continue
            for start, end, sentence_id in self.sentences.get(block.id, []):
                if start <= at < end:
                    return sentence_id
            return None
        return None
