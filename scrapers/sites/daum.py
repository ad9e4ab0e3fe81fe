"""Daum News article pages (v.daum.net/v/<id>, news.v.daum.net/v/<id>), two layouts.

Daum republishes the press's articles; the press (not Daum) is the article's press:
`og:article:author`, else the press named in the page's header.

What this parser rests on: two real pages (../shared/corpus/daum, see PROVENANCE.tsv) and
nothing else. Every selector below was read off one of them; no Daum markup was guessed.

* `NEWS_V` — news.v.daum.net as captured in 2022 (a 2018 article): the header in `#cSub`
  (`h3.tit_view`, `span.info_view` with the reporter and "입력 2018. 05. 16. 16:23", the
  press logo in `em.info_cp`), the deck in `strong.summary_view`, the text in
  `div#harmonyContainer.article_view`, the section in `h2#kakaoBody`, the long article id
  in the comment box (`#alex-area[data-post-id]`); og:url gives the short id.
* `BOX_VIEW` — v.daum.net as fetched in 2026: the header in `article#mArticle.box_view >
  .head_view` (the date without a label), the text in `.news_view > .article_view`, the
  press in the page header (`#kakaoServiceLogo`), the section in `main#kakaoContent`'s
  hidden `h2`, the long id in og:url and the page's data (`consumerContentId`). The deck is
  read as in `NEWS_V` (`.news_view > strong.summary_view`), which the corpus page has none of.

A layout is chosen by the page (its own marker element), never by the URL; a new layout is
one more `Layout` entry in `LAYOUTS`, leaving the others alone. A page that matches no
layout is refused: `NotAnArticle` for a deleted article ("삭제된 기사입니다"), for a list page
(no article view, not an article URL); `ParseError` naming the article view otherwise.
Inside a layout, a missing title, date or press is a `ParseError` naming the element; an
article view with no text is `NotAnArticle` when it holds a video (video-only page) or only
pictures (photo gallery).

Not taken from the page: the press's own article URL (`original_url`). Neither page links
it: the 2018 logo links the press's home page, the 2026 one its Daum channel, and the lists
under the text ("뉴시스 주요 뉴스", "YTN에서 직접 확인하세요", "해당 언론사로 이동합니다")
are the press's picks, as "이 시각 추천뉴스" are Daum's: none is related to the article
(`scrapers.sites.related` decides what is). Daum's furniture (기사 도구 모음, the automatic
summary and its notice, translation notices, the emotion box, comments) sits outside the
article view and is never read; the press's trailer inside it (sign-off, credits, bylines,
tip-off lines, copyright) is cut from the end of the text, its e-mails kept for the authors.

Every URL form of one article maps to https://v.daum.net/v/<id>; a short id (og:url
`/v/oU43f89lSh`) is replaced by the long one when the page gives it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urljoin, urlsplit

from scrapers.errors import NotAnArticle, ParseError
from scrapers.model import Article, Author, Block, BlockKind, Image, Page, RelatedLink
from scrapers.sites.base import (
    EMAIL_RE,
    KST,
    body_blocks,
    clean,
    drop,
    first,
    has_class,
    lines_split_on_br,
    meta,
    not_copyright,
    parse_document,
    reporter_name,
    text_of,
)
from scrapers.sites.related import related_in_body
from scrapers.urls import host_of, normalise_url

if TYPE_CHECKING:
    from lxml.html import HtmlElement

NAME = "daum"
PARSER_VERSION = "1"

# v.media.daum.net is the 2017 host of the same ids; it redirects to v.daum.net today.
HOSTS = frozenset({"v.daum.net", "news.v.daum.net", "v.media.daum.net"})
CANONICAL = "https://v.daum.net/v/{id}"
ARTICLE_PATH_RE = re.compile(r"^/v/([0-9A-Za-z]+)/?$")
LONG_ID_RE = re.compile(r"^\d{17}$")  # yyyymmddHHMMSS + milliseconds: 20180516162315753


@dataclass(frozen=True, slots=True)
class Layout:
    """One Daum article layout: the element that tells it, and where each field is."""

    name: str
    view: str  # the article view as CSS says it, for error messages
    marker: str  # XPath: present on this layout's article pages only
    title: str
    info_items: str  # the header's items: reporter names and dates ("입력 …", "수정 …")
    deck: str
    body: str
    press: str  # XPath to the press's name in the page's header (text or attribute)
    section: str
    long_ids: tuple[str, ...] = ()  # XPaths to attributes holding the long article id
    long_id_script: re.Pattern[str] | None = None  # the long id in the page's inline data


NEWS_V = Layout(
    name="news_v",
    view="div#harmonyContainer.article_view",
    marker=f"descendant::div[@id='harmonyContainer'][{has_class('article_view')}]",
    title=f"descendant::div[@id='cSub']/descendant::h3[{has_class('tit_view')}]",
    info_items=(
        f"descendant::div[@id='cSub']/descendant::span[{has_class('info_view')}]"
        f"/span[{has_class('txt_info')}]"
    ),
    deck=f"descendant::div[{has_class('news_view')}]/strong[{has_class('summary_view')}]",
    body=f"descendant::div[@id='harmonyContainer'][{has_class('article_view')}]",
    press=(
        f"descendant::div[@id='cSub']/descendant::em[{has_class('info_cp')}]/descendant::img/@alt"
    ),
    section="descendant::h2[@id='kakaoBody']",
    long_ids=(
        "descendant::*[@id='alex-area']/@data-post-id",
        "descendant::*[@id='alex_action_emotion']/@data-item-key",
    ),
)

_BOX_VIEW = f"descendant::article[@id='mArticle'][{has_class('box_view')}]"
BOX_VIEW = Layout(
    name="box_view",
    view="article#mArticle.box_view > .news_view > .article_view",
    marker=f"{_BOX_VIEW}/div[{has_class('news_view')}]/div[{has_class('article_view')}]",
    title=f"{_BOX_VIEW}/div[{has_class('head_view')}]/h3[{has_class('tit_view')}]",
    info_items=(
        f"{_BOX_VIEW}/div[{has_class('head_view')}]/div[{has_class('info_view')}]"
        f"/span[{has_class('txt_info')}]"
    ),
    deck=f"{_BOX_VIEW}/div[{has_class('news_view')}]/strong[{has_class('summary_view')}]",
    body=f"{_BOX_VIEW}/div[{has_class('news_view')}]/div[{has_class('article_view')}]",
    press="descendant::header[@id='kakaoHead']/descendant::a[@id='kakaoServiceLogo']",
    section=f"descendant::main[@id='kakaoContent']/section/h2[{has_class('screen_out')}]",
    long_id_script=re.compile(r"consumerContentId\s*:\s*\"(\d{17})\""),
)

LAYOUTS: tuple[Layout, ...] = (NEWS_V, BOX_VIEW)

DATE = f"descendant::span[{has_class('num_date')}]"
DATE_RE = re.compile(r"^(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{1,2}):(\d{2})$")
PUBLISHED_LABELS = frozenset({"", "입력"})
UPDATED_LABELS = frozenset({"수정"})
REG_DATE_FORMAT = "%Y%m%d%H%M%S"  # og:regDate, 20180516162312

PHOTOS = "descendant::figure"
PHOTO_IMAGE = "descendant::img[@data-org-src or @src]"
PHOTO_CAPTION = "descendant::figcaption"
VIDEOS = (
    f"descendant::*[{has_class('video_frm')} or starts-with(@dmcf-ptype, 'kakaotv')] | "
    "descendant::iframe[starts-with(@dmcf-mtype, 'video')] | descendant::video"
)
BODY_JUNK = "descendant::script | descendant::style | descendant::noscript"
# Daum's own words, were a layout to put them in the article view: tool bar, automatic
# summary, translation and press-link notices, the emotion box.
DAUM_FURNITURE_RE = re.compile(
    r"^(?:기사\s*도구\s*모음|자동\s*요약|음성\s*기사\s*듣기|음성으로\s*듣기|번역\s*설정|"
    r"글씨\s*크기\s*조절하기|인쇄하기|공유|"
    r"기사\s*제목과\s*주요\s*문장을\s*기반으로\s*자동요약한\s*결과입니다.*|"
    r"해당\s*언론사로\s*(?:연결|이동)됩니다\.?|.{1,20}에서\s*직접\s*확인하세요\.?|"
    r"이\s*기사에\s*대해\s*어떻게\s*생각하시나요\??|이\s*시각\s*추천\s*뉴스|"
    r"The copyright belongs to the original writer of the content.*)$"
)
# A Daum page that stands for an article no longer there.
DELETED_RE = re.compile(
    r"(?:삭제|노출\s*중단)\s*된\s*기사입니다|존재하지\s*않는\s*기사(?:입니다)?|"
    r"기사를\s*찾을\s*수\s*없습니다"
)
MAX_NOTICE_CHARS = 60  # a deleted-article notice is a short line of its own
VISIBLE_TEXTS = (
    "descendant::title/text() | "
    "descendant::body/descendant::text()[not(ancestor::script or ancestor::style or ancestor::a)]"
)
ARTICLE_LINKS = "descendant::a/@href"
NOT_A_PRESS = frozenset({"다음뉴스", "Daum", "다음", "카카오"})
# Names in the header: "이근홍", "홍길동 기자", "홍길동·김철수 기자".
NAME_SPLIT_RE = re.compile(r"\s*[,·/]\s*")
# A reporter named with an e-mail in a trailer line: "YTN 김이영 (kimyy0820@ytn.co.kr)",
# "홍길동 기자 hong@x.com".
NAMED_EMAIL_RE = re.compile(
    r"([가-힣]{2,4})\s*(?:(?:선임|수석|객원|인턴)?기자|특파원)?\s*[(<\[]?\s*"
    r"([\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)
# Placeholder for a photo's place in the text while the text is walked (private-use marks).
_FIGURE_MARK = "\ue000figure:{}\ue000"
_FIGURE_MARK_RE = re.compile("^\ue000figure:(\\d+)\ue000$")


def handles(url: str) -> bool:
    return host_of(url) in HOSTS


def is_article_url(url: str) -> bool:
    return ARTICLE_PATH_RE.match(urlsplit(url).path) is not None


def article_id(url: str) -> str | None:
    """The article id of a Daum article URL (long or short), or None for other pages."""
    if host_of(url) not in HOSTS:
        return None
    match = ARTICLE_PATH_RE.match(urlsplit(url).path)
    return match.group(1) if match else None


def canonical_url(url: str) -> str:
    """https://v.daum.net/v/<id> for every form of an article URL; other URLs normalised."""
    found = article_id(url)
    return CANONICAL.format(id=found) if found else normalise_url(url)


