"""What every site module offers, and the HTML helpers they share.

A site module exposes `NAME`, `PARSER_VERSION`, `handles(url)`, `canonical_url(url)` and
`parse(page)`; `scrapers.sites.SITES` lists them. A site that lists its own articles (a
`--source` spec of its name) also exposes `SOURCE_HELP`, `list_urls(source)` and
`list_links(root, url)` (`ListingSite`); `scrapers.sites.DISCOVERY` lists those. Parsing uses
lxml directly, with XPath.

Searches from the root start with `descendant::` rather than `//`: libxml2 evaluates
`//x[…]` as `descendant-or-self::node()/child::x[…]`, a step from every node (text nodes
too), 30-50% slower for the same elements (`//*` also matches the root itself, so that one
is `descendant-or-self::*`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from scrapers.errors import ParseError
from scrapers.model import Article, Author, Block, BlockKind, Page

if TYPE_CHECKING:
    import lxml.html
    from lxml.html import HtmlElement

    from scrapers.sites.sources import SourceSpec

KST = ZoneInfo("Asia/Seoul")

# Tags whose content never belongs to an article's text.
SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "iframe", "button", "select", "form", "svg", "video", "audio"}
)
# Tags that start a new paragraph in the walk over a body element.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "table", "tr", "td", "th", "ul", "ol", "li",
        "dl", "dt", "dd", "figure", "figcaption", "center", "aside", "header", "footer",
    }
)  # fmt: skip
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
QUOTE_TAGS = frozenset({"blockquote"})

HANGUL_TEXT_RE = re.compile(r"[\uac00-\ud7a3]")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Job titles that follow a Korean reporter's name in a byline.
REPORTER_SUFFIX_RE = re.compile(
    r"\s*(?:(?:선임|수석|객원|인턴|전문|사진|영상)?기자|특파원|논설위원|기자단)\s*$"
)
# "정리=김정형 기자", "[서울=뉴시스]" and similar prefixes.
BYLINE_PREFIX_RE = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)?(?:(?:글|정리|사진|취재)\s*=\s*)?(?:(?:인턴|디자이너|그래픽|사진)\s+)?"
)
# A byline sentence at the end of a body: "김미경기자 the13ook@dt.co.kr", "홍길동 기자(hong@x.com)".
BODY_BYLINE_RE = re.compile(
    r"([가-힣]{2,4})\s*(?:(?:선임|수석|객원|인턴)?기자|특파원)\s*\(?\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)
# A wire dateline naming the reporter: "(서울=연합뉴스) 홍길동 기자 =".
# "[서울=뉴시스]이현주 기자 =" has the same shape.
# (The e-mail, if any, sits alone on the last line.)
DATELINE_RE = re.compile(
    r"^\s*[(\[][^)\]]{1,20}=[^)\]]{1,20}[)\]]\s*([가-힣]{2,4})\s*(?:기자|특파원)\s*="
)
COPYRIGHT_RE = re.compile(
    r"(?:ⓒ|©|copyright|저작권자|무단\s*전재|무단전재|재배포\s*금지|재판매\s*및\s*DB\s*금지)",
    re.IGNORECASE,
)
# A signed contribution or column says so in its headline: "[기고]", "(특별기고)", "[시론]".
CONTRIBUTION_TAG_RE = re.compile(
    r"[\[(【〈<][^\])】〉>\[(]{0,15}?(?:기고(?:문)?|칼럼|시론|논단|시평|오피니언|독자\s*투고)"
    r"(?:\s*[-:·|][^\])】〉>]{0,20})?\s*[\])】〉>]"
)
# Sections that hold signed opinion pieces (a press's first-listed section).
OPINION_SECTIONS = frozenset(
    {"오피니언", "사설", "칼럼", "사설ㆍ칼럼", "사설·칼럼", "기고", "opinion"}
)
# A writer's line: a name, then what the writer is ("김승룡 소방청장 직무대행",
# "홍길동(○○대 경제학과 교수)"): the last word a title, no sentence, no figure, no quote.
WRITER_LINE_RE = re.compile(
    r"^(?:글\s*[=:]?\s*)?([가-힣]{2,4})\s*(?:\(([^()]{2,40})\)|\s([가-힣A-Za-z·&/ ]{2,40}))$"
)
WRITER_TITLE_RE = re.compile(
    r"(?:장|교수|대표|대표이사|위원|의원|박사|변호사|회계사|세무사|노무사|변리사|이사|대행|"
    r"연구원|작가|평론가|논설위원|고문|의사|원장|총재|장관|차관|대사|목사|신부|스님|시인|소설가|"
    r"전문가|컨설턴트|CEO|지사|군수|교육감|관장|소장|센터장|특보|비서관|석좌|강사|교사)$"
)
WRITER_LINE_MAX_CHARS = 40
BYLINE_EDGE_BLOCKS = 3  # bylines sit in the first or last paragraphs
COPYRIGHT_LINE_MAX_CHARS = 120  # longer paragraphs that mention copyright are article text


class Site(Protocol):
    """The interface of one site module."""

    NAME: str
    PARSER_VERSION: str

    def handles(self, url: str) -> bool: ...

    def canonical_url(self, url: str) -> str: ...

    def is_article_url(self, url: str) -> bool:
        """Does `url` (a URL this site handles) name one article? Discovery keeps those."""
        ...

    def parse(self, page: Page) -> Article: ...


class ListingSite(Protocol):
    """A site module that also lists its articles: the `--source` specs named after it
    (`scrapers.sites.DISCOVERY`, `scrapers.sites.sources`)."""

    NAME: str
    SOURCE_HELP: str  # the spec's shape, for the error on an unknown source

    def list_urls(self, source: SourceSpec) -> list[str]:
        """The list pages or feeds `source` stands for (`BadSource` for a bad spec)."""
        ...

    def list_links(self, root: HtmlElement, url: str) -> list[str]:
        """The links on the site's list page `root` (fetched from `url`) that may be
        articles: the list's own items where the page has some, else every link."""
        ...


