"""Test material for the analysis tests: the example study note's article as an `Article`.

The note (a copy of ../shared/note-format/example-note.md) holds the article's body with the
reader's marks; without the marks it is the article text, and its 용어정리 and 본문의 근거
sections say what a reader found in it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scrapers.model import Article, Author, Block, BlockKind

NOTE = Path(__file__).resolve().parent.parent / "fixtures" / "analysis" / "example-note.md"


def note_sections() -> list[str]:
    return NOTE.read_text(encoding="utf-8").split("\n---")


def note_evidence() -> list[str]:
    """The bullets of the note's 본문의 근거 section."""
    section = next(s for s in note_sections() if "### 본문의 근거" in s)
    return [line[2:].strip() for line in section.splitlines() if line.startswith("* ")]


def example_article() -> Article:
    sections = note_sections()
    head = sections[0].splitlines()
    title = head[0].removeprefix("# ")
    subheadings = tuple(line.removeprefix("## ") for line in head if line.startswith("## "))
    blocks = []
    for part in sections[1].strip().split("\n\n"):
        text = part.replace("`", "").replace("**", "").strip()
        if text.startswith("#### "):
            blocks.append(Block(BlockKind.HEADING, text.removeprefix("#### ")))
        elif text:
            blocks.append(Block(BlockKind.PARAGRAPH, text))
    return Article(
        url="https://n.news.naver.com/mnews/article/015/0004906221",
        site="naver",
        title=title,
        blocks=tuple(blocks),
        parser="naver",
        parser_version="1",
        press="한국경제",
        press_code="015",
        subheadings=subheadings,
        published_at=datetime(2023, 10, 24, 17, 41, tzinfo=UTC),
        authors=(Author("이주현", "deep@hankyung.com"),),
    )