def parse(page: Page) -> Article:
    root = parse_document(page.text)
    layout = next((lay for lay in LAYOUTS if first(root, lay.marker) is not None), None)
    if layout is None:
        _refuse(root, page)
    url = _page_url(root, page, layout)
    return _parse_layout(root, layout, url)


def _refuse(root: HtmlElement, page: Page) -> NoReturn:
    """Raise for a page with no article view: deleted, a list, or an unknown layout."""
    url = canonical_url(page.final_url)
    if notice := _deleted_notice(root.xpath(VISIBLE_TEXTS)):
        raise _deleted(url, notice)
    if article_id(page.final_url) is None:
        base = page.final_url
        links = {i for h in root.xpath(ARTICLE_LINKS) if (i := article_id(urljoin(base, str(h))))}
        raise NotAnArticle(
            NAME, url, f"a Daum list page, no article view ({len(links)} article links)"
        )
    views = " or ".join(lay.view for lay in LAYOUTS)
    raise ParseError(NAME, url, f"article view ({views})")


def _deleted_notice(texts: Iterable[object]) -> str | None:
    """Daum's notice that the article is gone ("삭제된 기사입니다", "존재하지 않는 기사입니다"),
    when a short line of its own says so."""
    for text in (clean(str(t)) for t in texts):
        if len(text) <= MAX_NOTICE_CHARS and (found := DELETED_RE.search(text)):
            return found.group(0)
    return None


