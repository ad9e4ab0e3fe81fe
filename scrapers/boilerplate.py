"""Newsroom furniture inside article text: bylines, credits, captions, contact lines.

Korean news text carries lines that are not the story: a dateline with the reporter
(`[서울=뉴시스]이현주 기자 =`), a byline with an e-mail (`홍길동 기자 hong@example.com`),
broadcast stage cues (`[앵커]`) and sign-offs (`YTN 김이영입니다.`), video and photo
credits (`영상편집 : …`, `(사진=연합뉴스)`), photo captions (`▲ …`), contact lines
(`자세한 사항은 …(☎031-…)로 문의하면 된다.`), subscribe and tip-off prompts, copyright
lines. A reader skips them; nothing built from an article's sentences should quote them.

`byline_prefix` and `byline_suffix` find such furniture glued to the start or the end of
a paragraph, `is_furniture` tells a whole line of it. They are pure text tests, so they
serve text nobody cleaned (an imported article) as well as parsed pages; `clean_article`
applies them to a parsed article's paragraphs, on every site.
"""

from __future__ import annotations

import re
from dataclasses import replace

from scrapers.errors import ParseError
from scrapers.model import Article, Author, Block, BlockKind
from scrapers.sites.base import COPYRIGHT_RE, author_from_byline

# Titles that follow a reporter's name.
_REPORTER = r"(?:(?:선임|수석|객원|인턴|전문|사진|영상|취재)?기자|특파원|통신원|논설위원)"
_NAME = r"[가-힣]{2,4}"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_OPEN, _CLOSE = r"[\[(【<〈]", r"[\])】>〉]"

# At the start of a sentence: a wire dateline, a bracketed byline or a stage cue, each with
# the reporter's "홍길동 기자 =" that may follow it.
_LEADING = re.compile(
    rf"""^\s*(?:
        {_OPEN}[^\])】>〉=]{{1,30}}=[^\])】>〉]{{1,30}}{_CLOSE}   # [서울=뉴시스] (부산=연합뉴스)
      | {_OPEN}[^\])】>〉]{{0,30}}{_REPORTER}{_CLOSE}             # [이데일리 김현아 기자]
      | {_OPEN}\s*(?:사진|그래픽|자료)\s*[=:：][^\])】>〉]{{1,30}}{_CLOSE}  # (사진=연합뉴스)
      | {_OPEN}\s*(?:앵커|기자|리포트|앵커\s*멘트|기자\s*멘트|인터뷰|녹취|현장음|싱크)
            [^\])】>〉]{{0,30}}{_CLOSE}                          # [앵커] [인터뷰: 홍길동 / 시민]
      | ◀\s*(?:앵커|리포트|인터뷰)\s*▶
    )\s*
    (?:{_NAME}\s*{_REPORTER}\s*=\s*)?""",
    re.VERBOSE,
)
_LEADING_REPORTER = re.compile(rf"^\s*{_NAME}\s*{_REPORTER}\s*=\s*")

# A whole line that is a byline: "포천=박덕준 기자 pdj3015@…", "동부취재본부/김우관 기자",
# "기경범 kgb@namdonews.com", "이영실 기자 .", possibly two reporters on one line.
_BYLINE_LINE = re.compile(
    rf"""^[\s/]*(?:[^\s=/]{{1,12}}\s*[=/]\s*)?
    (?:{_NAME}\s*(?:{_REPORTER}\s*(?:{_EMAIL})?|{_EMAIL})[\s,·.]*){{1,3}}$""",
    re.VERBOSE,
)
# A broadcast report's last line: "YTN 김이영입니다.", "지금까지 광화문광장에서 YTN 김이영입니다."
_SIGN_OFF = re.compile(
    rf"^(?:지금까지\s+(?:\S+\s+){{0,4}}?)?"
    rf"(?:[A-Z][A-Za-z0-9]*|[가-힣A-Za-z]*뉴스[가-힣A-Za-z]*)(?:\s*뉴스)?\s+{_NAME}"
    rf"(?:\s*{_REPORTER})?입니다[.!]?$"
)
_CREDIT = re.compile(
    rf"""^\s*[/▲]?\s*{_OPEN}?\s*(?:
        영상\s*(?:취재|편집|기자|촬영|제공)|촬영\s*기자|그래픽|편집|취재|사진|자료|출처|제작
      | 구성|디자인|CG|일러스트|글|진행|연출|작가|PD
    )\s*[:=：]""",
    re.VERBOSE,
)
_CAPTION = re.compile(r"^\s*[▲△]")  # a photo caption (also used for lists of items)
_PROMPT_MARK = re.compile(r"^\s*[▶☞※]")  # "▶ … 구독하기", "☞ 관련기사", "※ 이 기사는 …"
_CONTACT = re.compile(rf"☎|\d{{2,4}}-\d{{3,4}}-\d{{4}}|{_EMAIL}|https?://|www\.")
_CONTACT_WORDS = re.compile(r"문의|연락처|제보|구독")
# Links to elsewhere: "(▶바로가기)", "채널 추가", "앱 다운로드".
_PROMPT_WORDS = re.compile(r"바로\s?가기|구독\s?하기|채널\s?추가|앱\s?다운|좋아요와 구독")
_LABEL = re.compile(rf"{_OPEN}[^\])】>〉]{{1,12}}{_CLOSE}")  # [전화] [메일] [카카오톡]
MAX_CONTACT_LINE_WORDS = 3  # what is left of a contact line without its number and labels
# At the end of a paragraph: a reporter with an e-mail ("… 주장했다. 김미경기자 a@dt.co.kr"),
# or a wire service credited after the last sentence ("… 말했다. 연합뉴스").
_TRAILING = re.compile(
    rf"""(?:(?<=[.!?。”"’'])|^)\s*(?:
        [/<(]?\s*(?:[^\s=/]{{1,12}}\s*[=/]\s*)?{_NAME}\s*{_REPORTER}?\s*[(<]?{_EMAIL}[)>]?
      | (?:연합뉴스|뉴시스|뉴스1|AP|AFP|로이터)(?:\s*=\s*{_NAME}\s*{_REPORTER}?)?
    )[\s.]*$""",
    re.VERBOSE,
)
# A short line that ends in a reporter's title or e-mail and states nothing: a byline in a
# shape of its own ("경주=이권효 boriam@donga.com /최지연·박성민 기자").
_ENDS_AS_BYLINE = re.compile(
    rf"(?:(?:^|[^가-힣]){_NAME}\s*(?:(?:선임|수석|객원|인턴|사진|영상)?기자|특파원)|{_EMAIL})[\s>).]*$"
)
_STATEMENT = re.compile(r"[다요][.!?]")
MAX_BYLINE_CHARS = 60
_EMAIL_ONLY = re.compile(rf"^[\s<(]*{_EMAIL}[\s>).]*$")
_ONLY_CUE = re.compile(rf"^\s*(?:{_OPEN}[^\])】>〉]{{1,30}}{_CLOSE}\s*)+$")  # [영상취재 홍길동]
MAX_FURNITURE_CHARS = 120  # longer lines that mention copyright or contact are article text


