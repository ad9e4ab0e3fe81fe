"""Tables that mirror the study note (see DESIGN.md, "Store").

Names are chosen for people writing SQL by hand: one plural noun per table, `<table>_id`
foreign keys, `position` for order inside an article. Every derived row hangs off
`articles` with ON DELETE CASCADE, so replacing an article's analysis is one delete.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as UTC; always comes back timezone-aware (SQLite would drop the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
utc = Annotated[datetime, mapped_column(UTCDateTime())]
article_fk = Annotated[
    int, mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
]
# Rows computed from a sentence go with it; rows a note-taker wrote outlive a re-analysis.
sentence_fk = Annotated[
    int | None, mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"), index=True)
]
sentence_ref = Annotated[
    int | None, mapped_column(ForeignKey("sentences.id", ondelete="SET NULL"), index=True)
]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, str: Text}


class Press(Base):
    __tablename__ = "press"
    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(unique=True)
    naver_code: Mapped[str | None] = mapped_column(String(8))


class Article(Base):
    __tablename__ = "articles"
    id: Mapped[intpk]
    url: Mapped[str] = mapped_column(unique=True)  # canonical URL: the key
    site: Mapped[str] = mapped_column(String(32))
    press_id: Mapped[int | None] = mapped_column(
        ForeignKey("press.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str]
    section: Mapped[str | None]
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    original_url: Mapped[str | None]
    body_text: Mapped[str]  # paragraphs joined by a blank line, for full-text SQL
    parser: Mapped[str] = mapped_column(String(32))
    parser_version: Mapped[str] = mapped_column(String(16))
    analysis_version: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(8), default="ingest")  # ingest | note
    revision: Mapped[int] = mapped_column(default=1)
    first_seen_at: Mapped[utc] = mapped_column(default=utcnow)
    stored_at: Mapped[utc] = mapped_column(default=utcnow)

    press: Mapped[Press | None] = relationship()


class ArticleRevision(Base):
    """One row each time an article's content changed and its derived rows were replaced."""

    __tablename__ = "article_revisions"
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    revision: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str]
    recorded_at: Mapped[utc] = mapped_column(default=utcnow)


class ArticleSubheading(Base):
    __tablename__ = "article_subheadings"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    position: Mapped[int]
    name: Mapped[str] = mapped_column(index=True)
    email: Mapped[str | None]


class ArticleBlock(Base):
    __tablename__ = "article_blocks"
    __table_args__ = (UniqueConstraint("article_id", "position"),)
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # paragraph | heading | quote | caption
    text: Mapped[str]


class Image(Base):
    __tablename__ = "images"
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    position: Mapped[int]
    url: Mapped[str]
    caption: Mapped[str | None]


class Sentence(Base):
    __tablename__ = "sentences"
    __table_args__ = (UniqueConstraint("article_id", "position"),)
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    block_id: Mapped[int] = mapped_column(ForeignKey("article_blocks.id", ondelete="CASCADE"))
    position: Mapped[int]  # order in the article
    start: Mapped[int]  # character offsets inside the block's text
    end: Mapped[int]
    text: Mapped[str]
    # Place in the summary order (1 = the best summary sentence); NULL: not a candidate.
    summary_rank: Mapped[int | None]


class Highlight(Base):
    __tablename__ = "highlights"
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    sentence_id: Mapped[sentence_ref]
    source: Mapped[str] = mapped_column(String(8))  # note | summary
    rank: Mapped[int]
    text: Mapped[str]


class Keyword(Base):
    __tablename__ = "keywords"
    # (article_id, term): an article's keywords, and the keyword reports' distinct articles
    # per term over a period. (term, article_id): the document frequencies analysis reads
    # for every article ingested, answered from the index alone. Together they cover every
    # lookup by article or by term, so neither column has an index of its own.
    __table_args__ = (
        Index("ix_keywords_article_id_term", "article_id", "term"),
        Index("ix_keywords_term_article_id", "term", "article_id"),
    )
    id: Mapped[intpk]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    term: Mapped[str]
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int]


class KeywordTerm(Base):
    """How many articles have each term as a keyword: the document frequencies analysis
    reads for every article, one row per term however large the store grows.

    Kept by triggers on `keywords` (migration 0005), so every write counts, a cascade from
    a deleted article or a hand-written statement included. An article has a term at most
    once among its keywords, so keyword rows and articles count alike.
    """

    __tablename__ = "keyword_terms"
    term: Mapped[str] = mapped_column(primary_key=True)
    articles: Mapped[int]


class Figure(Base):
    __tablename__ = "figures"
    __table_args__ = (Index("ix_figures_kind_unit", "kind", "unit"),)
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    sentence_id: Mapped[sentence_fk]
    position: Mapped[int]  # order inside its sentence
    text: Mapped[str]
    start: Mapped[int]
    end: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    # value as a number for sorting and sums; value_text keeps it exactly (big ints, dates)
    value: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str]
    unit: Mapped[str | None] = mapped_column(String(16))
    approx: Mapped[bool] = mapped_column(Boolean, default=False)
    range_to: Mapped[float | None] = mapped_column(Float)
    range_to_text: Mapped[str | None]
    converts_id: Mapped[int | None] = mapped_column(ForeignKey("figures.id", ondelete="CASCADE"))
    direction: Mapped[str | None] = mapped_column(String(4))
    subject: Mapped[str | None]


