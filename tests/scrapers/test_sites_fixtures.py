"""Every site's hand-written fixtures parse to the fields written beside them (<name>.json).

A fixture's JSON gives the URL the page was fetched from and either `expect` (fields read
from the page by hand) or `not_an_article` (a fragment of the reason).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scrapers.errors import NotAnArticle
from scrapers.files import page_from_file
from scrapers.model import Article
from scrapers.parse import parse_page
from scrapers.sites import SITES
from tests.conftest import FIXTURES

SITE_FIXTURES = FIXTURES / "sites"
CASES = sorted(SITE_FIXTURES.glob("*/*.html"))


def load(path: Path) -> tuple[dict[str, Any], Article | NotAnArticle]:
    spec = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    page = page_from_file(path, spec["url"])
    try:
        return spec, parse_page(page)
    except NotAnArticle as exc:
        return spec, exc


def test_every_registered_site_has_fixtures() -> None:
    with_fixtures = {p.parent.name for p in CASES}
    assert {site.NAME for site in SITES} <= with_fixtures


def test_every_fixture_has_its_expectations() -> None:
    missing = [p.name for p in CASES if not p.with_suffix(".json").is_file()]
    assert missing == []


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture(path: Path) -> None:
    spec, result = load(path)
    if "not_an_article" in spec:
        assert isinstance(result, NotAnArticle), f"parsed as an article: {result}"
        assert spec["not_an_article"] in str(result)
        return
    assert isinstance(result, Article), str(result)
    article = result
    assert article.site == path.parent.name
    expect = spec["expect"]
    simple = ("url", "site", "press", "press_code", "title", "section", "original_url")
    for key in simple:
        if key in expect:
            assert getattr(article, key) == expect[key], key
    if "subheadings" in expect:
        assert list(article.subheadings) == expect["subheadings"]
    for key in ("published_at", "updated_at"):
        if key in expect:
            value = getattr(article, key)
            assert (value.isoformat() if value else None) == expect[key], key
    if "authors" in expect:
        assert [{"name": a.name, "email": a.email} for a in article.authors] == expect["authors"]
    if "blocks" in expect:
        assert [[str(b.kind), b.text] for b in article.blocks] == expect["blocks"]
    if "first_paragraph" in expect:
        assert article.paragraphs[0] == expect["first_paragraph"]
    for fragment in expect.get("contains", []):
        assert fragment in article.body_text
    for fragment in expect.get("body_excludes", []):
        assert fragment not in article.body_text, fragment
    if "images" in expect:
        assert [{"url": i.url, "caption": i.caption} for i in article.images] == expect["images"]
    if "related" in expect:
        assert [{"url": r.url, "title": r.title} for r in article.related] == expect["related"]