def parse_document(text: str) -> HtmlElement:
    """The page as an lxml tree (one that has no document at all gives an empty <html>)."""
    import lxml.html
    from lxml import etree

    # UTF-8 bytes: libxml2 then reads its own encoding, where a str would be converted from
    # Python's UTF-16 or UCS-4 buffer (and a str with an XML encoding declaration is refused).
    try:
        data = text.encode("utf-8")
        return lxml.html.document_fromstring(data, parser=_html_parser(encoding="utf-8"))
    except UnicodeEncodeError:  # a lone surrogate (decoding never leaves one): as lxml reads it
        return lxml.html.document_fromstring(text, parser=_html_parser())
    except etree.ParserError:
        return lxml.html.document_fromstring("<html></html>")


def _html_parser(**options: str) -> lxml.html.HTMLParser:
    """lxml.html's parser with lxml's C-level element class lookup.

    lxml.html's own lookup calls into Python for every element it hands out, to give form
    elements their own classes (unused here): about 5% of a page's parse time. No table of
    `id` attributes either: only XPath's `id()` reads it, and nothing here calls that. A new
    parser per document, as lxml parsers must not be shared between threads.
    """
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(collect_ids=False, **options)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


def clean(text: str | None) -> str:
    """Whitespace collapsed to single spaces (including &nbsp;), ends stripped."""
    return " ".join(text.split()) if text else ""


def text_of(element: HtmlElement) -> str:
    return clean(element.text_content())


def has_class(name: str) -> str:
    """XPath predicate body: the element's class list contains `name`.

    The plain substring test first lets libxml2 skip the string building for nearly every
    element (Naver pages, which run a dozen such searches, parse about 5% faster).
    """
    return (
        f"(contains(@class, '{name}') and "
        f"contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"
    )


