"""Who said it: the speaker of each quote, as a careful reader would name them.

The sentences are written for these tests; each article runs through `analyze` whole, since
a speaker can be named sentences before the quote (`그는 …`, `이어 “…”`, `김 의원은 …`).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.analysis import analyze
from pipeline.model import Quote
from scrapers.model import Article, Block, BlockKind
from tests.pipeline.analysis_material import example_article

PRONOUNS = {"그", "그녀", "그들", "이들", "저", "저희", "우리", "자신", "본인"}


def article(*paragraphs: str) -> Article:
    return replace(
        example_article(),
        title="단통법 2년, 소비자는 체감 못해",
        subheadings=(),
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
    )


def quotes(*paragraphs: str) -> list[Quote]:
    return list(analyze(article(*paragraphs)).quotes)


def speakers(*paragraphs: str) -> list[str | None]:
    return [q.speaker for q in quotes(*paragraphs)]


def speaker_of(text: str, *paragraphs: str) -> str | None:
    """The speaker of the quote whose text starts with `text`."""
    found = [q for q in quotes(*paragraphs) if q.text.startswith(text)]
    assert len(found) == 1, [q.text for q in quotes(*paragraphs)]
    return found[0].speaker


# --- the phrase that names the speaker ---------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        # a relative clause in front is not part of the name
        (
            "연구를 수행한 최기홍 국민연금연구원 연구위원은 “초기 가입자들은 순혜택이 크지 "
            "않다”고 설명했다.",
            "최기홍 국민연금연구원 연구위원",
        ),
        (
            "토론회에 참석한 김성수 의원은 “정부는 성과 홍보에만 집중하고 있다”고 말했다.",
            "김성수 의원",
        ),
        # nor is a connective, a date or an adverbial of place
        ("이어 김성수 의원은 “정부는 국민의 입장에서 검토해야 한다”고 말했다.", "김성수 의원"),
        ("17일 원자력안전위원회는 “방사성 물질은 검출되지 않았다”고 밝혔다.", "원자력안전위원회"),
        ("반면 경기도는 이날 “예산이 부족해 어렵다”는 입장을 밝혔다.", "경기도"),
        # the title may come before the name or after it
        ("중대장 임상훈 대위는 “최고의 해병이 되려고 노력했다”고 말했다.", "중대장 임상훈 대위"),
        ("고윤화 기상청장은 13일 “큰 지진은 언제든 가능하다”고 말했다.", "고윤화 기상청장"),
        # organisations and unnamed people keep the phrase the article gives them
        ("시 관계자는 “내년 예산에 반영하겠다”고 말했다.", "시 관계자"),
        ("업계 관계자는 “투자 심리가 빠르게 식고 있다”고 전했다.", "업계 관계자"),
        ("한 VC 투자 담당 임원은 “몸값이 올라 투자가 어렵다”고 말했다.", "한 VC 투자 담당 임원"),
        # particles other than 은/는 mark a speaker too, and are not part of the name
        ("A씨는 경찰 조사에서 “과일을 자르려고 샀다”고 주장했다.", "A씨"),
        ("박광온 최고위원도 “충실한 응답은 아니다”라고 말했다.", "박광온 최고위원"),
        ("이재명 경기도지사가 19일 “공개 토론을 하자”고 제안했다.", "이재명 경기도지사"),
        # bracketed asides (an age, a constituency) are dropped
        ("황성동에 사는 김모 씨(39)는 “여진 때문에 잠을 못 잔다”고 말했다.", "김모 씨"),
        ("박광온(수원정) 최고위원은 “국민의 요구에 미치지 못한다”고 말했다.", "박광온 최고위원"),
        # the speaker after the quote
        ("“실적이 곧 좋아질 것”이라고 시 관계자는 말했다.", "시 관계자"),
    ],
)
def test_the_speaker_is_the_name_and_title_as_written(sentence: str, speaker: str) -> None:
    assert speakers(sentence) == [speaker]


def test_each_quote_gets_the_subject_of_its_own_clause() -> None:
    sentence = "B동 동장이 사과를 요구했고, A씨는 “그게 바로 열정”이라며 물러서지 않았다."
    assert speakers(sentence) == ["A씨"]


def test_a_quote_named_by_a_relative_clause_after_it_is_that_person_s() -> None:
    sentence = (
        "이재명 경기도지사가 19일 “단점이 심화할 수 있다”고 지적한 국민의힘 윤희숙 의원을 향해 "
        "“언론 뒤에 숨지 말고 공개 토론하자”고 제안했다."
    )
    assert speaker_of("단점이", sentence) == "국민의힘 윤희숙 의원"
    assert speaker_of("언론 뒤에", sentence) == "이재명 경기도지사"


# --- pronouns and quotes without a speaker of their own ----------------------------------

OPENING = "김성수 더불어민주당 의원은 “단통법 효과를 체감하지 못하고 있다”고 말했다."


@pytest.mark.parametrize(
    "follow_up",
    [
        "그는 “지원금 상한제를 폐지해야 한다”고 덧붙였다.",
        "그녀는 “지원금 상한제를 폐지해야 한다”고 덧붙였다.",
        "이어 그는 “지원금 상한제를 폐지해야 한다”고 덧붙였다.",
        "이어“지원금 상한제를 폐지해야 한다”고 덧붙였다.",
        "이어 “지원금 상한제를 폐지해야 한다”고 덧붙였다.",
        "또 “지원금 상한제를 폐지해야 한다”고 덧붙였다.",
        "특히“지원금 상한제를 폐지해야 한다”고 강조했다.",
        "이와 함께 “지원금 상한제를 폐지해야 한다”고 덧붙였다.",
        "그러면서 “지원금 상한제를 폐지해야 한다”며 “분리공시제도 도입해야 한다”고 말했다.",
    ],
)
def test_a_pronoun_or_no_subject_means_the_speaker_in_force(follow_up: str) -> None:
    said = speakers(OPENING, follow_up)
    assert said == ["김성수 더불어민주당 의원"] * len(said)
    assert len(said) >= 2


def test_the_speaker_in_force_is_the_last_one_named() -> None:
    said = speakers(
        OPENING,
        "시 관계자는 “예산이 부족하다”고 말했다.",
        "이어 “내년에는 늘리겠다”고 덧붙였다.",
        "그러면서 “시민의 이해를 구한다”고 말했다.",
    )
    assert said == ["김성수 더불어민주당 의원", "시 관계자", "시 관계자", "시 관계자"]


def test_a_pronoun_follows_the_subject_of_a_sentence_without_quotes() -> None:
    said = speakers(
        OPENING,
        "이재명 경기도지사는 19일 페이스북에 글을 올려 조세연 보고서를 비판했다.",
        "그는 “보고서는 얼빠진 주장만 담았다”면서 “청산해야 할 적폐”라고 주장했다.",
    )
    assert said == ["김성수 더불어민주당 의원", "이재명 경기도지사", "이재명 경기도지사"]


def test_a_demonstrative_points_back_to_the_last_speaker_with_that_noun() -> None:
    said = speakers(
        "한국고용정보원 관계자는 “제주는 인구가 늘고 있다”고 말했다.",
        "이 관계자는 “고용률도 함께 높아졌다”고 분석했다.",
    )
    assert said == ["한국고용정보원 관계자", "한국고용정보원 관계자"]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("그는 “지원금 상한제를 폐지해야 한다”고 말했다.",),
        ("이어 “지원금 상한제를 폐지해야 한다”고 덧붙였다.",),
        ("그녀는 “상한제를 폐지해야 한다”고 말했다.", "이들은 “끝까지 함께 싸우겠다”고 밝혔다."),
    ],
)
def test_with_nobody_in_force_a_pronoun_gives_no_speaker(paragraphs: tuple[str, ...]) -> None:
    said = speakers(*paragraphs)
    assert said
    assert said == [None] * len(said)


def test_a_pronoun_is_never_a_speaker() -> None:
    paragraphs = (
        "그는 “지금은 모두가 어려운 시기”라고 말했다.",
        OPENING,
        "그는 “상한제는 폐지해야 한다”고 말했다.",
        "그녀는 “그 주장에 동의하기 어렵다”고 말했다.",
        "이들은 “법 개정에 끝까지 반대한다”고 밝혔다.",
        "그들은 “결과를 더 지켜보겠다”고 말했다.",
        "저는 “모든 일을 책임지겠다”고 말했다.",
        "다만 그는 “개정에는 시간이 걸릴 것”이라고 덧붙였다.",
        "그는 정부가 대책을 내놓아야 한다고 말했다.",
    )
    found = quotes(*paragraphs)
    assert len(found) >= len(paragraphs) - 1
    for quote in found:
        assert quote.speaker is None or not PRONOUNS & set(quote.speaker.split()), quote


def test_a_quote_that_is_what_a_noun_says_has_no_speaker() -> None:
    said = speakers(
        OPENING,
        "현장에서는 법이 시행된 지 5년째지만 “전혀 효과를 체감할 수 없다”는 목소리가 "
        "끊이지 않는다.",
    )
    assert said == ["김성수 더불어민주당 의원", None]


# --- short second mentions ---------------------------------------------------------------


def test_a_short_second_mention_is_the_full_mention() -> None:
    said = speakers(
        "김현수 농림축산식품부 장관은 19일 김포시 돼지농장을 방문해 방역 태세를 점검했다.",
        "김 장관은 “앞으로 3주가 결정적 고비다”라고 말했다.",
    )
    assert said == ["김현수 농림축산식품부 장관"]


def test_the_full_mention_may_be_in_any_phrase_before() -> None:
    said = speakers(
        "지난 18일에는 염태영 수원시장 집무실에서 교류 방안을 논의했다.",
        "염 시장은 “우리 시의 정책이 도움이 되길 바란다”고 말했다.",
    )
    assert said == ["염태영 수원시장"]


def test_a_short_mention_without_a_full_one_stays_as_written() -> None:
    assert speakers("김 의원은 “단통법을 고쳐야 한다”고 말했다.") == ["김 의원"]


def test_a_short_mention_needs_the_same_title() -> None:
    said = speakers(
        "김성수 의원은 이날 법안을 발의했다.",
        "김 장관은 “법안을 검토하겠다”고 말했다.",
    )
    assert said == ["김 장관"]


def test_one_person_is_one_name_across_the_article() -> None:
    said = speakers(
        OPENING,
        "김 의원은 “정부는 성과 홍보에만 집중하고 있다”고 지적했다.",
        "그는 “지원금 상한제를 폐지해야 한다”고 말했다.",
        "이어 “분리공시제도 도입해야 한다”고 덧붙였다.",
        "김성수 더불어민주당 의원은 기자회견 뒤 국회를 떠났다.",
        "특히 “소비자 부담이 커지고 있다”고 강조했다.",
    )
    assert set(said) == {"김성수 더불어민주당 의원"}
    assert len(said) == 5


def test_indirect_quotes_get_the_same_treatment() -> None:
    said = speakers(
        "김하늘 AI스타트업협회 회장은 연구개발 지원이 늘어야 한다고 밝혔다.",
        "김 회장은 정부가 세제 혜택도 넓혀야 한다고 강조했다.",
    )
    assert said == ["김하늘 AI스타트업협회 회장"] * 2
