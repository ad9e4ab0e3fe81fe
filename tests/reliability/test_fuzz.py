"""Bad input never crashes: parsers, charset decoder, figure extractor and note parser.

Only the typed errors (`ScraperError`, `PipelineError`) may come out of the code under
test; any other exception fails the test with the input that caused it. Corpus pages are
mutated with a seeded generator (truncation, random bytes, nesting bombs, huge attributes,
wrong encodings…), so every run tries the same cases and a failure can be replayed.
"""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import PipelineError
from pipeline.figures.extract import extract
from pipeline.notes import parse_note
from scrapers.decode import decode_html
from scrapers.errors import ScraperError
from scrapers.model import Page
from scrapers.parse import parse_page
from tests.conftest import REPO
from tests.reliability import mutate
from tests.reliability.conftest import COUNTS

EXAMPLE_NOTE = REPO.parent / "shared" / "note-format" / "example-note.md"
SEED = 20261128
PAGE_MUTATION_CASES = 700
NOTE_MUTATION_CASES = 2500
SENTENCE_MUTATION_CASES = 2500
DECODE_MUTATION_CASES = 400
HYPOTHESIS_FIGURES = 2500
HYPOTHESIS_NOTES = 600
HYPOTHESIS_DECODE = 1500
FUZZ = settings(
    max_examples=1,  # set per test
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CONTENT_TYPES = (
    None,
    "text/html",
    "text/html; charset=utf-8",
    "text/html; charset=euc-kr",
    "text/html; charset=ks_c_5601-1987",
    "text/html; charset=iso-8859-1",
    "text/html; charset=utf-16",
    "text/html; charset=no-such-charset",
    'text/html; charset="',
    "text/html; charset=",
)


def corpus_pages(corpus: Path) -> list[tuple[str, bytes]]:
    """(URL, bytes) of every HTML page in the corpus, the URL from PROVENANCE.tsv."""
    with (corpus / "PROVENANCE.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    pages = [
        (row["url"], (corpus / row["file"]).read_bytes())
        for row in rows
        if row["file"].endswith(".html") and (corpus / row["file"]).is_file()
    ]
    assert pages, "the corpus has no HTML pages listed in PROVENANCE.tsv"
    return pages


def page_of(url: str, content: bytes, content_type: str | None = None) -> Page:
    decoded = decode_html(content, content_type)
    return Page(
        url=url,
        final_url=url,
        status=200,
        headers={"content-type": content_type} if content_type else {},
        content=content,
        text=decoded.text,
        charset=decoded.charset,
        fetched_at=datetime(2024, 5, 1, tzinfo=UTC),
        charset_warning=decoded.warning,
    )


def check_article(article: object) -> None:
    """A parsed article is a usable one: a title and at least one non-empty block."""
    from scrapers.model import Article

    assert isinstance(article, Article)
    assert article.title.strip()
    assert article.blocks
    assert all(b.text.strip() for b in article.blocks)


def parse_or_typed_error(page_bytes: bytes, url: str, content_type: str | None = None) -> str:
    """'ok' or the typed error's name; any other exception propagates (a failure)."""
    try:
        article = parse_page(page_of(url, page_bytes, content_type))
    except ScraperError as exc:
        return type(exc).__name__
    check_article(article)
    return "ok"


@pytest.mark.slow
def test_mutated_corpus_pages_parse_or_fail_with_a_typed_error(corpus: Path) -> None:
    pages = corpus_pages(corpus)
    rng = random.Random(SEED)
    outcomes: dict[str, int] = {}
    for case in range(PAGE_MUTATION_CASES):
        url, content = rng.choice(pages)
        mutated, names = mutate.mutate(rng, content, rounds=rng.randint(1, 3))
        content_type = rng.choice(CONTENT_TYPES)
        try:
            outcome = parse_or_typed_error(mutated, url, content_type)
        except Exception as exc:
            raise AssertionError(
                f"case {case}: {url} after {names} (Content-Type {content_type!r}) raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    COUNTS["fuzz: mutated corpus pages parsed"] += PAGE_MUTATION_CASES
    # the mutations must leave many pages parseable, or the test tries only the error paths
    assert outcomes.get("ok", 0) > PAGE_MUTATION_CASES // 10, outcomes


@pytest.mark.parametrize(
    "mutation", [mutate.nesting_bomb, mutate.huge_attribute], ids=["nesting", "huge-attr"]
)
def test_every_corpus_page_survives_bombs(corpus: Path, mutation: object) -> None:
    rng = random.Random(SEED)
    pages = corpus_pages(corpus)
    for url, content in pages:
        bombed = mutation(rng, content)  # type: ignore[operator]
        parse_or_typed_error(bombed, url)
    COUNTS["fuzz: bombed corpus pages parsed"] += len(pages)


def test_a_10000_deep_page_with_an_article_in_it_parses_or_fails_cleanly() -> None:
    from tests.reliability.pages import article_page

    page = article_page(1).encode()
    depth = mutate.NEST_DEPTH
    nested = page.replace(
        b'<article id="dic_area"', b"<div>" * depth + b'<article id="dic_area"', 1
    ).replace(b"</article>", b"</article>" + b"</div>" * depth, 1)
    for url in (
        "https://n.news.naver.com/mnews/article/015/9000000001",
        "http://example.com/news/1",
    ):
        parse_or_typed_error(nested, url)
    COUNTS["fuzz: deep-nesting article pages parsed"] += 2


@given(content=st.binary(max_size=4096), content_type=st.sampled_from(CONTENT_TYPES))
@settings(FUZZ, max_examples=HYPOTHESIS_DECODE)
def test_decoder_gives_text_or_a_decode_error(content: bytes, content_type: str | None) -> None:
    COUNTS["fuzz: decoder (hypothesis bytes)"] += 1
    try:
        decoded = decode_html(content, content_type)
    except ScraperError:
        return
    assert isinstance(decoded.text, str)
    assert decoded.charset


def test_decoder_on_mutated_corpus_bytes(corpus: Path) -> None:
    pages = corpus_pages(corpus)
    rng = random.Random(SEED + 1)
    for case in range(DECODE_MUTATION_CASES):
        url, content = rng.choice(pages)
        cut = content[: rng.randint(0, 20_000)]  # detection on whole pages is slow; heads do
        mutated, names = mutate.mutate(rng, cut, rounds=rng.randint(1, 2))
        content_type = rng.choice(CONTENT_TYPES)
        try:
            decoded = decode_html(mutated, content_type)
        except ScraperError:
            continue
        except Exception as exc:
            raise AssertionError(f"case {case}: {url} after {names}: {exc!r}") from exc
        assert isinstance(decoded.text, str)
    COUNTS["fuzz: decoder (mutated corpus bytes)"] += DECODE_MUTATION_CASES


# --- figures --------------------------------------------------------------------------------

FIGURE_PIECES = st.sampled_from(
    [
        *"0123456789.,~-+%$()/: ",
        *("조", "억", "만", "천", "백", "원", "달러", "명", "개", "년", "월", "일", "시", "분"),
        *("약", "가량", "여", "이상", "이하", "증가", "감소", "늘어", "줄어", "포인트", "배"),
        *("퍼센트", "%p", "～", "∼", "·", "１", "２", "一", "二", "십", "삼", "오"),
        *("가", "나", "는", "의", "\n", "\u200b", "\ufffd", "\x00", "😀"),
    ]
)
SENTENCES = (
    "삼성전자는 올해 1분기 매출 71조9000억원, 영업이익 6조6000억원을 기록했다.",
    "환율은 전날보다 3.5원 오른 1,385.2원에 마감했다.",
    "40억달러(약 5조4000억원) 규모의 투자를 유치했다.",
    "국내 기업용 AI 시장이 올해 3조2000억원에서 2028년 7조원 안팎으로 연평균 21%씩 커질 것",
    "2024년 5월 3일 오후 3시 30분에 발표했다.",
    "정확도 92.4%를 기록해 해외 경쟁 모델보다 7.8%포인트 높았다.",
    "1~2년 안에 AI 헤게모니 싸움이 끝날 수 있다.",
    "참가자는 3000~4000명, 약 2배 늘었다.",
)


def check_figures(sentence: str) -> None:
    figures = extract(sentence)
    for f in figures:
        assert 0 <= f.start < f.end <= len(sentence), (sentence, f)
        assert f.text == sentence[f.start : f.end], (sentence, f)
        if f.converts is not None:
            assert 0 <= f.converts < len(figures), (sentence, f)


@given(
    sentence=st.lists(FIGURE_PIECES | st.characters(), max_size=60).map("".join)
    | st.text(max_size=200)
)
@settings(FUZZ, max_examples=HYPOTHESIS_FIGURES)
def test_figure_extractor_on_any_text(sentence: str) -> None:
    """The extractor itself (not the wrapper that swallows errors) never raises."""
    COUNTS["fuzz: figure extractor (hypothesis text)"] += 1
    check_figures(sentence)


def test_figure_extractor_on_mutated_sentences() -> None:
    rng = random.Random(SEED + 2)
    for case in range(SENTENCE_MUTATION_CASES):
        text = mutate.mutate_text(rng, rng.choice(SENTENCES).replace(" ", "\n"))
        sentence = text.replace("\n", rng.choice([" ", "", "  "]))
        try:
            check_figures(sentence)
        except Exception as exc:
            raise AssertionError(f"case {case}: {sentence!r}: {exc!r}") from exc
    COUNTS["fuzz: figure extractor (mutated sentences)"] += SENTENCE_MUTATION_CASES


# --- notes ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_note() -> str:
    if not EXAMPLE_NOTE.is_file():
        pytest.skip(f"{EXAMPLE_NOTE} not found")
    return EXAMPLE_NOTE.read_text(encoding="utf-8")


def parse_note_or_typed_error(text: str) -> str:
    try:
        note = parse_note(text)
    except PipelineError as exc:
        if not str(exc):
            raise AssertionError("a note error must say what is wrong") from exc
        return "error"
    assert note.title.strip()
    return "ok"


def test_example_note_parses(example_note: str) -> None:
    assert parse_note_or_typed_error(example_note) == "ok"


def test_mutated_example_notes_parse_or_fail_with_a_line_number(example_note: str) -> None:
    rng = random.Random(SEED + 3)
    outcomes = {"ok": 0, "error": 0}
    for case in range(NOTE_MUTATION_CASES):
        text = mutate.mutate_text(rng, example_note)
        try:
            outcomes[parse_note_or_typed_error(text)] += 1
        except Exception as exc:
            raise AssertionError(f"case {case}: {exc!r}\n--- note ---\n{text[:2000]}") from exc
    COUNTS["fuzz: note parser (mutated example note)"] += NOTE_MUTATION_CASES
    assert outcomes["ok"] > 0, outcomes
    assert outcomes["error"] > 0, outcomes


@given(
    text=st.lists(st.sampled_from(mutate.TEXT_PIECES) | st.characters(), max_size=80).map("".join)
)
@settings(FUZZ, max_examples=HYPOTHESIS_NOTES)
def test_note_parser_on_any_text(text: str) -> None:
    COUNTS["fuzz: note parser (hypothesis text)"] += 1
    parse_note_or_typed_error(text)


@given(data=st.data())
@settings(FUZZ, max_examples=HYPOTHESIS_NOTES)
def test_note_parser_on_reassembled_note_lines(data: st.DataObject) -> None:
    """Lines of the example note, shuffled, dropped and repeated."""
    lines = EXAMPLE_NOTE.read_text(encoding="utf-8").split("\n") if EXAMPLE_NOTE.is_file() else []
    if not lines:
        pytest.skip("example note not found")
    picked = data.draw(st.lists(st.sampled_from(lines), max_size=40))
    COUNTS["fuzz: note parser (reassembled lines)"] += 1
    parse_note_or_typed_error("\n".join(picked))
