"""Features of a candidate article for the learned ranker (排序特征) that hold for any query:
each retriever's score and rank, the fused score, how much of the query's (idf-weighted) words
the article's text, its law's title and its chapter headings carry, how much of the law's title
the query names, how strongly the candidate's law stands out among all candidates, national or
local, 效力级别 and length. Nothing here remembers which laws past questions were about.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict

import numpy as np

from indexer.analysis import plain_analyzer, title_words
from indexer.embedded.lookup import CategoricalColumn

# "enriched": the second vector field (indexer/enrich.py), absent (score 0, rank missing) until built
SOURCES = ("keyword", "vector", "adapted", "questions", "neighbours", "enriched")
NATIONAL_TYPES = frozenset({"宪法", "法律", "行政法规", "司法解释", "部门规章"})
TYPE_RANK = {"宪法": 0, "法律": 1, "行政法规": 2, "司法解释": 3, "部门规章": 4, "地方性法规": 5, "地方政府规章": 6}
FEATURES = [f"{s}_{kind}" for s in SOURCES for kind in ("score", "rank")] + [
    "fused", "fused_rank", "text_cover", "title_cover", "chapter_cover", "title_named", "law_share",
    "law_best_rank", "law_keyword", "doc_type", "national", "local", "log_length", "law_named"]
MISSING_RANK = 1000


class CandidateFeaturizer:
    """Builds the feature rows of a query's candidates from the index's per-field term counts
    (indexer.embedded.sparse), titles and chapter headings; a few milliseconds for 150 candidates."""

    def __init__(self, reader, meta, store=None):
        self.meta, self.store = meta, store
        self.stats = reader.term_stats  # indexer.termstats.TermStats, None before a sparse index
        self.n = self.stats.n if self.stats is not None else 0
        self._idf: dict[str, float] = {}
        self._chapters: CategoricalColumn | None = None  # numpy codes: stays shared across workers
        self._title_words: dict[str, list[str]] = {}

    def _weight(self, token: str) -> float:
        if token not in self._idf:
            if len(self._idf) > 100_000:  # a long-running server sees many words
                self._idf.clear()
            df = self.stats.doc_freq([token]).get(token) if self.stats is not None else None
            self._idf[token] = float(np.float32(math.log((self.n + 1) / (df + 1.0)))) if df is not None \
                else math.log(self.n + 1)
        return self._idf[token]

    def chapters(self, rows: np.ndarray) -> list[str]:
        """Chapter headings of metadata rows (-1: none)."""
        if self._chapters is None:  # headings of every unit, loaded once (~1 s), by metadata row
            found = {} if self.store is None else {
                u: " ".join(json.loads(p)) for u, p in self.store.conn.execute(
                    "SELECT id, chapter_path FROM units WHERE chapter_path != '[]'")}
            self._chapters = CategoricalColumn(found.get(str(u), "") for u in self.meta.uids)
        return [self._chapters[r] if r >= 0 else "" for r in rows.tolist()]

    def title_words(self, title: str) -> list[str]:
        if title not in self._title_words:
            self._title_words[title] = title_words(title)
        return self._title_words[title]

    def text_cover(self, ids: list[str], tokens: list[str]) -> np.ndarray:
        """The idf-weighted share of `tokens` each unit's text holds."""
        if self.stats is None:
            return np.zeros(len(ids), dtype=np.float32)
        known = list(self.stats.doc_freq(list(dict.fromkeys(tokens))))
        if not known:
            return np.zeros(len(ids), dtype=np.float32)
        weights = np.array([self._weight(t) for t in known], dtype=np.float32)
        present = self.stats.text_presence(ids, known)
        return (present @ weights / (float(weights.sum()) or 1.0)).astype(np.float32)

    def _share(self, words: dict[str, float], text: str) -> float:
        """Weighted share of `words` ({word: idf}) found in `text`."""
        total = sum(words.values())
        return sum(w for word, w in words.items() if word in text) / total if total and text else 0.0

    def features(self, question: str, tokens: list[str], parts: dict[str, dict], fused: dict) -> tuple[list, np.ndarray]:
        """Feature rows for the candidates in `fused`, ordered by fused score."""
        ids = sorted(fused, key=fused.get, reverse=True)
        ranks = {name: {i: r for r, i in enumerate(sorted(scores, key=scores.get, reverse=True), 1)}
                 for name, scores in parts.items()}
        words = {w: self._weight(w) for w in plain_analyzer().tokens(question) if len(w) >= 2}
        text_cover = self.text_cover(ids, tokens)
        meta = self.meta
        at = meta.row_of_uid.positions(ids)  # one vectorised lookup, then whole columns
        chapters = self.chapters(at)
        col = {c: meta.columns[c][at].tolist() for c in ("doc_id", "title", "doc_type", "region", "short_name",
                                                          "length")}
        docs = col["doc_id"]
        keyword = parts.get("keyword", {})
        top_keyword = max(keyword.values(), default=0.0) or 1.0
        share, best_rank, law_kw, title_of = defaultdict(int), {}, defaultdict(float), {}
        for position, (uid, doc, title) in enumerate(zip(ids, docs, col["title"]), 1):
            share[doc] += 1
            best_rank.setdefault(doc, position)
            law_kw[doc] = max(law_kw[doc], keyword.get(uid, 0.0) / top_keyword)
            title_of.setdefault(doc, title or "")
        title_cover = {d: self._share(words, t) for d, t in title_of.items()}
        title_named = {d: self._share({w: self._weight(w) for w in self.title_words(t)}, question)
                       for d, t in title_of.items()}
        source_cols = []
        for name in SOURCES:
            scores, rank = parts.get(name, {}), ranks.get(name, {})
            source_cols += [[scores.get(u, 0.0) for u in ids], [rank.get(u, MISSING_RANK) for u in ids]]
        rows = []
        for i, (uid, doc) in enumerate(zip(ids, docs)):
            doc_type, region, short = col["doc_type"][i], col["region"][i], col["short_name"][i]
            rows.append([c[i] for c in source_cols] + [
                fused[uid], i + 1, text_cover[i], title_cover[doc], self._share(words, chapters[i]),
                title_named[doc], share[doc] / len(ids), best_rank[doc], law_kw[doc], TYPE_RANK.get(doc_type, 7),
                float(doc_type in NATIONAL_TYPES and not region), float(bool(region)),
                math.log1p(col["length"][i] or 0), float(bool(short) and short in question)])
        return ids, np.asarray(rows, dtype=np.float32)