def _deleted(url: str, notice: str) -> NotAnArticle:
    return NotAnArticle(NAME, url, f"a deleted article (Daum: {notice})")


def _page_url(root: HtmlElement, page: Page, layout: Layout) -> str:
    """The canonical URL with the long id: from the fetched URL, og:url or the page's data."""
    for candidate in (page.final_url, meta(root, "og:url") or ""):
        found = article_id(candidate)
        if found and LONG_ID_RE.match(found):
            return CANONICAL.format(id=found)
    for xpath in layout.long_ids:
        for value in root.xpath(xpath):
            found = str(value).strip().lstrip("@")
            if LONG_ID_RE.match(found):
                return CANONICAL.format(id=found)
    if layout.long_id_script is not None:
        for script in root.iter("script"):
            match = layout.long_id_script.search(script.text or "")
            if match:
                return CANONICAL.format(id=match.group(1))
    return canonical_url(page.final_url)


def _missing(root: HtmlElement, url: str, what: str) -> NoReturn:
    """Raise for a layout's page that lacks `what`: a deleted article if the page says so
    (the notice may stand where the title or the text was), else a `ParseError`."""
    if notice := _deleted_notice(root.xpath(VISIBLE_TEXTS)):
        raise _deleted(url, notice)
    raise ParseError(NAME, url, what)


