"""The in-memory term index: counts match the tokens, BM25 ranks like the textbook formula,
and updates keep rows aligned with the index's unit order."""
from __future__ import annotations

import math

import numpy as np

from indexer.embedded.sparse import SparseTermIndex

ROWS = [("劳动 合同 劳动", "劳动合同法", "总则"),
        ("工资 支付", "劳动合同法", "劳动 合同"),
        ("犯罪 刑罚", "刑法", "")]


def test_counts_per_field():
    terms = SparseTermIndex.build(ROWS)
    labour = terms.term_id["劳动"]
    assert terms.counts["text"][0, labour] == 2 and terms.counts["chapter"][1, labour] == 1
    assert terms.rows == 3 and terms.counts["title"][2, terms.term_id["刑法"]] == 1
    assert terms.document_frequency()[labour] == 2  # rows 0 and 1, whatever the field


def test_bm25_matches_formula():
    terms = SparseTermIndex.build(ROWS)
    w = terms.bm25_weights({"text": 1.0}).toarray()
    # row 0, term 劳动: tf 2, dl 3, avgdl 7/3, df 1 of 3 texts
    idf = math.log1p((3 - 1 + 0.5) / (1 + 0.5))
    expected = idf * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 3 / (7 / 3)))
    assert abs(w[0, terms.term_id["劳动"]] - expected) < 1e-5
    both = terms.bm25_weights({"text": 1.0, "chapter": 0.5}).toarray()
    assert both[1, terms.term_id["劳动"]] > 0 and w[1, terms.term_id["劳动"]] == 0


def test_update_drops_and_appends_rows(tmp_path):
    terms = SparseTermIndex.build(ROWS)
    terms.save(tmp_path)
    loaded = SparseTermIndex.load(tmp_path)
    assert loaded.vocab == terms.vocab and (loaded.counts["text"] != terms.counts["text"]).nnz == 0
    updated = loaded.updated(np.array([0, 2]), [("社会 保险 工资", "社会保险法", "")])
    assert updated.rows == 3
    assert updated.counts["text"][1, updated.term_id["刑罚"]] == 1  # old row 2 is now row 1
    assert updated.counts["text"][2, updated.term_id["保险"]] == 1
    assert updated.term_id["劳动"] == terms.term_id["劳动"]  # ids stable, vocabulary grows
