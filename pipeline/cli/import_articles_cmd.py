"""`newsnote import-articles`: store articles exported by other tools (JSON Lines or CSV).

    FILE ──► records ──► Article ──► clean_article ──► analysis ──► save_article

Each record names `title`, `body`, `press`, `published` (ISO 8601; a time without an
offset is KST) and `url`, optionally `subheadings` and `authors`. A record is stored under
its canonical URL, so importing it again changes nothing. The input is read as a stream:
only the few articles Kiwi is tokenising ahead are held at once.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from pipeline.cli.common import db_option, fail, settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pipeline.analysis.sentences import SplitInProgress
    from pipeline.settings import Settings
    from scrapers.model import Article, Author
    from storage.save import SaveResult

SITE = "import"
PARSER = "import"
# Bump when the same record would become a different Article (paragraph splitting, fields).
PARSER_VERSION = "1"
KST_NAME = "Asia/Seoul"
REQUIRED = ("title", "body", "press", "published", "url")
FORMATS = ("jsonl", "csv")
STDIN = "-"
STATUSES = ("new", "changed", "unchanged")
# Articles Kiwi tokenises ahead of the one being analysed and saved (as pipeline.ingest does).
AHEAD = 6
# A CSV cell may hold a whole article; the csv module's default limit is 128 KiB.
CSV_FIELD_LIMIT = 64 * 1024 * 1024
BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n")
LINE_BREAK = re.compile(r"[ \t\u3000]*\n[ \t\u3000]*")
NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as surrogateescape keeps them
MAX_SHOWN = 60  # characters of a bad value quoted in a message


class BadRecord(Exception):
    """A record that cannot be stored; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Record:
    line: int  # where the record starts in the input, from 1
    fields: Mapping[str, object] | None = None
    problem: str | None = None  # why the record could not be read, when it could not


# Per record: the save's result, or what was wrong (a message).
Outcome = tuple[Record, "SaveResult | str"]


@click.command("import-articles")
@click.argument("file", metavar="FILE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Input format [default: csv for a .csv file, else jsonl].",
)
@click.option(
    "--progress/--no-progress",
    "show_bar",
    default=None,
    help="Progress bar for a FILE (not stdin) [default: on a terminal; one line per "
    "record otherwise].",
)
@db_option
def import_articles(file: str, fmt: str | None, show_bar: bool | None, db: str | None) -> None:
    """Store articles exported by other tools: JSON Lines (one object a line) or CSV.

    Each record has title, body, press, published (ISO 8601; no offset means KST) and url,
    optionally subheadings and authors (a list, or names separated by commas). FILE - reads
    stdin. The body is split into paragraphs on blank lines, else on line breaks; bylines
    and page furniture are cut as from pages. Articles are analysed and stored under their
    canonical URL: a record imported again is unchanged, an edited one changed.

    Prints one line per record (new, changed or unchanged, the article id, the title), then
    the tally. A bad record prints FILE:LINE: what is wrong, on stderr, and the others are
    still stored; the exit code is then 1.

    \b
    Examples:
      newsnote import-articles export.jsonl
      newsnote import-articles articles.csv --db news.db
      other-tool --json | newsnote import-articles -
    """
    from pipeline.batch import RichProgress
    from storage import db as storage_db

    fmt = fmt or ("csv" if file != STDIN and file.lower().endswith(".csv") else "jsonl")
    name = "<stdin>" if file == STDIN else file
    stream = _open(file)
    conf = settings(db)
    engine = storage_db.make_engine(conf.database_url)
    tally: Counter[str] = Counter()
    bar: RichProgress | None = None
    try:
        storage_db.ensure_schema(conf.database_url, engine)
        if file != STDIN and (sys.stderr.isatty() if show_bar is None else show_bar):
            bar = RichProgress(task="import")
            bar.start(_count_records(Path(file), fmt))
        records = read_jsonl(stream) if fmt == "jsonl" else read_csv(stream)
        for record, outcome in store_records(engine, records, conf):
            if isinstance(outcome, str):
                status = "bad"
                click.echo(f"newsnote: error: {name}:{record.line}: {outcome}", err=True)
            else:
                status = outcome.status
                if bar is None:
                    title = " ".join(str((record.fields or {}).get("title", "")).split())
                    click.echo(f"{status:<9} {outcome.article_id:>6}  {title}")
            tally[status] += 1
            if bar is not None:
                bar.advance(name, status)
    finally:
        if bar is not None:
            bar.finish()
        if stream is not sys.stdin.buffer:
            stream.close()
        engine.dispose()
    counts = ", ".join(f"{tally[s]} {s}" for s in STATUSES)
    click.echo(f"stored {counts}, {tally['bad']} bad")
    if tally["bad"]:
        # not click's Exit: app.main runs click with standalone_mode=False, which returns
        # an Exit's code instead of exiting with it
        sys.exit(1)


