"""Bytes of an HTML page to text, and a warning when the text cannot be trusted.

Order (first that applies wins): the HTTP charset, a byte-order mark, strict UTF-8, the
page's own `<meta charset>` (EUC-KR read as its superset cp949), then detection with
charset-normalizer. Meta tags lie on many saved pages (a UTF-8 file still saying euc-kr),
which is why strict UTF-8 is tried before them.

Whatever the route, the text is then checked for mojibake (Korean UTF-8 read as cp949 or
Latin-1, runs of U+FFFD): such text comes back with `warning` set, and the parsers refuse
pages that carry a warning, so damaged text is never stored as an article.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from scrapers.errors import DecodeError
from scrapers.model import Page

# Names pages use for Korean legacy encodings; cp949 is a superset of all of them.
CP949_ALIASES = frozenset(
    {"euc-kr", "euckr", "euc_kr", "ks_c_5601-1987", "ksc5601", "ks_c_5601", "x-windows-949"}
)
META_SCAN_BYTES = 4096  # the HTML spec's pre-scan window for <meta charset>
META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE
)
HTTP_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Mojibake checks. The cut-offs were set by hand between what the corpus shows: the trap
# page (UTF-8 Korean read as cp949 and saved as UTF-16) has 45% '?' next to Hangul/Hanja and
# 22% Hanja; real Korean pages in the corpus have at most 0.2% and 2%. The replacement,
# Latin-1 and detection cut-offs are set by hand the same way, with a wide margin on either
# side; tests/scrapers/test_decode.py holds pages of each kind.
HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
HANJA_RE = re.compile(r"[\u4e00-\u9fff\uf900-\ufaff]")
QMARK_IN_CJK_RE = re.compile(
    r"(?<=[\uac00-\ud7a3\u4e00-\u9fff\uf900-\ufaff])\?|\?(?=[\uac00-\ud7a3\u4e00-\u9fff])"
)
# Hangul in UTF-8 starts with bytes EA-ED ('ê'..'í' in Latin-1) followed by continuation bytes.
LATIN1_HANGUL_RE = re.compile(
    r"[\u00ea-\u00ed][\u0080-\u00bf\u0152-\u0192\u02c6-\u02dc\u2013-\u2122]{2}"
)
MIN_CJK_FOR_RATIOS = 100
MAX_QMARK_RATIO = 0.02
MIN_QMARKS = 10
MAX_HANJA_RATIO = 0.20
MAX_REPLACEMENT_RATIO = 0.01
MIN_REPLACEMENTS = 10
MIN_LATIN1_HANGUL = 20
MAX_DETECTION_CHAOS = 0.2  # charset-normalizer's "mess" ratio above which a guess is not trusted


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    charset: str  # the codec actually used
    warning: str | None = None  # set when the text looks damaged or the charset was a weak guess


def decode_html(content: bytes, content_type: str | None = None) -> Decoded:
    """Decode a page's bytes; raise `DecodeError` when nothing gives text at all.

    The first charset in the order above that decodes strictly and gives sound text wins.
    When a declared charset gives mojibake (a server saying ISO-8859-1 for UTF-8), the next
    one is tried; when all give mojibake, the first result comes back with its warning.
    """
    flagged: Decoded | None = None
    for text, charset, note in _candidates(content, content_type):
        text = text.removeprefix("\ufeff")  # a BOM left when the HTTP charset named the codec
        reason = mojibake_reason(text)
        if reason is None:
            return Decoded(text=text, charset=charset, warning=note)
        flagged = flagged or Decoded(text=text, charset=charset, warning=reason)
    if flagged is None:
        raise DecodeError("the bytes do not decode with any known charset")
    return flagged


def decoded_page(
    url: str,
    content: bytes,
    *,
    fetched_at: datetime,
    final_url: str | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Page:
    """The one way to make a `Page`: response (or file) bytes decoded with `decode_html`,
    the HTTP Content-Type, when there is one, naming the charset first."""
    headers = dict(headers or {})
    decoded = decode_html(content, headers.get("content-type"))
    return Page(
        url=url,
        final_url=final_url or url,
        status=status,
        headers=headers,
        content=content,
        text=decoded.text,
        charset=decoded.charset,
        fetched_at=fetched_at,
        charset_warning=decoded.warning,
    )


def _candidates(content: bytes, content_type: str | None) -> Iterator[tuple[str, str, str | None]]:
    """Strict decodings in order of trust: text, codec, and a note when only guessed.

    Detection runs only when no declared or likely charset decodes at all: on bytes that
    did decode, it tends to find some other codec whose garbage passes the checks.
    """
    declared: list[str] = []
    http = _http_charset(content_type)
    if http is not None:
        declared.append(http)
    bom = next((codec for mark, codec in BOMS if content.startswith(mark)), None)
    if bom is not None:
        declared.append(bom)
    declared.append("utf-8")
    meta = _meta_charset(content)
    if meta is not None:
        declared.append(meta)
    decoded_any = False
    for codec in declared:
        decoded = _strict(content, codec)
        if decoded is not None:
            decoded_any = True
            yield decoded, codec.removesuffix("-sig"), None
    if not decoded_any:
        detected = _detect(content)
        if detected is not None:
            yield detected


def _detect(content: bytes) -> tuple[str, str, str | None] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    if best is None:
        return None
    codec = _codec(best.encoding) or best.encoding
    note = None
    if best.chaos > MAX_DETECTION_CHAOS:
        note = f"charset guessed as {codec} with a high error ratio ({best.chaos:.0%})"
    return str(best), codec, note


def mojibake_reason(text: str) -> str | None:
    """Why `text` looks like mangled Korean, or None when it looks sound."""
    replacements = text.count("\ufffd")
    hangul = len(HANGUL_RE.findall(text))
    hanja = len(HANJA_RE.findall(text))
    cjk = hangul + hanja
    if replacements >= MIN_REPLACEMENTS and replacements > MAX_REPLACEMENT_RATIO * max(cjk, 1):
        return f"text holds {replacements} U+FFFD replacement characters (bytes lost in decoding)"
    latin1 = len(LATIN1_HANGUL_RE.findall(text))
    if latin1 >= MIN_LATIN1_HANGUL and latin1 > hangul:
        return f"text looks like UTF-8 Korean read as Latin-1 ({latin1} mangled syllables)"
    if cjk < MIN_CJK_FOR_RATIOS:
        return None
    qmarks = len(QMARK_IN_CJK_RE.findall(text))
    if qmarks >= MIN_QMARKS and qmarks > MAX_QMARK_RATIO * cjk:
        return (
            f"text looks like mojibake (UTF-8 Korean read as cp949): {qmarks} '?' inside "
            f"Hangul/Hanja runs out of {cjk} characters"
        )
    if hangul >= MIN_CJK_FOR_RATIOS and hanja > MAX_HANJA_RATIO * cjk:
        return f"text looks like mojibake: {hanja / cjk:.0%} Hanja among Korean characters"
    return None


def _strict(content: bytes, codec: str) -> str | None:
    try:
        return content.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _codec(name: str) -> str | None:
    """Python codec for a charset label; EUC-KR and its aliases read as cp949."""
    label = name.strip().lower()
    if label in CP949_ALIASES:
        return "cp949"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = HTTP_CHARSET_RE.search(content_type)
    return _codec(match.group(1)) if match else None


def _meta_charset(content: bytes) -> str | None:
    match = META_CHARSET_RE.search(content[:META_SCAN_BYTES])
    return _codec(match.group(1).decode("ascii")) if match else None
