"""The note parser on the seed example (every field) and on notes written for corpus articles.

Expected values are read off ../shared/note-format/example-note.md and the corpus pages.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.errors import NoteFormatError
from pipeline.model import NoteLink
from pipeline.notes import parse_note, parse_note_with_body
from tests.conftest import FIXTURES, REPO

NOTES = FIXTURES / "notes"


def example_note_path() -> Path | None:
    configured = os.environ.get("NEWSNOTE_NOTE_FORMAT")
    folder = Path(configured) if configured else REPO.parent / "shared" / "note-format"
    path = folder / "example-note.md"
    return path if path.is_file() else None


@pytest.fixture(scope="session")
def example_markdown() -> str:
    path = example_note_path()
    if path is None:
        pytest.skip("example note not found: set NEWSNOTE_NOTE_FORMAT or use ../shared")
    return path.read_text(encoding="utf-8")


def test_example_header(example_markdown: str) -> None:
    note = parse_note(example_markdown)
    assert note.title == "떡잎 보이면 뭉칫돈…생성형 AI기업 사냥 나선 빅테크"
    assert note.subheadings == (
        "엔비디아, 한국 AI 스타트업에 첫 투자",
        "토종 트웰브랩스 영상AI 강점",
        "AI기업들 해외 투자유치 '신호탄'",
        "글로벌 AI 전쟁, 1~2년 내 결판",
        "MS·아마존도 '우군' 확보 총력",
    )
    assert note.source == NoteLink(
        "떡잎 보이면 뭉칫돈…생성형 AI기업 사냥 나선 빅테크",
        "한국경제",
        "https://n.news.naver.com/article/newspaper/015/0004906221?date=20231025",
    )


def test_example_body_without_markup(example_markdown: str) -> None:
    note = parse_note(example_markdown)
    assert note.body_headings == ("토종 ‘영상 LLM’의 약진", "AI 스타트업에 몰리는 ‘뭉칫돈’")
    assert len(note.body_paragraphs) == 9
    assert (
        note.body_paragraphs[0]
        == "“‘아이폰의 순간(iPhone moment)’이 생성형 인공지능(AI) 시대에도 다가오고 있다.”"
    )
    assert note.body_paragraphs[2].startswith("트웰브랩스는 2021년 설립된 3년 차 스타트업이다.")
    # the quote marks outside the backticks stay, the backticks go
    assert note.body_paragraphs[7].startswith(
        "한 VC 투자 담당 임원은 “최근 빅테크의 AI 투자 경향을"
    )
    assert note.body_paragraphs[7].endswith("싸움이 끝날 수 있다는 것”이라고 말했다.")
    assert note.body_paragraphs[-1].endswith("투자 양상이 나타나고 있다”고 말했다.")
    for text in note.body_paragraphs:
        assert "`" not in text
        assert "**" not in text


def test_example_highlights_in_order_spanning_sentences_and_quotes(example_markdown: str) -> None:
    note = parse_note(example_markdown)
    assert len(note.highlights) == 5
    first, second, third, fourth, fifth = note.highlights
    assert first.startswith("트웰브랩스는 2021년 설립된 3년 차 스타트업이다. 영상을 분석하고")
    assert first.endswith("미개척 시장에 도전한 업체로 평가받는다.")
    assert second == (
        "트웰브랩스의 AI 모델은 영상 내 대화 내용, 객체 행동, 문자, 로고 등"
        " 다양한 정보 유형을 이해한다."
    )
    assert third.startswith("투자업계에선 생성 AI 시장을 크게 세 가지 영역으로 구분한다.")
    assert third.endswith("현재 빅테크들의 투자는 첫 번째 영역에 초점이 맞춰져 있다.")
    # opens inside one quotation and closes inside the next one
    assert fourth.startswith("최근 빅테크의 AI 투자 경향을 보면")
    assert "보강하려는 움직임을 보인다”며 “MS와 구글이" in fourth
    assert fourth.endswith("AI 헤게모니 싸움이 끝날 수 있다는 것")
    assert fifth.startswith("이젠 국내에서도 창업가 경력이 좋거나")
    assert fifth.endswith("비슷한 투자 양상이 나타나고 있다")


def test_example_bold(example_markdown: str) -> None:
    (bold,) = parse_note(example_markdown).bold
    assert bold.startswith("인플렉션AI 투자에 참여한 MS는 디-매트릭스(9월·시리즈B)")
    assert "최대 40억달러(약 5조4000억원)를 투자하기로 합의했다. 블룸버그통신에 따르면" in bold
    assert bold.endswith("179억달러(약 24조1829억원)에 달한다.")


def test_example_glossary(example_markdown: str) -> None:
    glossary = parse_note(example_markdown).glossary
    assert list(glossary) == ["생성형 AI", "펀딩 (funding)", "VC (venture capital)"]
    assert len(glossary["생성형 AI"]) == 3
    assert glossary["생성형 AI"][0] == (
        "대화, 이야기, 이미지, 동영상, 음악 등 새로운 콘텐츠와 아이디어를"
        " 만들 수 있는 인공 지능의 일종"
    )
    assert glossary["펀딩 (funding)"] == (
        "필요, 프로그램, 프로젝트에 자금을 조달하기 위해 자원을 제공하는 행위",
        "돈의 형태로 쓰이는 것이 일반적이지만 단체나 기업으로부터의 노력이나"
        " 시간의 형태를 취하는 경우에도 사용될 수 있음",
    )
    assert glossary["VC (venture capital)"][1] == (
        "주로 기술력은 뛰어나지만 경영이나 영업의 노하우 등이 없는 초창기의 벤처기업이 대상"
    )


def test_example_evidence(example_markdown: str) -> None:
    evidence = parse_note(example_markdown).evidence
    assert len(evidence) == 2
    assert evidence[0].endswith("앤스로픽에 최대 40억달러(약 5조4000억원)를 투자하기로 합의했다")
    assert evidence[1] == (
        "블룸버그통신에 따르면 올해 3분기 글로벌 AI 스타트업 투자 규모는"
        " 179억달러(약 24조1829억원)에 달한다"
    )


def test_example_research_tree(example_markdown: str) -> None:
    (research,) = parse_note(example_markdown).research
    assert research.question == "기사의 근거를 통해 바뀐 수치는 무엇인가?"
    assert [n.text for n in research.tree] == [
        "트웰브랩스",
        "엔비디아",
        "생성 AI",
        "스타트업 투자 현황",
    ]
    twelve = research.tree[0]
    assert [n.text for n in twelve.children] == [
        "인공지능(AI) 전문 국내 기업",
        "지난 8일 처음으로 ‘세계에서 가장 유망한 50대 생성 AI 스타트업’으로 선정",
    ]
    assert twelve.children[0].children[0].text == (
        "영상 이해를 위한 대형언어모델(LLM)을 자체 개발하는 생성 AI 스타트업"
    )
    uses = research.tree[2].children[1]  # 생성 AI → 일반적인 응용 분야
    assert uses.text == "일반적인 응용 분야"
    assert len(uses.children[1].children) == 4  # four levels deep
    assert uses.children[0].children[0].text.startswith("엔지니어링, 마케팅")
    money = research.tree[3].children[0]
    assert money.text.startswith(
        "생성형 AI를 포함한 AI 스타트업에 대한 투자는 3분기 179억 달러(약 24조486억원)"
    )
    assert "앤트로픽에 40억 달러(약 5조3680억원)가 투자" in money.children[3].text
    assert len(money.children) == 5


def test_example_related_links(example_markdown: str) -> None:
    links = parse_note(example_markdown).related_links
    assert links == (
        NoteLink(
            "엔비디아, 한국 스타트업에 첫 투자",
            "조선일보",
            "https://www.chosun.com/economy/tech_it/2023/10/25/RFJZHFOXLJANNEZAGFKWC2O2ZM/",
        ),
        NoteLink(
            "엔비디아, 韓 AI 스타트업 ‘트웰브랩스’ 투자",
            "조선biz",
            "https://biz.chosun.com/industry/company/2023/10/24/OOQEGDUHE5DZLAJ5MRLIGH5TDA/",
        ),
        NoteLink(
            "AI 스타트업 투자금 쏠림현상…거대 생성형 AI업체만 뭉칫돈",
            "네이트뉴스",
            "https://news.nate.com/view/20231025n01142?mid=n0100",
        ),
    )


def test_example_body_blocks_keep_heading_positions(example_markdown: str) -> None:
    _, body = parse_note_with_body(example_markdown)
    kinds = "".join("h" if b.kind == "heading" else "p" for b in body)
    assert kinds == "pphppphpppp"


# --- notes written for corpus articles ------------------------------------------------------


def test_galaxy_note_tolerates_tabs_levels_and_multiline_highlights() -> None:
    note = parse_note((NOTES / "galaxy_book4_edge.md").read_text(encoding="utf-8"))
    assert note.title == "AI 노트북 3대 중 2대…삼성 '갤럭시 북4 엣지' 뜬다"
    assert note.subheadings[0] == "6월18일 '갤럭시 북4 엣지' 출시"
    assert note.source.press == "뉴시스"
    assert note.body_headings == ("하이브리드 AI",)
    # a highlight opened on one line and closed on the next line of the same paragraph
    assert note.highlights[0] == (
        "삼성전자가 올해 더 강력한 인공지능(AI) 기능을 갖춘 '갤럭시 북4 엣지'로"
        " 국내 AI PC 시장을 주도한다. 올해 국내 AI 노트북 시장에서 3대 중 2대는"
        " 갤럭시가 될 것이라는 자신감도 드러냈다."
    )
    assert note.body_paragraphs[0] == note.highlights[0]
    assert note.highlights[2] == (
        "올해 국내 AI PC 시장에서 3대중 2대가 갤럭시 북으로 판매될 수 있도록 AI 사용성을 혁신하겠다"
    )
    assert note.bold == (
        "'갤럭시 북4 엣지'는 내달 18일 출시되며 사전 구매알림은 내달 3일부터 신청할 수 있다. "
        "가격은 35.6㎝(14인치) 215만원, 40.6㎝(16인치)는 235만원과 265만원이다.",
    )
    assert list(note.glossary) == ["온디바이스 AI", "코파일럿+ PC (Copilot+ PC)"]
    assert len(note.glossary["코파일럿+ PC (Copilot+ PC)"]) == 2
    first, second = note.research
    assert first.question == "3대 중 2대라는 목표는 현실적인가?"
    assert first.tree[0].children[0].children[0].text == "갤럭시 북 최초 코파일럿+ PC"  # tabs
    assert [n.text for n in first.tree] == ["갤럭시 북4 엣지", "경쟁 제품"]
    assert second.question == "스마트폰 연동으로 무엇이 달라지나?"
    assert len(second.tree[0].children) == 2
    assert note.related_links[0].press == "부산일보"


def test_square_brackets_in_a_title_and_press_after_the_last_dash() -> None:
    note = parse_note((NOTES / "winter_heater_safety.md").read_text(encoding="utf-8"))
    (link,) = note.related_links
    assert link.title == "3분의 물이 지키는 것…예비주수, 산불 대응의 새로운 전략 [기고]"
    assert link.press == "뉴스1"
    assert link.url == "https://n.news.naver.com/mnews/article/421/0008770777"
    assert note.evidence == (
        "전기안전공사에 따르면 최근 3년간 전열기구(전기장판·방석 등) 화재 건수는 2021년 179건,"
        " 2022년 242건, 2023년 257건으로 지속 증가 추세",
    )
    (research,) = note.research
    assert research.tree[0].children[1].children[0].text == "전년보다 63건 증가"


def test_link_text_with_dashes_splits_at_the_last_one() -> None:
    md = "# 제목\n[A - B - 한국경제](https://example.com/a)\n\n---\n\n본문.\n"
    assert parse_note(md).source == NoteLink("A - B", "한국경제", "https://example.com/a")


# --- malformed notes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "line", "words"),
    [
        ("", 1, "headline"),
        ("\n\n## 부제\n", 3, "headline"),
        ("# 제목\n## 부제\n그냥 글\n", 3, "source link"),
        ("# 제목\n## 부제\n", 2, "source link"),
        ("# 제목\n[제목 - 언론](ftp://x)\n", 2, "web address"),
        ("# 제목\n[제목 - 언론](https://x.kr/1)\n\n---\n\n첫 `강조\n\n다음 문단\n", 6, "highlight"),
        ("# 제목\n[제목 - 언론](https://x.kr/1)\n\n**굵게\n이어서\n", 4, "bold"),
        ("# 제목\n[제목 - 언론](https://x.kr/1)\n\n### 용어정리\n\n용어 설명\n", 6, "bullet"),
        ("# 제목\n[제목 - 언론](https://x.kr/1)\n\n#### 연관기사 링크\n\n관련 기사\n", 6, "link"),
    ],
)
def test_malformed_note_reports_the_line(markdown: str, line: int, words: str) -> None:
    with pytest.raises(NoteFormatError) as info:
        parse_note(markdown)
    assert info.value.line == line
    assert words in str(info.value)
