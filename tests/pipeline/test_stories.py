"""Stories: articles of one event across presses join one story, as a user sees it.

Articles are imported with `newsnote import-articles` (the real path: analysis, save, story
assignment) from short invented articles (`tests/fixtures/stories/articles.jsonl`):
  1001 새벽일보   한빛전자 Q4 results                       09:00 on 03-10
  1002 저녁통신   a wire copy of 1001                       09:40
  2001 한낮경제   the same results, told differently        11:20
  1003 새벽일보   한빛전자's battery plant (same company, another event)   14:05
  2002 한낮경제   an airline's new route (unrelated)        15:30
  1010 저녁통신   1001's text again, four days later (beyond a 48-hour window)
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from storage import models as m
from storage.db import make_engine
from storage.save import SaveResult
from tests.cli import newsnote
from tests.conftest import FIXTURES

ARTICLES = FIXTURES / "stories" / "articles.jsonl"
RESULTS = "https://news.example.com/economy/1001"
WIRE = "https://news.example.com/economy/1002"
RETOLD = "https://paper.example.org/articles/2001"
PLANT = "https://news.example.com/economy/1003"
ROUTE = "https://paper.example.org/articles/2002"
LATER = "https://news.example.com/economy/1010"


def stories_of(db_url: str) -> dict[str, int]:
    """{article URL: story id} as stored."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.Article.url, m.StoryArticle.story_id).join(
                m.StoryArticle, m.StoryArticle.article_id == m.Article.id
            )
        ).all()
    engine.dispose()
    return {str(url): int(sid) for url, sid in rows}


def partition(db_url: str) -> set[frozenset[str]]:
    """The stories as sets of URLs (ids aside)."""
    groups: dict[int, set[str]] = defaultdict(set)
    for url, sid in stories_of(db_url).items():
        groups[sid].add(url)
    return {frozenset(g) for g in groups.values()}


def save_body(engine: Engine, url: str, at: datetime, first: str, second: str) -> SaveResult:
    """Save a factory article published at `at` whose body is two paragraphs of one's own
    (with a heading between them: as many blocks as the factory's analysis has sentences in)."""
    from scrapers.model import Block, BlockKind
    from storage.save import save_article
    from tests import factories

    blocks = (
        Block(BlockKind.PARAGRAPH, first),
        Block(BlockKind.HEADING, "본문"),
        Block(BlockKind.PARAGRAPH, second),
    )
    article = factories.article(url=url, published_at=at, blocks=blocks)
    return save_article(engine, article, factories.analysis(), content_hash=url)


def imported(db_url: str, path: Path = ARTICLES) -> subprocess.CompletedProcess[str]:
    result = newsnote("import-articles", str(path), "--db", db_url)
    assert result.returncode == 0, result.stderr
    return result


def test_import_puts_articles_in_stories(db_url: str) -> None:
    imported(db_url)
    story = stories_of(db_url)
    assert set(story) == {RESULTS, WIRE, RETOLD, PLANT, ROUTE, LATER}  # every article has one
    # two presses telling one event join, and so does a wire copy
    assert story[RETOLD] == story[RESULTS]
    assert story[WIRE] == story[RESULTS]
    # the same company's other event that day, and an unrelated article, do not
    assert story[PLANT] != story[RESULTS]
    assert story[ROUTE] not in {story[RESULTS], story[PLANT]}
    # the same text four days later is past the 48-hour window: a story of its own
    assert story[LATER] != story[RESULTS]


