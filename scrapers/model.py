"""Values that leave the scrapers package: a fetched `Page` and a parsed `Article`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Page:
    """One HTTP response (or a file read from disk), decoded."""

    url: str  # what was asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    content: bytes
    text: str
    charset: str
    fetched_at: datetime  # UTC
    # Set when decoding had to guess or the text looks damaged; parsers refuse such pages.
    charset_warning: str | None = None


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    QUOTE = "quote"
    CAPTION = "caption"


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedLink:
    url: str
    title: str
    press: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    url: str  # canonical
    site: str  # e.g. "naver", "chosun", "nate", "generic"
    title: str
    blocks: tuple[Block, ...]
    parser: str  # module name of the parser, e.g. "naver"
    parser_version: str
    press: str | None = None
    press_code: str | None = None  # Naver's office id, e.g. "015"
    subheadings: tuple[str, ...] = ()
    section: str | None = None
    published_at: datetime | None = None  # timezone-aware
    updated_at: datetime | None = None
    authors: tuple[Author, ...] = ()
    images: tuple[Image, ...] = ()
    related: tuple[RelatedLink, ...] = ()
    original_url: str | None = None  # the press's own page, when the page links to it
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(b.text for b in self.blocks if b.kind is BlockKind.PARAGRAPH)

    @property
    def body_text(self) -> str:
        """Paragraphs joined by a blank line."""
        return "\n\n".join(self.paragraphs)

    def content_hash(self) -> str:
        """Hash of what a reader sees; changes when the article is edited."""
        h = hashlib.sha256()
        for part in (
            self.title,
            *self.subheadings,
            *(f"{b.kind}:{b.text}" for b in self.blocks),
            *(f"related:{r.url} {r.title}" for r in self.related),
            f"press:{self.press or ''}",
            *(f"author:{a.name} {a.email or ''}" for a in self.authors),
            self.published_at.isoformat() if self.published_at else "",
            self.updated_at.isoformat() if self.updated_at else "",
        ):
            h.update(part.encode())
            h.update(b"\x00")
        return h.hexdigest()
