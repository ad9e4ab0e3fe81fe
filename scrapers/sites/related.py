"""The links a page presents as related to its own article (관련기사), and no others.

A Korean news page surrounds its article with lists of links: the press's most-read ranking
(많이 본 뉴스, 랭킹 뉴스), its own picks for the day (주요뉴스, "해당 언론사에서 선정"),
recommendations (이 시각 추천뉴스), other sections. None of them is about the article, and
a class name says little: Daum calls its press picks `list_relate`, Naver its press picks
`media_end_linked`. What marks a related link is what the page tells the reader:

* a box in the article body under a heading that says only 관련기사 / 관련 기사 / 연관기사 /
  관련뉴스 ("관련기사 1", "[관련기사]" too), as Joongang's `ab_related_article` box (which
  Naver keeps in the body of the press's articles) and Donga's `article_relation` box do;
* a line of the body that opens with such a label and links one article
  ("▶관련기사: <a>…</a>", "☞ 관련기사 <a>…</a>").

Everything fails closed: a heading that names anything else ("이 기사 어때요",
"디지털타임스 관련뉴스" over the press's picks), a box marked as a ranking or a
recommendation, a box with more links than a related box holds, a link to a search or tag
page: no related links, rather than wrong ones. Site parsers call `related_in_body` on their
body element before they drop its furniture, and add what their own layout documents.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapers.sites.base import clean, text_of

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Decoration around a label: arrows, bullets, brackets, colons.
_DECOR = r"\s▶▷►▸◀◁◄☞■□●○◆◇◎※·•\-\[\]\(\)【】<>〈〉《》「」『』:："
# A heading that is only the label, maybe numbered: "관련기사", "[관련 기사 2]", "연관기사".
LABEL_RE = re.compile(rf"^[{_DECOR}]*(?:관련|연관)\s*(?:기사|뉴스)(?:\s*\d{{1,2}})?[{_DECOR}]*$")
# The label opening a link's own text: "▶관련기사: 제목" -> "제목".
PROMPT_RE = re.compile(rf"^[{_DECOR}]*(?:관련|연관)\s*(?:기사|뉴스)[{_DECOR}]*(?=\S)")
# Boxes that are rankings, most-read lists, recommendations or the press's picks, by a word
# of their class or id (camelCase split first: "todayDongaHotNews" has "hot"); "rank",
# "popular" and "recomm" anywhere ("newsrank"), the shorter words only at a word's start
# ("photo" is not "hot").
NOT_RELATED_MARKS_RE = re.compile(
    r"rank|popular|recomm|(?<![a-z])(?:hot|best|most|pick|trend|top\d)", re.IGNORECASE
)
CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
NOT_RELATED_TEXT_RE = re.compile(r"많이\s*본|많이\s*읽은|랭킹|인기|추천|주요\s*뉴스|화제|선정")
# Links that are not articles: search results, tag and keyword pages.
NOT_ARTICLE_URL_RE = re.compile(
    r"/search|[?&](?:query|q|keyword|tag)=|/tags?/|/keyword/|/issue/", re.IGNORECASE
)
# A box's own headings: not the ones that hold a link (an article's title, as Joongang writes
# them: <h2 class="headline"><a>…</a></h2>).
BOX_HEADINGS = (
    "descendant::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5][not(descendant::a)]"
)
LIST_TAGS = frozenset({"ul", "ol", "dl"})
LIST_LINKS = (
    "descendant::li/descendant::a[@href] | descendant::dt/descendant::a[@href] | "
    "descendant::dd/descendant::a[@href]"
)
# The text nodes that may hold a label (a linear search; the label test is in Python).
LABEL_TEXTS = "descendant::text()[contains(., '관련') or contains(., '연관')]"
MAX_LABEL_CHARS = 20  # a heading element longer than this is not a label
MAX_CLIMB = 3  # from the label up to the box that holds its list
MAX_BOX_LINKS = 12  # a box with more links is a list of some other kind
MIN_TITLE_CHARS = 4
# Second-level labels under a country's domain ("khan.co.kr", "bbc.co.uk").
SECOND_LEVEL = frozenset({"co", "or", "go", "ne", "re", "ac", "pe", "com", "net", "org", "gov"})
INLINE_LABEL_TAGS = frozenset({"b", "strong", "em", "span", "font", "i", "u"})


def related_in_body(body: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL, title) of the related links in `body`, once each: the links of
    labelled boxes, then those of labelled lines, each in page order; never `base_url`."""
    found: list[tuple[str, str]] = []
    for url, title in [*_boxed(body, base_url), *_prompted(body, base_url)]:
        if url != base_url and all(url != u for u, _ in found):
            found.append((url, title))
    return found


