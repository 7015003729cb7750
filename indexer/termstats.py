"""Term statistics the ranking features and the assistant read (词频统计), behind one small
interface so the in-memory index and the PostgreSQL index answer alike: how many units hold a
term, and which of some units hold some terms in their text."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from indexer.embedded.lookup import SortedIndex, compact_strings
from indexer.embedded.sparse import SparseTermIndex


class TermStats(Protocol):
    """`n` units; `doc_freq` of vocabulary terms (others absent); `text_presence` a
    (uids x tokens) boolean matrix, False for unknown units or terms."""

    n: int

    def doc_freq(self, tokens: Sequence[str]) -> dict[str, int]: ...

    def text_presence(self, uids: Sequence[str], tokens: Sequence[str]) -> np.ndarray: ...


class SparseTermStats:
    """TermStats over the generation's in-memory term counts (indexer/embedded/sparse.py)."""

    def __init__(self, terms: SparseTermIndex, uids: Sequence[str]):
        self.terms = terms
        self.n = len(uids)
        self.df = terms.document_frequency()
        self.text_counts = terms.counts["text"].tocsr()
        self.row_of_uid = SortedIndex(compact_strings(uids))

    def doc_freq(self, tokens: Sequence[str]) -> dict[str, int]:
        ids = self.terms.term_id
        return {t: int(self.df[ids[t]]) for t in tokens if t in ids}

    def text_presence(self, uids: Sequence[str], tokens: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(uids), len(tokens)), dtype=bool)
        cols = [(j, self.terms.term_id[t]) for j, t in enumerate(tokens) if t in self.terms.term_id]
        at = self.row_of_uid.positions(uids).tolist() if len(uids) else []
        rows = [(i, r) for i, r in enumerate(at) if r >= 0]
        if cols and rows:
            block = self.text_counts[[r for _, r in rows]][:, [c for _, c in cols]] > 0
            out[np.ix_([i for i, _ in rows], [j for j, _ in cols])] = block.toarray()
        return out