def with_class(tag: str, name: str) -> str:
    """XPath steps: the `tag` elements whose class list contains `name` (after `descendant::`).

    They are found through the class attributes, which the substring test leaves few of: a
    `tag[…]` predicate builds a node set for every `tag` element's @class (a Naver page, which
    runs a dozen such searches, parses in about 3% fewer instructions).
    """
    return (
        f"{tag}/@class[contains(., '{name}')]"
        f"/parent::*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    )


def first(root: HtmlElement, xpath: str) -> HtmlElement | None:
    found = root.xpath(xpath)
    return found[0] if found else None


def meta(root: HtmlElement, key: str) -> str | None:
    """Content of `<meta property=key>` or `<meta name=key>`, unescaped, or None when empty."""
    values = root.xpath("descendant::meta[@property=$k or @name=$k]/@content", k=key)
    for value in values:
        text = clean(html.unescape(str(value)))
        if text:
            return text
    return None


def meta_tags(root: HtmlElement) -> dict[str, str]:
    """Every key's `meta(root, key)`, read in one pass (for parsers that look up many)."""
    found: dict[str, str] = {}
    for element in root.iter("meta"):
        content = element.get("content")
        text = clean(html.unescape(content)) if content is not None else ""
        if not text:
            continue
        for key in (element.get("property"), element.get("name")):
            if key is not None:
                found.setdefault(key, text)
    return found


def drop(elements: Iterable[HtmlElement]) -> None:
    """Remove elements but keep their tail text, joined without inserting spaces."""
    for element in list(elements):
        if element.getparent() is not None:
            drop_tree(element)


def drop_tree(element: HtmlElement) -> None:
    """`element.drop_tree()`, also beside text that holds a control character.

    lxml's parser keeps such characters in the tree, but its API refuses to write them, and
    dropping an element writes its tail into the text before it.
    """
    try:
        element.drop_tree()
    except ValueError:
        previous, parent = element.getprevious(), element.getparent()
        element.tail = _xml_safe(element.tail)
        if previous is not None:
            previous.tail = _xml_safe(previous.tail)
        elif parent is not None:
            parent.text = _xml_safe(parent.text)
        element.drop_tree()


CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(text: str | None) -> str | None:
    return CONTROL_CHARS_RE.sub("", text) if text else text


def body_blocks(
    element: HtmlElement,
    *,
    keep: Callable[[str], bool] = lambda _: True,
) -> list[Block]:
    """Blocks of a body element: every <br> and block-level tag ends a paragraph.

    Headings become HEADING blocks and blockquotes QUOTE blocks; paragraphs that `keep`
    rejects are left out.
    """
    blocks: list[Block] = []
    buffer: list[str] = []

    def flush() -> None:
        text = clean("".join(buffer))
        buffer.clear()
        if text and keep(text):
            blocks.append(Block(BlockKind.PARAGRAPH, text))

    def walk(node: HtmlElement) -> None:
        if node.text:
            buffer.append(node.text)
        for child in node:
            tag = child.tag.lower() if isinstance(child.tag, str) else None
            if tag is None:  # comment or processing instruction: only its tail counts
                pass
            elif tag == "br":
                flush()
            elif tag in SKIP_TAGS:
                pass
            elif tag in HEADING_TAGS or tag in QUOTE_TAGS:
                flush()
                text = text_of(child)
                if text:
                    kind = BlockKind.HEADING if tag in HEADING_TAGS else BlockKind.QUOTE
                    blocks.append(Block(kind, text))
            elif tag in BLOCK_TAGS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)
            if child.tail:
                buffer.append(child.tail)

    walk(element)
    flush()
    return blocks


def lines_split_on_br(element: HtmlElement) -> tuple[str, ...]:
    """Non-empty lines of an element whose lines are separated by <br> (a deck, a subtitle)."""
    return tuple(b.text for b in body_blocks(element))


