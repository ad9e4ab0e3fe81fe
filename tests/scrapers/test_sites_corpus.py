"""Every article page of the corpus parses with a title, a date and a body; no other page does.

The corpus's PROVENANCE.tsv says which pages are articles and where they came from.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scrapers.boilerplate import byline_prefix, is_furniture
from scrapers.errors import DecodeError, NotAnArticle
from scrapers.files import page_from_file
from scrapers.parse import parse_page
from scrapers.sites.base import EMAIL_RE
from tests.corpus import corpus_dir

# A card-news page whose ten slides are images: it has no text to parse.
IMAGE_ONLY = {"chosun/legacy2016_article_2016091301145.html"}
TRAP_PREFIX = "naver/trap_"
RELATIVE_BASE = "https://www.infobae.com"  # the one og:url / provenance URL that is relative
LIST_URL = "https://example.com/list"  # list/search pages without a URL of their own


def provenance() -> list[dict[str, str]]:
    root = corpus_dir()
    if root is None:
        return []
    with (root / "PROVENANCE.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def url_of(row: dict[str, str]) -> str | None:
    url = row["url"]
    if url.startswith("/"):
        return RELATIVE_BASE + url
    return url or None


ROWS = [r for r in provenance() if r["file"].endswith(".html")]
# Pages of layouts no parser supports yet, each with the open issue that will support it.
UNSUPPORTED: dict[str, str] = {}


def _article_param(row: dict[str, str]) -> object:
    reason = UNSUPPORTED.get(row["file"])
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(row, id=row["file"], marks=marks)


NO_CORPUS = "corpus not found: set NEWSNOTE_CORPUS or place it at ../shared/corpus"


def or_skip(params: list[object]) -> list[object]:
    """`params`, or one skipped case saying why (pytest's own "got empty parameter set"
    names no reason)."""
    return params or [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(reason=NO_CORPUS))]


ARTICLES = or_skip(
    [
        _article_param(r)
        for r in ROWS
        if r["kind"] == "article" and r["file"] not in IMAGE_ONLY and "trap_" not in r["file"]
    ]
)
NOT_ARTICLES = or_skip(
    [pytest.param(r, id=r["file"]) for r in ROWS if r["kind"] in ("list", "search")]
)


@pytest.mark.parametrize("row", ARTICLES)
def test_article_pages_have_title_date_and_body(corpus: Path, row: dict[str, str]) -> None:
    article = parse_page(page_from_file(corpus / row["file"], url_of(row)))
    assert article.title.strip()
    assert article.published_at is not None
    assert article.published_at.utcoffset() is not None
    assert article.paragraphs
    assert len(article.body_text) >= 20  # the card-news pages carry one line


@pytest.mark.parametrize("row", ARTICLES)
def test_article_bodies_carry_no_bylines_or_furniture(corpus: Path, row: dict[str, str]) -> None:
    article = parse_page(page_from_file(corpus / row["file"], url_of(row)))
    for text in article.paragraphs:
        assert not is_furniture(text), text
        assert byline_prefix(text) == 0, text
        assert not EMAIL_RE.search(text), text


@pytest.mark.parametrize("row", NOT_ARTICLES)
def test_list_and_search_pages_are_not_articles(corpus: Path, row: dict[str, str]) -> None:
    url = url_of(row) or LIST_URL
    if row["file"].startswith("naver/search"):
        url = "https://search.naver.com/search.naver?where=news&query=x"
    with pytest.raises(NotAnArticle):
        parse_page(page_from_file(corpus / row["file"], url))


def test_image_only_card_news_is_not_an_article(corpus: Path) -> None:
    for name in IMAGE_ONLY:
        with pytest.raises(NotAnArticle, match="no text"):
            parse_page(page_from_file(corpus / name))


def test_trap_pages_are_refused(corpus: Path) -> None:
    traps = [r for r in ROWS if r["file"].startswith(TRAP_PREFIX)]
    assert traps
    for row in traps:
        with pytest.raises(DecodeError):
            parse_page(page_from_file(corpus / row["file"], url_of(row)))


EXPECTED_BODIES = sorted(
    (Path(__file__).resolve().parent.parent / "data" / "expected_bodies").glob("*.txt")
)
BODY_F1_GOAL = 0.98  # issue #21: every corpus article page, whichever parser reads it


@pytest.mark.parametrize("expected", EXPECTED_BODIES, ids=[p.stem for p in EXPECTED_BODIES])
def test_every_hand_checked_body_is_read_almost_word_for_word(corpus: Path, expected: Path) -> None:
    from tests.metrics import token_f1

    pages = sorted(corpus.glob(f"*/{expected.stem}.html"))
    if not pages:
        pytest.skip(f"{expected.stem}.html not in this corpus")
    article = parse_page(page_from_file(pages[0]))
    score = token_f1(article.body_text, expected.read_text(encoding="utf-8"))
    assert score >= BODY_F1_GOAL, f"{expected.stem}: token F1 {score:.3f} ({article.site})"
