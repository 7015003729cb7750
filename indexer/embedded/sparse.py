"""In-memory keyword index (稀疏关键词索引): per-field term counts of the same jieba tokens
whoosh indexes, kept as scipy sparse matrices aligned with the index's unit order.

Why beside whoosh: a BM25 query over 169k units is a handful of posting-list sums here
(about a millisecond), where whoosh's Python posting iteration costs 50-1000 ms per
question (bench/latency.py). The file stores raw counts, so an update appends and drops
rows without re-reading the corpus; BM25 weights are computed when it is loaded.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from indexer.embedded.keyword import TEXT_FIELDS

K1, B = 1.2, 0.75


def _counts(token_strings: Iterable[str], vocab: dict[str, int]) -> sparse.csr_matrix:
    """Rows of space-joined tokens -> a (rows x len(vocab)) count matrix; grows `vocab`."""
    rows: list[int] = []
    cols: list[int] = []
    n = 0
    for n, text in enumerate(token_strings, start=1):
        ids = [vocab.setdefault(t, len(vocab)) for t in text.split()]
        cols.extend(ids)
        rows.extend([n - 1] * len(ids))
    matrix = sparse.coo_matrix((np.ones(len(cols), dtype=np.int32), (rows, cols)),
                               shape=(n, max(len(vocab), 1)))
    return matrix.tocsr()  # sums repeated (row, term) pairs into counts


def _widen(matrix: sparse.csr_matrix, width: int) -> sparse.csr_matrix:
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))


class SparseTermIndex:
    """Term counts per text field (正文/标题/章节) for every unit, rows in index order."""

    FILE = "sparse_terms.npz"

    def __init__(self, vocab: Sequence[str], counts: dict[str, sparse.csr_matrix]):
        self.vocab = list(vocab)
        self.term_id = {t: i for i, t in enumerate(self.vocab)}
        self.counts = counts
        self._df: np.ndarray | None = None

    @property
    def rows(self) -> int:
        return next(iter(self.counts.values())).shape[0]

    @classmethod
    def build(cls, token_rows: Sequence[tuple[str, str, str]],
              vocab: dict[str, int] | None = None) -> "SparseTermIndex":
        """`token_rows`: (text, title, chapter) space-joined tokens per unit."""
        vocab = {} if vocab is None else vocab
        counts = {f: _counts((row[i] for row in token_rows), vocab) for i, f in enumerate(TEXT_FIELDS)}
        width = max(len(vocab), 1)
        ordered = sorted(vocab, key=vocab.get)
        return cls(ordered, {f: _widen(m, width) for f, m in counts.items()})

    def updated(self, keep: np.ndarray, token_rows: Sequence[tuple[str, str, str]]) -> "SparseTermIndex":
        """Rows `keep` (in order) followed by new rows; the vocabulary only grows."""
        vocab = dict(self.term_id)
        added = SparseTermIndex.build(token_rows, vocab)
        width = len(added.vocab)
        counts = {f: sparse.vstack([_widen(self.counts[f][keep], width), added.counts[f]], format="csr")
                  for f in TEXT_FIELDS}
        return SparseTermIndex(added.vocab, counts)

    def save(self, folder: Path) -> None:
        arrays = {"vocab": np.array(self.vocab or [""], dtype=str)}
        for f, m in self.counts.items():
            arrays |= {f"{f}_data": m.data, f"{f}_indices": m.indices, f"{f}_indptr": m.indptr,
                       f"{f}_shape": np.array(m.shape)}
        tmp = folder / (self.FILE + ".tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(folder / self.FILE)

    @classmethod
    def load(cls, folder: Path) -> "SparseTermIndex":
        with np.load(folder / cls.FILE, allow_pickle=False) as z:
            counts = {f: sparse.csr_matrix((z[f"{f}_data"], z[f"{f}_indices"], z[f"{f}_indptr"]),
                                           shape=tuple(z[f"{f}_shape"])) for f in TEXT_FIELDS}
            vocab = z["vocab"].tolist()
        return cls(vocab, counts)

    def bm25_weights(self, boosts: dict[str, float], k1: float = K1, b: float = B) -> sparse.csc_matrix:
        """Σ_field boost · BM25(field) per (unit, term), column-major so a term is one slice."""
        total = None
        for field, boost in boosts.items():
            if boost <= 0:
                continue
            tf = self.counts[field].astype(np.float32)
            n = tf.shape[0]
            lengths = np.asarray(tf.sum(axis=1)).ravel()
            avg = max(float(lengths.mean()) if n else 0.0, 1e-9)
            df = np.bincount(tf.indices, minlength=tf.shape[1])
            idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
            row_of_entry = np.repeat(np.arange(n), np.diff(tf.indptr))
            norm = k1 * (1 - b + b * lengths[row_of_entry] / avg)
            data = idf[tf.indices] * tf.data * (k1 + 1) / (tf.data + norm)
            weighted = sparse.csr_matrix((boost * data.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape)
            total = weighted if total is None else total + weighted
        if total is None:
            raise ValueError("no text field has a positive boost")
        return total.tocsc()

    def document_frequency(self) -> np.ndarray:
        """Units containing each term in any text field (for pruning common query words);
        computed once, shared by the keyword retriever and the assistant."""
        if self._df is None:
            present = sum((m > 0).astype(np.int8) for m in self.counts.values())
            self._df = np.bincount(present.indices, minlength=len(self.vocab))
        return self._df
