"""One ingest: saved page, file:// URL or http(s) URL into the store, on SQLite and PostgreSQL.

The main page is tests/fixtures/ingest/naver_ai_startups.html, an article written for these
tests in Naver's page layout; expected values come from reading it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from pipeline.cli.app import cli
from pipeline.errors import InputError
from pipeline.ingest import ingest_page, ingest_target
from pipeline.model import Keyword
from pipeline.settings import Settings
from scrapers.errors import FetchError, NotAnArticle
from scrapers.files import page_from_file
from storage import models as m
from storage.corpus import (
    CorpusView,
    corpus_view,
    count_articles,
    keyword_doc_freq,
    known_glossary_terms,
)
from storage.save import save_article
from tests import factories
from tests.cli import newsnote
from tests.conftest import FIXTURES
from tests.loopback import LoopbackServer, raw

PAGE = FIXTURES / "ingest" / "naver_ai_startups.html"
PAGE_URL = "https://n.news.naver.com/mnews/article/015/0000000001"
TITLE = "국내 AI 스타트업 투자 급증…생성형 AI에 뭉칫돈"
COUNTED = (m.Article, m.Sentence, m.Keyword, m.Figure, m.Quote, m.Highlight, m.Evidence)


def count(engine: Engine, model: type[m.Base]) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def counts(engine: Engine) -> dict[str, int]:
    return {model.__tablename__: count(engine, model) for model in (*COUNTED, m.ArticleGlossary)}


def settings_for(engine: Engine) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False))


# --- saved pages -------------------------------------------------------------------------


def test_saved_page_is_parsed_analysed_and_stored(engine: Engine) -> None:
    result = ingest_target(str(PAGE), settings_for(engine), engine)
    assert result.save.status == "new"
    assert result.article.url == PAGE_URL
    with Session(engine) as s:
        article = s.get(m.Article, result.save.article_id)
        assert article is not None
        assert article.title == TITLE
        assert article.published_at == datetime(2023, 10, 24, 20, 1, tzinfo=UTC)  # 05:01 KST
        stored = s.execute(select(m.Sentence.text).order_by(m.Sentence.position)).scalars()
        assert list(stored) == [x.text for x in result.analysis.sentences]
        money = s.execute(
            select(m.Figure.text, m.Figure.value).where(m.Figure.kind == "money")
        ).all()
        assert ("2조1000억원", 2.1e12) in [tuple(r) for r in money]
        evidence = s.execute(select(m.Evidence.text).order_by(m.Evidence.position)).scalars()
        evidence_texts = list(evidence)
        assert any("2조1000억원" in t for t in evidence_texts)
        assert any("5000만달러" in t for t in evidence_texts)
        speakers = set(s.execute(select(m.Quote.speaker)).scalars())
        assert "김하늘 AI스타트업협회 회장" in speakers
        terms = set(s.execute(select(m.GlossaryTerm.term)).scalars())
        assert {"LLM", "VC", "AI"} <= terms
        assert s.execute(select(m.RawPage.url)).scalar_one() == PAGE_URL
    assert count(engine, m.Highlight) == 3
    assert count(engine, m.Keyword) == len(result.analysis.keywords) > 0


def test_the_same_page_twice_adds_nothing(engine: Engine) -> None:
    settings = settings_for(engine)
    first = ingest_target(str(PAGE), settings, engine)
    before = counts(engine)
    second = ingest_target(str(PAGE), settings, engine)
    assert second.save.status == "unchanged"
    assert second.save.article_id == first.save.article_id
    assert counts(engine) == before
    # the store's own copy of the article does not change its keywords
    assert second.analysis.keywords == first.analysis.keywords


def test_a_changed_article_replaces_its_derived_rows(engine: Engine, tmp_path: Path) -> None:
    settings = settings_for(engine)
    ingest_target(str(PAGE), settings, engine)
    edited = tmp_path / "edited.html"
    html = PAGE.read_text(encoding="utf-8")
    edited.write_text(html.replace("5000만달러(약 670억원)", "6000만달러(약 800억원)"), "utf-8")
    result = ingest_target(str(edited), settings, engine)
    assert result.save.status == "changed"
    assert result.save.revision == 2
    assert count(engine, m.Article) == 1
    with Session(engine) as s:
        texts = " ".join(s.execute(select(m.Sentence.text)).scalars())
        figures = set(s.execute(select(m.Figure.text)).scalars())
    assert "6000만달러" in texts
    assert "5000만달러" not in texts
    assert "6000만달러" in figures
    assert "5000만달러" not in figures
    assert count(engine, m.Sentence) == len(result.analysis.sentences)


def test_file_url_and_explicit_url(engine: Engine, tmp_path: Path) -> None:
    result = ingest_target(PAGE.resolve().as_uri(), settings_for(engine), engine)
    assert result.article.url == PAGE_URL
    other = "https://n.news.naver.com/mnews/article/015/0000000002"
    given = ingest_target(str(PAGE), settings_for(engine), engine, url=other)
    assert given.article.url == other
    assert given.save.status == "new"


def test_corpus_article_page(engine: Engine, corpus: Path) -> None:
    path = corpus / "naver" / "article_003_0012577249.html"
    result = ingest_target(str(path), settings_for(engine), engine)
    assert result.save.status == "new"
    assert result.article.press == "뉴시스"
    prices = [f.text for s in result.analysis.sentences for f in s.figures if f.kind == "money"]
    assert "215만원" in prices
    assert ingest_target(str(path), settings_for(engine), engine).save.status == "unchanged"


# --- errors leave the store alone --------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["ftp://example.com/article.html", "mailto:desk@example.com", "gopher://x/1"],
)
def test_other_url_schemes_are_refused(engine: Engine, target: str) -> None:
    with pytest.raises(InputError, match="unsupported URL scheme"):
        ingest_target(target, settings_for(engine), engine)
    assert count(engine, m.Article) == 0


def test_missing_file(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest_target(str(tmp_path / "nope.html"), settings_for(engine), engine)


def test_page_without_an_article_stores_nothing(engine: Engine, corpus: Path) -> None:
    ingest_target(str(PAGE), settings_for(engine), engine)
    before = counts(engine)
    with pytest.raises(NotAnArticle):
        ingest_target(
            str(corpus / "other" / "legacy2016_hani_article_list.html"),
            settings_for(engine),
            engine,
        )
    assert counts(engine) == before


# --- what analysis reads from the store --------------------------------------------------


def test_keyword_document_frequencies(engine: Engine) -> None:
    result = ingest_target(str(PAGE), settings_for(engine), engine)
    term = result.analysis.keywords[0].term
    assert keyword_doc_freq(engine, [term, "없는말"]) == {term: 1}
    assert keyword_doc_freq(engine, [term], exclude_url=PAGE_URL) == {}
    assert count_articles(engine) == 1
    assert count_articles(engine, exclude_url=PAGE_URL) == 0


def test_document_frequencies_follow_saves_changes_and_deletions(engine: Engine) -> None:
    # The counts are kept as keywords are written (migration 0005's triggers), not counted
    # per query: a changed article's old keywords and a deleted article's cascade count too.

    urls = [
        f"https://n.news.naver.com/mnews/article/015/{9_000_000_000 + i:010d}" for i in range(3)
    ]
    for url in urls:
        save_article(engine, factories.article(url=url), factories.analysis())
    assert keyword_doc_freq(engine, ["엔비디아", "트웰브랩스", "앤스로픽"]) == {
        "엔비디아": 3,
        "트웰브랩스": 3,
    }
    assert keyword_doc_freq(engine, ["엔비디아"], exclude_url=urls[0]) == {"엔비디아": 2}

    changed = replace(
        factories.analysis(version="t2"),
        keywords=(Keyword("앤스로픽", 0.9, 1), Keyword("엔비디아", 0.5, 2)),
    )
    assert save_article(engine, factories.article(url=urls[0]), changed).status == "changed"
    assert keyword_doc_freq(engine, ["엔비디아", "트웰브랩스", "앤스로픽"]) == {
        "엔비디아": 3,
        "트웰브랩스": 2,
        "앤스로픽": 1,
    }
    assert keyword_doc_freq(engine, ["앤스로픽"], exclude_url=urls[0]) == {}

    with Session(engine) as s, s.begin():
        s.execute(m.Article.__table__.delete().where(m.Article.url == urls[1]))
    assert keyword_doc_freq(engine, ["엔비디아", "트웰브랩스", "앤스로픽"]) == {
        "엔비디아": 2,
        "트웰브랩스": 1,
        "앤스로픽": 1,
    }


def test_glossary_terms_from_notes_are_linked_when_mentioned(engine: Engine) -> None:
    with Session(engine) as s, s.begin():
        for term in ("생성형 AI", "양자컴퓨터", "LLM"):
            term_id = s.execute(
                insert(m.GlossaryTerm).values(term=term).returning(m.GlossaryTerm.id)
            ).scalar_one()
            s.execute(
                insert(m.GlossaryDefinition).values(
                    term_id=term_id, position=0, text=f"{term}의 뜻", source="note"
                )
            )
    assert set(known_glossary_terms(engine)) == {"LLM", "양자컴퓨터", "생성형 AI"}
    result = ingest_target(str(PAGE), settings_for(engine), engine)
    with Session(engine) as s:
        linked = set(
            s.execute(
                select(m.GlossaryTerm.term)
                .join(m.ArticleGlossary, m.ArticleGlossary.term_id == m.GlossaryTerm.id)
                .where(m.ArticleGlossary.article_id == result.save.article_id)
            ).scalars()
        )
        llm_definitions = list(
            s.execute(
                select(m.GlossaryDefinition.text)
                .join(m.GlossaryTerm, m.GlossaryTerm.id == m.GlossaryDefinition.term_id)
                .where(m.GlossaryTerm.term == "LLM")
                .order_by(m.GlossaryDefinition.position)
            ).scalars()
        )
    assert "생성형 AI" in linked
    assert "LLM" in linked
    assert "양자컴퓨터" not in linked
    # the article's expansion is added after the note-taker's definition, not instead of it
    assert llm_definitions == ["LLM의 뜻", "대규모언어모델"]
    # analysis-made terms are not "known" terms for the next article
    assert "VC" not in known_glossary_terms(engine)


def test_analysis_gets_the_store_counts_as_plain_values(engine: Engine) -> None:
    settings = settings_for(engine)
    first = ingest_page(engine, page_from_file(PAGE), settings)
    assert first.analysis is not None
    terms = [k.term for k in first.analysis.keywords]
    # the article itself is left out of what its own analysis sees
    assert corpus_view(engine, url=PAGE_URL, terms=terms) == CorpusView(0, {}, ())
    elsewhere = corpus_view(engine, url="https://example.com/other", terms=terms)
    assert elsewhere.n_docs == 1
    assert elsewhere.doc_freq == dict.fromkeys(terms, 1)


# --- http(s) against a real server on 127.0.0.1 ------------------------------------------


@pytest.fixture
def server() -> Iterator[str]:
    with LoopbackServer(hosts=1) as server:
        server.route(0, "/news/ai-startups", raw(PAGE.read_bytes(), "text/html; charset=utf-8"))
        yield server.url(0, "")


def test_url_is_fetched_and_stored(engine: Engine, server: str) -> None:
    result = ingest_target(f"{server}/news/ai-startups", settings_for(engine), engine)
    assert result.save.status == "new"
    assert result.article.title == TITLE
    assert count(engine, m.Article) == 1
    with Session(engine) as s:
        assert s.execute(select(m.RawPage.url)).scalar_one() == f"{server}/news/ai-startups"


def test_missing_url_stores_nothing(engine: Engine, server: str) -> None:
    with pytest.raises(FetchError):
        ingest_target(f"{server}/news/gone", settings_for(engine), engine)
    assert count(engine, m.Article) == 0
    assert count(engine, m.RawPage) == 0


# --- the command -------------------------------------------------------------------------


def test_cli_bad_input_is_one_line_and_a_failure(sqlite_url: str) -> None:
    result = newsnote("ingest", "--db", sqlite_url, "ftp://example.com/a.html")
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("newsnote: error:")
    assert "ftp" in lines[0]


def test_cli_goes_on_after_a_failed_target_and_exits_non_zero(
    sqlite_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.html"
    result = newsnote("ingest", "--db", sqlite_url, "--json", str(missing), str(PAGE))
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert str(missing) in result.stderr
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert record["title"] == TITLE
    assert record["status"] == "new"
    assert record["published_kst"] == "2023-10-25 05:01 KST"
    assert {"AI", "LLM"} <= {k["term"] for k in record["keywords"]}
    assert len(record["summary"]) == 3


def test_cli_summary_and_note(sqlite_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["ingest", "--db", sqlite_url, "--summary-sentences", "2", str(PAGE)]
    )
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[0] == TITLE
    assert out[1].startswith("한국경제 · 2023-10-25 05:01 KST · new")
    assert out[3].startswith("keywords: ")
    assert sum(line.startswith("  1. ") or line.startswith("  2. ") for line in out) == 2
    assert any(line.startswith("figures: ") and int(line.split()[1]) > 0 for line in out)
    assert any("5000만달러" in line for line in out if line.startswith("  - "))

    again = runner.invoke(cli, ["ingest", "--db", sqlite_url, "--note", str(PAGE)])
    assert again.exit_code == 0, again.output
    assert again.output.startswith(f"# {TITLE}\n")
    assert "[국내 AI 스타트업 투자 급증…생성형 AI에 뭉칫돈 - 한국경제]" in again.output
