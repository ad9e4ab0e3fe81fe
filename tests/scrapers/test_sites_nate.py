"""Nate News: URL forms and clear errors when the page does not have the expected parts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrapers.errors import NotAnArticle, ParseError
from scrapers.model import Page
from scrapers.sites import canonical_url, find_site, nate

VIEW = "https://news.nate.com/view/20240502n12345"


@pytest.mark.parametrize(
    "url",
    [
        "https://news.nate.com/view/20240502n12345?mid=n0301",
        "http://news.nate.com/view/20240502n12345",
        "https://m.news.nate.com/view/20240502n12345?list=edit",
    ],
)
def test_url_forms(url: str) -> None:
    assert find_site(url) is nate
    assert canonical_url(url) == VIEW


def page(text: str, url: str = VIEW) -> Page:
    return Page(url, url, 200, {}, text.encode(), text, "utf-8", datetime.now(tz=UTC))


def test_missing_container_is_named() -> None:
    html = "<html><body><h3 class='articleSubecjt'>제목</h3><div id='articleContents'>본문</div>"
    with pytest.raises(ParseError, match="#articleContetns") as info:
        nate.parse(page(html))
    assert not isinstance(info.value, NotAnArticle)


def test_missing_body_inside_container_is_named() -> None:
    html = "<html><body><div id='articleContetns'><div id='artcContents'>본문</div></div>"
    with pytest.raises(ParseError, match="#realArtcContents"):
        nate.parse(page(html))


def test_missing_date_is_named() -> None:
    html = (
        "<html><body><h3 class='articleSubecjt'>제목</h3>"
        "<div id='articleContetns'><div id='realArtcContents'>본문 첫 줄</div></div>"
    )
    with pytest.raises(ParseError, match="firstDate"):
        nate.parse(page(html))
