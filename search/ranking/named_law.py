"""A named law first (法内检索): a keyword query naming a law without an article (行政处罚法 听证)
lists that law's articles matching its other words first, found by a second search inside the
law; a title alone (《劳动合同法》) opens the law at 第一条. The searcher calls `named_law_first`
after its ordinary candidates; search/query/law_scope.py decides what counts as naming a law."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from search.query.parse import ParsedQuery, SearchFilters

NAMED_FIRST = 10  # at least this many of a named law's articles go first (more when k asks more)


def opening(searcher, filters: SearchFilters) -> list[str]:
    """The units passing `filters` in document order (a law's articles from 第一条)."""
    rows = np.flatnonzero(searcher.mask(filters))
    uids = [str(searcher.meta.uids[row]) for row in rows]
    return sorted(uids, key=lambda uid: (uid.rsplit(":", 1)[0], int(uid.rsplit(":", 1)[1])))


def named_law_first(searcher, parsed: ParsedQuery, filters: SearchFilters, mode: str, deep: bool, rerank: bool,
                    decide: bool, fused: dict[str, float], parts: dict, k: int, law_filter: bool) -> list[str]:
    """Raise the named law's matching articles above the rest of `fused` (in place, their score
    parts added to `parts`). Returns the titles put first; none when the query names no law or
    the law has no such article within `filters`. With a `law` filter (`law_filter`) the search
    is already inside the law: no words at all (law:劳动合同法) open it at 第一条."""
    if law_filter or not parsed.text or not searcher.config.named_law_first:
        if law_filter and not parsed.text:
            _first(opening(searcher, filters)[:max(k, NAMED_FIRST)], fused, parts, {})
        return []
    scope = searcher.law_scope.named(parsed.text)
    if scope is None or not scope.docs:
        return []
    inside_filters = replace(filters, include_docs=scope.docs)
    if scope.rest:
        inside, inside_parts = searcher.candidates(replace(parsed, text=scope.rest), inside_filters, mode, deep,
                                                   rerank, decide)
        # an article must carry one of the other words (vector-only: whatever is nearest inside)
        matched = inside_parts.get("keyword", inside)
        first = [uid for uid in sorted(inside, key=inside.get, reverse=True) if uid in matched]
    else:  # the title alone: the law itself
        inside_parts, first = {}, opening(searcher, inside_filters)
    first = first[:max(k, NAMED_FIRST)]
    if not first:
        return []
    _first(first, fused, parts, inside_parts)
    return scope.titles


def _first(uids: list[str], fused: dict[str, float], parts: dict, inside_parts: dict) -> None:
    """`uids`, in this order, above everything in `fused` but exact citations (top + 1)."""
    top = max(fused.values(), default=0.0)
    for rank, uid in enumerate(uids):
        fused[uid] = top + 0.25 + (len(uids) - rank) * 1e-4
        for name, scores in inside_parts.items():
            if uid in scores:
                parts.setdefault(name, {}).setdefault(uid, scores[uid])
