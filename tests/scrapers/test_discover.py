"""Discovery of article URLs from real list pages and feeds, and `--source` specs.

Expected counts and URLs were read from the corpus pages by hand (grep for `<li class="sa_item`,
`<item>`, `html_dir` links), not from this code's output.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scrapers.discover import BadSource, discover, source_urls
from scrapers.files import page_from_file
from scrapers.model import Page
from scrapers.sites import DISCOVERY, canonical_url
from scrapers.sites.sources import SourceSpec


def page(text: str, url: str, content_type: str = "text/html; charset=utf-8") -> Page:
    return Page(
        url=url,
        final_url=url,
        status=200,
        headers={"content-type": content_type},
        content=text.encode(),
        text=text,
        charset="utf-8",
        fetched_at=datetime.now(UTC),
    )


def test_naver_section_page_lists_its_sa_items(corpus: Path) -> None:
    urls = discover(page_from_file(corpus / "naver/list_section105_it.html"))
    assert len(urls) == 44  # 44 <li class="sa_item …">, each a different article
    assert urls[0] == "https://n.news.naver.com/mnews/article/001/0015640712"
    assert len(set(urls)) == len(urls)


def test_naver_section_page_headline_repeated_in_the_list_counts_once(corpus: Path) -> None:
    urls = discover(page_from_file(corpus / "naver/list_section100_new.html"))
    assert len(urls) == 45  # 46 sa_items, one headline appears twice
    assert urls[0] == "https://n.news.naver.com/mnews/article/056/0012190764"


def test_naver_links_outside_sa_items_are_left_out() -> None:
    html = """<html><body>
      <ul class="sa_list"><li class="sa_item _LAZY_LOADING_WRAP">
        <a class="sa_text_title" href="https://n.news.naver.com/mnews/article/001/0000000001">a</a>
        <a href="https://n.news.naver.com/mnews/article/comment/001/0000000001">댓글</a>
      </li></ul>
      <div class="ranking"><a href="https://n.news.naver.com/mnews/article/002/0000000002">b</a></div>
    </body></html>"""
    urls = discover(page(html, "https://news.naver.com/section/101"))
    assert urls == ["https://n.news.naver.com/mnews/article/001/0000000001"]


def test_naver_old_list_pages_give_canonical_article_urls(corpus: Path) -> None:
    urls = discover(page_from_file(corpus / "naver/list_old_main_LS2D_100_265.html"))
    # read.nhn?…&oid=001&aid=0011891797… on the page
    assert "https://n.news.naver.com/mnews/article/001/0011891797" in urls
    assert all(u.startswith("https://n.news.naver.com/mnews/article/") for u in urls)


def test_naver_ls2d_list(corpus: Path) -> None:
    urls = discover(page_from_file(corpus / "naver/list_main_LS2D_101_263_economy.html"))
    assert "https://n.news.naver.com/mnews/article/003/0012333062" in urls
    assert all(u.startswith("https://n.news.naver.com/mnews/article/") for u in urls)


def test_chosun_2016_rss_gives_its_50_items(corpus: Path) -> None:
    feed = page_from_file(corpus / "chosun/legacy2016_rss.xml", "http://www.chosun.com/rss.xml")
    urls = discover(feed)
    assert len(urls) == 50
    assert urls[0] == canonical_url(
        "http://news.chosun.com/site/data/html_dir/2016/09/16/2016091600830.html"
    )


def test_feed_items_before_since_are_dropped(corpus: Path) -> None:
    feed = page_from_file(corpus / "chosun/legacy2016_rss.xml", "http://www.chosun.com/rss.xml")
    assert len(discover(feed, since=date(2016, 9, 16))) == 50  # all published on the 16th
    assert discover(feed, since=date(2016, 9, 17)) == []


def test_chosun_2016_article_list(corpus: Path) -> None:
    listing = page_from_file(
        corpus / "chosun/legacy2016_article_list.html", "http://news.chosun.com/svc/list_in/"
    )
    urls = discover(listing)
    assert len(urls) == 10  # ten distinct html_dir/2016/09/… links
    assert (
        canonical_url("http://news.chosun.com/site/data/html_dir/2016/09/18/2016091802071.html")
        in urls
    )


def test_nate_list_links_to_view_pages() -> None:
    html = """<html><body>
      <div class="mduSubjectList">
        <a href="//news.nate.com/view/20240501n01234?mid=n0100">기사 1</a>
        <a href="/view/20240501n05678">기사 2</a>
        <a href="/recent?mid=n0100&page=2">다음</a>
      </div></body></html>"""
    urls = discover(page(html, "https://news.nate.com/recent?mid=n0100"))
    assert urls == [
        canonical_url("https://news.nate.com/view/20240501n01234"),
        canonical_url("https://news.nate.com/view/20240501n05678"),
    ]


def test_sitemap_and_atom() -> None:
    sitemap = """<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://example.com/news/a-story</loc><lastmod>2024-05-02</lastmod></url>
      <url><loc>https://example.com/news/older</loc><lastmod>2024-04-01</lastmod></url>
    </urlset>"""
    got = discover(page(sitemap, "https://example.com/sitemap.xml", "application/xml"))
    assert got == ["https://example.com/news/a-story", "https://example.com/news/older"]
    since = discover(
        page(sitemap, "https://example.com/sitemap.xml", "application/xml"), since=date(2024, 5, 1)
    )
    assert since == ["https://example.com/news/a-story"]
    atom = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
      <entry><link rel="alternate" href="https://example.com/x/1"/></entry></feed>"""
    assert discover(page(atom, "https://example.com/feed", "application/atom+xml")) == [
        "https://example.com/x/1"
    ]


