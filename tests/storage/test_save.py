"""Saving is idempotent and keeps an article whole, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import zlib
from dataclasses import replace

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from pipeline.model import Figure, Sentence
from scrapers.model import Author, Block, BlockKind, RelatedLink
from storage import models as m
from storage import runs
from storage.save import ZSTD_MAGIC, save_article
from tests import factories


def count(engine: Engine, model: type[m.Base]) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_new_article_stores_every_part(engine: Engine) -> None:
    result = save_article(engine, factories.article(), factories.analysis())
    assert result.status == "new"
    with Session(engine) as s:
        art = s.get(m.Article, result.article_id)
        assert art is not None
        assert art.press is not None
        assert art.press.name == "한국경제"
        assert art.published_at is not None
        assert art.published_at.tzinfo is not None
        assert art.body_text.startswith("엔비디아가")
        assert "AI 스타트업에 몰리는" not in art.body_text  # headings are not paragraphs
    assert count(engine, m.ArticleSubheading) == 2
    assert count(engine, m.ArticleBlock) == 3
    assert count(engine, m.Sentence) == 3
    assert count(engine, m.Figure) == 2
    assert count(engine, m.Highlight) == 2
    assert count(engine, m.Evidence) == 1
    assert count(engine, m.Keyword) == 2
    assert count(engine, m.GlossaryTerm) == 1
    with Session(engine) as s:
        won = s.execute(select(m.Figure).where(m.Figure.unit == "KRW")).scalar_one()
        usd = s.execute(select(m.Figure).where(m.Figure.unit == "USD")).scalar_one()
        assert won.converts_id == usd.id
        assert won.value_text == "5400000000000"


def test_same_article_twice_changes_nothing(engine: Engine) -> None:
    first = save_article(engine, factories.article(), factories.analysis())
    second = save_article(engine, factories.article(), factories.analysis())
    assert second.status == "unchanged"
    assert second.article_id == first.article_id
    assert count(engine, m.Article) == 1
    assert count(engine, m.Sentence) == 3
    assert count(engine, m.ArticleRevision) == 0


def test_changed_article_replaces_derived_rows_and_records_revision(engine: Engine) -> None:
    first = save_article(engine, factories.article(), factories.analysis())
    edited = factories.article(
        blocks=(Block(BlockKind.PARAGRAPH, "정정: 투자 규모는 40억달러다."),)
    )
    analysis = replace(
        factories.analysis(),
        sentences=factories.analysis().sentences[:1],
        evidence=(),
        summary=(0,),
    )
    second = save_article(engine, edited, analysis)
    assert second.status == "changed"
    assert second.article_id == first.article_id
    assert second.revision == 2
    assert count(engine, m.ArticleBlock) == 1
    assert count(engine, m.Sentence) == 1
    assert count(engine, m.Figure) == 0
    assert count(engine, m.ArticleRevision) == 1


def test_related_links_that_changed_replace_the_stored_ones(engine: Engine) -> None:
    save_article(engine, factories.article(), factories.analysis())
    fixed = factories.article(
        related=(RelatedLink("https://news.example.kr/2", "엔비디아 투자 후속", "한국경제"),)
    )
    assert save_article(engine, fixed, factories.analysis()).status == "changed"
    with Session(engine) as s:
        urls = s.execute(select(m.RelatedLink.url)).scalars().all()
    assert urls == ["https://news.example.kr/2"]
    assert save_article(engine, fixed, factories.analysis()).status == "unchanged"


def test_a_corrected_press_or_byline_is_a_change(engine: Engine) -> None:
    save_article(engine, factories.article(), factories.analysis())
    for fixed in (
        factories.article(press="한국경제TV"),
        factories.article(authors=(Author("이주현", "lee@hankyung.com"),)),
    ):
        assert save_article(engine, fixed, factories.analysis()).status == "changed"


def test_new_analysis_version_recomputes(engine: Engine) -> None:
    save_article(engine, factories.article(), factories.analysis("v1"))
    assert save_article(engine, factories.article(), factories.analysis("v2")).status == "changed"


def test_failed_save_leaves_stored_article_intact(engine: Engine) -> None:
    save_article(engine, factories.article(), factories.analysis())
    broken = replace(
        factories.analysis("v2"),
        sentences=(
            *factories.analysis().sentences,
            replace(factories.analysis().sentences[0], index=9, block_index=99),  # no such block
        ),
    )
    try:
        save_article(engine, factories.article(), broken)
    except IndexError:
        pass
    else:  # pragma: no cover
        raise AssertionError("expected the broken analysis to fail")
    assert count(engine, m.Sentence) == 3
    with Session(engine) as s:
        assert s.execute(select(m.Article.analysis_version)).scalar_one() == "t1"


def test_concurrent_saves_of_one_url_store_it_once(db_url: str) -> None:
    from storage.db import make_engine

    errors: list[BaseException] = []
    engines = [make_engine(db_url) for _ in range(4)]

    def work(eng: Engine) -> None:
        try:
            for _ in range(3):
                save_article(eng, factories.article(), factories.analysis())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert count(engines[0], m.Article) == 1
    assert count(engines[0], m.Sentence) == 3
    for e in engines:
        e.dispose()


def test_related_link_points_at_article_stored_later(engine: Engine) -> None:
    save_article(engine, factories.article(), factories.analysis())
    other = factories.article(url="https://www.chosun.com/economy/x/", related=())
    res = save_article(engine, other, factories.analysis())
    with Session(engine) as s:
        link = s.execute(select(m.RelatedLink)).scalar_one()
        assert link.related_article_id == res.article_id


def test_deleting_an_article_cascades(engine: Engine) -> None:
    res = save_article(engine, factories.article(), factories.analysis())
    with Session(engine) as s, s.begin():
        s.execute(text("DELETE FROM articles WHERE id = :id"), {"id": res.article_id})
    for model in (m.Sentence, m.Figure, m.ArticleBlock, m.Keyword, m.Highlight, m.Evidence):
        assert count(engine, model) == 0


def test_press_is_shared_and_learns_its_naver_code(engine: Engine) -> None:
    """An outlet first met without a Naver press code gets one from a later Naver article,
    and a later article without a code neither duplicates the outlet nor erases the code."""
    first = save_article(
        engine,
        factories.article("https://www.hankyung.com/article/1", site="generic", press_code=None),
        factories.analysis(),
    )
    second = save_article(engine, factories.article(), factories.analysis())
    third = save_article(
        engine,
        factories.article("https://www.hankyung.com/article/2", site="generic", press_code=None),
        factories.analysis(),
    )
    with Session(engine) as s:
        presses = s.execute(select(m.Press)).scalars().all()
        assert [(p.name, p.naver_code) for p in presses] == [("한국경제", "015")]
        ids = {
            s.get(m.Article, r.article_id).press_id  # type: ignore[union-attr]
            for r in (first, second, third)
        }
        assert ids == {presses[0].id}


def test_long_article_keeps_every_row_linked_across_insert_batches(engine: Engine) -> None:
    """Blocks, sentences and figures go in with multi-row VALUES, a batch at a time: ids
    must still reach the right rows when an article has more rows than one batch."""
    n = 1200
    blocks = tuple(Block(BlockKind.PARAGRAPH, f"문단 {i}: 10억달러(약 1조원).") for i in range(n))
    figures = (
        Figure("10억달러", 6, 12, "money", 1_000_000_000, "USD"),
        Figure("1조원", 15, 18, "money", 1_000_000_000_000, "KRW", converts=0),
    )
    analysis = replace(
        factories.analysis(),
        sentences=tuple(
            Sentence(i, i, 0, len(b.text), b.text, figures) for i, b in enumerate(blocks)
        ),
        quotes=(),
        evidence=(n - 1,),
        summary=(0, n - 1),
    )
    result = save_article(engine, factories.article(blocks=blocks), analysis)
    with Session(engine) as s:
        sentences = s.execute(
            select(
                m.Sentence.position, m.Sentence.text, m.ArticleBlock.position, m.ArticleBlock.text
            )
            .join(m.ArticleBlock, m.Sentence.block_id == m.ArticleBlock.id)
            .where(m.Sentence.article_id == result.article_id)
        ).all()
        assert len(sentences) == n
        assert all(
            pos == block_pos and text == block_text
            for pos, text, block_pos, block_text in sentences
        )
        figures_by_id = {
            f.id: f
            for f in s.scalars(select(m.Figure).where(m.Figure.article_id == result.article_id))
        }
        sentence_pos = dict(
            s.execute(
                select(m.Sentence.id, m.Sentence.position).where(
                    m.Sentence.article_id == result.article_id
                )
            ).all()
        )
        assert len(figures_by_id) == 2 * n
        for f in figures_by_id.values():
            assert f.text == ("10억달러" if f.position == 0 else "1조원")
            if f.position == 1:
                assert f.converts_id is not None
                target = figures_by_id[f.converts_id]
                assert (target.sentence_id, target.position) == (f.sentence_id, 0)
        assert sorted(sentence_pos[f.sentence_id] for f in figures_by_id.values()) == sorted(
            2 * list(range(n))
        )
        ranked = s.execute(
            select(m.Highlight.rank, m.Sentence.position).join(
                m.Sentence, m.Highlight.sentence_id == m.Sentence.id
            )
        ).all()
        assert sorted(ranked) == [(1, 0), (2, n - 1)]


def test_raw_page_is_stored_compressed_and_replaced_by_a_later_fetch(engine: Engine) -> None:
    art = factories.article()
    first = factories.page_at(art.url, "<p>기사</p>" * 100)
    saved = save_article(engine, art, factories.analysis(), page=first)
    stored = runs.load_raw_page(engine, art.url)
    assert stored is not None
    assert stored.content == first.content
    later = replace(factories.page_at(art.url, "<p>고친 기사</p>" * 100), headers={"ETag": '"v2"'})
    save_article(engine, art, factories.analysis(), page=later)
    with Session(engine) as s:
        row = s.execute(select(m.RawPage)).scalar_one()
        assert len(row.content) < len(later.content)
        assert row.content.startswith(ZSTD_MAGIC)
        assert (row.article_id, row.etag) == (saved.article_id, '"v2"')
    stored = runs.load_raw_page(engine, art.url)
    assert stored is not None
    assert stored.content == later.content


def test_raw_page_written_with_zlib_by_earlier_versions_still_loads(engine: Engine) -> None:
    content = "<p>예전에 저장한 기사</p>".encode() * 50
    page = factories.page_at("https://example.com/old", "")
    with Session(engine) as s, s.begin():
        s.add(
            m.RawPage(
                url=page.url,
                final_url=page.url,
                status=200,
                headers={},
                content=zlib.compress(content, 3),
                fetched_at=page.fetched_at,
            )
        )
    stored = runs.load_raw_page(engine, page.url)
    assert stored is not None
    assert stored.content == content