def test_story_rows_count_articles_and_presses(db_url: str) -> None:
    imported(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        row = conn.execute(
            select(m.Story)
            .join(m.StoryArticle, m.StoryArticle.story_id == m.Story.id)
            .join(m.Article, m.Article.id == m.StoryArticle.article_id)
            .where(m.Article.url == RESULTS)
        ).one()
        overview = conn.exec_driver_sql(
            f"SELECT articles, presses, press_names FROM story_overview WHERE id = {row.id}"
        ).one()
    engine.dispose()
    assert (row.articles, row.presses) == (3, 3)
    assert row.headline.startswith("한빛전자")
    assert overview == (3, 3, "새벽일보, 저녁통신, 한낮경제")


def test_a_wider_window_joins_the_later_copy(sqlite_url: str) -> None:
    imported(sqlite_url)
    result = newsnote("stories", "rebuild", "--window", "120", "--db", sqlite_url)
    assert result.returncode == 0, result.stderr
    story = stories_of(sqlite_url)
    assert story[LATER] == story[RESULTS]
    assert "6 articles in 3 stories" in result.stdout
    # the environment sets the window for every command too
    result = newsnote(
        "stories", "rebuild", "--db", sqlite_url, env={"NEWSNOTE_STORY_WINDOW_HOURS": "24"}
    )
    assert result.returncode == 0, result.stderr
    assert stories_of(sqlite_url)[LATER] != stories_of(sqlite_url)[RESULTS]


def gram_counts(db_url: str) -> set[tuple[int, str, int]]:
    """The body grams' day counts as stored (those above zero), with the bodies kept."""
    engine = make_engine(db_url)
    with engine.connect() as conn:
        counts = conn.execute(
            select(m.StoryGramDay.gram, m.StoryGramDay.day, m.StoryGramDay.articles).where(
                m.StoryGramDay.articles > 0
            )
        ).all()
        bodies = conn.execute(select(m.StoryBody.article_id)).all()
    engine.dispose()
    assert len(bodies) == len(stories_of(db_url))
    return {(g, str(d), n) for g, d, n in counts}


def test_rebuild_gives_the_stories_incremental_assignment_gave(db_url: str) -> None:
    imported(db_url)
    before, counted = partition(db_url), gram_counts(db_url)
    result = newsnote("stories", "rebuild", "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert partition(db_url) == before
    assert gram_counts(db_url) == counted  # each article's grams counted once, as before
    assert result.stdout.strip() == (
        "stories: 6 articles in 4 stories, 1 of them carried by 2 or more presses"
    )
    # a rebuild of a later period leaves earlier stories as they were
    result = newsnote("stories", "rebuild", "--since", "2025-03-12", "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert partition(db_url) == before
    assert "1 articles in 1 stories" in result.stdout


def test_import_twice_changes_no_story_and_reports_bad_lines(db_url: str, tmp_path: Path) -> None:
    imported(db_url)
    before = stories_of(db_url)
    again = imported(db_url)
    assert again.stdout.splitlines()[-1] == "stored 0 new, 0 changed, 6 unchanged, 0 bad"
    assert stories_of(db_url) == before
    bad = tmp_path / "mixed.jsonl"
    lines = ARTICLES.read_text(encoding="utf-8").splitlines()
    bad.write_text(lines[0] + "\n{not json\n" + lines[4] + "\n", encoding="utf-8")
    result = newsnote("import-articles", str(bad), "--db", db_url)
    assert result.returncode == 1
    assert result.stderr.startswith(f"newsnote: error: {bad}:2: ")
    assert stories_of(db_url) == before


def test_an_edited_article_moves_to_the_story_it_now_reports(
    sqlite_url: str, tmp_path: Path
) -> None:
    imported(sqlite_url)
    record = json.loads(ARTICLES.read_text(encoding="utf-8").splitlines()[4])  # the route
    plant = json.loads(ARTICLES.read_text(encoding="utf-8").splitlines()[3])
    record["title"], record["body"] = plant["title"], plant["body"]  # now a copy of PLANT
    edited = tmp_path / "edited.jsonl"
    edited.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = newsnote("import-articles", str(edited), "--db", sqlite_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("changed")
    story = stories_of(sqlite_url)
    assert story[ROUTE] == story[PLANT]
    assert len(partition(sqlite_url)) == 3  # the route's story, left empty, is gone


def digest_json(db_url: str, *args: str) -> dict[str, Any]:
    result = newsnote("digest", "--format", "json", "--db", db_url, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_digest_lists_every_story_of_the_day_once(db_url: str) -> None:
    imported(db_url)
    day = digest_json(db_url, "--day", "2025-03-10", "--top", "0")
    ids = [s["id"] for s in day["stories"]]
    assert len(ids) == len(set(ids)) == 3 == day["stories_in_period"]
    first = day["stories"][0]  # most presses first
    assert first["presses"] == ["새벽일보", "저녁통신", "한낮경제"]
    assert first["articles"] == 3
    assert first["first_kst"] == "2025-03-10 09:00"
    assert first["last_kst"] == "2025-03-10 11:20"
    assert [link["url"] for link in first["links"]] == [RESULTS, WIRE, RETOLD]
    assert 1 <= len(first["summary"]) <= 3
    assert len(set(first["summary"])) == len(first["summary"])
    figures = {f["text"] for f in first["key_figures"]}
    assert "3조2000억원" in figures
    assert any("한빛전자" in k for k in first["keywords"])
    later = digest_json(db_url, "--day", "2025-03-14")
    assert [s["links"][0]["url"] for s in later["stories"]] == [LATER]


def test_the_digest_in_markdown(sqlite_url: str, tmp_path: Path) -> None:
    imported(sqlite_url)
    out = tmp_path / "digest.md"
    result = newsnote("digest", "--day", "2025-03-10", "--out", str(out), "--db", sqlite_url)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 뉴스 다이제스트 2025-03-10 (KST)")
    assert text.count("\n## ") == 3
    assert "**3개 언론, 기사 3건**" in text
    assert f"- 새벽일보]({RESULTS})" in text
    # a key figure comes with the words that say what it measures
    (line,) = [x for x in text.splitlines() if x.startswith("* **3조2000억원**")]
    assert "4분기 영업이익이 3조2000억원으로" in line
    filtered = newsnote("digest", "--day", "2025-03-10", "--press", "저녁통신", "--db", sqlite_url)
    assert filtered.stdout.count("\n## ") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--day", "2025-03-10", "--since", "2025-03-09"), "give --day, or --since/--until"),
        (("--since", "2025-03-10", "--until", "2025-03-01"), "is after --until"),
        (("--until", "2025-03-10"), "--until needs --since"),
    ],
)
def test_the_digest_refuses_bad_periods(
    sqlite_url: str, args: tuple[str, ...], message: str
) -> None:
    result = newsnote("digest", *args, "--db", sqlite_url)
    assert result.returncode == 1
    assert result.stderr.startswith("newsnote: error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    malformed = newsnote("digest", "--day", "10/03/2025", "--db", sqlite_url)
    assert malformed.returncode == 2
    assert "Invalid value for '--day'" in malformed.stderr


def test_report_stories(db_url: str) -> None:
    imported(db_url)
    result = newsnote("report", "stories", "--min-presses", "2", "--format", "json", "--db", db_url)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["presses"], r["articles"]) for r in rows] == [(3, 3)]
    assert rows[0]["first_kst"].startswith("2025-03-10T09:00:00+09:00")
    by_keyword = newsnote(
        "report", "stories", "--keyword", "누리항공", "--format", "csv", "--db", db_url
    )
    assert by_keyword.stdout.count("\n") == 2  # the header and the route's story
    assert "--min-presses N" in newsnote("report", "--list").stdout


@pytest.mark.postgres
def test_two_workers_saving_one_new_story_at_once_make_one_story(pg_url: str) -> None:
    """Two threads assign the two presses' articles of one event at the same moment: the
    assignment's lock makes the second see the first's story and join it."""
    from pipeline.stories.assign import assign_articles
    from storage.stories import forget

    imported(pg_url)
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        ids = {str(u): int(i) for u, i in conn.execute(select(m.Article.url, m.Article.id))}

    def assign(article_id: int, barrier: threading.Barrier, errors: list[BaseException]) -> None:
        try:
            barrier.wait()
            assign_articles(engine, [article_id])
        except BaseException as exc:  # reported below
            errors.append(exc)

    for _ in range(5):
        forget(engine, list(ids.values()))
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=assign, args=(ids[u], barrier, errors))
            for u in (RESULTS, RETOLD)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        story = stories_of(pg_url)
        assert story[RESULTS] == story[RETOLD]
    engine.dispose()


def test_a_store_from_before_stories_says_what_to_run(tmp_path: Path) -> None:
    from storage.db import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0006")
    result = newsnote("digest", "--db", url)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "newsnote: error: this store has no stories yet (made by an older version): run "
        "`newsnote db upgrade`, then `newsnote stories rebuild`"
    ]
    rebuilt = newsnote("stories", "rebuild", "--db", url)  # a writing command migrates it
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.strip() == (
        "stories: 0 articles in 0 stories, 0 of them carried by 2 or more presses"
    )


