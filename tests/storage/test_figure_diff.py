"""figure_diff: the same quantity reported differently by related articles."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from pipeline.cli.import_note_cmd import store_note
from pipeline.model import Analysis, Figure, Keyword, Sentence
from pipeline.notes import parse_note_with_body
from scrapers.model import Block, BlockKind, RelatedLink
from storage.figure_diff import COLUMNS, figure_diff
from storage.save import save_article
from tests import factories
from tests.conftest import FIXTURES
from tests.pipeline.test_notes_parse import example_markdown

__all__ = ["example_markdown"]

CHOSUN_URL = "https://www.chosun.com/economy/x/"  # factories.article() links here
ANTHROPIC = "오픈AI의 대항마로 꼽히는 앤트로픽에 40억 달러(약 5조3680억원)가 투자됐다."


def converted(
    engine: Engine,
    url: str,
    won_text: str,
    won: int,
    *,
    title: str,
    press: str,
    keywords: tuple[Keyword, ...] = (),
    **kw: object,
) -> None:
    """Store an article whose one sentence converts 40억 달러 into `won_text`."""
    sentence = f"앤트로픽에 40억 달러(약 {won_text})가 투자됐다."
    usd_at = sentence.index("40억 달러")
    won_at = sentence.index(won_text)
    figures = (
        Figure("40억 달러", usd_at, usd_at + 6, "money", 4_000_000_000, "USD"),
        Figure(won_text, won_at, won_at + len(won_text), "money", won, "KRW", True, converts=0),
    )
    article = factories.article(
        url=url,
        title=title,
        press=press,
        press_code=None,
        blocks=(Block(BlockKind.PARAGRAPH, sentence),),
        subheadings=(),
        **kw,
    )
    analysis = Analysis(
        sentences=(Sentence(0, 0, 0, len(sentence), sentence, figures),),
        keywords=keywords,
    )
    save_article(engine, article, analysis)


def test_linked_articles_converting_the_same_amount_differently(engine: Engine) -> None:
    save_article(engine, factories.article(), factories.analysis())  # 40억달러 → 5조4000억원
    converted(
        engine,
        CHOSUN_URL,
        "5조3680억원",
        5_368_000_000_000,
        title="앤트로픽 투자",
        press="조선일보",
    )

    (row,) = figure_diff(engine)
    assert set(row) == set(COLUMNS)
    assert row["reason"] == "conversion"
    assert row["link"] == "related"
    assert row["quantity"] == "40억달러"
    assert (row["figure_1"], row["value_1"]) == ("5조4000억원", 5_400_000_000_000)
    assert (row["figure_2"], row["value_2"]) == ("5조3680억원", 5_368_000_000_000)
    assert row["sentence_1"] == (
        "아마존은 앤스로픽에 최대 40억달러(약 5조4000억원)를 투자하기로 합의했다."
    )
    assert row["sentence_2"] == "앤트로픽에 40억 달러(약 5조3680억원)가 투자됐다."
    assert (row["press_1"], row["press_2"]) == ("한국경제", "조선일보")
    assert row["url_2"] == CHOSUN_URL
    assert row["title_1"] == "떡잎 보이면 뭉칫돈…생성형 AI기업 사냥 나선 빅테크"

    assert figure_diff(engine, press="조선일보") == [row]
    assert figure_diff(engine, press="중앙일보") == []
    assert figure_diff(engine, since=datetime(2030, 1, 1, tzinfo=UTC)) == []
    assert figure_diff(engine, limit=0) == []


def test_same_conversion_or_unrelated_articles_are_not_reported(engine: Engine) -> None:
    save_article(engine, factories.article(), factories.analysis())
    # related, but the same conversion
    converted(
        engine, CHOSUN_URL, "5조4000억원", 5_400_000_000_000, title="같은 환산", press="조선일보"
    )
    # a different conversion, but no link and no shared keyword
    converted(
        engine,
        "https://example.com/unrelated",
        "5조2000억원",
        5_200_000_000_000,
        title="관계없는 기사",
        press="다른신문",
        related=(),
    )
    assert figure_diff(engine) == []


def test_articles_sharing_a_top_keyword_are_compared(engine: Engine) -> None:
    save_article(engine, factories.article(related=()), factories.analysis())  # 엔비디아 ranked 1
    converted(
        engine,
        "https://example.com/nvidia",
        "5조2000억원",
        5_200_000_000_000,
        title="엔비디아 기사",
        press="다른신문",
        related=(RelatedLink("https://example.com/elsewhere", "다른 곳"),),
        keywords=(Keyword("엔비디아", 0.5, 1),),
    )
    (row,) = figure_diff(engine)
    assert row["link"] == "keyword"
    assert row["figure_2"] == "5조2000억원"


def test_imported_notes_report_both_changed_figures(engine: Engine, example_markdown: str) -> None:
    for markdown in (example_markdown, (FIXTURES / "notes" / "nate_ai_investment.md").read_text()):
        note, body = parse_note_with_body(markdown)
        store_note(engine, note, body)
    rows = figure_diff(engine)
    pairs = {(r["quantity"], r["figure_1"], r["figure_2"]) for r in rows}
    assert pairs == {
        ("40억달러", "5조4000억원", "5조3680억원"),
        ("179억달러", "24조1829억원", "24조486억원"),
    }
    by_quantity = {r["quantity"]: r for r in rows}
    assert "179억 달러(약 24조486억원)" in by_quantity["179억달러"]["sentence_2"]
    assert by_quantity["40억달러"]["press_2"] == "네이트뉴스"
    assert ANTHROPIC in by_quantity["40억달러"]["sentence_2"]
