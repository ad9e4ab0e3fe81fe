"""Arc XP (Fusion) pages: the story is JSON in `Fusion.globalContent={...};`.

Used by the Chosun parser (www.chosun.com, biz.chosun.com) and by the generic parser for
other Arc sites. The JSON is read with `json.JSONDecoder.raw_decode` from the marker on:
the object's strings hold `;` and `</`, so splitting on either would cut it short.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from scrapers.errors import NotAnArticle, ParseError
from scrapers.model import Article, Author, Block, BlockKind, Image, RelatedLink
from scrapers.sites.base import clean, parse_document, parse_iso, text_of

MARKER = "Fusion.globalContent="
STORY_TYPES = frozenset({"story"})
TEXT_TYPES = frozenset({"text", "paragraph"})
RAW_HTML_SKIP = ("<script", "<iframe", 'class="twitter', 'class="instagram')


def global_content(text: str) -> dict[str, Any] | None:
    """The decoded `Fusion.globalContent` object, or None when the page has none."""
    start = text.find(MARKER)
    if start < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start + len(MARKER))
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def article_from_story(
    story: dict[str, Any],
    *,
    page_url: str,
    site: str,
    parser: str,
    version: str,
    press: str | None,
) -> Article:
    """An `Article` from an Arc story object; `page_url` resolves its relative URLs."""
    if story.get("type") not in STORY_TYPES:
        raise NotAnArticle(parser, page_url, f"Arc content of type {story.get('type')!r}")
    canonical = story.get("canonical_url")
    url = urljoin(page_url, canonical) if isinstance(canonical, str) and canonical else page_url
    title = clean(_text(story, "headlines", "basic"))
    if not title:
        raise ParseError(parser, url, "headlines.basic in Fusion.globalContent")
    published = parse_iso(
        _get(story, "display_date")
        or _get(story, "first_publish_date")
        or _get(story, "publish_date")
    )
    if published is None:
        raise ParseError(parser, url, "display_date / first_publish_date in Fusion.globalContent")
    subheadline = clean(_text(story, "subheadlines", "basic"))
    blocks, images = _content(story.get("content_elements") or [], url)
    if not any(b.kind is BlockKind.PARAGRAPH for b in blocks):
        raise ParseError(parser, url, "text content_elements in Fusion.globalContent")
    lead = _image(_get(story, "promo_items", "basic"), url)
    if lead is not None and all(i.url != lead.url for i in images):
        images.insert(0, lead)
    return Article(
        url=url,
        site=site,
        title=title,
        blocks=tuple(blocks),
        parser=parser,
        parser_version=version,
        press=press,
        subheadings=(subheadline,) if subheadline else (),
        section=clean(_text(story, "taxonomy", "primary_section", "name")) or None,
        published_at=published,
        updated_at=parse_iso(_get(story, "last_updated_date")),
        authors=_authors(_get(story, "credits", "by") or []),
        images=tuple(images),
        related=_related(story.get("related_content"), url, press),
    )


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _text(obj: Any, *keys: str) -> str:
    value = _get(obj, *keys)
    return value if isinstance(value, str) else ""


def _html_text(fragment: str) -> str:
    """Text of an inline HTML fragment (<b>, <a>, <br> …)."""
    if "<" not in fragment and "&" not in fragment:
        return clean(fragment)
    return text_of(parse_document(f"<div>{fragment}</div>"))


def _content(elements: list[Any], url: str) -> tuple[list[Block], list[Image]]:
    blocks: list[Block] = []
    images: list[Image] = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind in TEXT_TYPES:
            text = _html_text(str(element.get("content") or ""))
            if text:
                blocks.append(Block(BlockKind.PARAGRAPH, text))
        elif kind == "header":
            text = _html_text(str(element.get("content") or ""))
            if text:
                blocks.append(Block(BlockKind.HEADING, text))
        elif kind == "list":
            for item in element.get("items") or []:
                text = _html_text(str(_get(item, "content") or ""))
                if text:
                    blocks.append(Block(BlockKind.PARAGRAPH, text))
        elif kind in ("quote", "blockquote"):
            parts = [
                _html_text(str(_get(item, "content") or ""))
                for item in element.get("content_elements") or []
            ]
            text = " ".join(p for p in parts if p)
            if text:
                blocks.append(Block(BlockKind.QUOTE, text))
        elif kind == "image":
            image = _image(element, url)
            if image is not None:
                images.append(image)
        elif kind == "raw_html":
            html = str(element.get("content") or "")
            if not any(marker in html.lower() for marker in RAW_HTML_SKIP):
                text = _html_text(html)
                if text:
                    blocks.append(Block(BlockKind.PARAGRAPH, text))
    return blocks, images


def _image(element: Any, url: str) -> Image | None:
    if not isinstance(element, dict):
        return None
    src = element.get("url") or _get(element, "additional_properties", "originalUrl")
    if not isinstance(src, str) or not src:
        return None
    caption = clean(_text(element, "caption")) or None
    return Image(url=urljoin(url, src), caption=caption)


def _authors(credits: list[Any]) -> tuple[Author, ...]:
    authors: list[Author] = []
    for credit in credits:
        name = clean(_text(credit, "name"))
        if not name:
            continue
        email = _get(credit, "additional_properties", "original", "email") or None
        authors.append(Author(name=name, email=email if isinstance(email, str) else None))
    return tuple(authors)


def _related(related: Any, url: str, press: str | None) -> tuple[RelatedLink, ...]:
    links: list[RelatedLink] = []
    for item in _get(related, "basic") or []:
        href = _get(item, "canonical_url") or _get(item, "website_url") or _get(item, "url")
        title = clean(_text(item, "headlines", "basic"))
        if isinstance(href, str) and href and title:
            links.append(RelatedLink(url=urljoin(url, href), title=title, press=press))
    return tuple(links)