def test_the_terms_an_import_matches_on_are_those_a_rebuild_reads_back(sqlite_url: str) -> None:
    """The ingest hook takes an article's terms from its analysis in memory; a rebuild
    computes them from the stored article: both must give the same terms."""
    from pipeline.analysis import begin_analysis, finish_analysis
    from pipeline.cli.import_articles_cmd import article_from_record, read_jsonl
    from pipeline.stories.features import KEYWORDS, LEAD, analysed_terms, doc_terms
    from storage.save import save_article
    from storage.stories import load_docs

    engine = make_engine(sqlite_url)
    with ARTICLES.open("rb") as lines:
        records = list(read_jsonl(lines))
    try:
        for record in records:
            article = article_from_record(record.fields or {})
            draft = begin_analysis(article)
            analysis = finish_analysis(draft)
            saved = save_article(engine, article, analysis, content_hash=article.content_hash())
            [doc] = load_docs(engine, [saved.article_id], lead=LEAD, keywords=KEYWORDS)
            assert analysed_terms(draft, analysis) == doc_terms([doc])[0], article.url
    finally:
        engine.dispose()


def test_a_measured_figure_and_the_headline_spelling_count_as_evidence() -> None:
    """Two presses reporting one event share its measured figures (20.58%) and, however each
    spells a name (한화에어로 / 한화에어로스페이스), most of their headlines' letter pairs;
    round figures (10%) are shared by unrelated stories and weigh less."""
    from pipeline.stories.features import GRAM_PREFIX, letter_pairs, terms_of

    figures = [("percent", "20.58", "%"), ("percent", "10", "%"), ("money", "498000", "KRW")]
    terms = terms_of([], [], [], figures, ["한화에어로, 주가 20% 급등"])
    assert terms["#percent:20.58%"] > terms["#percent:10%"]
    assert terms["#money:498000KRW"] > terms["#percent:10%"]
    short, full = letter_pairs("한화에어로 급등"), letter_pairs("한화에어로스페이스, 주가 급등")
    assert {"한화", "에어", "어로", "급등"} <= short & full
    assert "로급" not in short  # pairs stay inside a word
    assert letter_pairs("코스피 상승 [굿모닝 증시]") == {"코스", "스피", "상승"}  # not the column's
    assert GRAM_PREFIX + "한화" in terms