def not_copyright(text: str) -> bool:
    """False for a short copyright / no-redistribution line."""
    return not (len(text) <= COPYRIGHT_LINE_MAX_CHARS and COPYRIGHT_RE.search(text))


def author_from_byline(text: str) -> Author | None:
    """ "이현주 기자(lovelypsyche@newsis.com)", "한지숙 jshan@heraldcorp.com" → Author."""
    email_match = EMAIL_RE.search(text)
    email = email_match.group(0) if email_match else None
    name = EMAIL_RE.sub("", text)
    name = re.sub(r"[()<>\[\]]", " ", name)
    name = BYLINE_PREFIX_RE.sub("", clean(name))
    name = REPORTER_SUFFIX_RE.sub("", name).strip(" =·,/")
    if not name and email is None:
        return None
    return Author(name=name or email or "", email=email)


def reporter_name(text: str) -> str:
    """ "이현주 기자" → "이현주"; "정리=김정형 기자" → "김정형"."""
    return REPORTER_SUFFIX_RE.sub("", BYLINE_PREFIX_RE.sub("", clean(text))).strip()


def authors_in_body(blocks: list[Block]) -> tuple[Author, ...]:
    """Reporters named with an e-mail in the first or last paragraphs ("김미경기자 a@dt.co.kr")."""
    found: dict[str, Author] = {}
    edge = BYLINE_EDGE_BLOCKS
    for block in blocks[-edge:] + blocks[:edge] if len(blocks) > 2 * edge else blocks:
        for name, email in BODY_BYLINE_RE.findall(block.text):
            found.setdefault(name, Author(name=name, email=email))
    if found or not blocks:
        return tuple(found.values())
    # Wire style: "(서울=연합뉴스) 홍길동 기자 = …" first, the e-mail alone on the last line.
    dateline = DATELINE_RE.match(blocks[0].text)
    if dateline is None:
        return ()
    last = blocks[-1].text
    email = last if EMAIL_RE.fullmatch(last) else None
    return (Author(name=dateline.group(1), email=email),)


def is_contribution(title: str, section: str | None) -> bool:
    """Is the article a signed contribution or column (its headline's tag, its section)?"""
    return bool(CONTRIBUTION_TAG_RE.search(title)) or (section or "").lower() in OPINION_SECTIONS


def writer_of_line(line: str) -> Author | None:
    """The writer a contribution's line names ("김승룡 소방청장 직무대행" → 김승룡), or None
    for a line that is not a name followed by the writer's title."""
    text = clean(line).rstrip(".")
    if len(text) > WRITER_LINE_MAX_CHARS:
        return None
    match = WRITER_LINE_RE.match(text)
    if match is None:
        return None
    what = clean(match.group(2) or match.group(3))
    if not WRITER_TITLE_RE.search(what):
        return None
    return Author(name=match.group(1))


def merge_authors(names: Iterable[str], bylines: Iterable[Author]) -> tuple[Author, ...]:
    """Authors named in a header, given the e-mails found in bylines (matched by name)."""
    by_name = {a.name: a for a in bylines}
    out: dict[str, Author] = {}
    for name in names:
        if name and name not in out:
            out[name] = by_name.get(name, Author(name=name))
    for author in by_name.values():
        if author.name not in out and not any(a.email == author.email for a in out.values()):
            out[author.name] = author
    return tuple(out.values())


def kst(value: datetime) -> datetime:
    """A naive KST wall-clock time made aware, or an aware time converted to KST."""
    return value.replace(tzinfo=KST) if value.tzinfo is None else value.astimezone(KST)


def parse_iso(value: str | None) -> datetime | None:
    """ISO 8601 (with `Z` or an offset) as an aware datetime in KST; None when absent."""
    if not value:
        return None
    try:
        return kst(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def require(value: str | None, parser: str, url: str, what: str) -> str:
    if not value:
        raise ParseError(parser, url, what)
    return value
