"""newsnote's parser body agrees with the hand-checked expected bodies in tests/data.

Each tests/data/expected_bodies/<stem>.txt was written by reading the corpus page
<stem>.html: article text only (no captions, bylines, copyright lines, subheadings, related
links or subscribe prompts), paragraphs separated by a blank line. Agreement is bag-of-words
token F1 over whitespace tokens after NFKC normalisation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.metrics import token_f1

EXPECTED_DIR = Path(__file__).parent / "data" / "expected_bodies"
# Pages a site parser handles must agree almost word for word, and so must the generic
# parser's densest-prose body on the Korean outlets (trafilatura scored 0.92-0.99 there).
SITE_PARSER_FLOOR = 0.95
GENERIC_FLOOR = 0.95
MIN_EXPECTED_PAGES = 20

EXPECTED = sorted(EXPECTED_DIR.glob("*.txt"))


def test_token_f1_scores_what_a_reader_would_expect() -> None:
    assert token_f1("가 나 다", "가 나 다") == 1.0
    assert token_f1("가 나", "다 라") == 0.0
    # Half the words found, nothing extra: precision 1, recall 0.5.
    assert token_f1("가 나", "가 나 다 라") == pytest.approx(2 / 3)
    # Whitespace and full-width forms do not count as differences.
    assert token_f1("가\n\n나  ＡＩ", "가 나 AI") == 1.0


def test_every_required_page_has_an_expected_body() -> None:
    stems = {p.stem for p in EXPECTED}
    assert len(stems) >= MIN_EXPECTED_PAGES
    assert sum(s.startswith("article_") for s in stems) >= 6  # 5 current Naver + 1 old
    assert sum(s.startswith("legacy2016_article") for s in stems) >= 3  # Chosun 2016
    for outlet in ("donga", "hani", "khan"):
        assert sum(outlet in s for s in stems) >= 2, outlet
    for path in EXPECTED:
        body = path.read_text(encoding="utf-8")
        assert body.strip(), path.name
        assert "Copyright" not in body
        assert "기자 =" not in body


@pytest.mark.parametrize("expected", EXPECTED, ids=[p.stem for p in EXPECTED])
def test_parser_body_agrees_with_expected_body(corpus: Path, expected: Path) -> None:
    parse = pytest.importorskip("scrapers.parse")
    files = pytest.importorskip("scrapers.files")
    pages = list(corpus.glob(f"*/{expected.stem}.html"))
    if not pages:
        pytest.skip(f"{expected.stem}.html not in this corpus")
    article = parse.parse_page(files.page_from_file(pages[0]))
    floor = GENERIC_FLOOR if article.site == "generic" else SITE_PARSER_FLOOR
    score = token_f1(article.body_text, expected.read_text(encoding="utf-8"))
    assert score >= floor, f"{expected.stem}: token F1 {score:.3f} < {floor} ({article.site})"
