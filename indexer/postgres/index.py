"""Reading the search index kept in PostgreSQL (索引): the analyzer it was built with, its
manifest, term statistics for ranking features. Retrieval itself runs in the database
(search/retrieval/postgres.py), so a worker holds no index in memory."""
from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from indexer.analysis import JiebaAnalyzer
from indexer.embedded.manifest import IndexError_, Manifest

LIVE = "fagui_index"
BUILDING = "fagui_build"
FIELDS = ("text", "title", "chapter")


def index_meta(conn, schema: str = LIVE) -> dict[str, str]:
    """The index's key/value settings; empty when no index was ever published."""
    # no bound parameters: callers pass the store's connection or a raw psycopg one
    if conn.execute(f"SELECT to_regclass('{schema}.meta')").fetchone()[0] is None:
        return {}
    return {r[0]: r[1] for r in conn.execute(f"SELECT key, value FROM {schema}.meta")}


class PostgresTermStats:
    """TermStats (indexer/termstats.py) answered by the terms and postings tables, with a
    bounded cache of document frequencies (the assistant asks word by word)."""

    def __init__(self, conn, n: int, cache_size: int = 50_000):
        self.conn, self.n = conn, n
        self._df: OrderedDict[str, int | None] = OrderedDict()
        self.cache_size = cache_size

    def doc_freq(self, tokens: Sequence[str]) -> dict[str, int]:
        missing = [t for t in dict.fromkeys(tokens) if t not in self._df]
        if missing:
            found = dict(self.conn.execute(f"SELECT term, df_any FROM {LIVE}.terms WHERE term = ANY(?)",
                                           (missing,)).fetchall())
            for t in missing:
                self._df[t] = found.get(t)
            while len(self._df) > self.cache_size:
                self._df.popitem(last=False)
        return {t: self._df[t] for t in tokens if self._df.get(t) is not None}

    def text_presence(self, uids: Sequence[str], tokens: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(uids), len(tokens)), dtype=bool)
        if not uids or not tokens:
            return out
        # both key columns given as arrays (computed once): the primary key is probed per
        # (term, unit) pair, however many units hold a common term
        rows = self.conn.execute(
            f"SELECT u.uid, t.term FROM {LIVE}.postings p JOIN {LIVE}.units u ON u.row_id = p.row_id "
            f"JOIN {LIVE}.terms t ON t.term_id = p.term_id "
            f"WHERE p.term_id = ANY(ARRAY(SELECT term_id FROM {LIVE}.terms WHERE term = ANY(?))) "
            f"AND p.row_id = ANY(ARRAY(SELECT row_id FROM {LIVE}.units WHERE uid = ANY(?))) AND p.tf_text > 0",
            (list(tokens), list(uids))).fetchall()
        at_uid = {u: i for i, u in enumerate(uids)}
        at_token = {t: j for j, t in enumerate(tokens)}
        for uid, term in rows:
            out[at_uid[uid], at_token[term]] = True
        return out


class PostgresIndexReader:
    """The live index generation in PostgreSQL; `index_dir` still holds what `fagui learn`
    fitted and the embedding caches (local files)."""

    backend = "postgres"
    terms = None          # no in-memory term matrix: BM25 runs in SQL
    folder = None         # no generation folder (the enriched vector field is embedded-only)

    def __init__(self, conn, index_dir: str | Path, embedder: str | None = None):
        self.conn = conn
        self.index_dir = Path(index_dir)
        meta = index_meta(conn)
        if not meta:
            raise IndexError_("no index in the PostgreSQL database: run `fagui index build` first")
        self.manifest = Manifest(**json.loads(meta["manifest"]))
        if embedder is not None and embedder != self.manifest.embedder:
            raise IndexError_(f"the PostgreSQL index was built with embedder {self.manifest.embedder!r}, "
                              f"not {embedder!r}: rebuild with `fagui index build --embedder {embedder}`")
        self.generation = meta.get("generation", "")
        self.field_stats = json.loads(meta["field_stats"])
        self.analyzer = JiebaAnalyzer(json.loads(meta["dictionary"]), json.loads(meta["stopwords"]))
        self.term_stats = PostgresTermStats(conn, int(self.field_stats["n"]))

    def live_generation(self) -> str | None:
        """The generation published now (a build or update writes a new one)."""
        row = self.conn.execute(f"SELECT value FROM {LIVE}.meta WHERE key = 'generation'").fetchone()
        return row[0] if row else None

    def info(self) -> dict:
        m = self.manifest  # counts written by the build or update that published this generation
        count = m.counts["units"]
        return {"units": count, "keyword_docs": count, "vectors": count, "sparse_rows": None,
                "embedder": m.embedder, "dim": m.dim, "vector_index": m.vector_index,
                "analyzer": m.analyzer, "corpus_version": m.corpus_version,
                "documents": m.counts.get("documents"), "created": m.created,
                "generation": self.generation, "backend": "postgres"}

    def close(self) -> None:
        """Nothing to release: the store owns the connections."""
