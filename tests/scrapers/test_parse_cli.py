"""`newsnote parse` as a user runs it: readable text, JSON, one-line errors."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import newsnote
from tests.conftest import FIXTURES, REPO
from tests.loopback import LoopbackServer, raw

EXAMPLE = REPO / "tests" / "fixtures" / "naver_article.html"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return newsnote("parse", *args)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("newsnote: error:")
    assert fragment in lines[0]


def test_readable_output() -> None:
    proc = run(str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith("국내 AI 스타트업, 40억달러 투자 유치…“대규모언어모델 경쟁 본격화”\n")
    assert "한국경제 · 2025-06-10 09:12 KST" in out
    assert "박서연 <seoyeon@hankyung.com>" in out
    assert "https://n.news.naver.com/mnews/article/015/0004906221" in out
    assert "\n\n한빛AI는 내년 상반기 유가증권시장 상장을 목표로" in out


def test_json_output() -> None:
    proc = run(str(EXAMPLE), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["url"] == "https://n.news.naver.com/mnews/article/015/0004906221"
    assert (data["site"], data["press"], data["press_code"]) == ("naver", "한국경제", "015")
    assert data["subheadings"] == [
        "글로벌 펀드 주도로 기업가치 두 배로",
        "데이터센터·연구 인력 확보에 투입",
    ]
    assert data["published_at"] == "2025-06-10T09:12:00+09:00"
    assert data["updated_at"] == "2025-06-10T10:05:41+09:00"
    assert data["authors"] == [{"name": "박서연", "email": "seoyeon@hankyung.com"}]
    assert data["section"] == "경제"
    assert len(data["blocks"]) == 8
    assert {b["kind"] for b in data["blocks"]} == {"paragraph"}
    assert data["body_text"] == "\n\n".join(b["text"] for b in data["blocks"])
    assert data["images"][0]["caption"].endswith("한빛AI 제공")
    assert data["related"] == []  # "한국경제 주요뉴스" under the article: the press's picks
    assert data["parser"]["name"] == "naver"


def test_url_option_overrides_the_page(tmp_path: Path) -> None:
    page = FIXTURES / "sites" / "nate" / "view_hankyung_og_title.html"
    proc = run(str(page), "--url", "https://news.nate.com/view/20240425n00777?mid=n0100", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["url"] == "https://news.nate.com/view/20240425n00777"


def test_list_page_is_one_line_and_non_zero(corpus: Path) -> None:
    proc = run(str(corpus / "naver" / "list_section105_it.html"))
    assert_one_line_error(proc, "not an article page:")


def test_mojibake_page_is_refused(corpus: Path) -> None:
    proc = run(str(corpus / "naver" / "trap_article_018_0005236061_utf16le_mojibake.html"))
    assert_one_line_error(proc, "mojibake")


def test_page_without_its_url_asks_for_one(tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_text("<html><head><title>x</title></head><body><p>본문</p></body></html>")
    assert_one_line_error(run(str(page)), "--url")


def test_relative_og_url_asks_for_a_full_one(tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_text('<html><head><meta property="og:url" content="/news/1"></head></html>')
    assert_one_line_error(run(str(page)), "relative URL (/news/1)")


def test_missing_file_and_bad_scheme() -> None:
    assert_one_line_error(run("no/such/page.html"), "no such file")
    assert_one_line_error(run("ftp://example.com/page"), "unsupported site")


@pytest.fixture
def local_server() -> Iterator[str]:
    with LoopbackServer(hosts=1) as server:
        server.route(
            0,
            "/view/20240502n12345",
            raw(
                (FIXTURES / "sites" / "nate" / "view_yna_euckr.html").read_bytes(),
                "text/html; charset=euc-kr",
            ),
        )
        yield server.url(0, "")


def test_url_is_fetched_decoded_and_parsed(local_server: str) -> None:
    proc = run(f"{local_server}/view/20240502n12345", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["site"] == "generic"  # 127.0.0.1 has no parser of its own
    assert "수도권 아파트 전셋값 45주째 상승" in data["title"]
    assert "서울 똠방각하 골목" in data["body_text"]  # EUC-KR per the HTTP header, read as cp949


def test_missing_page_is_one_line(local_server: str) -> None:
    assert_one_line_error(run(f"{local_server}/view/missing"), "404")


DELETED_DAUM = FIXTURES / "sites" / "daum" / "deleted_article.html"
DELETED_DAUM_URL = "https://v.daum.net/v/20240102030405678"


def test_deleted_daum_article_is_one_line_and_non_zero() -> None:
    proc = run(str(DELETED_DAUM), "--url", DELETED_DAUM_URL)
    assert_one_line_error(proc, "not an article page: a deleted article (Daum: 삭제된 기사입니다)")
    assert proc.stdout == ""


def test_ingesting_a_deleted_daum_article_stores_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    proc = newsnote("ingest", str(DELETED_DAUM), "--url", DELETED_DAUM_URL, "--db", db)
    assert_one_line_error(proc, "a deleted article (Daum: 삭제된 기사입니다)")
    count = newsnote("sql", "SELECT count(*) AS n FROM articles", "--db", db)
    assert count.returncode == 0, count.stderr
    assert "0" in count.stdout.split()