def _open(file: str) -> IO[bytes]:
    if file == STDIN:
        return sys.stdin.buffer
    path = Path(file).expanduser()
    if path.is_dir():
        fail(f"{path} is a directory: give a JSON Lines or CSV file")
    try:
        return path.open("rb")
    except FileNotFoundError:
        fail(f"no such file: {path}")
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")


def _count_records(path: Path, fmt: str) -> int:
    """Records in the file (for the progress bar's total): a quick pass before the real one."""
    with path.open("rb") as stream:
        if fmt == "jsonl":
            return sum(1 for line in stream if line.strip())
        return max(0, sum(1 for _ in _csv_rows(stream)) - 1)


# --- reading ---------------------------------------------------------------------------------


def read_jsonl(stream: Iterable[bytes]) -> Iterator[Record]:
    """One record per non-blank line; a line that is not a JSON object is a bad record."""
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Record(number, problem=f"not UTF-8 text (byte {exc.start + 1} of the line)")
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            where = "column" if exc.msg.endswith(" at") else "at column"
            yield Record(number, problem=f"not JSON: {exc.msg} {where} {exc.colno}")
            continue
        if not isinstance(value, dict):
            yield Record(number, problem=f"not a JSON object but {_json_kind(value)}")
            continue
        yield Record(number, fields=value)


def _json_kind(value: object) -> str:
    kinds: dict[type, str] = {list: "an array", str: "a string", bool: "true/false"}
    return "null" if value is None else kinds.get(type(value), "a number")


def read_csv(stream: IO[bytes]) -> Iterator[Record]:
    """One record per row under a header row naming the columns (any order; others ignored).

    A quoted cell may span lines (a body with paragraphs); a record's line is where its row
    starts. A header row without a required column is one bad record, and nothing is read.
    """
    header: list[str] | None = None
    for start, row in _csv_rows(stream):
        if isinstance(row, str):
            yield Record(start, problem=row)
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            missing = [f for f in REQUIRED if f not in header]
            if missing:
                yield Record(
                    start,
                    problem=f"the header row has no column {_names(missing)}: "
                    "the columns are title, body, press, published, url "
                    "(and subheadings, authors)",
                )
                return
            continue
        if len(row) != len(header):
            yield Record(start, problem=f"{len(row)} cells where the header row has {len(header)}")
            continue
        yield Record(start, fields=dict(zip(header, row, strict=True)))


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str] | str]]:
    """(line the row starts on, its cells or what is wrong with it), blank rows left out."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    # surrogateescape: bytes that are not UTF-8 are found in the row that holds them
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    last = 0  # the line the previous row ended on
    try:
        while True:
            start = last + 1
            try:
                row = next(reader, None)
            except csv.Error as exc:
                last = reader.line_num
                yield start, f"not a CSV row: {exc}"
                continue
            if row is None:
                return
            last = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if any(NOT_UTF8.search(cell) for cell in row):
                yield start, "not UTF-8 text"
                continue
            yield start, row
    finally:
        text.detach()  # the caller closes the stream (stdin stays open)


# --- a record to an Article -------------------------------------------------------------------


def article_from_record(fields: Mapping[str, object]) -> Article:
    """The record as an article, its paragraphs cleaned of bylines and furniture as pages' are.

    Raises `BadRecord` saying everything that is wrong with the record.
    """
    from scrapers.boilerplate import clean_article
    from scrapers.errors import ParseError
    from scrapers.model import Article, Block, BlockKind

    problems: list[str] = []
    text: dict[str, str] = {}
    missing = [f for f in REQUIRED if fields.get(f) is None]
    if missing:
        problems.append(f"missing {_names(missing)}")
    for name in REQUIRED:
        if name in missing:
            continue
        try:
            text[name] = _text(name, fields[name]).strip()
        except BadRecord as exc:
            problems.append(str(exc))
    empty = [f for f in REQUIRED if text.get(f) == ""]
    if empty:
        problems.append(f"empty {_names(empty)}")
    published = url = None
    if text.get("published"):
        try:
            published = parse_published(text["published"])
        except BadRecord as exc:
            problems.append(str(exc))
    if text.get("url"):
        try:
            url = _canonical(text["url"])
        except BadRecord as exc:
            problems.append(str(exc))
    subheadings: tuple[str, ...] = ()
    authors: tuple[Author, ...] = ()
    try:
        subheadings = _lines(fields.get("subheadings"), "subheadings")
    except BadRecord as exc:
        problems.append(str(exc))
    try:
        authors = parse_authors(fields.get("authors"))
    except BadRecord as exc:
        problems.append(str(exc))
    if problems:
        raise BadRecord("; ".join(problems))
    assert url is not None
    assert published is not None
    article = Article(
        url=url,
        site=SITE,
        title=" ".join(text["title"].split()),
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs(text["body"])),
        parser=PARSER,
        parser_version=PARSER_VERSION,
        press=" ".join(text["press"].split()),
        subheadings=subheadings,
        published_at=published,
        authors=authors,
    )
    try:
        return clean_article(article)
    except ParseError as exc:
        raise BadRecord("the body holds only bylines and page furniture, no article") from exc


def _names(fields: list[str]) -> str:
    return ", ".join(f"'{f}'" for f in fields)


def _shown(value: str) -> str:
    return repr(value if len(value) <= MAX_SHOWN else value[:MAX_SHOWN] + "…")


def _text(name: str, value: object) -> str:
    """`value` as text a database takes (PostgreSQL refuses NUL and lone surrogates)."""
    if not isinstance(value, str):
        raise BadRecord(f"'{name}' is not text")
    if "\x00" in value:
        raise BadRecord(f"'{name}' holds a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadRecord(
            f"'{name}' holds a lone surrogate (\\u{ord(value[exc.start]):04x})"
        ) from exc
    return value


def parse_published(value: str) -> datetime:
    """An ISO 8601 date or time; one without an offset is KST."""
    from zoneinfo import ZoneInfo

    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise BadRecord(
            f"'published' is not an ISO 8601 time (e.g. 2025-01-30T20:34:12+09:00): {_shown(value)}"
        ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=ZoneInfo(KST_NAME))


def _canonical(url: str) -> str:
    from scrapers.errors import ScraperError
    from scrapers.sites import canonical_url

    try:
        return canonical_url(url)
    except ScraperError:
        raise BadRecord(f"'url' is not an http(s) URL: {_shown(url)}") from None


def paragraphs(body: str) -> list[str]:
    """Paragraphs split on blank lines (lines inside one joined by a space), else on line
    breaks; a body without line breaks is one paragraph."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if BLANK_LINE.search(body):
        parts = [LINE_BREAK.sub(" ", part) for part in BLANK_LINE.split(body)]
    else:
        parts = body.split("\n")
    return [part.strip() for part in parts if part.strip()]