def test_feed_with_entity_tricks_is_read_safely() -> None:
    evil = """<?xml version="1.0"?>
    <!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <rss><channel><item><link>https://example.com/a/123456&x;</link></item></channel></rss>"""
    urls = discover(page(evil, "https://example.com/rss", "application/rss+xml"))
    assert all("root:" not in u for u in urls)


def test_generic_list_keeps_same_site_article_links(corpus: Path) -> None:
    listing = page_from_file(corpus / "other/legacy2016_hani_article_list.html")
    urls = discover(listing)
    assert "http://www.hani.co.kr/arti/economy/economy_general/761648.html" in urls
    assert all("hani.co.kr" in u for u in urls)


def test_source_specs() -> None:
    today = date(2024, 5, 3)
    assert source_urls("naver:section=101") == ["https://news.naver.com/section/101"]
    lists = source_urls("naver:section=101,sub=259,pages=2", since=date(2024, 5, 2), today=today)
    assert len(lists) == 4
    assert lists[0] == (
        "https://news.naver.com/main/list.naver?mode=LS2D&mid=shm&sid1=101&sid2=259"
        "&date=20240503&page=1"
    )
    assert lists[-1].endswith("date=20240502&page=2")
    assert source_urls("chosun:rss") == [
        "https://www.chosun.com/arc/outboundfeeds/rss/?outputType=xml"
    ]
    assert source_urls("chosun:rss=politics") == [
        "https://www.chosun.com/arc/outboundfeeds/rss/category/politics/?outputType=xml"
    ]
    assert source_urls("url:https://example.com/list") == ["https://example.com/list"]
    assert source_urls("nate:mid=n0100") == ["https://news.nate.com/recent?mid=n0100"]


@pytest.mark.parametrize(
    "spec",
    ["naver:section=999", "daum:x", "url:ftp://x/y", "naver:section=101,pages=0", "chosun"],
)
def test_bad_source_specs_are_clear_errors(spec: str) -> None:
    with pytest.raises(BadSource):
        source_urls(spec)


def test_an_unknown_source_name_lists_the_known_ones() -> None:
    with pytest.raises(BadSource) as refused:
        source_urls("daum:x")
    assert str(refused.value) == (
        "unknown source 'daum:x': use naver:section=…, chosun:rss[=…], nate:mid=…, url:…"
    )
    assert list(DISCOVERY) == ["naver", "chosun", "nate"]


def test_discovery_asks_the_site_named_by_the_source(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[SourceSpec] = []

    def list_urls(source: SourceSpec) -> list[str]:
        asked.append(source)
        return ["https://news.nate.com/recent?mid=n0999"]

    monkeypatch.setattr(DISCOVERY["nate"], "list_urls", list_urls)
    got = source_urls("Nate:mid=n0999,x", since=date(2024, 5, 2), today=date(2024, 5, 3))
    assert got == ["https://news.nate.com/recent?mid=n0999"]
    assert asked == [
        SourceSpec(
            spec="Nate:mid=n0999,x",
            name="nate",
            params={"mid": "n0999", "x": ""},
            days=(date(2024, 5, 3), date(2024, 5, 2)),
        )
    ]


def test_since_in_the_future_is_refused() -> None:
    with pytest.raises(BadSource, match="future"):
        source_urls("naver:section=100", since=date(2030, 1, 1), today=date(2024, 1, 1))


def test_entertainment_and_sports_links_are_the_articles_canonical_urls() -> None:
    html = """<html><body><ul>
      <li><a href="https://m.entertain.naver.com/home/article/108/0003300001">연예 기사</a></li>
      <li><a href="https://entertain.naver.com/read?oid=108&aid=0003300001">같은 기사</a></li>
      <li><a href="https://m.sports.naver.com/kbaseball/article/109/0005000001">야구 기사</a></li>
      <li><a href="https://m.sports.naver.com/kbaseball/index">야구 홈</a></li>
      <li><a href="https://m.entertain.naver.com/ranking">연예 랭킹</a></li>
    </ul></body></html>"""
    urls = discover(page(html, "https://m.entertain.naver.com/now"))
    assert urls == [
        "https://n.news.naver.com/mnews/article/108/0003300001",
        "https://n.news.naver.com/mnews/article/109/0005000001",
    ]
