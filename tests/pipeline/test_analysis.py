"""Korean analysis of an article: sentences, keywords, quotes, glossary, evidence, summary.

Most expectations come from the example study note's article (tests/fixtures/analysis):
its text, and what its reader marked as glossary and evidence.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from types import SimpleNamespace

import pytest

from pipeline.analysis import ANALYSIS_VERSION, analyze
from pipeline.analysis.sentences import _spans
from pipeline.model import Analysis
from scrapers.model import Article, Block, BlockKind
from tests.pipeline.analysis_material import example_article, note_evidence

PARTICLE_ENDINGS = ("은", "는", "을", "를", "의", "에", "에서", "으로", "와", "과", "도")


@pytest.fixture(scope="module")
def article() -> Article:
    return example_article()


@pytest.fixture(scope="module")
def analysis(article: Article) -> Analysis:
    return analyze(article)


def one_paragraph(*paragraphs: str) -> Article:
    return replace(
        example_article(),
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
        subheadings=(),
    )


# --- sentences ---------------------------------------------------------------------------


def test_sentences_are_exact_slices_of_their_blocks(article: Article, analysis: Analysis) -> None:
    assert analysis.sentences
    for s in analysis.sentences:
        assert article.blocks[s.block_index].text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
    assert [s.index for s in analysis.sentences] == list(range(len(analysis.sentences)))


def test_sentences_cover_every_block_in_order(article: Article, analysis: Analysis) -> None:
    for block_index, block in enumerate(article.blocks):
        mine = [s for s in analysis.sentences if s.block_index == block_index]
        assert mine, block.text
        assert "".join(s.text for s in mine).replace(" ", "") == block.text.replace(" ", "")
        assert all(a.end <= b.start for a, b in itertools.pairwise(mine))


def test_sentences_split_a_paragraph_at_its_full_stops(analysis: Analysis) -> None:
    texts = [s.text for s in analysis.sentences]
    # the second paragraph of the article has four sentences
    assert (
        "오픈AI사의 챗GPT가 불러온 산업계 파장은 글로벌 빅테크들의 스타트업 투자 경쟁을 촉발했다."
        in texts
    )
    assert "일종의 영상판 챗GPT다." in texts


def test_quotes_and_brackets_stay_inside_one_sentence(analysis: Analysis) -> None:
    quoted = [s.text for s in analysis.sentences if s.text.startswith("한 VC 투자 담당 임원은")]
    assert len(quoted) == 1
    assert quoted[0].endswith("”이라고 말했다.")
    assert quoted[0].count("“") == quoted[0].count("”") == 2
    one_quote = one_paragraph("그는 “첫 문장이다. 둘째 문장이다.”라고 말했다. 다음 문장이다.")
    texts = [s.text for s in analyze(one_quote).sentences]
    assert texts == ["그는 “첫 문장이다. 둘째 문장이다.”라고 말했다.", "다음 문장이다."]


def test_a_split_that_leaves_a_quote_open_is_merged() -> None:
    text = "그는 “첫째다. 둘째다”라고 했다. 끝이다."

    def tok(start: int, end: int) -> SimpleNamespace:
        return SimpleNamespace(start=start, end=end, tag="NNG")

    # a splitter that cut inside the quotation: 그는 “첫째다. | 둘째다”라고 했다. | 끝이다.
    cut = [[tok(0, 2), tok(3, 8)], [tok(9, 12), tok(12, 19)], [tok(20, 24)]]
    spans = [text[s:e] for s, e, _ in _spans(text, cut)]  # type: ignore[arg-type]
    assert spans == ["그는 “첫째다. 둘째다”라고 했다.", "끝이다."]


def test_a_sentence_that_opens_with_a_quotation_mark_is_its_own() -> None:
    first = "작은 불씨 하나가 마을을 위협하는 시대가 됐다."
    second = "'불이 나면 끈다'는 체계로는 대형 산불을 막기 어렵다."
    quoted = '그는 "좋다. 나쁘다"라고 말했다.'
    result = analyze(one_paragraph(f"{first} {second} {quoted}"))
    assert [s.text for s in result.sentences] == [first, second, quoted]


def test_sentences_of_text_that_lost_its_spaces_are_cut_at_their_full_stops() -> None:
    # exports from other tools sometimes drop the space after a full stop
    first = "영풍은 가처분 신청을 법원에 제기했다고 31일 밝혔다."
    second = "MBK파트너스 관계자는 “결의는 무효”라고 말했다."
    third = "주가는 3.5% 올랐다."
    fourth = "31일 한국거래소에 따르면 코스피는 0.77% 내린 2517.37에 마감했다."
    result = analyze(one_paragraph(first + second + third + fourth))
    assert [s.text for s in result.sentences] == [first, second, third, fourth]
    assert [q.speaker for q in result.quotes][-1] == "MBK파트너스 관계자"


def test_figures_are_attached_to_their_sentences(analysis: Analysis) -> None:
    bloomberg = next(s for s in analysis.sentences if s.text.startswith("블룸버그통신에 따르면"))
    money = [f for f in bloomberg.figures if f.kind == "money"]
    assert [f.text for f in money] == ["179억달러", "24조1829억원"]
    for f in bloomberg.figures:
        assert bloomberg.text[f.start : f.end] == f.text


# --- keywords ----------------------------------------------------------------------------


def test_keywords_are_nouns_of_the_article_without_particles_or_numbers(
    article: Article, analysis: Analysis
) -> None:
    text = " ".join([article.title, *article.subheadings, *(b.text for b in article.blocks)])
    terms = [k.term for k in analysis.keywords]
    assert 5 <= len(terms) <= 10
    assert [k.rank for k in analysis.keywords] == list(range(1, len(terms) + 1))
    scores = [k.score for k in analysis.keywords]
    assert scores == sorted(scores, reverse=True)
    for term in terms:
        assert term in text
        assert not re.search(r"\d", term), term
        assert not term.endswith(PARTICLE_ENDINGS), term
        assert not re.fullmatch(r"[가-힣]", term), term
    assert "이주현" not in terms  # the reporter is not a keyword


def test_keywords_include_acronyms(analysis: Analysis) -> None:
    terms = {k.term for k in analysis.keywords}
    assert {"LLM", "MS"} <= terms


def test_a_recurring_compound_is_one_keyword() -> None:
    art = one_paragraph(
        "정부가 지원금 상한제 폐지를 검토한다. 지원금 상한제는 2014년 도입됐다.",
        "통신사들은 지원금 상한제 유지를 원한다. 소비자 단체는 지원금 상한제에 반대한다.",
    )
    terms = [k.term for k in analyze(art).keywords]
    assert "지원금 상한제" in terms
    assert not {"지원금", "상한제"} & set(terms)


def test_store_document_frequencies_push_common_terms_down(
    article: Article, analysis: Analysis
) -> None:
    plain = [k.term for k in analysis.keywords]
    assert plain[0] == "AI"
    every_article = {"AI": 1000, "투자": 1000}
    weighted = [k.term for k in analyze(article, doc_freq=every_article, n_docs=1000).keywords]
    assert weighted[0] != "AI"
    assert weighted.index("AI") > plain.index("AI") if "AI" in weighted else True


def test_numbers_and_counters_are_not_keywords() -> None:
    art = one_paragraph(
        "올해 3분기 매출은 2조원이다. 3분기 영업이익은 5000억원이다. 3분기 실적이 좋았다."
    )
    terms = [k.term for k in analyze(art).keywords]
    assert "분기" not in terms
    assert not any(re.search(r"\d", t) for t in terms)


def test_filler_and_page_furniture_are_not_keywords() -> None:
    art = one_paragraph(
        "관련기사 카드뉴스 전기장판을 사용할 때는 다양한 주의가 필요하다.",
        "전기장판은 라텍스 침구와 함께 사용하면 안 된다. 다양한 제품이 사용된다.",
        "전기장판 화재는 해마다 늘고 있다. 라텍스에 열이 쌓이면 전기장판 화재로 이어진다.",
    )
    terms = [k.term for k in analyze(art).keywords]
    assert "전기장판" in terms
    assert not {"사용", "다양", "관련기사", "카드뉴스"} & set(terms)


def test_nouns_made_with_a_suffix_are_keywords_and_plurals_count_as_one() -> None:
    art = one_paragraph(
        "주주들은 의결권 행사를 미뤘다. 의결권 제한은 법원이 판단한다.",
        "주주들이 의결권을 되찾으려 한다. 주주는 종목별 변동성도 걱정한다.",
        "시장 변동성이 커지면 의결권 다툼도 길어진다.",
    )
    terms = [k.term for k in analyze(art).keywords]
    assert {"의결권", "변동성", "주주"} <= set(terms), terms
    assert not {"주주들", "종목별"} & set(terms)


def test_how_a_speaker_is_named_is_no_keyword() -> None:
    art = one_paragraph(
        "김철수 한국대 물리학과 교수는 “핵융합 발전은 아직 멀었다”고 말했다.",
        "핵융합 연구비는 해마다 줄었다. 핵융합 실험로는 2035년 완공된다.",
        "이영희 민국대 물리학과 교수는 “핵융합 예산을 늘려야 한다”고 했다.",
    )
    terms = [k.term for k in analyze(art).keywords]
    assert "핵융합" in terms
    assert not [t for t in terms if t.endswith("교수")], terms


def test_variants_of_a_keyword_do_not_share_the_top_ten() -> None:
    art = one_paragraph(
        "AI 시장이 커지고 있다. 국내 AI 기업들은 클라우드 AI에 투자한다.",
        "클라우드 AI 수요도 늘었다. AI 반도체는 AI 학습에 쓰인다. AI 반도체 가격이 올랐다.",
        "AI 기술은 빠르게 발전한다. 정부는 AI 인재를 키운다. 클라우드 AI 경쟁이 치열하다.",
    )
    terms = [k.term for k in analyze(art).keywords]
    assert "AI" in terms
    ai_things = [t for t in terms if "AI" in t.split()]
    assert ai_things == ["AI"], terms  # not 국내 AI, 클라우드 AI, AI 반도체 beside it


def test_the_compound_wins_when_the_article_calls_the_thing_by_it() -> None:
    art = one_paragraph(
        "생성형 AI 경쟁이 뜨겁다. 빅테크는 생성형 AI 기업에 투자한다.",
        "생성형 AI 모델은 글을 쓴다. 생성형 AI 시장은 커진다. AI 반도체도 팔린다.",
        "AI 규제도 논의된다.",
    )
    terms = [k.term for k in analyze(art).keywords]
    assert "생성형 AI" in terms
    assert "AI" not in terms


# --- quotes ------------------------------------------------------------------------------


def test_direct_quotes_with_their_speakers(analysis: Analysis) -> None:
    by_speaker: dict[str | None, list[str]] = {}
    for q in analysis.quotes:
        by_speaker.setdefault(q.speaker, []).append(q.text)
    vc = by_speaker["한 VC 투자 담당 임원"]
    assert vc[0].startswith("최근 빅테크의 AI 투자 경향을 보면")
    assert vc[1].startswith("MS와 구글이 AI 반도체까지 만들고")
    assert vc[1].endswith("끝날 수 있다는 것")
    industry = by_speaker["투자업계 관계자"]
    assert industry[0].startswith("이젠 국내에서도 창업가 경력이")
    assert all("“" not in t and "”" not in t for texts in by_speaker.values() for t in texts)


def test_quote_sentence_index_points_at_the_sentence(analysis: Analysis) -> None:
    for q in analysis.quotes:
        assert q.text in analysis.sentences[q.sentence_index].text


def test_scare_quotes_and_titles_are_not_quotes(analysis: Analysis) -> None:
    texts = [q.text for q in analysis.quotes]
    assert not {"뭉칫돈", "몸값", "시그라프"} & set(texts)


def test_indirect_quote_with_speaker() -> None:
    art = one_paragraph("김하늘 협회장은 정부의 연구개발 지원이 더 늘어야 한다고 밝혔다.")
    (quote,) = analyze(art).quotes
    assert quote.speaker == "김하늘 협회장"
    assert quote.text.startswith("정부의 연구개발 지원이 더 늘어야")


# --- glossary ----------------------------------------------------------------------------


def test_abbreviations_with_their_korean_expansion(analysis: Analysis) -> None:
    glossary = {g.term: g.definitions for g in analysis.glossary}
    assert glossary["LLM"] == ("대규모언어모델",)
    assert glossary["CEO"] == ("최고경영자",)
    assert glossary["VC"] == ("벤처캐피털",)


def test_abbreviation_followed_by_its_english_words() -> None:
    art = one_paragraph(
        "VC (venture capital)는 초기 기업에 투자한다. PER(price earnings ratio)도 봤다."
    )
    glossary = {g.term: g.definitions for g in analyze(art).glossary}
    assert glossary["VC"] == ("venture capital",)
    assert glossary["PER"] == ("price earnings ratio",)


def test_definitional_sentences() -> None:
    definition = "스톡옵션이란 임직원에게 자사 주식을 미리 정한 가격에 살 수 있게 한 권리다."
    art = one_paragraph(f"회사는 직원들에게 보상을 늘렸다. {definition}")
    glossary = {g.term: g.definitions for g in analyze(art).glossary}
    assert glossary["스톡옵션"] == (definition,)
    noun_ending = "순혜택이란 받는 연금 총액에서 낸 보험료 총액을 뺀 것."
    said = "고령층이 더 많이 받을 것이란 통념이 깨졌다."  # a clause, not a term
    glossary = {g.term for g in analyze(one_paragraph(f"{noun_ending} {said}")).glossary}
    assert glossary == {"순혜택"}


def test_the_articles_own_definitions_with_their_sentences() -> None:
    means = "분리공시제는 보조금을 제조사와 통신사 몫으로 나눠 알리는 제도를 뜻한다."
    bracket = "정부는 분리공시제(보조금을 제조사와 통신사 몫으로 나눠 공시하는 제도)를 검토한다."
    quoted = "‘다함께돌봄센터’란 방과 후 돌봄이 필요한 초등학생을 맡아 주는 시설이다."
    for sentence, term in (
        (means, "분리공시제"),
        (bracket, "분리공시제"),
        (quoted, "다함께돌봄센터"),
    ):
        glossary = {g.term: g.definitions for g in analyze(one_paragraph(sentence)).glossary}
        assert glossary == {term: (sentence,)}, sentence


def test_korean_abbreviations_and_hanja_are_glossed() -> None:
    art = one_paragraph(
        "단말기유통구조개선법(단통법)이 시행됐다. 소방청은 '예비주수'(豫備注水)를 도입했다."
    )
    glossary = {g.term: g.definitions for g in analyze(art).glossary}
    assert glossary["단통법"] == ("단말기유통구조개선법",)
    assert glossary["예비주수"] == ("豫備注水",)


def test_names_and_lists_are_not_definitions() -> None:
    art = one_paragraph(
        "김영란 위원장은 1981년 판사로 공직생활을 시작했다. 김태란 작가는 그림을 그렸다.",
        "취약계층(기초생활수급자, 장애인, 국가유공자 등)은 신분증을 내야 한다.",
        "서울시(市)가 합의했다.",
    )
    assert [g.term for g in analyze(art).glossary] == []


def test_known_glossary_terms_found_in_the_article(article: Article) -> None:
    known = ["VC (venture capital)", "펀딩 (funding)", "생성형 AI", "양자컴퓨터", "AI"]
    glossary = {g.term: g.definitions for g in analyze(article, known_terms=known).glossary}
    assert "펀딩 (funding)" in glossary
    assert "생성형 AI" in glossary
    assert "양자컴퓨터" not in glossary
    # the article's own expansion is filed under the known term, not as a second term
    assert glossary["VC (venture capital)"] == ("벤처캐피털",)
    assert "VC" not in glossary


def test_latin_known_terms_match_whole_words() -> None:
    art = replace(one_paragraph("MAIN 지수가 올랐다. 투자자들이 몰렸다."), title="지수 상승")
    assert analyze(art, known_terms=["AI"]).glossary == ()
    art = replace(art, title="AI기업 주가 상승")  # a Korean word may follow directly
    assert [g.term for g in analyze(art, known_terms=["AI"]).glossary] == ["AI"]


# --- evidence and summary ----------------------------------------------------------------


def test_evidence_is_what_the_reader_marked(analysis: Analysis) -> None:
    evidence = [analysis.sentences[i].text.rstrip(".") for i in analysis.evidence]
    assert evidence == note_evidence()


def test_summary_has_the_requested_length_in_article_order(
    article: Article, analysis: Analysis
) -> None:
    assert len(analysis.summary) == 3
    assert list(analysis.summary) == sorted(analysis.summary)
    five = analyze(article, summary_sentences=5).summary
    assert len(five) == 5
    assert list(five) == sorted(set(five))
    assert analyze(article, summary_sentences=0).summary == ()


def test_summary_uses_body_sentences_only(article: Article, analysis: Analysis) -> None:
    for i in analysis.summary:
        block = article.blocks[analysis.sentences[i].block_index]
        assert block.kind is BlockKind.PARAGRAPH


def test_analysis_carries_its_version(analysis: Analysis) -> None:
    assert analysis.version == ANALYSIS_VERSION


def test_empty_article_gives_an_empty_analysis() -> None:
    art = replace(example_article(), blocks=(), subheadings=(), title="제목")
    result = analyze(art)
    assert result.sentences == ()
    assert result.summary == ()
    assert result.keywords == () or all(k.term == "제목" for k in result.keywords)


def test_analysis_is_the_same_from_several_threads(article: Article, analysis: Analysis) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: analyze(article), range(8)))
    assert all(r == analysis for r in results)


def test_importing_the_cli_and_pipeline_does_not_load_kiwi() -> None:
    code = (
        "import sys, pipeline.cli.app, pipeline.analysis, pipeline.ingest; "
        "sys.exit(1 if 'kiwipiepy' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
