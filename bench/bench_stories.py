"""Stories: pairwise precision and recall on labelled article pairs, and the cost per article.

    .venv/bin/python bench/bench_stories.py [--days N | --quick] [--store PATH] [--tune] [--scale]
        [--splits tune,…] [--set FIELD=VALUE …] [--agreement]

Quality. The articles of `news-finance-2025.jsonl` (`$NEWSNOTE_EVAL`, else `../shared/eval`)
are imported once, oldest first, into a SQLite store through the real path (`newsnote
import-articles`: analysis with Kiwi, save, story assignment from the analysis in memory)
and kept at `--store` (default `$TMPDIR/newsnote-bench-stories.db`) for the next run;
`--days N` takes the first N days only. The stories as the import left them are scored,
then rebuilt as `newsnote stories rebuild` does (oldest article first, from the store),
scored again and compared with the import's (articles whose story has the same members).
Scores are on `bench/data/story_pairs.tsv` (split, url_a, url_b, same, kind, why): a pair
is predicted "same" when both articles are in one story. Precision, recall and F1 of
"same" are printed for each split apart, with per kind the pairs and how many were put in
one story; `--pool` adds the splits scored as one set. A change is tried on the splits it
is tuned on (`--splits tune,fresh,fresh2 --pool`), so that the others stay unseen;
`--tune` runs a threshold grid. Which split was seen when: bench/README.md. `--agreement`
scores a second person's blind labels of the `fresh3` pairs against the first's: how far
two careful readers agree, the most a method can be held to.

Cost (`--scale`). Assignment reads the time window only, so its cost must not grow with the
store. Synthetic filler articles (175 a day, as many as the real stream carries, each with
30 terms drawn Zipf-like from the real articles' terms and 50,000 made-up ones, three to a
story) are written before the real articles' window, to 1,000, 10,000 and 100,000 stored
articles; then the first 300 real articles are assigned and the time per assignment is
reported (the features, Kiwi on title and lead, apart: they do not touch the store).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.settings import Settings  # noqa: E402
from pipeline.stories.assign import DEFAULT, StoryParams, assign_doc  # noqa: E402
from pipeline.stories.features import doc_terms  # noqa: E402
from storage import db as storage_db  # noqa: E402
from storage import models as m  # noqa: E402
from storage.stories import (  # noqa: E402
    articles_since,
    forget,
    load_docs,
    pack_vector,
    story_map,
)

EVAL_FILE = "news-finance-2025.jsonl"
PAIRS = REPO / "bench" / "data" / "story_pairs.tsv"
# A second person's labels of one split's pairs, made without seeing the first's.
SECOND = REPO / "bench" / "data" / "story_pairs_fresh3_second_labeller.tsv"


def eval_file() -> Path | None:
    base = Path(os.environ.get("NEWSNOTE_EVAL") or REPO.parent / "shared" / "eval")
    path = base / EVAL_FILE
    return path if path.is_file() else None


def build_store(path: Path, source: Path, days: int | None) -> str:
    """The store at `path`, importing the stream into it the first time."""
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    Path(str(path) + ".imported.json").unlink(missing_ok=True)
    import json

    from pipeline.cli.import_articles_cmd import read_jsonl, store_records

    wanted: set[str] | None = None
    if days:
        seen: list[str] = []
        for line in source.open(encoding="utf-8"):
            day = json.loads(line)["published"][:10]
            if day not in seen:
                seen.append(day)
        wanted = set(sorted(seen)[:days])

    def records():  # type: ignore[no-untyped-def]
        # oldest first, as a live store meets them and as a rebuild replays them (the file
        # runs newest first within each day), so the stories as imported can be compared
        # with the rebuild's
        with source.open("rb") as lines:
            kept = [r for r in read_jsonl(lines) if wanted is None or _published(r)[:10] in wanted]
        return sorted(kept, key=lambda r: datetime.fromisoformat(_published(r)))

    engine = storage_db.make_engine(url)
    storage_db.ensure_schema(url, engine)
    started = time.perf_counter()
    n = sum(1 for _ in store_records(engine, records(), Settings(database_url=url)))
    print(f"imported {n} articles in {time.perf_counter() - started:.0f} s -> {path}")
    engine.dispose()
    return url


def _published(record) -> str:  # type: ignore[no-untyped-def]
    return str((record.fields or {}).get("published", "")) or "1970-01-01T00:00:00+00:00"


def read_pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def agreement() -> None:
    """How far two people labelling the same pairs agree: the ceiling a method can be held
    to. The second labeller's "same" scored against the first's, as stories are."""
    with SECOND.open(encoding="utf-8", newline="") as f:
        second = {
            (p["url_a"], p["url_b"]): p["same"] == "1" for p in csv.DictReader(f, delimiter="\t")
        }
    first = {
        (p["url_a"], p["url_b"]): p["same"] == "1"
        for p in read_pairs()
        if (p["url_a"], p["url_b"]) in second
    }
    both = sum(first[k] and second[k] for k in first)
    agree = sum(first[k] == second[k] for k in first)
    n, a, b = len(first), sum(first.values()), sum(second.values())
    chance = (a * b + (n - a) * (n - b)) / (n * n)
    print(
        f"second labeller on {n} pairs: precision {both / b:.3f}  recall {both / a:.3f}"
        f"  agreement {agree / n:.3f}  Cohen's kappa {(agree / n - chance) / (1 - chance):.3f}"
    )


def rebuild(engine, docs, terms, params: StoryParams) -> dict[int, int]:  # type: ignore[no-untyped-def]
    forget(engine, [d.article_id for d in docs])
    for doc, t in zip(docs, terms, strict=True):
        assign_doc(engine, doc, t, params)
    return story_map(engine)


def score(pairs, url_ids, stories, *splits: str):  # type: ignore[no-untyped-def]
    tp = fp = fn = tn = missing = 0
    kinds: Counter[tuple[str, bool]] = Counter()
    for p in pairs:
        if p["split"] not in splits:
            continue
        a, b = url_ids.get(p["url_a"]), url_ids.get(p["url_b"])
        if a is None or b is None:
            missing += 1
            continue
        predicted = stories.get(a) is not None and stories.get(a) == stories.get(b)
        gold = p["same"].strip() == "1"
        kinds[(p["kind"], predicted)] += 1
        tp += predicted and gold
        fp += predicted and not gold
        fn += gold and not predicted
        tn += not predicted and not gold
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": tp + fp + fn + tn,
        "missing": missing,
        "P": precision,
        "R": recall,
        "F1": f1,
        "kinds": kinds,
    }


def show(split: str, s) -> None:  # type: ignore[no-untyped-def]
    print(
        f"{split:<6} pairs {s['n']:>4}  precision {s['P']:.3f}  recall {s['R']:.3f}"
        f"  F1 {s['F1']:.3f}"
        + (f"  ({s['missing']} pairs not in the store)" if s["missing"] else "")
    )
    for kind in sorted({k for k, _ in s["kinds"]}):
        together, apart = s["kinds"][(kind, True)], s["kinds"][(kind, False)]
        print(f"         {kind:<24} {together + apart:>4} pairs, {together:>4} put in one story")


def quality(args: argparse.Namespace, url: str) -> None:
    engine = storage_db.make_engine(url)
    ids = articles_since(engine, None)
    started = time.perf_counter()
    docs = load_docs(engine, ids)
    terms = doc_terms(docs)
    print(f"features of {len(docs)} articles in {time.perf_counter() - started:.1f} s")
    with engine.connect() as conn:
        query = m.Article.__table__.select().with_only_columns(m.Article.url, m.Article.id)
        url_ids: dict[str, int] = {}
        for url, article_id in conn.execute(query):
            url_ids[url] = article_id
    pairs = read_pairs() if PAIRS.exists() else []
    if not pairs:
        print(f"no labelled pairs at {PAIRS}: nothing to score")
    imported = _as_imported(engine, Path(str(args.store) + ".imported.json"))
    print(f"\nas imported (incremental, default parameters): {len(imported)} articles")
    for split in args.splits:
        if any(p["split"] == split for p in pairs):
            show(split, score(pairs, url_ids, imported, split))
    base = DEFAULT
    for setting in args.set or ():
        key, _, value = setting.partition("=")
        base = replace(base, **{key: type(getattr(base, key))(float(value))})
    grid = [base]
    if args.tune:
        grid = [
            replace(base, threshold=t, decay=d)
            for d in (0.7, 0.8, 0.9)
            for t in (0.14, 0.15, 0.16, 0.17, 0.18, 0.20)
        ]
    for params in grid:
        started = time.perf_counter()
        stories = rebuild(engine, docs, terms, params)
        took = time.perf_counter() - started
        sizes = Counter(stories.values())
        print(
            f"\nthreshold {params.threshold} centroid {params.centroid_weight} decay {params.decay}"
            f" window {params.window}: {len(stories)} articles in {len(sizes)} stories"
            f" ({sum(1 for n in sizes.values() if n > 1)} with 2+ articles),"
            f" {1000 * took / max(len(docs), 1):.1f} ms an article"
        )
        for split in args.splits:
            if any(p["split"] == split for p in pairs):
                show(split, score(pairs, url_ids, stories, split))
        if args.pool:
            print(f"pooled {'+'.join(args.splits)}")
            show("pooled", score(pairs, url_ids, stories, *args.splits))
        if params == DEFAULT and imported:
            same = _same_groups(imported, stories)
            print(f"rebuild vs import: {same} of {len(stories)} articles with the same co-members")
    engine.dispose()


def _as_imported(engine, path: Path) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """The stories as the import's incremental assignment left them: read from the store on
    the first run after the import and kept beside it, since every run rebuilds them."""
    import json

    if path.exists():
        return {int(a): s for a, s in json.loads(path.read_text()).items()}
    stories = story_map(engine)
    path.write_text(json.dumps(stories))
    return stories


def _same_groups(a: dict[int, int], b: dict[int, int]) -> int:
    """Articles whose story has the same members in both assignments."""

    def groups(x: dict[int, int]) -> dict[int, frozenset[int]]:
        by: dict[int, set[int]] = {}
        for aid, sid in x.items():
            by.setdefault(sid, set()).add(aid)
        return {aid: frozenset(by[sid]) for aid, sid in x.items()}

    ga, gb = groups(a), groups(b)
    return sum(1 for aid, g in gb.items() if ga.get(aid) == g)


# --- cost as the store grows -------------------------------------------------------------------


def filler(engine, n: int, before: datetime, rng: random.Random, real: list[str]) -> None:  # type: ignore[no-untyped-def]
    """`n` synthetic articles, 175 a day, ending a window before `before`, each with 30
    Zipf-distributed terms (the real articles' terms first, so their postings in the index
    grow with the store, then 50,000 made-up ones), three to a story, and a body vector of
    300 Zipf-distributed grams of 200,000, counted in the grams' day rows (a real body has
    about 1,500: fewer keep a 100k store's bench file small, and the day rows still grow
    with the store)."""
    vocab = real + [f"filler{i}" for i in range(50_000)]
    cum = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))
    gram_cum = list(itertools.accumulate(1 / (i + 1) for i in range(200_000)))
    per_day = 175
    start = before - DEFAULT.window - timedelta(days=n / per_day)
    with engine.begin() as conn:
        conn.execute(m.Press.__table__.insert().values(name="filler press"))
        press_id = conn.execute(
            m.Press.__table__.select()
            .with_only_columns(m.Press.id)
            .where(m.Press.name == "filler press")
        ).scalar_one()
        base = (
            conn.execute(
                m.Article.__table__.select()
                .with_only_columns(m.Article.id)
                .order_by(m.Article.id.desc())
                .limit(1)
            ).scalar_one()
            + 1_000_000
        )
        day_counts: Counter[tuple[int, date]] = Counter()
        for chunk in range(0, n, 5000):
            arts, terms, links, stories, bodies = [], [], [], [], []
            for i in range(chunk, min(n, chunk + 5000)):
                aid = base + i
                at = start + timedelta(days=i / per_day)
                arts.append(
                    {
                        "id": aid,
                        "url": f"https://filler.example.com/{i}",
                        "site": "filler",
                        "press_id": press_id,
                        "title": f"filler {i}",
                        "published_at": at,
                        "body_text": "",
                        "parser": "filler",
                        "parser_version": "0",
                        "analysis_version": "0",
                        "content_hash": str(i),
                        "origin": "ingest",
                        "revision": 1,
                        "first_seen_at": at,
                        "stored_at": at,
                    }
                )
                sid = base + i // 3
                if i % 3 == 0:
                    stories.append(
                        {
                            "id": sid,
                            "headline": "filler",
                            "first_at": at,
                            "last_at": at,
                            "articles": 3,
                            "presses": 1,
                            "updated_at": at,
                        }
                    )
                links.append({"article_id": aid, "story_id": sid, "similarity": 1.0, "at": at})
                for term in set(rng.choices(vocab, cum_weights=cum, k=30)):
                    terms.append({"article_id": aid, "term": term, "weight": 1.0, "at": at})
                grams = np.array(
                    sorted(set(rng.choices(range(200_000), cum_weights=gram_cum, k=300))),
                    dtype=np.uint32,
                )
                weights = np.full(len(grams), 1 / np.sqrt(len(grams)), dtype=np.float32)
                day = at.astimezone(UTC).date()
                bodies.append(
                    {"article_id": aid, "day": day, "vector": pack_vector(grams, weights)}
                )
                day_counts.update((int(g), day) for g in grams)
            conn.execute(m.Article.__table__.insert(), arts)
            if stories:
                conn.execute(m.Story.__table__.insert(), stories)
            conn.execute(m.StoryArticle.__table__.insert(), links)
            conn.execute(m.StoryTerm.__table__.insert(), terms)
            conn.execute(m.StoryBody.__table__.insert(), bodies)
        rows = [{"gram": g, "day": d, "articles": k} for (g, d), k in day_counts.items()]
        for i in range(0, len(rows), 50_000):
            conn.execute(m.StoryGramDay.__table__.insert(), rows[i : i + 50_000])


def scale(args: argparse.Namespace, url: str) -> None:
    engine = storage_db.make_engine(url)
    ids = articles_since(engine, None)[: args.assign]
    docs = load_docs(engine, ids)
    with engine.connect() as conn:
        heads = {
            aid: (title, body)
            for aid, title, body in conn.execute(
                m.Article.__table__.select()
                .with_only_columns(m.Article.id, m.Article.title, m.Article.body_text)
                .where(m.Article.id.in_(ids))
            )
        }
    engine.dispose()
    started = time.perf_counter()
    terms = doc_terms(docs)
    kiwi_ms = 1000 * (time.perf_counter() - started) / len(docs)
    first = min(d.at for d in docs)
    vocab = sorted({t for doc_terms_ in terms for t in doc_terms_})
    print(f"features (Kiwi on title and lead, any store size): {kiwi_ms:.2f} ms an article")
    for size in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            scaled_url = f"sqlite:///{Path(tmp) / 'scale.db'}"
            storage_db.upgrade(scaled_url)
            scaled = storage_db.make_engine(scaled_url)
            with scaled.begin() as conn:  # the real articles, as rows the stories refer to
                conn.execute(
                    m.Article.__table__.insert(),
                    [
                        {
                            "id": d.article_id,
                            "url": f"https://real.example.com/{d.article_id}",
                            "site": "bench",
                            "title": heads[d.article_id][0],
                            "published_at": d.at,
                            "body_text": heads[d.article_id][1],
                            "parser": "bench",
                            "parser_version": "0",
                            "analysis_version": "0",
                            "content_hash": "0",
                            "origin": "ingest",
                            "revision": 1,
                            "first_seen_at": d.at,
                            "stored_at": d.at,
                        }
                        for d in docs
                    ],
                )
            t0 = time.perf_counter()
            filler(scaled, size - len(docs), first, random.Random(size), vocab)
            fill_s = time.perf_counter() - t0
            times = []
            for doc, t in zip(docs, terms, strict=True):
                t0 = time.perf_counter()
                assign_doc(scaled, doc, t, DEFAULT)
                times.append(time.perf_counter() - t0)
            scaled.dispose()
        print(
            f"{size:>7} stored articles: assignment {1000 * statistics.mean(times):.2f} ms"
            f" an article (median {1000 * statistics.median(times):.2f},"
            f" p95 {1000 * sorted(times)[int(0.95 * len(times))]:.2f});"
            f" filler written in {fill_s:.0f} s"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=None, help="only the first N days")
    parser.add_argument("--quick", action="store_true", help="the first 5 days only")
    parser.add_argument("--store", type=Path, default=None, help="the cached store")
    parser.add_argument("--tune", action="store_true", help="run the threshold grid")
    parser.add_argument(
        "--scale", action="store_true", help="only the cost at 1k/10k/100k stored articles"
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="--scale's store sizes")
    parser.add_argument("--set", action="append", help="a StoryParams field, e.g. decay=0")
    parser.add_argument("--assign", type=int, default=300, help="articles assigned by --scale")
    parser.add_argument(
        "--splits",
        default=None,
        help="score only these splits (e.g. tune), keeping the others unseen while a change"
        " is tried; default: every split of the pairs file",
    )
    parser.add_argument(
        "--pool", action="store_true", help="also score the chosen splits as one set"
    )
    parser.add_argument("--agreement", action="store_true", help="only how far two labellers agree")
    args = parser.parse_args()
    if args.agreement:
        agreement()
        return 0
    if args.splits:
        args.splits = tuple(args.splits.split(","))
    else:  # every split of the file, in the order it first appears
        args.splits = tuple(dict.fromkeys(p["split"] for p in read_pairs()))
    if args.quick and not args.days:
        args.days = 5
    source = eval_file()
    if source is None:
        print(f"skipped: {EVAL_FILE} not found (set NEWSNOTE_EVAL or place it in ../shared/eval)")
        return 0
    name = f"newsnote-bench-stories{f'-{args.days}d' if args.days else ''}.db"
    store = args.store = args.store or Path(tempfile.gettempdir()) / name
    url = build_store(store, source, args.days)
    if args.scale:
        scale(args, url)
    else:
        quality(args, url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
