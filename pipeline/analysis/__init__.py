"""Korean analysis of an `Article` into an `Analysis` (kiwipiepy).

Stages, one module each: `sentences` (split + tokenise in one batched Kiwi pass),
figures (`pipeline.figures`), `keywords`, `quotes`, `glossary`, `evidence`, `summary`.
Kiwi is loaded on the first call, never at import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from pipeline.model import Analysis
from scrapers.model import Article

if TYPE_CHECKING:
    from pipeline.analysis.sentences import Tokenised

__all__ = ["ANALYSIS_VERSION", "analyze"]

# Bump when the output of analysis changes: stored articles are then re-analysed on ingest.
ANALYSIS_VERSION = "4"


def analyze(
    article: Article,
    *,
    doc_freq: Mapping[str, int] | None = None,
    n_docs: int = 0,
    known_terms: Iterable[str] = (),
    summary_sentences: int = 3,
    split: Tokenised | None = None,
) -> Analysis:
    """Sentences, figures, keywords, quotes, glossary, evidence and summary of `article`.

    `doc_freq` (term -> number of stored articles with that keyword) and `n_docs` reweight
    keywords against the store; `known_terms` are glossary terms already stored. `split` is
    `split_article(article)` when the caller had Kiwi tokenise the article ahead of time.
    """
    from pipeline.analysis.evidence import find_evidence
    from pipeline.analysis.glossary import find_glossary
    from pipeline.analysis.keywords import extract_keywords
    from pipeline.analysis.quotes import find_quotes
    from pipeline.analysis.sentences import split_article
    from pipeline.analysis.summary import rank_sentences
    from pipeline.figures import extract_figures

    if split is None:
        split = split_article(article)
    sentences = tuple(s.with_figures(tuple(extract_figures(s.text))) for s in split.sentences)
    block_texts = [article.blocks[s.block_index].text for s in sentences]
    extra_texts = [t for t in (article.title, *article.subheadings) if t.strip()]
    quotes = find_quotes(sentences, split.tokens, split.body)
    keywords = extract_keywords(
        [*split.tokens, *split.extra_tokens],
        [*block_texts, *extra_texts],
        doc_freq=doc_freq,
        n_docs=n_docs,
        exclude=[a.name for a in article.authors],
        speakers=[q.speaker for q in quotes if q.speaker],
        headlines=len(extra_texts),
    )
    ranking = rank_sentences(
        sentences, split.tokens, split.body, headline_tokens=split.extra_tokens, keywords=keywords
    )
    return Analysis(
        sentences=sentences,
        keywords=keywords,
        quotes=quotes,
        glossary=find_glossary(sentences, known_terms, extra_texts, tokens=split.tokens),
        evidence=find_evidence(sentences, split.body),
        summary=tuple(sorted(ranking[: max(summary_sentences, 0)])),
        summary_ranking=ranking,
        version=ANALYSIS_VERSION,
    )
