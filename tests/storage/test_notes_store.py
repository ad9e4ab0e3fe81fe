"""An imported note lands in the article tables, once, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pipeline.cli.import_note_cmd import store_note
from pipeline.model import Note
from pipeline.notes import parse_note_with_body
from storage import models as m
from storage.notes import save_note
from storage.save import save_article
from tests import factories
from tests.conftest import FIXTURES
from tests.pipeline.test_notes_parse import example_markdown

__all__ = ["example_markdown"]

NOTES = FIXTURES / "notes"
EXAMPLE_URL = "https://n.news.naver.com/mnews/article/015/0004906221"
NATE_URL = "https://news.nate.com/view/20231025n01142"


def count(engine: Engine, model: type[m.Base], *where: object) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()  # type: ignore[arg-type]


def research_bullets(markdown: str) -> int:
    """Bullet lines between the research heading and the next separator, counted by hand."""
    section = markdown.split("### 추가 조사할 내용 / 결과")[1].split("\n---")[0]
    return len(re.findall(r"^\s*\* ", section, flags=re.MULTILINE))


def import_text(engine: Engine, markdown: str) -> tuple[Note, int, str]:
    note, body = parse_note_with_body(markdown)
    result = store_note(engine, note, body)
    return note, result.article_id, result.status


def test_example_note_is_stored_in_every_table(engine: Engine, example_markdown: str) -> None:
    _note, article_id, status = import_text(engine, example_markdown)
    assert status == "stored"
    with Session(engine) as s:
        article = s.get(m.Article, article_id)
        assert article is not None
        assert article.url == EXAMPLE_URL  # the print-edition link, canonicalised
        assert article.origin == "note"
        assert article.title == "떡잎 보이면 뭉칫돈…생성형 AI기업 사냥 나선 빅테크"
        assert article.press is not None
        assert article.press.name == "한국경제"
        kinds = s.execute(
            select(m.ArticleBlock.kind)
            .where(m.ArticleBlock.article_id == article_id)
            .order_by(m.ArticleBlock.position)
        ).scalars()
        assert list(kinds).count("heading") == 2
        research = s.execute(select(m.ResearchQuestion.question)).scalars().all()
        assert research == ["기사의 근거를 통해 바뀐 수치는 무엇인가?"]
        nested = s.execute(
            select(m.ResearchItem.text).where(m.ResearchItem.parent_id.is_not(None))
        ).scalars()
        assert "AI 반도체인 GPU(그래픽처리장치)를 설계" in list(nested)
        vc = s.execute(
            select(m.GlossaryTerm.id).where(m.GlossaryTerm.term == "VC (venture capital)")
        )
        vc_id = vc.scalar_one()
    assert count(engine, m.ArticleSubheading) == 5
    assert count(engine, m.ArticleBlock) == 11
    assert count(engine, m.Highlight, m.Highlight.source == "note") == 5
    assert count(engine, m.Evidence, m.Evidence.source == "note") == 2
    assert count(engine, m.ArticleGlossary, m.ArticleGlossary.source == "note") == 3
    assert count(engine, m.GlossaryDefinition, m.GlossaryDefinition.term_id == vc_id) == 2
    assert count(engine, m.ResearchItem) == research_bullets(example_markdown)
    assert count(engine, m.RelatedLink, m.RelatedLink.source == "note") == 3
    # the note's figures are extracted from its sentences: 40억달러 → 약 5조4000억원
    with Session(engine) as s:
        won = s.execute(select(m.Figure).where(m.Figure.value_text == "5400000000000")).scalar_one()
        assert won.converts_id is not None
        usd = s.get(m.Figure, won.converts_id)
        assert usd is not None
        assert usd.text == "40억달러"


def test_highlights_and_evidence_point_at_their_sentences(
    engine: Engine, example_markdown: str
) -> None:
    import_text(engine, example_markdown)
    with Session(engine) as s:
        rows = s.execute(
            select(m.Evidence.text, m.Sentence.text)
            .join(m.Sentence, m.Sentence.id == m.Evidence.sentence_id)
            .order_by(m.Evidence.position)
        ).all()
    assert len(rows) == 2
    for evidence, sentence in rows:
        assert sentence.startswith(evidence)


def test_importing_twice_changes_nothing(engine: Engine, example_markdown: str) -> None:
    _, first_id, _ = import_text(engine, example_markdown)
    tables = (m.Article, m.ArticleBlock, m.Sentence, m.Figure, m.Highlight, m.Evidence)
    tables += (m.GlossaryDefinition, m.ResearchItem, m.RelatedLink, m.ArticleRevision)
    before = {t.__tablename__: count(engine, t) for t in tables}
    with Session(engine) as s:
        ids = s.execute(select(m.Highlight.id).order_by(m.Highlight.id)).scalars().all()
    _, second_id, status = import_text(engine, example_markdown)
    assert (status, second_id) == ("unchanged", first_id)
    assert {t.__tablename__: count(engine, t) for t in tables} == before
    with Session(engine) as s:
        assert s.execute(select(m.Highlight.id).order_by(m.Highlight.id)).scalars().all() == ids


def test_an_edited_note_replaces_its_rows(engine: Engine, example_markdown: str) -> None:
    import_text(engine, example_markdown)
    edited = example_markdown.replace("* VC (venture capital)", "* 벤처캐피털 (VC)")
    edited = edited.replace("`트웰브랩스의 AI 모델은", "트웰브랩스의 AI 모델은").replace(
        "이해한다.` AI가", "이해한다. AI가"
    )
    _, _, status = import_text(engine, edited)
    assert status == "updated"
    assert count(engine, m.Article) == 1
    assert count(engine, m.Highlight, m.Highlight.source == "note") == 4
    with Session(engine) as s:
        terms = s.execute(
            select(m.GlossaryTerm.term).join(
                m.ArticleGlossary, m.ArticleGlossary.term_id == m.GlossaryTerm.id
            )
        ).scalars()
        assert sorted(terms) == ["벤처캐피털 (VC)", "생성형 AI", "펀딩 (funding)"]
    assert count(engine, m.ResearchQuestion) == 1


def test_related_links_meet_the_articles_they_point_at(
    engine: Engine, example_markdown: str
) -> None:
    _, example_id, _ = import_text(engine, example_markdown)
    with Session(engine) as s:
        link = s.execute(select(m.RelatedLink).where(m.RelatedLink.url == NATE_URL)).scalar_one()
        assert link.related_article_id is None
    _, nate_id, _ = import_text(engine, (NOTES / "nate_ai_investment.md").read_text("utf-8"))
    with Session(engine) as s:
        forward = s.execute(select(m.RelatedLink).where(m.RelatedLink.url == NATE_URL)).scalar_one()
        assert forward.related_article_id == nate_id  # stored later, linked then
        back = s.execute(
            select(m.RelatedLink).where(m.RelatedLink.article_id == nate_id)
        ).scalar_one()
        assert back.related_article_id == example_id


def test_a_note_on_an_ingested_article_keeps_the_page_text(
    engine: Engine, example_markdown: str
) -> None:
    saved = save_article(engine, factories.article(), factories.analysis())
    _note, article_id, status = import_text(engine, example_markdown)
    assert article_id == saved.article_id
    assert status == "stored"
    with Session(engine) as s:
        article = s.get(m.Article, article_id)
        assert article is not None
        assert article.parser == "naver"
    assert count(engine, m.ArticleBlock) == 3  # the page's blocks, not the note's
    assert count(engine, m.Highlight, m.Highlight.source == "note") == 5
    assert count(engine, m.Highlight, m.Highlight.source == "summary") == 2
    # re-analysing the page replaces computed rows and keeps the note's
    save_article(engine, factories.article(), factories.analysis(version="t2"))
    assert count(engine, m.Highlight, m.Highlight.source == "note") == 5
    assert count(engine, m.ResearchQuestion) == 1
    assert import_text(engine, example_markdown)[2] == "unchanged"


def test_storage_reads_a_note_through_its_protocols(engine: Engine) -> None:
    note, body = parse_note_with_body((NOTES / "winter_heater_safety.md").read_text("utf-8"))
    note = replace(note, glossary={})
    result = save_note(engine, note, url="https://example.com/winter", blocks=body)
    assert result.status == "stored"
    assert count(engine, m.Sentence) == 0  # no analysis given: blocks only
    assert count(engine, m.ArticleBlock) == 5
