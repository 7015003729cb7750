"""Ranking features over a real (small) index: word coverage of text, title and chapter, how
much of a law's title the query names, national vs local — the same for any kind of query."""
from __future__ import annotations

import numpy as np
import pytest

from search.ranking.features import FEATURES
from search.query.parse import make_filters


def _rows(searcher, query):
    _, parts = searcher.source_rankings(query, make_filters("laws"), "hybrid")
    fused = {u: 1.0 / (i + 1) for i, u in enumerate(dict.fromkeys(u for p in parts.values() for u in p))}
    ids, x = searcher.featurizer.features(query, searcher.reader.analyzer.tokens(query), parts, fused)
    assert x.shape == (len(ids), len(FEATURES)) and np.isfinite(x).all()
    return {u: dict(zip(FEATURES, row)) for u, row in zip(ids, x)}


def test_title_and_text_cover(searcher):
    rows = _rows(searcher, "劳动合同 试用期")
    labour = {u: r for u, r in rows.items() if searcher.meta.value(u, "title") == "中华人民共和国劳动合同法"}
    others = {u: r for u, r in rows.items() if u not in labour}
    assert labour and others
    assert min(r["title_cover"] for r in labour.values()) > 0.3  # 劳动合同 is in the law's title
    assert max(r["title_named"] for r in labour.values()) > 0.5
    assert max(r["title_named"] for r in others.values()) < 0.5
    art19 = rows.get(next(u for u in labour if searcher.meta.value(u, "label") == "第十九条"))
    assert art19["text_cover"] == pytest.approx(1.0)  # 第十九条 holds both words


def test_chapter_cover_and_local_flag(searcher):
    rows = _rows(searcher, "备案审查 规范性文件")
    local = [r for u, r in rows.items() if searcher.meta.value(u, "region")]
    assert local and all(r["local"] == 1.0 and r["national"] == 0.0 for r in local)
    national = [r for u, r in rows.items() if searcher.meta.value(u, "doc_type") == "法律"]
    assert national and all(r["national"] == 1.0 for r in national)
    assert max(r["chapter_cover"] for r in local) > 0  # 第三章 审查 / 备案 headings