class Quote(Base):
    __tablename__ = "quotes"
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    sentence_id: Mapped[sentence_fk]
    speaker: Mapped[str | None] = mapped_column(index=True)
    text: Mapped[str]


class GlossaryTerm(Base):
    __tablename__ = "glossary_terms"
    id: Mapped[intpk]
    term: Mapped[str] = mapped_column(unique=True)


class GlossaryDefinition(Base):
    __tablename__ = "glossary_definitions"
    __table_args__ = (UniqueConstraint("term_id", "text"),)
    id: Mapped[intpk]
    term_id: Mapped[int] = mapped_column(
        ForeignKey("glossary_terms.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text: Mapped[str]
    source: Mapped[str] = mapped_column(String(8))  # note | auto


class ArticleGlossary(Base):
    __tablename__ = "article_glossary"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    term_id: Mapped[int] = mapped_column(
        ForeignKey("glossary_terms.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    source: Mapped[str] = mapped_column(String(8))  # note | auto


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    sentence_id: Mapped[sentence_ref]
    position: Mapped[int]
    source: Mapped[str] = mapped_column(String(8))  # note | auto
    text: Mapped[str]


class ResearchQuestion(Base):
    __tablename__ = "research_questions"
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    position: Mapped[int]
    question: Mapped[str]


class ResearchItem(Base):
    __tablename__ = "research_items"
    id: Mapped[intpk]
    question_id: Mapped[int] = mapped_column(
        ForeignKey("research_questions.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("research_items.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text: Mapped[str]


class RelatedLink(Base):
    __tablename__ = "related_links"
    id: Mapped[intpk]
    article_id: Mapped[article_fk]
    position: Mapped[int]
    url: Mapped[str] = mapped_column(index=True)
    title: Mapped[str]
    press: Mapped[str | None]
    source: Mapped[str] = mapped_column(String(8))  # page | note
    related_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )


class RawPage(Base):
    """The bytes last fetched for a URL, for `reparse` and conditional GET; compressed with
    zstd (zlib before)."""

    __tablename__ = "raw_pages"
    id: Mapped[intpk]
    url: Mapped[str] = mapped_column(unique=True)  # the URL as requested
    final_url: Mapped[str]
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[int]
    headers: Mapped[dict[str, Any]]
    charset: Mapped[str | None] = mapped_column(String(32))
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[utc]


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(16))  # batch | ingest | worker
    status: Mapped[str] = mapped_column(String(16))  # running | done | failed | interrupted
    args: Mapped[dict[str, Any]]
    host: Mapped[str | None]
    pid: Mapped[int | None]
    started_at: Mapped[utc] = mapped_column(default=utcnow, index=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RunItem(Base):
    __tablename__ = "run_items"
    __table_args__ = (
        UniqueConstraint("run_id", "url"),
        Index("ix_run_items_status", "status"),
    )
    id: Mapped[intpk]
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(index=True)
    # pending | claimed | new | changed | unchanged | not_modified | failed
    status: Mapped[str] = mapped_column(String(16))
    error_kind: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None]
    attempts: Mapped[int] = mapped_column(default=0)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    claimed_by: Mapped[str | None]
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fetch_ms: Mapped[int | None]
    total_ms: Mapped[int | None]


# --- stories: one event told by many presses (migration 0007) --------------------------------


class Story(Base):
    """One event (an announcement, an incident, a data release, a match …) and the articles
    that report it, across presses. The counts and times are kept by the assignment."""

    __tablename__ = "stories"
    id: Mapped[intpk]
    headline: Mapped[str]  # the title of the member closest to the others
    first_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    articles: Mapped[int]
    presses: Mapped[int]
    updated_at: Mapped[utc] = mapped_column(default=utcnow)


class StoryArticle(Base):
    """Which story an article reports (one each), and how close it was when it joined."""

    __tablename__ = "story_articles"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    similarity: Mapped[float] = mapped_column(Float)  # 1.0 for the article that began it
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # published (or first seen)


class StoryTerm(Base):
    """The terms an article is matched on, with their weight: the inverted index candidate
    stories are found through. (term, at) keeps a lookup inside the time window, so it
    reads the window's postings only, however large the store grows."""

    __tablename__ = "story_terms"
    __table_args__ = (Index("ix_story_terms_term_at", "term", "at"),)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- what whole bodies share (migration 0008) ------------------------------------------------


class StoryBody(Base):
    """An article's body as a unit TF-IDF vector over letter grams, packed
    (`pipeline.stories.body`): how close two bodies are, compared when a story is chosen."""

    __tablename__ = "story_bodies"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date)  # UTC day of the article's time: its counts' row
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class StoryGramDay(Base):
    """How many articles of a (UTC) day have a letter gram in their body (the gram by its
    CRC-32): the document frequencies of the body vectors, summed over a window's days."""

    __tablename__ = "story_gram_days"
    gram: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    articles: Mapped[int]
