"""The laws behind a complaint (法规依据): national 现行有效 articles found by fagui's own search
for a message or a hot issue, so an official sees what people complain about beside the rules
that govern it."""
from __future__ import annotations

from analytics.messages import PLACE

# the messages come from one (anonymised) province: other provinces' local rules never apply
NATIONAL_TYPES = ("宪法", "法律", "行政法规", "部门规章", "司法解释")


def find_laws(searcher, lock, queries: list[str], k: int = 5) -> list[dict]:
    """Results of each query interleaved (rank 1 of each, then rank 2 ...), duplicates dropped.
    District codes are removed first: A3区 matches nothing useful."""
    from search.query.parse import SearchFilters  # analytics sits above search: a plain call down

    filters = SearchFilters(collections=["laws"], types=list(NATIONAL_TYPES))
    ranked = []
    for query in queries:
        text = PLACE.sub(" ", query)[:300].strip()
        if text:
            with lock:
                ranked.append(searcher.search(text, k=k, filters=filters, with_facets=False).results)
    seen, out = set(), []
    for rank in range(k):
        for results in ranked:
            if rank < len(results) and results[rank].article_id not in seen:
                seen.add(results[rank].article_id)
                out.append(results[rank])
    return [{"article_id": r.article_id, "doc_id": r.doc_id, "citation": r.citation, "law_title": r.law_title,
             "article_label": r.article_label, "validity": r.validity, "snippet": r.snippet}
            for r in out[:k]]
