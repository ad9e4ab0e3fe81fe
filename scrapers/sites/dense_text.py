"""The article text of an unknown page, found as the element that holds the most prose.

A news page keeps its body in one container (`<div class="article_txt">`, `#articleBody`,
`<article>`) whose own text, or whose paragraphs' text, outweighs everything else on the
page. One pass over the tree credits each run of text to the block element that owns it;
a paragraph's text also counts for the container it sits in; text inside links counts
against its owner. The container with the most prose wins, and its text is walked into
blocks with captions, related-article boxes and link lists left out.

It is a few milliseconds on a 100 KB page, where trafilatura takes 50-100: the generic
parser tries it first and falls back to trafilatura when the winner is too short or too
full of links to be an article body (`None`).
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapers.model import Block
from scrapers.sites.base import (
    BLOCK_TAGS,
    SKIP_TAGS,
    body_blocks,
    clean,
    drop_tree,
    lines_split_on_br,
    not_copyright,
)

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Page furniture whose text is never the article's.
FURNITURE_TAGS = SKIP_TAGS | {"nav", "header", "footer", "aside", "head", "title", "option"}
# Block tags whose text is owned (and counted) by the container around them, if any.
PARAGRAPH_TAGS = frozenset({"p", "li", "dd"})
OWNER_TAGS = BLOCK_TAGS | {"body", "main"}
# Inside the winning container: boxes that are not body text.
NOT_BODY_RE = re.compile(
    r"caption|photo|figure|img|image|related|relate|recommend|banner|\bad\b|ad[_-]|ads|"
    r"share|sns|social|reporter|byline|copyright|tag|keyword|more|footer|subscribe|"
    r"comment|reply|btn|button|popular|rank|news_?list|thumb",
    re.IGNORECASE,
)
NOT_BODY_TAGS = frozenset({"figure", "figcaption", "table", "ul", "ol", "dl"})
# What is left of a text once its non-word runs are cut out is its prose: letters, digits
# and `_`, as `\w` counts them. Cutting the runs out is about a third cheaper than `findall`
# of single letters, which builds a string per letter.
# (Written `\W\W*`, not `\W+`: a pattern that starts with a plain character class lets the
# regex engine skip ahead to the next non-word character instead of trying every position.)
NON_PROSE_RE = re.compile(r"\W\W*")

# The deck at the head of a body (`_take_deck`).
DECK_MARK_RE = re.compile(
    r"sub_?tit|sub-title|subhead|art_?summary|article_?summary|standfirst|\bdeck\b",
    re.IGNORECASE,
)
BOLD_TAGS = frozenset({"strong", "b"})
DECK_BULLET_RE = re.compile(r"^[ㆍ·•∙\-–▶▷■□◆◇○●]+\s*")
KICKER_RE = re.compile(r"\[[^\]]*\]|【[^】]*】|<[^>]*>")  # a series label: [커버스토리/ 씨름]
SENTENCE_END_RE = re.compile(r"[다요죠][.!?]?\s*[”\"’']?$|[.!?]$")
MAX_DECK_LINES = 5
MAX_DECK_LINE_CHARS = 80
DECK_REST_FACTOR = 3  # the story after a deck is at least three times as long

MIN_BODY_CHARS = 120  # letters and digits: two or three Korean sentences
MAX_LINK_SHARE = 0.3  # nor one whose text is mostly links
LINKY_BOX_SHARE = 0.5  # a box inside the body that is mostly links is dropped


@dataclass(frozen=True, slots=True)
class DenseBody:
    """The body's container (left as it is in the page, where a parser may look for its
    related-article box), its blocks, and the deck found at its head (if any)."""

    container: HtmlElement
    blocks: list[Block]
    deck: tuple[str, ...] = ()


def dense_blocks(root: HtmlElement) -> list[Block] | None:
    """The article body's blocks, or None when no container is clearly a body."""
    found = dense_body(root)
    return found.blocks if found is not None else None


def dense_body(root: HtmlElement) -> DenseBody | None:
    """The body found as the densest container, or None when no container is clearly one."""
    container = densest_container(root)
    if container is None:
        return None
    body = copy.deepcopy(container)
    _drop_furniture(body)
    deck = _take_deck(body)
    blocks = body_blocks(body, keep=not_copyright)
    if sum(prose_chars(b.text) for b in blocks) < MIN_BODY_CHARS:
        return None
    return DenseBody(container, blocks, deck)


def _take_deck(body: HtmlElement) -> tuple[str, ...]:
    """The deck the body opens with, removed from it: its lines, or () when it has none.

    Korean outlets print the deck (부제목) as the first thing inside the text's container:
    a box marked as a subtitle (`<div class="art_subtit">`), or the text's first run in
    bold, on lines of its own (`<strong>…<br>…</strong><br><br>`, then the story). A
    reader does not read it as the story's first paragraph. Bold that opens the story but
    is made of sentences (a bold lead, an interview's introduction) is text and stays;
    so does a bold run the story does not go on after.
    """
    head = _first_with_text(body)
    if head is None:
        return ()
    # scrapers.boilerplate imports scrapers.sites.base, whose package imports this module.
    from scrapers.boilerplate import is_furniture

    marked = bool(DECK_MARK_RE.search(f"{head.get('class', '')} {head.get('id', '')}"))
    if not marked:
        bold = head if head.tag in BOLD_TAGS else _only_bold_child(head)
        if bold is None or clean(head.text_content()) != clean(bold.text_content()):
            return ()
        if head.tag in BOLD_TAGS and not _ends_its_line(head):
            return ()  # "<b>(서울=연합뉴스) 홍길동 기자 =</b> 본문…": the text goes on
    lines = [DECK_BULLET_RE.sub("", line) for line in lines_split_on_br(head)]
    lines = [line for line in lines if line and not KICKER_RE.fullmatch(line)]
    if not lines or len(lines) > MAX_DECK_LINES:
        return ()
    if any(is_furniture(line) for line in lines):
        return ()  # a byline, credit or dateline in bold is not a deck
    if any(len(line) > MAX_DECK_LINE_CHARS for line in lines):
        return ()
    if not marked and any(SENTENCE_END_RE.search(line) for line in lines):
        return ()
    rest = prose_chars(body.text_content()) - prose_chars(head.text_content())
    if rest < DECK_REST_FACTOR * sum(prose_chars(line) for line in lines):
        return ()
    drop_tree(head)
    return tuple(lines)


