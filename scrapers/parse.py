"""A `Page` to an `Article`, by the site that handles the page's final URL."""

from __future__ import annotations

from scrapers.boilerplate import clean_article
from scrapers.errors import DecodeError
from scrapers.model import Article, Page
from scrapers.sites import find_site


def parse_page(page: Page) -> Article:
    """Parse `page` with its site's parser; refuse pages whose text could not be trusted.

    Raises `DecodeError` for a page flagged by decoding, `UnsupportedSite` for a non-web
    URL, `NotAnArticle` for list/search pages and `ParseError` for pages that do not look
    as their parser expects. Bylines, credits and prompts are taken out of the paragraphs
    on every site (`scrapers.boilerplate.clean_article`).
    """
    if page.charset_warning:
        raise DecodeError(f"{page.final_url}: refusing to parse: {page.charset_warning}")
    return clean_article(find_site(page.final_url).parse(page))
