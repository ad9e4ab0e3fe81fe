"""Deterministic mutations of text and bytes for the fuzz tests (seeded `random.Random`)."""

from __future__ import annotations

import random
from collections.abc import Callable

NEST_DEPTH = 10_000  # nesting bomb depth
HUGE_ATTR = 1_000_000  # characters in one attribute value
ENCODINGS = ("cp949", "utf-16", "utf-16-le", "latin-1", "utf-32", "shift_jis", "utf-8")


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def insert_random_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        pos = rng.randrange(len(out) + 1)
        out[pos:pos] = rng.randbytes(rng.randint(1, 16))
    return bytes(out)


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.randint(1, 50)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def delete_span(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, 4096) :]


def duplicate_span(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    span = data[start : start + rng.randint(1, 2048)]
    pos = rng.randrange(len(data) + 1)
    return data[:pos] + span * rng.randint(1, 5) + data[pos:]


def nesting_bomb(rng: random.Random, data: bytes) -> bytes:
    tag = rng.choice([b"div", b"p", b"span", b"table", b"b"])
    bomb = (b"<" + tag + b">") * NEST_DEPTH + b"x" + (b"</" + tag + b">") * NEST_DEPTH
    pos = _tag_boundary(rng, data)
    return data[:pos] + bomb + data[pos:]


def huge_attribute(rng: random.Random, data: bytes) -> bytes:
    value = rng.choice([b"a", b"\xea\xb0\x80", b"&amp;", b'"']) * (HUGE_ATTR // 3)
    pos = _tag_boundary(rng, data)
    return data[:pos] + b'<div class="' + value + b'" data-x="' + value + b'">y</div>' + data[pos:]


def reencode(rng: random.Random, data: bytes) -> bytes:
    """The page's text in another encoding, its declared charset left as it was (a lie)."""
    text = data.decode("utf-8", errors="replace")
    return text.encode(rng.choice(ENCODINGS), errors="replace")


def strip_tags_of(rng: random.Random, data: bytes) -> bytes:
    """Every `<` of one kind of construct removed: unbalanced, unclosed markup."""
    needle = rng.choice([b"</", b"<div", b"<p", b"<script", b"<!--", b'"'])
    return data.replace(needle, b"", rng.randint(1, 200))


MUTATIONS: tuple[Callable[[random.Random, bytes], bytes], ...] = (
    truncate,
    insert_random_bytes,
    flip_bytes,
    delete_span,
    duplicate_span,
    nesting_bomb,
    huge_attribute,
    reencode,
    strip_tags_of,
)
HEAVY = frozenset({nesting_bomb, huge_attribute})


def mutate(rng: random.Random, data: bytes, rounds: int = 1) -> tuple[bytes, list[str]]:
    names = []
    for _ in range(rounds):
        fn = rng.choice(MUTATIONS)
        data = fn(rng, data)
        names.append(fn.__name__)
    return data, names


def _tag_boundary(rng: random.Random, data: bytes) -> int:
    """A position just after some `>`, so inserted markup is parsed as markup."""
    if not data:
        return 0
    pos = data.find(b">", rng.randrange(len(data)))
    return len(data) if pos < 0 else pos + 1


# --- text (for the note parser and the figure extractor) ---------------------------------------

TEXT_PIECES = (
    "\n",
    "\n\n",
    "---",
    "# ",
    "## ",
    "### ",
    "#### ",
    "* ",
    "    * ",
    "\t* ",
    "`",
    "**",
    "[",
    "]",
    "(",
    ")",
    "](",
    "https://",
    "ftp://",
    "javascript:",
    " - ",
    "용어정리",
    "본문의 근거",
    "추가 조사할 내용",
    "연관기사 링크",
    "\r\n",
    "\x00",
    "\ufeff",
    "\u200b",
    "<script>",
    "%",
)


def mutate_text(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(8)
        i = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines = [rng.choice(TEXT_PIECES)]
        elif op == 0:  # delete a line
            del lines[i]
        elif op == 1:  # duplicate a line
            lines.insert(i, lines[i])
        elif op == 2:  # swap two lines
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:  # insert a structural piece into a line
            pos = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + rng.choice(TEXT_PIECES) + lines[i][pos:]
        elif op == 4:  # cut a line short
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif op == 5:  # random characters
            pos = rng.randrange(len(lines[i]) + 1)
            noise = "".join(chr(rng.randrange(0x20, 0xD7A3)) for _ in range(rng.randint(1, 8)))
            lines[i] = lines[i][:pos] + noise + lines[i][pos:]
        elif op == 6:  # change indentation
            lines[i] = " " * rng.randint(0, 9) + lines[i].lstrip()
        else:  # truncate the whole text
            lines = lines[: rng.randrange(len(lines) + 1)]
    return "\n".join(lines)
