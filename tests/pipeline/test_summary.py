"""The extractive summary: what a reader would mark first, never the page's furniture."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.analysis import analyze
from pipeline.model import Analysis
from scrapers.model import Article, Block, BlockKind
from tests.pipeline.analysis_material import example_article

STORY = (
    "정부가 내년 예산을 올해보다 5% 늘린 700조원으로 편성했다고 5일 밝혔다.",
    "늘어난 예산의 절반은 저출생 대책과 반도체 산업 지원에 쓰인다.",
    "기획재정부는 세수가 줄었지만 경기를 살리려면 재정을 풀어야 한다고 설명했다.",
    "야당은 국가채무가 늘어난다며 국회 심사에서 삭감을 요구하겠다고 밝혔다.",
)


def article(*paragraphs: str, title: str = "내년 예산 700조원…저출생·반도체에 절반") -> Article:
    return replace(
        example_article(),
        title=title,
        subheadings=(),
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
    )


def summary_texts(analysis: Analysis) -> list[str]:
    return [analysis.sentences[i].text for i in analysis.summary]


def test_furniture_in_front_of_the_story_is_never_picked() -> None:
    furniture = (
        "[앵커]",
        "홍길동 기자 hong@example.com",
        "(사진=연합뉴스)",
        "▲ 추경호 부총리가 5일 정부서울청사에서 예산안을 설명하고 있다.",
        "[영상취재 김세호]",
        "영상편집 : 이자은",
        "자세한 사항은 기획재정부 예산실(☎044-215-1234)로 문의하면 된다.",
        "YTN 김이영입니다.",
    )
    result = analyze(article(*furniture, *STORY), summary_sentences=5)
    assert summary_texts(result)
    assert set(summary_texts(result)) <= set(STORY)


def test_a_leading_byline_is_cut_from_the_summary_sentence() -> None:
    result = analyze(article(f"[서울=뉴시스]이현주 기자 = {STORY[0]}", *STORY[1:]))
    assert summary_texts(result)[0] == STORY[0]


def test_the_headline_repeated_in_the_body_is_not_a_summary_sentence() -> None:
    title = "정부, 내년 예산 700조원 편성…저출생·반도체 지원에 절반 쓴다"
    result = analyze(article(title, *STORY, title=title), summary_sentences=4)
    assert title not in summary_texts(result)


def test_picks_come_in_article_order_and_n_is_honoured() -> None:
    story = article(*STORY, *STORY[1:])  # later paragraphs repeat earlier ones
    for n in (1, 2, 3):
        picks = analyze(story, summary_sentences=n).summary
        assert len(picks) == n
        assert list(picks) == sorted(picks)
    assert analyze(story, summary_sentences=0).summary == ()


def test_a_sentence_repeating_a_picked_one_is_not_picked_too() -> None:
    result = analyze(article(*STORY, STORY[0]), summary_sentences=4)
    assert len(set(summary_texts(result))) == len(result.summary) == 4


def test_a_short_article_gets_what_it_has() -> None:
    assert len(analyze(article(STORY[0]), summary_sentences=3).summary) == 1
    assert len(analyze(article(*STORY[:2]), summary_sentences=3).summary) == 2
    assert analyze(article("홍길동 기자 hong@example.com"), summary_sentences=3).summary == ()


def test_the_ranking_orders_every_candidate_and_the_summary_is_its_head() -> None:
    result = analyze(article(*STORY), summary_sentences=2)
    assert sorted(result.summary_ranking) == [0, 1, 2, 3]
    assert result.summary == tuple(sorted(result.summary_ranking[:2]))


@pytest.mark.parametrize("n", [3, 10])
def test_a_300_sentence_article_is_summarised(n: int) -> None:
    paragraphs = [
        f"{i}번째 단락에서 정부는 예산 {i}조원을 {i % 7}개 부처에 나눠 쓴다고 밝혔다."
        for i in range(300)
    ]
    result = analyze(article(*paragraphs), summary_sentences=n)
    assert len(result.summary) == n
    assert len(result.summary_ranking) == 300
