"""Each site tells its own article URLs from its list and section pages (discovery keeps the
first); the generic reader judges by the URL's shape."""

from __future__ import annotations

import pytest

from scrapers.sites import find_site

ARTICLES = [
    "https://n.news.naver.com/mnews/article/015/0004906221",
    "https://news.naver.com/main/read.naver?mode=LSD&mid=shm&sid1=101&oid=015&aid=0004906221",
    "https://news.chosun.com/site/data/html_dir/2016/09/13/2016091302449.html",
    "https://www.chosun.com/economy/tech_it/2024/03/05/ABCDEFGHIJKLMNOPQRSTUVWXYZ/",
    "https://news.nate.com/view/20240305n12345",
    "https://v.daum.net/v/20260321214325415",
    "https://www.hani.co.kr/arti/society/society_general/761484.html",
    "https://news.khan.co.kr/kh_news/khan_art_view.html?artid=201609260957011",
]
NOT_ARTICLES = [
    "https://news.naver.com/section/101",
    "https://www.chosun.com/economy/",
    "https://news.nate.com/recent?mid=n0100",
    "https://news.daum.net/economy",
    "https://www.hani.co.kr/arti/society",
]


@pytest.mark.parametrize("url", ARTICLES)
def test_article_urls_are_known_as_articles(url: str) -> None:
    assert find_site(url).is_article_url(url)


@pytest.mark.parametrize("url", NOT_ARTICLES)
def test_list_and_section_urls_are_not_articles(url: str) -> None:
    assert not find_site(url).is_article_url(url)
