"""Evaluation by query kind and ranking stage (分类型评测): each kind of query (STARD citizen
questions, generated and hand-written topical queries, citations, citizen messages, notices)
is scored separately at each stage — keyword alone, vector alone, fusion, learned — so a
learned stage that helps one kind and hurts another shows up.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from search.evaluation.metrics import EvalQuery, load_queries, mean_scores, norm_title, score_ranking
from search.query.parse import SearchFilters, make_filters
from search.evaluation.querysets import (ArticleQuery, TopicalQuery, citation_queries, load_everyday, load_topical,
                              message_queries, notice_queries, scoped_queries, topical_queries)

KINDS = ("stard", "topical", "written", "everyday", "citation", "scoped", "messages", "notices")
STAGES = ("keyword", "vector", "fusion", "learned", "deciding")  # deciding: the assistant's order (deep search)
NATIONAL_SCOPE = "宪法,法律,行政法规,司法解释,部门规章"
_TEST_DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
WRITTEN = _TEST_DATA / "official_topical.jsonl"
EVERYDAY = _TEST_DATA / "everyday_questions.jsonl"


def kind_filters(kind: str) -> SearchFilters:
    """STARD's scope for questions and citations; all current laws for topical queries and
    messages (an official's default search); notices for notices."""
    if kind in ("stard", "citation"):
        return make_filters("laws", NATIONAL_SCOPE)
    return make_filters("notices" if kind == "notices" else "laws")


def load_kind(kind: str, searcher, data_dir: Path | None, split: str | None = None,
              stard_file: Path | None = None) -> list:
    """The queries of one kind (generated ones are deterministic), optionally one split."""
    store, analyzer = searcher.store, searcher.reader.analyzer
    if kind == "stard":
        items = load_queries(stard_file or data_dir / "stard/queries.jsonl")
    elif kind == "topical":
        items = topical_queries(store, analyzer)
    elif kind == "written":
        items = load_topical(WRITTEN)
    elif kind == "everyday":
        items = load_everyday(EVERYDAY)
    elif kind == "citation":
        items = citation_queries(store)
    elif kind == "scoped":
        items = scoped_queries(store, analyzer)
    elif kind == "messages":
        items = message_queries(store, data_dir)
    elif kind == "notices":
        items = notice_queries(store, analyzer)
    else:
        raise ValueError(f"unknown kind {kind!r}: use {', '.join(KINDS)}")
    return [q for q in items if not split or q.split == split]


@contextmanager
def stage(searcher, name: str) -> Iterator[str]:
    """The search mode of a stage; `fusion` is hybrid with the learned re-ranker set aside."""
    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}: use {', '.join(STAGES)}")
    saved = searcher.reranker, searcher.deep_reranker
    if name == "fusion":
        searcher.reranker = searcher.deep_reranker = None
    try:
        yield "hybrid" if name in ("fusion", "learned", "deciding") else name
    finally:
        searcher.reranker, searcher.deep_reranker = saved


def topical_scores(query: TopicalQuery, results) -> dict[str, float]:
    """law@3 (the governing law among the first 3 results), law MRR@10, chapter@10."""
    gold = norm_title(query.gold_law)
    laws = [norm_title(r.law_title) for r in results[:10]]
    first = next((i for i, law in enumerate(laws, 1) if law == gold), None)
    out = {"law@3": float(gold in laws[:3]), "law@10": float(first is not None),
           "law_mrr@10": 1.0 / first if first else 0.0}
    if query.gold_chapter:
        out["chapter@10"] = float(any(norm_title(r.law_title) == gold and query.gold_chapter in (r.chapter_path or [])
                                      for r in results[:10]))
    return out


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    keys = sorted({k for r in rows for k in r})
    return {k: round(sum(r[k] for r in rows if k in r) / max(1, sum(k in r for r in rows)), 4) for k in keys} | {
        "n": len(rows)}


def evaluate_kind(searcher, kind: str, queries: list, stages=STAGES,
                  progress: Callable[[int], None] | None = None) -> dict[str, dict]:
    """{stage: mean metrics} for one kind of query."""
    filters = kind_filters(kind)
    report = {}
    for name in stages:
        rows = []
        with stage(searcher, name) as mode:
            for q in queries:
                text = q.question if isinstance(q, EvalQuery) else q.query
                results = searcher.search(text, k=100, filters=filters, mode=mode, with_facets=False,
                                          decide=name == "deciding", deep=name == "deciding").results
                if isinstance(q, TopicalQuery):
                    rows.append(topical_scores(q, results))
                elif kind == "notices":
                    rows.append(score_ranking(q.gold, [r.doc_id for r in results]))
                else:
                    gold = q.gold if isinstance(q, (EvalQuery, ArticleQuery)) else frozenset()
                    rows.append(score_ranking(gold, [(norm_title(r.law_title), r.article_label or "")
                                                     for r in results]))
                if progress:
                    progress(1)
        report[name] = _mean(rows) if rows and "law@3" in rows[0] else mean_scores(rows)
    return report