def _parse_layout(root: HtmlElement, layout: Layout, url: str) -> Article:
    title_el = first(root, layout.title)
    if title_el is None or not text_of(title_el):
        _missing(root, url, f"title (h3.tit_view, {layout.name} layout)")
    published, updated = _dates(root, layout, url)
    press = _press(root, layout)
    if press is None:
        _missing(root, url, f"press (og:article:author or the header's press, {layout.name})")

    body = first(root, layout.body)
    assert body is not None  # the layout's marker
    related = tuple(
        RelatedLink(url=canonical_url(link) if article_id(link) else link, title=t, press=press)
        for link, t in related_in_body(body, url)
    )
    drop(body.xpath(BODY_JUNK))
    videos = body.xpath(VIDEOS)
    drop(videos)
    images, captions = _photos(body)
    blocks = body_blocks(body, keep=lambda t: not_copyright(t) and not DAUM_FURNITURE_RE.match(t))
    blocks = [_caption_block(b, captions) for b in blocks]
    blocks, trailer = _without_trailer(blocks, press)

    texts = [b.text for b in blocks if b.kind is BlockKind.PARAGRAPH]
    if len(texts) <= 1 and (notice := _deleted_notice(texts)):
        raise _deleted(url, notice)
    if not texts:
        if videos:
            raise NotAnArticle(NAME, url, "a video-only page: a video and no article text")
        if images:
            raise NotAnArticle(NAME, url, "a photo gallery: pictures and captions, no article text")
        _missing(root, url, f"body text in .article_view ({layout.name})")

    deck = first(root, layout.deck)
    section = first(root, layout.section)
    return Article(
        url=url,
        site=NAME,
        title=text_of(title_el),
        blocks=tuple(blocks),
        parser=NAME,
        parser_version=PARSER_VERSION,
        press=press,
        subheadings=lines_split_on_br(deck) if deck is not None else (),
        section=(text_of(section) or None) if section is not None else None,
        published_at=_with_seconds(published, meta(root, "og:regDate")),
        updated_at=updated,
        authors=_authors(root, layout, press, texts, trailer),
        images=images,
        related=related,
        extra={"layout": layout.name},
    )


def _dates(root: HtmlElement, layout: Layout, url: str) -> tuple[datetime, datetime | None]:
    """(published, updated) from the header: "입력 2018. 05. 16. 16:23", "수정 …", or a
    date without a label (the 2026 layout), which is the publication time."""
    published: datetime | None = None
    updated: datetime | None = None
    for item in root.xpath(layout.info_items):
        date_el = first(item, DATE)
        if date_el is None:
            continue
        value = _kst_time(text_of(date_el))
        label = clean(text_of(item).replace(text_of(date_el), ""))
        if value is None:
            raise ParseError(NAME, url, f"a readable date in .num_date ({text_of(date_el)!r})")
        if label in PUBLISHED_LABELS and published is None:
            published = value
        elif label in UPDATED_LABELS and updated is None:
            updated = value
    if published is None:
        _missing(root, url, f"publication time (.info_view .num_date, {layout.name})")
    return published, updated


def _kst_time(text: str) -> datetime | None:
    """ "2018. 05. 16. 16:23", "2026. 3. 21. 21:43" → an aware KST datetime."""
    match = DATE_RE.match(text)
    if match is None:
        return None
    year, month, day, hour, minute = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=KST)
    except ValueError:
        return None


