"""Korean analysis of an `Article` into an `Analysis` (kiwipiepy).

Stages, one module each: `sentences` (split + tokenise in one batched Kiwi pass),
figures (`pipeline.figures`), `keywords`, `quotes`, `glossary`, `evidence`, `summary`.
Kiwi is loaded on the first call, never at import (`pipeline.analysis.kiwi`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.analysis.evidence import find_evidence
from pipeline.analysis.glossary import find_glossary
from pipeline.analysis.keywords import Candidates, choose_keywords, keyword_candidates
from pipeline.analysis.quotes import find_quotes
from pipeline.analysis.sentences import Tokenised, split_article
from pipeline.analysis.summary import rank_sentences
from pipeline.figures import extract_figures
from pipeline.model import Analysis, Quote, Sentence
from scrapers.model import Article

__all__ = ["ANALYSIS_VERSION", "Draft", "analyze", "begin_analysis", "finish_analysis"]

# Bump when the output of analysis changes: stored articles are then re-analysed on ingest.
ANALYSIS_VERSION = "4"


@dataclass(frozen=True, slots=True)
class Draft:
    """An article's analysis up to the point that needs counts from the store.

    `terms` are the keyword candidates whose document frequencies `finish_analysis` reads:
    the caller looks them up (in the store, say) and hands them over as a plain mapping.
    """

    article: Article
    split: Tokenised
    sentences: tuple[Sentence, ...]  # with their figures
    extra_texts: tuple[str, ...]  # title and deck
    quotes: tuple[Quote, ...]
    candidates: Candidates | None

    @property
    def terms(self) -> frozenset[str]:
        return frozenset() if self.candidates is None else self.candidates.terms


def begin_analysis(article: Article, split: Tokenised | None = None) -> Draft:
    """Sentences, tokens, figures and keyword candidates of `article`.

    `split` is `split_article(article)` when the caller had Kiwi tokenise the article ahead
    of time.
    """

    if split is None:
        split = split_article(article)
    sentences = tuple(s.with_figures(tuple(extract_figures(s.text))) for s in split.sentences)
    block_texts = [article.blocks[s.block_index].text for s in sentences]
    extra_texts = tuple(t for t in (article.title, *article.subheadings) if t.strip())
    quotes = find_quotes(sentences, split.tokens, split.body)
    candidates = keyword_candidates(
        [*split.tokens, *split.extra_tokens],
        [*block_texts, *extra_texts],
        exclude=[a.name for a in article.authors],
        speakers=[q.speaker for q in quotes if q.speaker],
        headlines=len(extra_texts),
    )
    return Draft(article, split, sentences, extra_texts, quotes, candidates)


def finish_analysis(
    draft: Draft,
    *,
    doc_freq: Mapping[str, int] | None = None,
    n_docs: int = 0,
    known_terms: Iterable[str] = (),
    summary_sentences: int = 3,
) -> Analysis:
    """Keywords, quotes, glossary, evidence and summary of a drafted article.

    `doc_freq` (term -> number of stored articles with that keyword; a term not in it has
    none) and `n_docs` reweight keywords against the store; `known_terms` are glossary terms
    already stored.
    """

    split, sentences = draft.split, draft.sentences
    keywords = choose_keywords(draft.candidates, doc_freq=doc_freq, n_docs=n_docs)
    ranking = rank_sentences(
        sentences, split.tokens, split.body, headline_tokens=split.extra_tokens, keywords=keywords
    )
    return Analysis(
        sentences=sentences,
        keywords=keywords,
        quotes=draft.quotes,
        glossary=find_glossary(sentences, known_terms, draft.extra_texts, tokens=split.tokens),
        evidence=find_evidence(sentences, split.body),
        summary=tuple(sorted(ranking[: max(summary_sentences, 0)])),
        summary_ranking=ranking,
        version=ANALYSIS_VERSION,
    )


def analyze(
    article: Article,
    *,
    doc_freq: Mapping[str, int] | None = None,
    n_docs: int = 0,
    known_terms: Iterable[str] = (),
    summary_sentences: int = 3,
    split: Tokenised | None = None,
) -> Analysis:
    """Sentences, figures, keywords, quotes, glossary, evidence and summary of `article`:
    `begin_analysis` and `finish_analysis` in one call, for counts known beforehand."""
    return finish_analysis(
        begin_analysis(article, split),
        doc_freq=doc_freq,
        n_docs=n_docs,
        known_terms=known_terms,
        summary_sentences=summary_sentences,
    )
