"""Parsing ahead in a child process gives what parsing here gives, errors included."""

from __future__ import annotations

import dataclasses
import os
import pickle
import signal
from concurrent.futures import Future

from pipeline.parse_ahead import _ChildParser, parsed_pages
from scrapers.errors import (
    DecodeError,
    NotAnArticle,
    ParseError,
    RetryableFetchError,
    RobotsDisallowed,
    ScraperError,
    UnsupportedSite,
)
from scrapers.files import page_from_file
from scrapers.model import Page
from scrapers.parse import parse_page
from tests.pipeline.test_ingest_refresh import ARTICLE_PAGES


def _pages() -> list[tuple[str, Page | Exception]]:
    article = page_from_file(ARTICLE_PAGES[0])
    listing = dataclasses.replace(article, text="<html><body><p>목록</p></body></html>")
    items: list[tuple[str, Page | Exception]] = [(str(p), page_from_file(p)) for p in ARTICLE_PAGES]
    return [
        *items[:2],
        ("load-failed", ScraperError("could not load")),
        ("listing", listing),
        *items[2:],
    ]


def _comparable(parsed: object) -> object:
    if isinstance(parsed, Exception):
        return type(parsed), str(parsed)
    return parsed


def test_scraper_errors_pickle_with_their_message_and_fields() -> None:
    errors: list[ScraperError] = [
        RetryableFetchError("https://a.test/x", "timed out", 503, retry_after=2.5),
        RobotsDisallowed("https://a.test/private"),
        DecodeError("https://a.test/x: undecodable"),
        UnsupportedSite("ftp://a.test/x"),
        ParseError("naver", "https://a.test/x", "body (#dic_area)"),
        NotAnArticle("generic", "https://a.test/list", "a list of links"),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert vars(copy) == vars(error)


def test_child_parses_each_page_as_this_process_does() -> None:
    child = _ChildParser(parse_page)
    try:
        child.wait_until_up()
        for key, page in _pages():
            if isinstance(page, Exception):
                continue
            work = child.start(page)
            assert isinstance(work, Future), key  # sent to the child, not parsed here
            here = parsed_pages([(key, page)])
            assert _comparable(child.result(page, work)) == _comparable(next(here)[1]), key
    finally:
        child.close()


def test_parsed_pages_keep_their_order_and_errors_in_either_place() -> None:
    here = [(k, _comparable(p)) for k, p in parsed_pages(_pages())]
    in_child = [(k, _comparable(p)) for k, p in parsed_pages(_pages(), in_child=True)]
    assert in_child == here
    assert [k for k, _ in here][2:4] == ["load-failed", "listing"]
    assert issubclass(here[3][1][0], ParseError)  # a listing is no article


def test_pages_are_parsed_here_when_the_child_dies() -> None:
    child = _ChildParser(parse_page)
    try:
        os.kill(child.wait_until_up(), signal.SIGKILL)
        page = page_from_file(ARTICLE_PAGES[0])
        work = child.start(page)
        assert child.result(page, work) == (page, parse_page(page))
        later = child.start(page)
        assert not isinstance(later, Future)  # no child any more: parsed here
    finally:
        child.close()