def _with_seconds(shown: datetime, reg_date: str | None) -> datetime:
    """The shown time, with og:regDate's seconds when both name the same minute."""
    if reg_date:
        try:
            registered = datetime.strptime(reg_date, REG_DATE_FORMAT).replace(tzinfo=KST)
        except ValueError:
            return shown
        if registered.replace(second=0) == shown:
            return registered
    return shown


def _press(root: HtmlElement, layout: Layout) -> str | None:
    """The article's press: og:article:author, else the press named in the header."""
    candidates: list[str] = [meta(root, "og:article:author") or ""]
    for found in root.xpath(layout.press):
        candidates.append(clean(found if isinstance(found, str) else text_of(found)))
    for name in candidates:
        if name and name not in NOT_A_PRESS:
            return name
    return None


def _photos(body: HtmlElement) -> tuple[tuple[Image, ...], list[str]]:
    """Images with captions; each figure is left as a mark where its caption goes."""
    images: list[Image] = []
    captions: list[str] = []
    for figure in body.xpath(PHOTOS):
        if figure.getparent() is None:
            continue
        caption_el = first(figure, PHOTO_CAPTION)
        caption = text_of(caption_el) if caption_el is not None else ""
        for img in figure.xpath(PHOTO_IMAGE):
            src = clean(img.get("data-org-src") or img.get("src"))
            if src and all(i.url != src for i in images):
                images.append(Image(url=src, caption=caption or None))
        parent = figure.getparent()
        if caption and parent is not None:
            mark = figure.makeelement("p", {})
            mark.text = _FIGURE_MARK.format(len(captions))
            mark.tail = figure.tail
            captions.append(caption)
            parent.replace(figure, mark)
        else:
            drop([figure])
    return tuple(images), captions


def _caption_block(block: Block, captions: list[str]) -> Block:
    match = _FIGURE_MARK_RE.match(block.text)
    return Block(BlockKind.CAPTION, captions[int(match.group(1))]) if match else block


def _without_trailer(blocks: list[Block], press: str) -> tuple[list[Block], list[str]]:
    """The text without the press's trailer (the paragraphs at its end that are sign-offs,
    credits, bylines, tip-off or copyright lines), and the trailer's lines.

    A broadcaster's sign-off names the press: "지금까지 … YTN 김이영입니다.", also where the
    press's name is not one `scrapers.boilerplate` knows as a broadcaster's ("TV조선", "채널A").
    """
    # scrapers.boilerplate imports scrapers.sites.base, whose package imports this module.
    from scrapers.boilerplate import is_furniture

    sign_off = re.compile(
        rf"^(?:지금까지\s+(?:\S+\s+){{0,4}}?)?{re.escape(press)}(?:\s*뉴스)?\s*[가-힣]{{2,4}}"
        r"(?:\s*(?:기자|특파원))?입니다[.!]?$"
    )
    end = len(blocks)
    while end and blocks[end - 1].kind is BlockKind.PARAGRAPH:
        text = blocks[end - 1].text
        if not (is_furniture(text) or sign_off.match(text)):
            break
        end -= 1
    return blocks[:end], [b.text for b in blocks[end:]]


def _authors(
    root: HtmlElement, layout: Layout, press: str, texts: list[str], trailer: list[str]
) -> tuple[Author, ...]:
    """Reporters named in the header, with the e-mails the text's bylines give them.

    An e-mail alone on a trailer line (a wire's "lkh2011@newsis.com") is the reporter's when
    the header names one reporter only.
    """
    names: list[str] = []
    for item in root.xpath(layout.info_items):
        if first(item, DATE) is not None:
            continue
        for part in NAME_SPLIT_RE.split(text_of(item)):
            name = reporter_name(part)
            if name and name != press and name not in names:
                names.append(name)
    emails: dict[str, str] = {}
    for line in [*trailer, *texts]:
        for name, email in NAMED_EMAIL_RE.findall(line):
            emails.setdefault(name, email)
    alone = [line for line in trailer if EMAIL_RE.fullmatch(line.strip(" <>()"))]
    if len(names) == 1 and names[0] not in emails and len(alone) == 1:
        emails[names[0]] = alone[0].strip(" <>()")
    return tuple(Author(name=name, email=emails.get(name)) for name in names)
