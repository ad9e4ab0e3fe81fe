"""`newsnote import-articles`: articles exported by other tools (JSON Lines, CSV) into the store.

The commands run as a user runs them, on SQLite and PostgreSQL; the fixtures are short
articles written for these tests.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.cli.import_articles_cmd import (
    BadRecord,
    article_from_record,
    paragraphs,
    parse_authors,
    parse_published,
    read_csv,
    read_jsonl,
)
from storage import models as m
from storage.db import make_engine
from tests.cli import newsnote
from tests.conftest import FIXTURES

IMPORT = FIXTURES / "import"
JSONL = IMPORT / "articles.jsonl"
CSV = IMPORT / "articles.csv"
BAD = IMPORT / "bad.jsonl"
KST = ZoneInfo("Asia/Seoul")


def statuses(stdout: str) -> list[str]:
    return [line.split()[0] for line in stdout.splitlines()[:-1]]


@dataclass(frozen=True)
class Stored:
    id: int
    site: tuple[str, str]
    press: str | None
    title: str
    kst: str
    authors: list[str]
    paragraphs: list[str]
    subheadings: list[str]
    revision: int
    sentences: int


def stored(db_url: str) -> dict[str, Stored]:
    """Each stored article by URL: what a reader of the store sees of it."""
    engine = make_engine(db_url)
    out: dict[str, Stored] = {}
    with Session(engine) as s:
        for a in s.execute(select(m.Article)).scalars():
            blocks = s.execute(
                select(m.ArticleBlock.text)
                .where(m.ArticleBlock.article_id == a.id)
                .order_by(m.ArticleBlock.position)
            ).scalars()
            authors = s.execute(
                select(m.Author.name).where(m.Author.article_id == a.id).order_by(m.Author.position)
            ).scalars()
            subheadings = s.execute(
                select(m.ArticleSubheading.text)
                .where(m.ArticleSubheading.article_id == a.id)
                .order_by(m.ArticleSubheading.position)
            ).scalars()
            sentences = s.execute(
                select(func.count()).select_from(m.Sentence).where(m.Sentence.article_id == a.id)
            ).scalar_one()
            assert a.published_at is not None
            out[a.url] = Stored(
                id=a.id,
                site=(a.site, a.parser),
                press=a.press.name if a.press else None,
                title=a.title,
                kst=a.published_at.astimezone(KST).strftime("%Y-%m-%d %H:%M"),
                authors=list(authors),
                paragraphs=list(blocks),
                subheadings=list(subheadings),
                revision=a.revision,
                sentences=sentences,
            )
    engine.dispose()
    return out


BAKERY = "https://n.news.naver.com/mnews/article/901/0000000101"
LIBRARY = "https://www.example-daily.kr/news/articleView.html?idxno=2231"
EARNINGS = "https://n.news.naver.com/mnews/article/902/0000000202"
FISH = "https://news.example-sea.kr/article/5501"


def test_jsonl_and_csv_are_stored_analysed_and_idempotent(db_url: str) -> None:
    first = newsnote("import-articles", str(JSONL), "--db", db_url)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert statuses(first.stdout) == ["new"] * 3
    assert first.stdout.splitlines()[-1] == "stored 3 new, 0 changed, 0 unchanged, 0 bad"
    csv_run = newsnote("import-articles", str(CSV), "--db", db_url)
    assert csv_run.returncode == 0, csv_run.stderr
    assert csv_run.stdout.splitlines()[-1] == "stored 3 new, 0 changed, 0 unchanged, 0 bad"

    articles = stored(db_url)
    assert len(articles) == 6
    bakery = articles[BAKERY]  # stored under the canonical form of .../article/901/…?sid=101
    assert bakery.site == ("import", "import")
    assert bakery.press == "새벽뉴스"
    assert bakery.title == '동네 빵집 매출 1년 새 12% 늘어…"아침 손님이 늘었다"'
    assert bakery.kst == "2025-03-09 07:30"
    assert bakery.authors == ["김하늘"]
    assert bakery.subheadings == ["관내 84곳 카드 매출 215억원", "아침 손님 늘어"]
    # split on blank lines; the dateline and the closing byline are cut as from a page
    assert bakery.paragraphs == [
        "가상시 동네 빵집들의 지난해 매출이 1년 전보다 12% 늘어난 것으로 나타났다.",
        "가상시 소상공인지원센터는 지난해 관내 빵집 84곳의 카드 매출이 모두 215억원으로 "
        "집계됐다고 9일 밝혔다. 전년의 192억원보다 23억원 많다.",
        '센터 관계자는 "출근길에 빵을 사는 아침 손님이 눈에 띄게 늘었다"며 "올해는 포장 '
        '용기 지원을 늘릴 계획"이라고 말했다.',
    ]
    assert bakery.sentences == 4  # analysed: sentences stored

    library = articles[LIBRARY]  # tracking parameters dropped from the URL
    assert library.kst == "2025-03-10 14:05"  # no offset given: KST
    assert library.authors == ["박서준", "이도윤"]  # "박서준 기자, 이도윤 기자"
    assert len(library.paragraphs) == 4  # no blank lines: one paragraph a line
    earnings = articles[EARNINGS]
    assert earnings.kst == "2025-07-25 15:00"  # 06:00Z
    assert earnings.authors == []
    assert len(earnings.paragraphs) == 1  # no line breaks at all: one paragraph

    fish = articles[FISH]  # from the CSV: a quoted body over several lines
    assert fish.press == "바다신문"
    assert fish.kst == "2025-04-02 05:10"
    assert fish.authors == ["최바다"]
    assert fish.subheadings == ["보수 공사 마치고 석 달 만에", "갈치 1.5톤도 거래"]
    assert len(fish.paragraphs) == 3
    assert articles["https://n.news.naver.com/mnews/article/901/0000000303"].authors == [
        "정우람",
        "한소희",
    ]
    assert articles["https://www.example-daily.kr/news/articleView.html?idxno=2300"].kst == (
        "2025-04-03 00:00"
    )

    again = newsnote("import-articles", str(JSONL), "--db", db_url)
    assert again.returncode == 0, again.stderr
    assert statuses(again.stdout) == ["unchanged"] * 3
    assert again.stdout.splitlines()[-1] == "stored 0 new, 0 changed, 3 unchanged, 0 bad"

    # an edited body, read from stdin: changed; the others unchanged, nothing stored twice
    records = [json.loads(line) for line in JSONL.read_text(encoding="utf-8").splitlines()]
    records[2]["body"] += " 회사는 다음 달 투자 계획을 발표한다."
    edited = newsnote(
        "import-articles",
        "-",
        "--db",
        db_url,
        stdin="".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
    )
    assert edited.returncode == 0, edited.stderr
    assert statuses(edited.stdout) == ["unchanged", "unchanged", "changed"]
    assert edited.stdout.splitlines()[-1] == "stored 0 new, 1 changed, 2 unchanged, 0 bad"
    after = stored(db_url)
    assert len(after) == 6
    assert after[EARNINGS].revision == 2
    assert after[EARNINGS].id == earnings.id
    assert after[EARNINGS].paragraphs[-1].endswith("다음 달 투자 계획을 발표한다.")

    # the study note of an imported article, found by the URL as the record gave it
    note = newsnote(
        "note", "https://n.news.naver.com/article/901/0000000101?sid=101", "--db", db_url
    )
    assert note.returncode == 0, note.stderr
    lines = note.stdout.splitlines()
    assert lines[0] == '# 동네 빵집 매출 1년 새 12% 늘어…"아침 손님이 늘었다"'
    assert lines[1:3] == ["## 관내 84곳 카드 매출 215억원", "## 아침 손님 늘어"]
    assert lines[3] == (
        f'[동네 빵집 매출 1년 새 12% 늘어…"아침 손님이 늘었다" - 새벽뉴스]({BAKERY})'
    )
    assert "215억원" in note.stdout
    assert "sky@example.kr" not in note.stdout


def test_bad_records_are_one_line_each_and_the_good_ones_are_stored(db_url: str) -> None:
    result = newsnote("import-articles", str(BAD), "--db", db_url)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    name = str(BAD)
    assert result.stderr.splitlines() == [
        f"newsnote: error: {name}:2: not JSON: Invalid control character at column 39",
        f"newsnote: error: {name}:3: missing 'title'",
        f"newsnote: error: {name}:4: 'published' is not an ISO 8601 time "
        "(e.g. 2025-01-30T20:34:12+09:00): '2025/05/01 09:00'",
        f"newsnote: error: {name}:5: 'url' is not an http(s) URL: "
        "'ftp://files.example-daily.kr/2400.txt'",
    ]
    assert statuses(result.stdout) == ["new", "new"]
    assert result.stdout.splitlines()[-1] == "stored 2 new, 0 changed, 0 unchanged, 4 bad"
    assert sorted(a.title for a in stored(db_url).values()) == [
        "공원 산책로 2km 새로 깔아",
        "작은 도서관 10곳에 새 책 5천 권 보급",
    ]


def test_csv_chosen_by_format_from_stdin_and_a_bad_header(sqlite_url: str) -> None:
    from_stdin = newsnote(
        "import-articles",
        "-",
        "--format",
        "csv",
        "--db",
        sqlite_url,
        stdin=CSV.read_text(encoding="utf-8"),
    )
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert from_stdin.stdout.splitlines()[-1] == "stored 3 new, 0 changed, 0 unchanged, 0 bad"
    headless = newsnote(
        "import-articles", "-", "--format", "csv", "--db", sqlite_url, stdin="a,b\n1,2\n"
    )
    assert headless.returncode == 1
    assert headless.stderr.startswith(
        "newsnote: error: <stdin>:1: the header row has no column 'title', 'body'"
    )
    missing = newsnote("import-articles", "no-such-file.jsonl", "--db", sqlite_url)
    assert (missing.returncode, missing.stderr) == (
        1,
        "newsnote: error: no such file: no-such-file.jsonl\n",
    )


# --- reading records, without the store -----------------------------------------------------


def test_body_paragraphs_on_blank_lines_else_line_breaks() -> None:
    assert paragraphs("첫 문단\n이어진 줄\n\n둘째 문단\r\n \r\n셋째") == [
        "첫 문단 이어진 줄",
        "둘째 문단",
        "셋째",
    ]
    assert paragraphs("한 줄\n두 줄\n\n") == ["한 줄", "두 줄"]
    assert paragraphs("  붙어 있는 본문.다음 문장.  ") == ["붙어 있는 본문.다음 문장."]


def test_published_is_iso_8601_and_kst_without_an_offset() -> None:
    assert parse_published("2025-01-30T20:34:12+09:00") == datetime(
        2025, 1, 30, 20, 34, 12, tzinfo=KST
    )
    assert parse_published("2025-01-30 20:34") == datetime(2025, 1, 30, 20, 34, tzinfo=KST)
    assert parse_published("2025-01-30T11:34:12Z").astimezone(KST).hour == 20
    for bad in ("2025/01/30", "30 Jan 2025", "2025-01-30T25:00", "yesterday"):
        with pytest.raises(BadRecord, match="ISO 8601"):
            parse_published(bad)


def test_authors_as_a_list_or_a_comma_separated_text() -> None:
    assert [a.name for a in parse_authors("김하늘, 박서준 기자")] == ["김하늘", "박서준"]
    (author,) = parse_authors(["이도윤 기자 doyun@example.kr"])
    assert (author.name, author.email) == ("이도윤", "doyun@example.kr")
    assert parse_authors([{"name": "최바다", "email": "sea@example.kr"}])[0].email == (
        "sea@example.kr"
    )
    assert parse_authors(None) == parse_authors("") == ()
    with pytest.raises(BadRecord, match="'authors' is neither a list nor text"):
        parse_authors(3)


def test_every_problem_of_a_record_is_said_at_once() -> None:
    with pytest.raises(BadRecord) as caught:
        article_from_record({"title": "", "body": 7, "published": "어제", "url": "mailto:a@b.kr"})
    assert str(caught.value) == (
        "missing 'press'; 'body' is not text; empty 'title'; 'published' is not an ISO 8601 "
        "time (e.g. 2025-01-30T20:34:12+09:00): '어제'; 'url' is not an http(s) URL: "
        "'mailto:a@b.kr'"
    )
    only_byline = {
        "title": "제목",
        "body": "홍길동 기자 hong@example.kr",
        "press": "가상일보",
        "published": "2025-01-30",
        "url": "https://example.kr/1",
    }
    with pytest.raises(BadRecord, match="only bylines and page furniture"):
        article_from_record(only_byline)
    with pytest.raises(BadRecord, match="NUL"):
        article_from_record(only_byline | {"body": "본문\x00"})


def test_reading_lines_and_rows_keeps_their_line_numbers() -> None:
    jsonl = b'\xef\xbb\xbf{"a": 1}\n\n[1, 2]\n\xff\xfe\n{"b": 2}\n'
    got = [(r.line, r.fields, r.problem) for r in read_jsonl(io.BytesIO(jsonl))]
    assert got == [
        (1, {"a": 1}, None),
        (3, None, "not a JSON object but an array"),
        (4, None, "not UTF-8 text (byte 1 of the line)"),
        (5, {"b": 2}, None),
    ]
    rows = 'title,body,press,published,url\r\nt1,"a\n\nb",p,2025-01-01,https://x.kr/1\r\n'
    rows += "t2,b,p\r\n\r\nt3,b,p,2025-01-01,https://x.kr/\xff3\r\n"
    data = rows.encode("utf-8").replace("\xff".encode(), b"\xff")
    got_rows = [(r.line, r.problem) for r in read_csv(io.BytesIO(data))]
    assert got_rows == [
        (2, None),
        (5, "3 cells where the header row has 5"),
        (7, "not UTF-8 text"),
    ]


def test_the_fixtures_are_what_the_tests_say() -> None:
    """Guard: three records in each good fixture, seven lines in the bad one."""
    assert len(JSONL.read_text(encoding="utf-8").splitlines()) == 3
    with CSV.open("rb") as stream:
        assert [r.problem for r in read_csv(stream)] == [None] * 3
    assert len(BAD.read_text(encoding="utf-8").splitlines()) == 7
