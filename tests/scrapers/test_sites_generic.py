"""Any other site: the corpus's 2016 Korean outlets and Arc pages, list pages, bad URLs."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from scrapers.errors import NotAnArticle, UnsupportedSite
from scrapers.files import page_from_file
from scrapers.parse import parse_page
from scrapers.sites import canonical_url, find_site, generic
from scrapers.sites.base import meta, meta_tags, parse_document
from tests.factories import page_at

# file, URL it came from (PROVENANCE.tsv), a phrase read in its title, one read in its body
ARTICLES = [
    (
        "legacy2016_donga_article_20160918_80317105.html",
        "http://news.donga.com/List/3/all/20160918/80317105/1",
        "룰 바꿔 기술씨름 되살려야",
        "한라장사―요요",
    ),
    (
        "legacy2016_donga_article_20160918_80317118.html",
        "http://news.donga.com/List/3/all/20160918/80317118/1",
        "국민연금 순혜택, X세대가 가장 크다",
        "국민연금으로 가장 많은 혜택을 보는 세대는",
    ),
    (
        "legacy2016_hani_article_761484.html",
        "http://www.hani.co.kr/arti/society/labor/761484.html",
        "제주의 비결은?",
        "일자리 상황이 가장 좋은 곳은 올해도 제주로 나타났다",
    ),
    (
        "legacy2016_hani_article_761487.html",
        "http://www.hani.co.kr/arti/economy/it/761487.html",
        "이통3사 과징금 3129억원 국고로",
        "가장 많은 1829억원의 과징금을 납부했고",
    ),
    (
        "legacy2016_khan_article_201609260957011.html",
        "http://biz.khan.co.kr/khan_art_view.html?artid=201609260957011&code=920100",
        "단통법, 가계통신비 인하 효과 못 느껴",
        "국내 소비자의 약 80%",
    ),
    (
        "arc_fusion_latercera.html",
        "https://www.latercera.com/politica/noticia/la-agenda-con-que-interior-busca-contener-"
        "la-crisis-de-seguridad-y-el-dilema-del-oficialismo/DHCHJTT5TNETPCHCIYLXWMQOBA/",
        "La agenda con que Interior busca contener la crisis de seguridad",
        "Hasta la sede del Congreso en Valparaíso llegó este martes la ministra del Interior",
    ),
    (
        "arc_fusion_infobae_2022.html",
        "https://www.infobae.com/america/mundo/2022/05/03/el-nobel-de-la-paz-ruso-dmitry-muratov-"
        "advirtio-que-el-regimen-de-vladimir-putin-podria-utilizar-armas-nucleares-en-ucrania/",
        "Dmitry Muratov, advirtió que el régimen de Vladimir Putin",
        "Novaya Gazeta",
    ),
]


@pytest.mark.parametrize(("name", "url", "title", "body"), ARTICLES, ids=lambda v: str(v)[:30])
def test_other_outlets_parse_with_title_date_and_body(
    corpus: Path, name: str, url: str, title: str, body: str
) -> None:
    article = parse_page(page_from_file(corpus / "other" / name, url))
    assert article.site == "generic"
    assert title in article.title
    assert article.published_at is not None
    assert article.published_at.utcoffset() is not None
    assert body in article.body_text


def test_subtitle_box_above_the_body_becomes_the_deck(corpus: Path) -> None:
    name, url = ARTICLES[3][:2]
    article = parse_page(page_from_file(corpus / "other" / name, url))
    assert article.subheadings == (
        "윤종오 의원, 이통사 과징금 부과현황에서 밝혀",
        "SKT 1829억원, KT 711억원, LG유플러스 588억원",
    )
    assert "윤종오 의원, 이통사 과징금" not in article.body_text


@pytest.mark.parametrize(
    ("name", "deck", "first_words"),
    [
        (  # the text's first run in bold, three lines: the deck
            "legacy2016_donga_article_20160918_80317130.html",
            (
                "“아내 두명 도망가 여성에 반감”… 홀로 기도하던 60대女 마구 찔러",
                "경찰, CCTV로 신원 파악뒤 검거",
                "피해 여성 위독… 영장신청 방침",
            ),
            "제주도를 방문한 50대 중국인",
        ),
        (  # a subtitle box (div.art_subtit) inside the body, its lines bulleted
            "legacy2016_khan_article_201609262218015.html",
            ("미 대선 첫 토론 이모저모", "일부 규칙 동전 던지기로 결정…호프스트라대 ‘중립의 상징’"),
            "미국의 이번 대선 1차 TV토론에선",
        ),
    ],
)
def test_the_deck_at_the_head_of_the_body_is_not_its_first_paragraph(
    corpus: Path, name: str, deck: tuple[str, ...], first_words: str
) -> None:
    article = parse_page(page_from_file(corpus / "other" / name))
    # NFKC: the page writes 女 as the compatibility ideograph U+F981
    nfkc = [unicodedata.normalize("NFKC", line) for line in (*article.subheadings, *deck)]
    assert nfkc[: len(article.subheadings)] == nfkc[len(article.subheadings) :]
    assert article.paragraphs[0].startswith(first_words)


def test_header_byline_outside_the_body_names_the_reporter(corpus: Path) -> None:
    name, url = ARTICLES[4][:2]
    article = parse_page(page_from_file(corpus / "other" / name, url))
    assert [(a.name, a.email) for a in article.authors] == [("이윤주", "runyj@kyunghyang.com")]


def test_arc_page_reads_the_json_not_the_html(corpus: Path) -> None:
    url = ARTICLES[-2][1]
    article = parse_page(page_from_file(corpus / "other" / "arc_fusion_latercera.html", url))
    # credits.by in the JSON: three names, two with their e-mail
    assert [a.name for a in article.authors] == [
        "Isabel Caro",
        "Rocío Latorre",
        "José Miguel Wilson",
    ]
    assert article.authors[0].email == "isabel.caro@latercera.com"
    assert article.section == "Política"
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2022-05-04T09:53:27.428000+09:00"


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("legacy2016_donga_article_list.html", "http://news.donga.com/List"),
        ("legacy2016_hani_article_list.html", "http://www.hani.co.kr/arti/list.html"),
        ("legacy2016_khan_article_list.html", "http://news.khan.co.kr/kh_recent/"),
    ],
)
def test_list_pages_are_not_articles(corpus: Path, name: str, url: str) -> None:
    with pytest.raises(NotAnArticle, match="does not declare an article"):
        parse_page(page_from_file(corpus / "other" / name, url))


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "not a url", "http://"],
)
def test_non_web_urls_are_unsupported(url: str) -> None:
    with pytest.raises(UnsupportedSite):
        find_site(url)


def test_unknown_sites_go_to_the_generic_parser() -> None:
    assert find_site("https://example.org/news/1") is generic
    assert canonical_url("https://Example.org/news/1?b=2&utm_campaign=x#top") == (
        "https://example.org/news/1?b=2"
    )


META_PAGE = """<html><head>
<meta property="og:title" content="  ">
<meta name="og:title" content="첫 &amp;amp; 제목">
<meta property="og:title" content="둘째 제목">
<meta property="og:type" name="author" content="article">
<meta name="description">
</head><body><meta name="late" content=" 본문 속  태그 "></body></html>"""


def test_meta_tags_reads_what_meta_reads() -> None:
    root = parse_document(META_PAGE)
    tags = meta_tags(root)
    assert tags == {
        "og:title": "첫 & 제목",
        "og:type": "article",
        "author": "article",
        "late": "본문 속 태그",
    }
    for key in (*tags, "description", "absent"):
        assert tags.get(key) == meta(root, key), key


def test_meta_tags_agree_with_meta_on_every_corpus_page(corpus: Path) -> None:
    for path in sorted(corpus.rglob("*.htm*")):
        root = parse_document(page_from_file(path, "http://example.com/a").text)
        keys = {k for m in root.iter("meta") for k in (m.get("property"), m.get("name")) if k}
        tags = meta_tags(root)
        for key in keys:
            assert tags.get(key) == meta(root, key), (path.name, key)


@pytest.mark.parametrize(
    ("name", "url", "published"),
    [
        (ARTICLES[0][0], ARTICLES[0][1], "2016-09-18T03:00:00+09:00"),  # 입력 <span>…</span>
        (ARTICLES[4][0], ARTICLES[4][1], "2016-09-26T09:57:01+09:00"),  # 입력 : 2016.09.26 …
    ],
    ids=["donga", "khan"],
)
def test_time_comes_from_the_pages_own_input_label(
    corpus: Path, name: str, url: str, published: str
) -> None:
    """Without article:published_time, the "입력 …" line gives the time to the second
    (htmldate gave the khan page its day at midnight)."""
    article = parse_page(page_from_file(corpus / "other" / name, url))
    assert article.published_at is not None
    assert article.published_at.isoformat() == published


BODY = "<p>" + "정부가 새 반도체 지원책을 내놓았다. 업계는 환영한다는 입장을 밝혔다. " * 8 + "</p>"


@pytest.mark.parametrize(
    ("label", "published"),
    [
        ("입력 : 2024.05.01 오후 3:20", "2024-05-01T15:20:00+09:00"),
        ("기사입력 2024-05-01 09:05", "2024-05-01T09:05:00+09:00"),
        ("<em>등록 :</em>2024-05-01 23:59", "2024-05-01T23:59:00+09:00"),
    ],
)
def test_input_label_forms_are_read_as_kst(label: str, published: str) -> None:
    html = (
        '<html><head><meta property="og:type" content="article">'
        '<meta property="og:title" content="반도체 지원책"></head><body>'
        f'<input placeholder="검색어 입력"><p class="date">{label}</p>'
        f'<div class="article_body">{BODY}</div></body></html>'
    )
    article = parse_page(page_at("https://news.example.kr/article/1", html))
    assert article.published_at is not None
    assert article.published_at.isoformat() == published


def test_a_control_character_beside_dropped_furniture_does_not_break_parsing() -> None:
    story = "정부가 내년 예산을 700조원으로 편성했다고 밝혔다. " * 8
    html = (
        "<html><head><title>예산 700조원</title>"
        '<meta property="og:type" content="article"></head><body><article>'
        f"<p>{story}</p>\x01<div class='share'>공유하기</div>\x02 꼬리 문장이다."
        f"<p>{story}</p></article></body></html>"
    )
    article = parse_page(page_at("https://news.example.kr/article/1", html))
    assert "공유하기" not in article.body_text
    assert "꼬리 문장이다." in article.body_text
    assert not {"\x01", "\x02"} & set(article.body_text)
