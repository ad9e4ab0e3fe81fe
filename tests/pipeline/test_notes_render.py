"""Rendering writes the seed format exactly, and parsing what it writes gives the note back."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.model import Note, NoteLink, Research, ResearchNode
from pipeline.notes import BodyBlock, parse_note, parse_note_with_body, render_note
from tests.conftest import FIXTURES
from tests.pipeline.test_notes_parse import example_markdown

__all__ = ["example_markdown"]  # a fixture shared with the parser's tests

OWN_NOTES = sorted((FIXTURES / "notes").glob("*.md"))


def test_round_trip_of_the_example(example_markdown: str) -> None:
    note = parse_note(example_markdown)
    assert parse_note(render_note(note)) == note


def test_rendering_with_body_order_reproduces_the_example(example_markdown: str) -> None:
    note, body = parse_note_with_body(example_markdown)
    rendered = render_note(note, body=body)
    # the example has stray trailing spaces after two headings and one separator
    assert rendered.splitlines() == [line.rstrip() for line in example_markdown.splitlines()]


@pytest.mark.parametrize("path", OWN_NOTES, ids=lambda p: p.stem)
def test_round_trip_of_own_notes(path: Path) -> None:
    note, body = parse_note_with_body(path.read_text(encoding="utf-8"))
    assert parse_note(render_note(note, body=body)) == note
    assert parse_note(render_note(note)) == note


def test_rendered_sections_in_the_example_order() -> None:
    note = Note(
        title="제목",
        subheadings=("부제 하나", "부제 둘"),
        source=NoteLink("제목", "언론사", "https://example.com/1"),
        body_paragraphs=("첫 문장이다. 둘째 문장이다.", "셋째 문단이다."),
        body_headings=("소제목",),
        highlights=("둘째 문장이다.",),
        bold=("셋째 문단이다.",),
        glossary={"용어": ("뜻 하나", "뜻 둘")},
        evidence=("근거 문장",),
        research=(Research("질문?", (ResearchNode("주체", (ResearchNode("결과"),)),)),),
        related_links=(NoteLink("관련 [단독] 기사", None, "https://example.com/2"),),
    )
    body = (
        BodyBlock("paragraph", "첫 문장이다. 둘째 문장이다."),
        BodyBlock("heading", "소제목"),
        BodyBlock("paragraph", "셋째 문단이다."),
    )
    assert render_note(note, body=body) == (
        "# 제목\n## 부제 하나\n## 부제 둘\n[제목 - 언론사](https://example.com/1)\n\n---\n\n"
        "첫 문장이다. `둘째 문장이다.`\n\n#### 소제목\n\n**셋째 문단이다.**\n\n---\n\n"
        "### 용어정리\n\n* 용어\n    * 뜻 하나\n    * 뜻 둘\n\n---\n\n"
        "### 본문의 근거\n\n* 근거 문장\n\n---\n\n"
        "### 추가 조사할 내용 / 결과\n#### 질문?\n\n* 주체\n    * 결과\n\n---\n\n"
        "#### 연관기사 링크\n\n[관련 [단독] 기사](https://example.com/2)\n"
    )


def test_a_passage_both_highlighted_and_bold_nests() -> None:
    note = Note(
        title="t",
        subheadings=(),
        source=NoteLink("t", "p", "https://example.com/1"),
        body_paragraphs=("앞. 가운데 문장. 뒤.",),
        body_headings=(),
        highlights=("가운데 문장.",),
        bold=("가운데 문장.",),
    )
    rendered = render_note(note)
    assert "앞. **`가운데 문장.`** 뒤." in rendered
    assert parse_note(rendered) == note


def _nests(marked: str) -> bool:
    """Backticks and ** pairs open and close like brackets."""
    stack: list[str] = []
    i = 0
    while i < len(marked):
        mark = "**" if marked.startswith("**", i) else "`" if marked[i] == "`" else None
        if mark is None:
            i += 1
            continue
        if stack and stack[-1] == mark:
            stack.pop()
        elif mark in stack:
            return False
        else:
            stack.append(mark)
        i += len(mark)
    return not stack


def test_overlapping_highlight_and_bold_always_nest() -> None:
    from itertools import combinations

    from pipeline.notes.render import _marked

    text = "가는 1억원이다. 나는 2억원이다. 다는 3억원이다."
    bounds = [0, 10, 20, len(text)]
    spans = [(a, b) for a, b in combinations(bounds, 2)]
    for hs, he in spans:
        for bs, be in spans:
            marked = _marked(text, [(hs, he, "`"), (bs, be, "**")])
            assert _nests(marked), marked
            assert marked.replace("**", "").replace("`", "") == text