def test_an_article_close_to_both_halves_of_one_event_makes_them_one_story(db_url: str) -> None:
    """The first two articles of an event can be too unlike to join (one on the drilling
    result, one on the stocks it sank); a third that reports both ends the split, so the
    articles that follow are not divided between two stories of one event."""
    from datetime import UTC, datetime, timedelta

    from pipeline.stories.assign import assign_terms

    engine = make_engine(db_url)
    start = datetime(2025, 2, 7, 1, 0, tzinfo=UTC)
    terms = [
        {"대왕고래": 2.0, "시추": 2.0, "실패": 1.0},
        {"대왕고래": 1.0, "테마주": 2.0, "급락": 2.0},
        {"대왕고래": 2.0, "시추": 2.0, "실패": 1.0, "테마주": 2.0, "급락": 2.0},
    ]
    drilling = "석유공사는 대왕고래 1차 시추에서 경제성 있는 가스를 찾지 못했다고 밝혔다."
    stocks = "가스공사와 동양철관 등 테마주 주가는 장 초반 20% 넘게 급락했다."
    bodies = [
        (drilling, "추가 탐사는 재검토된다."),
        (stocks, "개인 투자자 손실이 커졌다."),
        (drilling, stocks),
    ]
    stories = []
    try:
        for i, article_terms in enumerate(terms):
            at = start + timedelta(minutes=20 * i)
            url = f"https://news.example.com/whale/{i}"
            saved = save_body(engine, url, at, *bodies[i])
            stories.append(assign_terms(engine, saved.article_id, article_terms, at=at))
            if i == 1:
                assert stories[1] != stories[0]  # the two halves begin apart
        with engine.connect() as conn:
            rows = conn.execute(select(m.Story.id, m.Story.articles)).all()
    finally:
        engine.dispose()
    assert len(set(stories_of(db_url).values())) == 1
    assert [(sid, n) for sid, n in rows] == [(stories[2], 3)]