def _first_with_text(body: HtmlElement) -> HtmlElement | None:
    """The body's first child that holds text, when no text comes before it (empty boxes,
    comments and line breaks before it are skipped)."""
    if clean(body.text):
        return None
    for child in body:
        if (
            isinstance(child.tag, str)
            and child.tag not in SKIP_TAGS
            and clean(child.text_content())
        ):
            return child
        if clean(child.tail):
            return None
    return None


def _ends_its_line(element: HtmlElement) -> bool:
    """Is an inline element followed by a line break or a new block, nothing in between?"""
    if clean(element.tail):
        return False
    following = element.getnext()
    while following is not None and not isinstance(following.tag, str):  # comments
        if clean(following.tail):
            return False
        following = following.getnext()
    return following is None or following.tag == "br" or following.tag in BLOCK_TAGS


def _only_bold_child(element: HtmlElement) -> HtmlElement | None:
    """The single <strong>/<b> a paragraph (<p>, <div>) wraps all of its text in, if so."""
    if element.tag not in ("p", "div"):
        return None
    children = [c for c in element if isinstance(c.tag, str) and c.tag != "br"]
    if len(children) == 1 and children[0].tag in BOLD_TAGS:
        return children[0]
    return None


def densest_container(root: HtmlElement) -> HtmlElement | None:
    """The element with the most prose of its own and in its paragraphs."""
    prose: dict[HtmlElement, int] = defaultdict(int)
    links: dict[HtmlElement, int] = defaultdict(int)
    _credit(root, None, False, prose, links)
    best: HtmlElement | None = None
    best_score = 0.0
    for element, chars in prose.items():
        score = chars - 2 * links[element]
        if score > best_score:
            best, best_score = element, score
    if best is None or prose[best] < MIN_BODY_CHARS:
        return None
    if links[best] > MAX_LINK_SHARE * prose[best]:
        return None
    return best


def _credit(
    element: HtmlElement,
    owner: HtmlElement | None,
    in_link: bool,
    prose: dict[HtmlElement, int],
    links: dict[HtmlElement, int],
) -> None:
    """Credit the text under `element` to the containers that own it (recursive walk).

    The HTML parser gives lower-case tag names, and only elements are walked into. This
    runs for every element of a page: the crediting is written out twice rather than
    called, and text without an owner is not looked at.
    """
    tag = element.tag
    if tag in OWNER_TAGS and not (tag in PARAGRAPH_TAGS and owner is not None):
        owner = element
    in_link = in_link or tag == "a"
    if owner is None:
        for child in element:
            child_tag = child.tag
            if isinstance(child_tag, str) and child_tag not in FURNITURE_TAGS:
                _credit(child, owner, in_link, prose, links)
        return
    text = element.text
    if text and (chars := prose_chars(text)):
        prose[owner] += chars
        if in_link:
            links[owner] += chars
    for child in element:
        child_tag = child.tag
        if isinstance(child_tag, str) and child_tag not in FURNITURE_TAGS:
            _credit(child, owner, in_link, prose, links)
        tail = child.tail
        if tail and (chars := prose_chars(tail)):
            prose[owner] += chars
            if in_link:
                links[owner] += chars


def _drop_furniture(body: HtmlElement) -> None:
    """Remove captions, photo boxes, related links and link lists from a copied body."""
    doomed: list[HtmlElement] = []
    for element in body.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if (
            tag in FURNITURE_TAGS
            or tag in NOT_BODY_TAGS
            or (tag not in ("p", "br") and NOT_BODY_RE.search(marks))
            or _mostly_links(element)
        ):
            doomed.append(element)
    for element in doomed:  # one inside another already dropped goes with it, harmlessly
        drop_tree(element)


def _mostly_links(element: HtmlElement) -> bool:
    if element.tag in ("a", "p", "br", "b", "strong", "span", "font", "em", "i", "u"):
        return False
    text = element.text_content()
    total = prose_chars(text)
    if total == 0:
        return False
    linked = sum(prose_chars(a.text_content()) for a in element.iter("a"))
    return linked > LINKY_BOX_SHARE * total


def prose_chars(text: str) -> int:
    """The letters and digits in `text` (`\\w` characters); most runs of text are blank.

    Whitespace (never `\\w`) goes first, through `str.split`: the regex then has only the
    punctuation left to cut out, instead of every gap between two words.
    """
    return 0 if text.isspace() else len(NON_PROSE_RE.sub("", "".join(text.split())))