def byline_prefix(text: str) -> int:
    """How many leading characters of `text` are a dateline, byline or stage cue (0: none).

    Only a prefix with text after it counts: a line that is all byline is `is_furniture`.
    """
    end = _leading_end(text)
    return end if text[end:].strip() else 0


def byline_suffix(text: str) -> int:
    """Where a reporter's e-mail byline or a wire credit at the end of `text` starts
    (`len(text)`: none). Only a suffix after a sentence counts."""
    match = _TRAILING.search(text)
    return match.start() if match and text[: match.start()].strip() else len(text)


def _leading_end(text: str) -> int:
    match = _LEADING.match(text) or _LEADING_REPORTER.match(text)
    return match.end() if match else 0


def is_furniture(text: str) -> bool:
    """Is this whole line a byline, credit, caption, stage cue, prompt or contact line?"""
    line = text.strip()
    if not line:
        return True
    short = len(line) <= MAX_FURNITURE_CHARS
    return bool(
        _BYLINE_LINE.match(line)
        or _SIGN_OFF.match(line)
        # a long paragraph that opens with a credit or a mark is an article's own text
        or (short and _CREDIT.match(line))
        or (short and _CAPTION.match(line))
        or (short and _PROMPT_MARK.match(line))
        or _ONLY_CUE.match(line)
        or _leading_end(line) == len(line)
        or _EMAIL_ONLY.match(line)
        or _TRAILING.match(line)
        or (
            len(line) <= MAX_BYLINE_CHARS
            and _ENDS_AS_BYLINE.search(line)
            and not _STATEMENT.search(line)
        )
        or (short and COPYRIGHT_RE.search(line))
        or (short and _PROMPT_WORDS.search(line))
        or (short and _CONTACT.search(line) and _CONTACT_WORDS.search(line))
        or (short and _CONTACT.search(line) and _bare(line))
    )


def _bare(line: str) -> bool:
    """Is little left of the line once its numbers, addresses and labels are gone?"""
    rest = _LABEL.sub(" ", _CONTACT_ANY.sub(" ", line))
    return len(re.findall(r"[가-힣A-Za-z]+", rest)) <= MAX_CONTACT_LINE_WORDS


_CONTACT_ANY = re.compile(rf"☎|\d{{2,4}}-\d{{3,4}}-\d{{4}}|{_EMAIL}|https?://\S+|www\.\S+")


def clean_article(article: Article) -> Article:
    """The article without furniture in its paragraphs: furniture lines dropped, bylines cut
    from the front or end of a paragraph. Reporters named only there become its authors."""
    blocks: list[Block] = []
    bylines: list[str] = []
    for block in article.blocks:
        if block.kind not in (BlockKind.PARAGRAPH, BlockKind.QUOTE):
            blocks.append(block)
            continue
        text = block.text
        if cut := byline_prefix(text):
            bylines.append(text[:cut])
            text = text[cut:].strip()
        if (end := byline_suffix(text)) < len(text):
            bylines.append(text[end:])
            text = text[:end].rstrip()
        if is_furniture(text):
            bylines.append(text)
            continue
        blocks.append(block if text == block.text else Block(block.kind, text))
    if len(blocks) == len(article.blocks) and not bylines:
        return article
    if not any(b.kind in (BlockKind.PARAGRAPH, BlockKind.QUOTE) for b in blocks):
        raise ParseError(
            article.parser, article.url, "article text (only bylines and page furniture)"
        )
    authors = article.authors or _reporters(bylines)
    return replace(article, blocks=tuple(blocks), authors=authors)


def _reporters(lines: list[str]) -> tuple[Author, ...]:
    """Authors named in removed byline lines: a name with a reporter's title or e-mail."""
    found: dict[str, Author] = {}
    for line in lines:
        for match in _REPORTER_NAMED.finditer(line):
            author = author_from_byline(match.group(0))
            if author is not None and author.name:
                known = found.get(author.name)
                if known is None or (known.email is None and author.email):
                    found[author.name] = author
    return tuple(found.values())


_REPORTER_NAMED = re.compile(rf"{_NAME}\s*(?:{_REPORTER}\s*[(<]?(?:{_EMAIL})?|[(<]?{_EMAIL})")
