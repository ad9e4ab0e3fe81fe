"""Small Naver-structure article pages for the reliability tests, built from the README example.

`article_page(n)` is tests/fixtures/naver_article.html with its ids (og:url, oid/aid), title and
body varied by `n`, so every page is a distinct article with its own text and figures.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "naver_article.html"
EXAMPLE_AID = "0004906221"
EXAMPLE_TITLE = "국내 AI 스타트업, 40억달러 투자 유치…“대규모언어모델 경쟁 본격화”"
BODY_RE = re.compile(r"(<article id=\"dic_area\"[^>]*>)(.*?)(</article>)", re.S)


@cache
def _example() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def article_title(n: int) -> str:
    return f"시험 기사 {n}호: 반도체 수출 {n % 90 + 10}% 늘어"


def article_paragraphs(n: int) -> list[str]:
    return [
        f"산업통상자원부는 지난달 반도체 수출이 {n % 90 + 10}억 달러로 집계됐다고 {n}일 밝혔다.",
        f"전년 같은 달보다 {n % 30 + 1}.5% 늘어난 수치다. 이 기사의 일련번호는 {n}번이다.",
        f"업계는 “하반기에도 수요가 이어질 것”이라며 {n % 7 + 2}개 공장의 증설을 검토하고 있다.",
    ]


def article_page(n: int, *, title: str | None = None, paragraphs: list[str] | None = None) -> str:
    """The example page as article `n` (aid 10 digits from `n`)."""
    aid = f"{9_000_000_000 + n:010d}"
    page = _example().replace(EXAMPLE_AID, aid).replace(EXAMPLE_TITLE, title or article_title(n))
    body = "<br><br>".join(paragraphs or article_paragraphs(n)) + "<br><br>"
    return BODY_RE.sub(lambda m: m.group(1) + body + m.group(3), page, count=1)