def _lines(value: object, name: str) -> tuple[str, ...]:
    """A list of texts, or one text with a line each."""
    if value is None:
        return ()
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list):
        raise BadRecord(f"'{name}' is neither a list nor text")
    texts = [" ".join(_text(name, item).split()) for item in items]
    return tuple(t for t in texts if t)


def parse_authors(value: object) -> tuple[Author, ...]:
    """Names in a list, or in one text separated by commas; "홍길동 기자 a@b.kr" is read as
    a byline (name and e-mail). A list may hold {"name", "email"} objects."""
    from scrapers.model import Author
    from scrapers.sites.base import author_from_byline

    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise BadRecord("'authors' is neither a list nor text")
    found: dict[str, Author] = {}
    for item in items:
        if isinstance(item, dict):
            name = " ".join(_text("authors", item.get("name") or "").split())
            email = item.get("email")
            author = Author(name, _text("authors", email) if email else None) if name else None
        else:
            author = author_from_byline(_text("authors", item))
        if author is not None and author.name not in found:
            found[author.name] = author
    return tuple(found.values())


# --- storing ---------------------------------------------------------------------------------


def store_records(
    engine: Engine, records: Iterable[Record], settings: Settings, *, ahead: int = AHEAD
) -> Iterator[Outcome]:
    """Analyse and save each record's article, in order, with Kiwi tokenising ahead.

    The analysis and the save are ingest's (`pipeline.ingest.analyse_against_store`,
    `storage.save.save_article`); an article stored before with the same content and
    analysis version is reported unchanged without being analysed again.
    """
    from pipeline.analysis.sentences import SplitInProgress
    from pipeline.errors import USER_ERRORS
    from pipeline.ingest import analyse_against_store
    from pipeline.stories.assign import assign_story
    from storage.save import save_article

    def finish(record: Record, item: SplitInProgress | SaveResult | str) -> Outcome:
        if not isinstance(item, SplitInProgress):
            return record, item
        try:
            split = item.result()
            analysis = analyse_against_store(engine, item.article, settings, split=split)
            saved = save_article(engine, item.article, analysis)
            assign_story(engine, saved, settings)
            return record, saved
        except USER_ERRORS as exc:
            return record, str(exc)

    window: deque[tuple[Record, SplitInProgress | SaveResult | str]] = deque()
    for record in records:
        item: SplitInProgress | SaveResult | str
        if record.fields is None:
            item = record.problem or "unreadable"
        else:
            try:
                article = article_from_record(record.fields)
                item = stored_unchanged(engine, article) or SplitInProgress(article)
            except BadRecord as exc:
                item = str(exc)
            except USER_ERRORS as exc:
                item = str(exc)
        window.append((record, item))
        while len(window) > ahead:
            yield finish(*window.popleft())
    while window:
        yield finish(*window.popleft())


def stored_unchanged(engine: Engine, article: Article) -> SaveResult | None:
    """The stored article's result as unchanged when its content and analysis version are
    those `article` would get; else None (it must be analysed and saved)."""
    from pipeline.analysis import ANALYSIS_VERSION
    from storage.db import for_reads
    from storage.save import stored_unchanged as lookup

    return lookup(for_reads(engine), article.url, article.content_hash(), ANALYSIS_VERSION)
