"""`newsnote note` and `newsnote import-note`: stored articles out as notes, notes in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pipeline.cli.import_note_cmd import store_note
from pipeline.notes import parse_note, parse_note_with_body
from pipeline.notes.from_store import (
    FIGURES_QUESTION,
    load_note,
    note_from_store,
    render_stored_note,
)
from storage import models as m
from storage.errors import NotFound
from storage.save import save_article
from tests import factories
from tests.cli import newsnote
from tests.conftest import FIXTURES, REPO
from tests.loopback import LoopbackServer, raw
from tests.pipeline.test_notes_parse import example_markdown, example_note_path

__all__ = ["example_markdown"]

NOTES = FIXTURES / "notes"


def test_ingested_article_as_a_note(engine: Engine) -> None:
    saved = save_article(engine, factories.article(), factories.analysis())
    markdown = render_stored_note(engine, saved.article_id)
    lines = markdown.splitlines()
    assert lines[0] == "# 떡잎 보이면 뭉칫돈…생성형 AI기업 사냥 나선 빅테크"
    assert lines[1:3] == [
        "## 엔비디아, 한국 AI 스타트업에 첫 투자",
        "## 토종 트웰브랩스 영상AI 강점",
    ]
    assert lines[3] == (
        "[떡잎 보이면 뭉칫돈…생성형 AI기업 사냥 나선 빅테크 - 한국경제]"
        "(https://n.news.naver.com/mnews/article/015/0004906221)"
    )
    # summary sentences 0 and 2 in backticks, evidence sentence 2 in bold
    assert "`엔비디아가 트웰브랩스에 투자했다.` 투자 규모는 비공개다." in lines
    assert "#### AI 스타트업에 몰리는 ‘뭉칫돈’" in lines
    assert "**`아마존은 앤스로픽에 최대 40억달러(약 5조4000억원)를 투자하기로 합의했다.`**" in lines
    headings = [line for line in lines if line.startswith("### ")]
    assert headings == ["### 용어정리", "### 본문의 근거", "### 추가 조사할 내용 / 결과"]
    assert "* VC" in lines
    assert "    * venture capital" in lines
    assert "#### 연관기사 링크" in lines
    assert (
        lines[-1]
        == "[엔비디아, 한국 스타트업에 첫 투자 - 조선일보](https://www.chosun.com/economy/x/)"
    )

    note = parse_note(markdown)  # what `note` prints reads back as a note
    assert note.evidence == (
        "아마존은 앤스로픽에 최대 40억달러(약 5조4000억원)를 투자하기로 합의했다.",
    )
    figures, entities = note.research
    assert figures.question == FIGURES_QUESTION
    (money,) = figures.tree
    assert money.text == "금액"
    assert money.children[0].text == "40억달러 = 5조4000억원"
    assert money.children[0].children[0].text.startswith("아마존은 앤스로픽에")
    assert [n.text for n in entities.tree] == ["엔비디아", "트웰브랩스"]


def test_article_found_by_any_form_of_its_url(engine: Engine) -> None:
    save_article(engine, factories.article(), factories.analysis())
    url = "https://n.news.naver.com/article/newspaper/015/0004906221?date=20231025"
    assert note_from_store(engine, url).title.startswith("떡잎 보이면")
    with pytest.raises(NotFound):
        note_from_store(engine, "https://n.news.naver.com/mnews/article/015/0000000001")
    with pytest.raises(NotFound):
        note_from_store(engine, 999)


def test_stored_imported_note_reproduces_its_sections(
    engine: Engine, example_markdown: str
) -> None:
    original, _ = parse_note_with_body(example_markdown)
    result = store_note(engine, original, parse_note_with_body(example_markdown)[1])
    stored, body = load_note(engine, result.article_id)
    for name in (
        "title",
        "subheadings",
        "body_paragraphs",
        "body_headings",
        "highlights",
        "bold",
        "glossary",
        "evidence",
        "research",
    ):
        assert getattr(stored, name) == getattr(original, name), name
    assert [(link.title, link.press) for link in stored.related_links] == [
        (link.title, link.press) for link in original.related_links
    ]
    assert [b.kind for b in body] == [b.kind for b in parse_note_with_body(example_markdown)[1]]


# --- the commands, run as a user runs them --------------------------------------------------


def test_import_note_then_note_round_trips(tmp_path: Path, db_url: str) -> None:
    example = example_note_path()
    files = [str(p) for p in sorted(NOTES.glob("*.md"))]
    if example is not None:
        files.insert(0, str(example))
    first = newsnote("import-note", *files, "--db", db_url)
    assert first.returncode == 0, first.stderr
    assert [line.split()[0] for line in first.stdout.splitlines()] == ["stored"] * len(files)
    assert "AI 노트북 3대 중 2대…삼성 '갤럭시 북4 엣지' 뜬다" in first.stdout
    # each note's article is in a story, as an ingested one is
    query = "SELECT count(*) AS n FROM story_articles"
    stories = newsnote("sql", query, "--format", "csv", "--db", db_url)
    assert stories.stdout.split()[-1] == str(len(files)), stories.stdout
    again = newsnote("import-note", *files, "--db", db_url)
    assert [line.split()[0] for line in again.stdout.splitlines()] == ["unchanged"] * len(files)

    out = tmp_path / "galaxy.md"
    url = "https://n.news.naver.com/mnews/article/003/0012577249"
    shown = newsnote("note", url, "--db", db_url, "--out", str(out))
    assert shown.returncode == 0, shown.stderr
    written = parse_note(out.read_text(encoding="utf-8"))
    source = parse_note((NOTES / "galaxy_book4_edge.md").read_text(encoding="utf-8"))
    assert written.highlights == source.highlights
    assert written.research == source.research
    assert written.body_headings == ("하이브리드 AI",)


def test_bad_note_file_is_reported_with_its_line_and_others_still_import(
    tmp_path: Path, sqlite_url: str
) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("# 제목\n[제목 - 언론](https://x.kr/1)\n\n---\n\n`닫히지 않은 강조\n", "utf-8")
    good = NOTES / "winter_heater_safety.md"
    result = newsnote("import-note", str(bad), str(good), "--db", sqlite_url)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"newsnote: error: {bad}:6: a highlight opened with ` is not closed in its paragraph"
    )
    assert result.stdout.split()[0] == "stored"
    assert "올바른 전기사용으로" in result.stdout
    from storage.db import make_engine

    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(m.Article)).scalar_one() == 1
    engine.dispose()


def test_note_for_an_unknown_article_is_one_line(sqlite_url: str) -> None:
    result = newsnote("note", "12345", "--db", sqlite_url)
    assert result.returncode == 1
    assert result.stderr == "newsnote: error: no stored article for 12345\n"
    assert result.stdout == ""


# --- --fetch: the source page is ingested first, the note attaches to it --------------------


@pytest.fixture
def page_server() -> Iterator[str]:
    with LoopbackServer(hosts=1) as server:
        server.route(
            0,
            "/news/card-sales",
            raw(
                (FIXTURES / "sites" / "generic" / "blog_article.html").read_bytes(),
                "text/html; charset=utf-8",
            ),
        )
        yield server.url(0, "")


def test_fetch_ingests_the_source_and_attaches_the_note(
    tmp_path: Path, sqlite_url: str, page_server: str
) -> None:
    note = tmp_path / "card.md"
    note.write_text(
        "# 지역 소상공인 카드매출 5% 늘어\n"
        f"[지역 소상공인 카드매출 5% 늘어 - 동네경제신문]({page_server}/news/card-sales)\n\n"
        "---\n\n`1월 카드 매출은 모두 812억원으로 집계됐다`\n\n---\n\n"
        "### 본문의 근거\n\n* 1월 카드 매출은 모두 812억원으로 집계됐다\n\n---\n\n"
        "#### 연관기사 링크\n\n"
        f"[없는 기사 - 동네경제신문]({page_server}/news/missing)\n",
        encoding="utf-8",
    )
    result = newsnote("import-note", str(note), "--fetch", "--db", sqlite_url)
    # the related page is missing: reported, and the note is stored all the same
    assert result.returncode == 1
    assert result.stdout.split()[0] == "stored"
    assert f"fetching {page_server}/news/missing" in result.stderr
    from storage.db import make_engine

    engine = make_engine(sqlite_url)
    with Session(engine) as s:
        (article,) = s.execute(select(m.Article)).scalars().all()
        assert article.parser != "note"  # the page's own text
        assert article.site == "generic"
        highlight = s.execute(select(m.Highlight).where(m.Highlight.source == "note")).scalar_one()
        assert highlight.sentence_id is not None  # found in the page's sentences
    engine.dispose()


def test_research_lists_figures_a_related_article_reports_differently(engine: Engine) -> None:
    from tests.storage.test_figure_diff import CHOSUN_URL, converted

    saved = save_article(engine, factories.article(), factories.analysis())
    converted(engine, CHOSUN_URL, "5조3680억원", 5_368_000_000_000, title="앤트로픽", press="조선")
    figures = note_from_store(engine, saved.article_id).research[0]
    changed = figures.tree[-1]
    assert changed.text == "다른 기사와 다른 수치"
    (pair,) = changed.children
    assert pair.text == "40억달러: 5조4000억원 ↔ 5조3680억원"
    assert (
        pair.children[0].text
        == "앤트로픽에 40억 달러(약 5조3680억원)가 투자됐다. (앤트로픽 - 조선)"
    )


# --- how many summary sentences the note highlights ---------------------------------------


def _ranked_sentences(db_url: str) -> list[str]:
    from storage.db import make_engine

    engine = make_engine(db_url)
    with Session(engine) as s:
        texts = s.execute(
            select(m.Sentence.text)
            .where(m.Sentence.summary_rank.is_not(None))
            .order_by(m.Sentence.summary_rank)
        ).scalars()
        ranked = list(texts)
    engine.dispose()
    return ranked


def test_note_and_ingest_highlight_as_many_summary_sentences_as_asked(db_url: str) -> None:
    example = str(REPO / "tests" / "fixtures" / "naver_article.html")
    stored = newsnote("ingest", example, "--db", db_url)
    assert stored.returncode == 0, stored.stderr
    ranked = _ranked_sentences(db_url)
    assert len(ranked) > 6

    def highlighted(*args: str) -> str:
        result = newsnote(*args, "--db", db_url)
        assert result.returncode == 0, result.stderr
        return " ".join(parse_note(result.stdout).highlights)

    default = highlighted("note", "1")
    assert all(s in default for s in ranked[:3])
    assert ranked[3] not in default
    for n in (1, 5):
        shown = highlighted("note", "1", "--sentences", str(n))
        assert all(s in shown for s in ranked[:n])
        assert ranked[n] not in shown
    again = highlighted("ingest", example, "--note", "--sentences", "2")
    assert all(s in again for s in ranked[:2])
    assert ranked[2] not in again
