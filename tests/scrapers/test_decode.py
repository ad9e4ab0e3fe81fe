"""Charset decoding: which charset wins, and damaged text flagged instead of stored."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from scrapers.decode import decode_html

KOREAN = "한국은행은 기준금리를 연 3.50%로 동결했다. 똠방각하 같은 낱말도 있다."
LONG_KOREAN = " ".join([KOREAN] * 20)


def html(body: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


def test_http_charset_comes_first() -> None:
    content = html(KOREAN, '<meta charset="utf-8">').encode("cp949")
    decoded = decode_html(content, "text/html; charset=EUC-KR")
    assert decoded.charset == "cp949"
    assert KOREAN in decoded.text
    assert decoded.warning is None


def test_wrong_http_charset_falls_through_to_the_page() -> None:
    content = html(KOREAN, '<meta charset="euc-kr">').encode("cp949")
    decoded = decode_html(content, "text/html; charset=utf-8")
    assert decoded.charset == "cp949"
    assert KOREAN in decoded.text


def test_utf8_page_whose_meta_says_euc_kr_is_read_as_utf8() -> None:
    content = html(KOREAN, '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">')
    decoded = decode_html(content.encode("utf-8"), None)
    assert decoded.charset == "utf-8"
    assert KOREAN in decoded.text


def test_euc_kr_meta_is_read_as_cp949() -> None:
    # 똠 is outside EUC-KR (KS X 1001) but inside cp949, as on real "euc-kr" pages
    content = html(KOREAN, '<meta charset="euc-kr">').encode("cp949")
    decoded = decode_html(content, None)
    assert decoded.charset == "cp949"
    assert "똠방각하" in decoded.text


def test_undeclared_cp949_is_detected() -> None:
    content = html(LONG_KOREAN).encode("cp949")
    decoded = decode_html(content, None)
    assert KOREAN in decoded.text
    assert decoded.warning is None


def test_bom_beats_a_lying_meta_tag() -> None:
    content = codecs.BOM_UTF16_LE + html(KOREAN, '<meta charset="utf-8">').encode("utf-16-le")
    decoded = decode_html(content, None)
    assert decoded.charset == "utf-16"
    assert KOREAN in decoded.text


def test_utf8_read_as_cp949_is_flagged() -> None:
    mangled = LONG_KOREAN.encode("utf-8").decode("cp949", errors="replace").replace("\ufffd", "?")
    decoded = decode_html(html(mangled).encode("utf-8"), None)
    assert decoded.warning is not None
    assert "mojibake" in decoded.warning


def test_utf8_read_as_latin1_is_flagged() -> None:
    mangled = LONG_KOREAN.encode("utf-8").decode("latin-1")
    decoded = decode_html(html(mangled).encode("utf-8"), None)
    assert decoded.warning is not None
    assert "Latin-1" in decoded.warning


def test_replacement_characters_are_flagged() -> None:
    damaged = LONG_KOREAN.replace("은", "\ufffd")
    decoded = decode_html(html(damaged).encode("utf-8"), None)
    assert decoded.warning is not None
    assert "U+FFFD" in decoded.warning


def test_sound_korean_with_hanja_is_not_flagged() -> None:
    text = "[사설] 상상 못할 비극 겪기 전에 地震 대비 태세 점검하라. " * 10
    assert decode_html(html(text).encode("utf-8"), None).warning is None


def test_every_corpus_page_but_the_trap_decodes_cleanly(corpus: Path) -> None:
    flagged = {
        str(path.relative_to(corpus))
        for path in sorted(corpus.glob("*/*.htm*"))
        if decode_html(path.read_bytes(), None).warning is not None
    }
    assert flagged == {"naver/trap_article_018_0005236061_utf16le_mojibake.html"}


@pytest.mark.parametrize(
    ("name", "charset"),
    [
        ("chosun/legacy2016_article.html", "cp949"),
        ("naver/list_main_section100_euckr.html", "cp949"),
        ("naver/article_old_029_0002625369.html", "utf-8"),  # meta says euc-kr
        ("other/legacy2016_khan_article_201609260957011.html", "cp949"),
        ("naver/trap_article_018_0005236061_utf16le_mojibake.html", "utf-16"),
    ],
)
def test_corpus_charsets(corpus: Path, name: str, charset: str) -> None:
    assert decode_html((corpus / name).read_bytes(), None).charset == charset


def test_http_latin1_for_a_utf8_page_falls_through_to_utf8() -> None:
    content = html(LONG_KOREAN, '<meta charset="utf-8">').encode("utf-8")
    decoded = decode_html(content, "text/html; charset=ISO-8859-1")
    assert decoded.charset == "utf-8"
    assert KOREAN in decoded.text
    assert decoded.warning is None


def test_empty_page_decodes_to_nothing() -> None:
    assert decode_html(b"", None).text == ""