def test_two_brokers_notes_on_one_company_are_two_stories(db_url: str) -> None:
    """Notes of two brokers on one company read alike (the company, 목표가, 상향) but are
    two events; one broker's note told by two presses, however its headline names the
    broker, is one."""
    from datetime import UTC, datetime, timedelta

    from pipeline.stories.assign import assign_terms
    from storage.save import save_article
    from tests import factories

    terms = {"한빛전자": 3.0, "목표가": 2.0, "상향": 2.0, "수주": 1.0, "원전": 1.0}
    titles = [
        '"한빛전자, 원전 수주 기대…목표가↑"-KB',  # KB's note
        '"한빛전자, 수주 모멘텀 여전…목표가↑" -SK',  # SK's note on the same day
        'KB證 "한빛전자, 원전 수주 기대감…목표가 상향"',  # KB's note, another press
    ]
    engine = make_engine(db_url)
    start = datetime(2025, 2, 7, 0, 0, tzinfo=UTC)
    stories = []
    try:
        for i, title in enumerate(titles):
            at = start + timedelta(minutes=10 * i)
            url = f"https://news.example.com/notes/{i}"
            article = factories.article(url=url, title=title, published_at=at)
            saved = save_article(engine, article, factories.analysis(), content_hash=str(i))
            stories.append(assign_terms(engine, saved.article_id, dict(terms), at=at))
    finally:
        engine.dispose()
    kb, sk, kb_again = stories
    assert kb != sk
    assert kb_again == kb


def test_the_source_a_headline_names() -> None:
    from pipeline.stories.features import headline_source, other_sources

    assert headline_source("한빛전자, 실적 개선…목표가↑ -메리츠증권") == "메리츠"
    assert headline_source('NH투자證 "한빛전자, 증설로 해외서 기회"') == "nh"
    assert headline_source("코스피 2,500선 붕괴-종합") is None  # a version tag
    assert headline_source('기관·외인 "사자" 코스피 2620선 회복') is None  # a quoted word
    assert headline_source("코스피, 2520대 회복 [투자360]") is None
    assert other_sources("메리츠", "kb")
    assert not other_sources("한화", "한화자산")  # one name written shorter
    assert not other_sources(None, "kb")


