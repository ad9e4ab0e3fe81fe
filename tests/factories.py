"""Small hand-made articles and analyses for storage and pipeline tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from pipeline.model import Analysis, Figure, GlossaryCandidate, Keyword, Quote, Sentence
from scrapers.model import Article, Author, Block, BlockKind, Page, RelatedLink


def article(
    url: str = "https://n.news.naver.com/mnews/article/015/0004906221", **kw: object
) -> Article:
    base = Article(
        url=url,
        site="naver",
        title="떡잎 보이면 뭉칫돈…생성형 AI기업 사냥 나선 빅테크",
        blocks=(
            Block(BlockKind.PARAGRAPH, "엔비디아가 트웰브랩스에 투자했다. 투자 규모는 비공개다."),
            Block(BlockKind.HEADING, "AI 스타트업에 몰리는 ‘뭉칫돈’"),
            Block(
                BlockKind.PARAGRAPH,
                "아마존은 앤스로픽에 최대 40억달러(약 5조4000억원)를 투자하기로 합의했다.",
            ),
        ),
        parser="naver",
        parser_version="1",
        press="한국경제",
        press_code="015",
        subheadings=("엔비디아, 한국 AI 스타트업에 첫 투자", "토종 트웰브랩스 영상AI 강점"),
        section="경제",
        published_at=datetime(2023, 10, 24, 17, 41, tzinfo=UTC),
        authors=(Author("이주현", "deep@hankyung.com"),),
        related=(
            RelatedLink(
                "https://www.chosun.com/economy/x/", "엔비디아, 한국 스타트업에 첫 투자", "조선일보"
            ),
        ),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def analysis(version: str = "t1") -> Analysis:
    money = (
        Figure("40억달러", 19, 25, "money", 4_000_000_000, "USD", approx=True),
        Figure("5조4000억원", 28, 36, "money", 5_400_000_000_000, "KRW", approx=True, converts=0),
    )
    return Analysis(
        sentences=(
            Sentence(0, 0, 0, 17, "엔비디아가 트웰브랩스에 투자했다."),
            Sentence(1, 0, 18, 29, "투자 규모는 비공개다."),
            Sentence(
                2,
                2,
                0,
                47,
                "아마존은 앤스로픽에 최대 40억달러(약 5조4000억원)를 투자하기로 합의했다.",
                money,
            ),
        ),
        keywords=(Keyword("엔비디아", 0.9, 1), Keyword("트웰브랩스", 0.7, 2)),
        quotes=(Quote("관계자", "투자는 계속된다", 1),),
        glossary=(GlossaryCandidate("VC", ("venture capital",)),),
        evidence=(2,),
        summary=(0, 2),
        version=version,
    )


def page_at(url: str, text: str) -> Page:
    """A page as fetched: `text` served at `url` as UTF-8."""
    return Page(
        url=url,
        final_url=url,
        status=200,
        headers={},
        content=text.encode(),
        text=text,
        charset="utf-8",
        fetched_at=datetime.now(tz=UTC),
    )
