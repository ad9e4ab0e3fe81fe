"""The digest: a period's stories ranked by how many presses carried them, each described.

Each story gets its headline, presses, article count, first and last time, a summary of three
sentences drawn from its articles' own summaries (the sentences several articles agree on
first, none repeating another), its key figures (those most presses report), the quantities
presses reported differently (`storage.figure_diff` within the story), its top keywords and
speakers, and a link to every article. Everything is read from the store; no tokenizer is
loaded, so a digest of a few hundred articles takes well under a second of work.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from storage.story_reads import FigureRow, StoryMaterial, StoryRow, SummaryCandidate

Fact = tuple[str, str, str | None]  # a figure a sentence states: kind, exact value, unit

KST = timezone(timedelta(hours=9), "KST")
SUMMARY_SENTENCES = 3
# Share of the shorter sentence's letter pairs found in the other, above which the two say
# the same thing: a short sentence repeated inside a longer one counts (Jaccard would not,
# the longer one's other words diluting it); for two sentences of one length 0.5 is about
# the Jaccard of 0.35 this replaced.
SIMILAR = 0.5
AGREE = 0.25  # ... above which another article's sentence supports this one
MIN_SENTENCE = 15  # characters: shorter candidates are fragments
TOP_KEYWORDS = 5
TOP_SPEAKERS = 5
KEY_FIGURES = 5
FIGURE_CONTEXT = 40  # characters of the sentence shown on each side of a key figure
FIGURE_DIFFS = 5


@dataclass(frozen=True, slots=True)
class KeyFigure:
    text: str
    kind: str
    value: str
    unit: str | None
    subject: str | None
    presses: int
    sentence: str


@dataclass(frozen=True, slots=True)
class FigureDifference:
    quantity: str | None
    figure_1: str
    press_1: str | None
    url_1: str
    figure_2: str
    press_2: str | None
    url_2: str


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    press: str | None
    url: str
    published_kst: str


@dataclass(frozen=True, slots=True)
class StoryDigest:
    id: int
    headline: str
    presses: tuple[str, ...]
    articles: int
    first_kst: str
    last_kst: str
    summary: tuple[str, ...]
    key_figures: tuple[KeyFigure, ...]
    figure_differences: tuple[FigureDifference, ...]
    keywords: tuple[str, ...]
    speakers: tuple[str, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    since: date
    until: date
    stories: tuple[StoryDigest, ...]
    total_stories: int
    total_articles: int


def build_digest(
    engine: Engine,
    since: date,
    until: date,
    *,
    top: int = 20,
    press: str | None = None,
    keyword: str | None = None,
) -> Digest:
    """The stories with an article in the KST days [since, until], most presses first."""
    from storage.reports import kst_start
    from storage.story_reads import list_stories, story_material

    rows = list_stories(
        engine,
        since=kst_start(since),
        until=kst_start(until + timedelta(days=1)),
        press=press,
        keyword=keyword,
    )
    shown = rows[:top] if top else rows
    material = story_material(engine, [r.id for r in shown])
    return Digest(
        since=since,
        until=until,
        stories=tuple(describe(r, material[r.id]) for r in shown),
        total_stories=len(rows),
        total_articles=sum(r.articles for r in rows),
    )


def describe(row: StoryRow, material: StoryMaterial) -> StoryDigest:
    presses = tuple(dict.fromkeys(a.press for a in material.articles if a.press))
    press_of = {a.article_id: a.press for a in material.articles}
    return StoryDigest(
        id=row.id,
        headline=row.headline,
        presses=presses,
        articles=row.articles,
        first_kst=_kst(row.first_at),
        last_kst=_kst(row.last_at),
        summary=tuple(summarise(material.summary, facts=sentence_facts(material.figures))),
        key_figures=tuple(key_figures(material, press_of)),
        figure_differences=tuple(differences(material.figure_diffs)),
        keywords=tuple(top_keywords(material.keywords)),
        speakers=tuple(top_speakers(material.speakers)),
        links=tuple(Link(a.title, a.press, a.url, _kst(a.at)) for a in material.articles),
    )


def summarise(
    candidates: Sequence[SummaryCandidate],
    n: int = SUMMARY_SENTENCES,
    facts: Mapping[tuple[int, str], frozenset[Fact]] | None = None,
) -> list[str]:
    """`n` sentences from the articles' summaries: each candidate scores its place in its
    own article's summary plus the share of the story's other articles that say much the
    same; the best go first, and one that repeats a chosen sentence is skipped: too close
    in wording, or stating one of its figures (`facts`: the figures of each (article,
    sentence), as `sentence_facts` reads them) — two presses' reports of one closing index
    share the figures while their wording differs."""
    usable = [c for c in candidates if len(c.text.strip()) >= MIN_SENTENCE]
    grams = [_bigrams(c.text) for c in usable]
    stated = [(facts or {}).get((c.article_id, c.text), frozenset()) for c in usable]
    articles = {c.article_id for c in usable}
    scored: list[tuple[float, int, int, int]] = []
    for i, c in enumerate(usable):
        supporting = {
            usable[j].article_id
            for j in range(len(usable))
            if usable[j].article_id != c.article_id and _jaccard(grams[i], grams[j]) >= AGREE
        }
        support = len(supporting) / (len(articles) - 1) if len(articles) > 1 else 0.0
        scored.append((1.0 / c.rank + 0.5 * support, -c.rank, -c.article_id, i))
    chosen: list[int] = []
    for *_, i in sorted(scored, reverse=True):
        if all(_overlap(grams[i], grams[j]) < SIMILAR for j in chosen) and not any(
            stated[i] & stated[j] for j in chosen
        ):
            chosen.append(i)
        if len(chosen) == n:
            break
    return [" ".join(usable[i].text.split()) for i in chosen]


def sentence_facts(figures: Sequence[FigureRow]) -> dict[tuple[int, str], frozenset[Fact]]:
    """The figures each (article, sentence text) states, as (kind, exact value, unit)."""
    out: dict[tuple[int, str], set[Fact]] = defaultdict(set)
    for f in figures:
        out[(f.article_id, f.sentence)].add((f.kind, f.value, f.unit))
    return {key: frozenset(found) for key, found in out.items()}


def key_figures(material: StoryMaterial, press_of: dict[int, str | None]) -> list[KeyFigure]:
    """The figures most presses of the story report (same kind, exact value and unit)."""
    seen: dict[tuple[str, str, str | None], set[str]] = {}
    first: dict[tuple[str, str, str | None], Any] = {}
    for f in material.figures:
        key = (f.kind, f.value, f.unit)
        seen.setdefault(key, set()).add(press_of.get(f.article_id) or str(f.article_id))
        first.setdefault(key, f)
    ranked = sorted(seen, key=lambda k: -len(seen[k]))  # stable: first mention breaks ties
    single = len(press_of) == 1
    return [
        KeyFigure(
            text=first[k].text,
            kind=k[0],
            value=k[1],
            unit=k[2],
            subject=first[k].subject,
            presses=len(seen[k]),
            sentence=" ".join(first[k].sentence.split()),
        )
        for k in ranked
        if single or len(seen[k]) > 1 or len(ranked) <= KEY_FIGURES
    ][:KEY_FIGURES]


def differences(rows: Sequence[dict[str, Any]]) -> list[FigureDifference]:
    out: list[FigureDifference] = []
    seen: set[tuple[Any, ...]] = set()
    for r in rows:
        key = (r["quantity"], r["value_1"], r["value_2"])
        if key in seen:
            continue
        seen.add(key)
        out.append(
            FigureDifference(
                quantity=r["quantity"],
                figure_1=r["figure_1"],
                press_1=r["press_1"],
                url_1=r["url_1"],
                figure_2=r["figure_2"],
                press_2=r["press_2"],
                url_2=r["url_2"],
            )
        )
    return out[:FIGURE_DIFFS]


def top_keywords(rows: Sequence[tuple[int, str, int]], n: int = TOP_KEYWORDS) -> list[str]:
    """Terms ranked high in many of the story's articles. Spellings with and without spaces
    (상호관세, 상호 관세) count as one term, shown as most articles spell it, and a term
    inside a higher one or holding it (딥시크, 딥시크 충격) is left out: five different
    words tell a reader more than one word five ways."""
    score: dict[str, float] = defaultdict(float)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for _aid, term, rank in rows:
        key = "".join(term.split())
        score[key] += 1.0 / rank
        spellings[key][term] += 1
    chosen: list[str] = []
    for key, _ in sorted(score.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(chosen) == n:
            break
        if not any(key in other or other in key for other in chosen):
            chosen.append(key)
    return [spellings[key].most_common(1)[0][0] for key in chosen]


def top_speakers(rows: Sequence[tuple[int, str]], n: int = TOP_SPEAKERS) -> list[str]:
    """Speakers quoted in the most articles of the story."""
    articles: dict[str, set[int]] = {}
    for aid, speaker in rows:
        if speaker.strip():
            articles.setdefault(speaker.strip(), set()).add(aid)
    return [s for s, _ in sorted(articles.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:n]]


# --- output ----------------------------------------------------------------------------------


def to_json(digest: Digest) -> str:
    return json.dumps(
        {
            "since": digest.since.isoformat(),
            "until": digest.until.isoformat(),
            "stories_in_period": digest.total_stories,
            "articles_in_period": digest.total_articles,
            "stories": [asdict(s) for s in digest.stories],
        },
        ensure_ascii=False,
        indent=2,
    )


def to_markdown(digest: Digest) -> str:
    period = (
        digest.since.isoformat()
        if digest.since == digest.until
        else f"{digest.since.isoformat()} ~ {digest.until.isoformat()}"
    )
    lines = [
        f"# 뉴스 다이제스트 {period} (KST)",
        "",
        f"{digest.total_stories}개 이야기, 기사 {digest.total_articles}건"
        + (
            f" 중 많은 언론이 다룬 {len(digest.stories)}개"
            if len(digest.stories) < digest.total_stories
            else ""
        ),
        "",
    ]
    for i, s in enumerate(digest.stories, 1):
        lines += ["---", "", f"## {i}. {_text(s.headline)}", ""]
        span = s.first_kst if s.first_kst == s.last_kst else f"{s.first_kst} ~ {s.last_kst}"
        lines += [
            f"**{len(s.presses)}개 언론, 기사 {s.articles}건** · {span}",
            "",
            f"언론: {_text(', '.join(s.presses))}" if s.presses else "언론: (알 수 없음)",
            "",
        ]
        if s.summary:
            lines += [f"`{_code(t)}`" for t in s.summary]
            lines.append("")
        if s.key_figures:
            lines += ["### 주요 수치", ""]
            for f in s.key_figures:
                about = f" ({_text(f.subject)})" if f.subject else ""
                where = _around(f.sentence, f.text)
                lines.append(f"* **{_text(f.text)}**{about}: 언론 {f.presses}곳 — {_text(where)}")
            lines.append("")
        if s.figure_differences:
            lines += ["### 언론마다 다르게 보도한 수치", ""]
            for d in s.figure_differences:
                what = f"{_text(d.quantity)}: " if d.quantity else ""
                lines.append(
                    f"* {what}{_text(d.figure_1)} ([{_text(d.press_1 or '?')}]({d.url_1}))"
                    f" vs {_text(d.figure_2)} ([{_text(d.press_2 or '?')}]({d.url_2}))"
                )
            lines.append("")
        if s.keywords:
            lines += [f"키워드: {_text(', '.join(s.keywords))}", ""]
        if s.speakers:
            lines += [f"발언: {_text(', '.join(s.speakers))}", ""]
        lines += ["#### 기사 링크", ""]
        lines += [
            f"* [{_text(a.title)} - {_text(a.press or '?')}]({a.url}) {a.published_kst}"
            for a in s.links
        ]
        lines.append("")
    return "\n".join(lines)


def _kst(value: datetime) -> str:
    return value.astimezone(KST).strftime("%Y-%m-%d %H:%M")


_ESCAPE = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#"})


def _text(value: str) -> str:
    """Plain text safe in Markdown (no accidental emphasis, links or headings)."""
    return " ".join(value.split()).translate(_ESCAPE)


def _around(sentence: str, figure: str, reach: int = FIGURE_CONTEXT) -> str:
    """The words around the figure in its sentence: a figure means little without what it
    measures, which the subject alone often misses (`9.86%` of what?)."""
    at = sentence.find(figure)
    if at < 0:
        return sentence if len(sentence) <= 2 * reach else sentence[: 2 * reach] + "…"
    start, end = max(at - reach, 0), min(at + len(figure) + reach, len(sentence))
    start = sentence.rfind(" ", 0, start) + 1 if start else 0  # whole words only
    cut = sentence.find(" ", end)
    end = len(sentence) if cut < 0 else cut
    return f"{'…' if start else ''}{sentence[start:end]}{'…' if end < len(sentence) else ''}"


def _code(value: str) -> str:
    return value.replace("`", "'")


def _bigrams(text: str) -> frozenset[str]:
    squeezed = "".join(text.split())
    return frozenset(squeezed[i : i + 2] for i in range(len(squeezed) - 1))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