def links_in(box: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """(absolute URL, title) of the article links in a box a site documents as related."""
    if _marked_not_related(box, stop=box.getparent()):
        return []
    links = [_link(a, base_url) for a in box.xpath("descendant::a[@href]")]
    kept = [link for link in links if link is not None]
    return kept if len(kept) <= MAX_BOX_LINKS else []


def same_site(url: str, other: str) -> bool:
    """Whether two URLs are on one site: the same registered domain ("news.donga.com" and
    "www.donga.com"; "h2.khan.co.kr" and "news.khan.co.kr")."""
    return _site(url) is not None and _site(url) == _site(other)


def _site(url: str) -> str | None:
    labels = (urlsplit(url).hostname or "").split(".")
    if len(labels) < 2:
        return None
    keep = 3 if len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _boxed(body: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    boxes: list[HtmlElement] = []
    for label in _labels(body):
        if any(label is b or _inside(label, b) for b in boxes):
            continue
        box, anchors = _box(label, body)
        if box is None or _marked_not_related(box, stop=body):
            continue
        boxes.append(box)
        links = [_link(a, base_url) for a in anchors if not _inside(a, label)]
        kept = [link for link in links if link is not None]
        if len(kept) <= MAX_BOX_LINKS:
            found += kept
    return found


def _labels(body: HtmlElement) -> list[HtmlElement]:
    """The elements whose whole text is a label, innermost first, once each."""
    labels: list[HtmlElement] = []
    for text in body.xpath(LABEL_TEXTS):
        element = text.getparent()
        if text.is_tail and element is not None:
            element = element.getparent()
        if element is not None and element.tag == "a":  # <h3><a>관련기사</a></h3>
            element = element.getparent()
        if element is None or element is body:
            continue
        if len(clean(element.text_content())) > MAX_LABEL_CHARS:
            continue
        if LABEL_RE.match(text_of(element)) and all(element is not e for e in labels):
            labels.append(element)
    return labels


def _box(heading: HtmlElement, body: HtmlElement) -> tuple[HtmlElement | None, list[HtmlElement]]:
    """The element holding the heading's list of links, and those links.

    The list right after the heading (or after the element around it), or the list items
    of the element around it, climbing at most `MAX_CLIMB` levels and never to the body.
    """
    node = heading
    for _ in range(MAX_CLIMB):
        following = node.getnext()
        while following is not None and not isinstance(following.tag, str):
            following = following.getnext()  # a comment
        if following is not None and following.tag in LIST_TAGS:
            return following, following.xpath("descendant::a[@href]")
        parent = node.getparent()
        if parent is None or parent is body:
            return None, []
        node = parent
        anchors = node.xpath(LIST_LINKS)
        if anchors:
            return node, anchors
    return None, []


def _prompted(body: HtmlElement, base_url: str) -> list[tuple[str, str]]:
    """Links of a body line that opens with the label: the label in the link's own text
    ("<a>▶관련기사: 제목</a>") or just before it ("☞ 관련기사 <a>제목</a>")."""
    found: list[tuple[str, str]] = []
    for a in body.iter("a"):
        if not a.get("href"):
            continue
        text = text_of(a)
        prompt = PROMPT_RE.match(text)
        if prompt is not None:
            link = _link(a, base_url, title=text[prompt.end() :])
        elif _label_before(a):
            link = _link(a, base_url)
        else:
            continue
        if link is not None and not _marked_not_related(a, stop=body, by_heading=False):
            found.append(link)
    return found


def _label_before(a: HtmlElement) -> bool:
    """Whether the text just before the link, on its line, is a label ("☞ 관련기사")."""
    previous = a.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()  # a comment: its tail is still the line's text
    if previous is None:
        parent = a.getparent()
        before = parent.text if parent is not None else None
    elif clean(previous.tail):
        before = previous.tail
    elif previous.tag in INLINE_LABEL_TAGS:  # "<b>관련기사</b> <a>…</a>"
        before = previous.text_content()
    else:
        return False
    return bool(before) and LABEL_RE.match(clean(before)) is not None


def _link(a: HtmlElement, base_url: str, *, title: str | None = None) -> tuple[str, str] | None:
    href = clean(a.get("href"))
    text = clean(title if title is not None else text_of(a))
    if not href or len(text) < MIN_TITLE_CHARS or LABEL_RE.match(text):
        return None
    url = urljoin(base_url, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if NOT_ARTICLE_URL_RE.search(url):
        return None
    return url.split("#", 1)[0], text


def _marked_not_related(
    element: HtmlElement, *, stop: HtmlElement | None, by_heading: bool = True
) -> bool:
    """Whether the element, or one around it below `stop`, is marked as a ranking, a
    recommendation or the press's picks, by its class or id (or by a heading inside it)."""
    node: HtmlElement | None = element
    while node is not None and node is not stop:
        marks = CAMEL_RE.sub("_", f"{node.get('class', '')} {node.get('id', '')}")
        if NOT_RELATED_MARKS_RE.search(marks):
            return True
        node = node.getparent()
    if not by_heading:
        return False
    headings = element.xpath(BOX_HEADINGS)
    return any(NOT_RELATED_TEXT_RE.search(text_of(h)) for h in headings)


def _inside(element: HtmlElement, other: HtmlElement) -> bool:
    return any(ancestor is other for ancestor in element.iterancestors())