def test_two_presses_telling_one_event_in_their_own_headlines_join_on_their_bodies(
    db_url: str,
) -> None:
    """Two presses' headlines and leads of one event can share few words (one leads with
    the results, the other with the share price), while their bodies go on to report the
    same figures and statements. Articles of another event on the same day stay apart."""
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    from pipeline.stories.assign import DEFAULT, StoryParams, assign_terms

    facts = (
        "한빛전자의 4분기 매출은 21조4000억원으로 12% 증가했다. 고대역폭 메모리 판매가 "
        "늘어난 반도체 부문이 실적을 끌어올렸다. 박서준 최고재무책임자는 실적 발표회에서 "
        '"올해 고대역폭 메모리 생산 능력을 두 배로 늘리겠다"고 말했다.'
    )
    articles = [  # (terms, lead, rest of the body)
        (
            {"한빛전자": 2.0, "영업이익": 2.0, "증가": 1.0},
            "한빛전자가 지난해 4분기 영업이익이 3조2000억원으로 45% 늘었다고 10일 공시했다.",
            facts,
        ),
        (
            {"한빛전자": 1.0, "주가": 2.0, "급등": 2.0, "신고가": 2.0},
            "실적 발표 직후 한빛전자 주가가 장중 8% 뛰며 신고가를 다시 썼다.",
            facts.replace("증가했다", "늘었다").replace("말했다", "밝혔다"),
        ),
        (
            {"한빛전자": 1.0, "배터리": 2.0, "공장": 2.0, "증설": 2.0},
            "배터리 공장 증설 소식에 한빛전자 주가가 급등했다.",
            "한빛전자는 헝가리에 배터리 공장을 짓는 데 2조원을 투자한다. 완공은 2027년이다. "
            "회사는 유럽 완성차 업체와 장기 공급 계약을 맺었다고 설명했다.",
        ),
    ]

    def assign_all(params: StoryParams, start: datetime) -> list[int]:
        engine = make_engine(db_url)
        out = []
        try:
            for i, (terms, lead, rest) in enumerate(articles):
                at = start + timedelta(minutes=30 * i)
                saved = save_body(
                    engine, f"https://news.example.com/{start:%m%d}/{i}", at, lead, rest
                )
                out.append(assign_terms(engine, saved.article_id, terms, params, at=at))
        finally:
            engine.dispose()
        return out

    results, price, plant = assign_all(DEFAULT, datetime(2025, 3, 10, 1, 0, tzinfo=UTC))
    assert price == results
    assert plant != results
    # the terms alone keep the two tellings of the results apart (told again ten days later,
    # beyond the window of the first)
    terms_only = replace(DEFAULT, body_weight=0.0)
    results, price, _ = assign_all(terms_only, datetime(2025, 3, 20, 1, 0, tzinfo=UTC))
    assert price != results


def test_the_story_summary_does_not_state_one_fact_twice() -> None:
    from pipeline.stories.digest import sentence_facts, summarise
    from storage.story_reads import FigureRow, SummaryCandidate

    close = "이날 코스피 지수는 전 거래일 대비 19.43p(0.77%) 내린 2,517.37로 장을 마감했다."
    # the same close in other words: only its figures tell
    retold = (
        "딥시크의 충격이 번지면서 31일 유가증권시장 대표지수는 0.77% 하락해 "
        "2517.37에 거래를 끝냈다."
    )
    # the same close at the end of a long sentence (text that lost its full stops)
    inside = (
        "설 연휴를 마치고 문을 연 국내 증시에서는 반도체 대형주가 일제히 급락했고 외국인과 "
        "기관이 동반 매도에 나섰으며 증권가에서는 인공지능 하드웨어 독주가 끝나고 소프트웨어 "
        "종목으로 주도주가 바뀔 수 있다는 분석이 잇따랐는데, " + close
    )
    selling = "외국인은 유가증권시장에서 1조원 넘게 순매도하며 지수 하락을 이끌었다."
    figures = [
        FigureRow(aid, "percent", "0.77", "%", "0.77%", "코스피", text)
        for aid, text in ((1, close), (2, retold))
    ]
    summary = summarise(
        [
            SummaryCandidate(1, 1, 0, close),
            SummaryCandidate(2, 1, 0, retold),
            SummaryCandidate(3, 1, 0, inside),
            SummaryCandidate(4, 2, 1, selling),
        ],
        facts=sentence_facts(figures),
    )
    assert len(summary) == 2
    assert selling in summary
    assert sum(s in (close, retold, inside) for s in summary) == 1


def test_the_story_keywords_name_each_term_once() -> None:
    from pipeline.stories.digest import top_keywords

    rows = [
        (1, "상호관세", 1),
        (2, "상호 관세", 1),
        (3, "상호관세", 2),
        (1, "상호관세 부과", 2),
        (2, "PPI", 2),
        (3, "뉴욕증시", 1),
        (1, "연준", 3),
    ]
    assert top_keywords(rows, n=3) == ["상호관세", "뉴욕증시", "PPI"]
