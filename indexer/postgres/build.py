"""Building and updating the search index inside PostgreSQL (build / update / delete).

Same tokens, vectors and caches as the embedded build (indexer/embedded/build.py); what differs is
where they go. A build fills the schema `fagui_build` and renames it to `fagui_index` in one
transaction (a killed build leaves the live index untouched); an update is one transaction.
One index writer at a time (an advisory lock); a second waits, then is refused.
"""
from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import numpy as np
import psycopg
from pgvector.psycopg import register_vector

from corpus.store.pgconn import mask_url
from indexer.analysis import RESOURCES, JiebaAnalyzer, load_word_list
from indexer.embedded.build import IndexBuilder
from indexer.dictionary import dictionary_words
from indexer.embedders import cache_key
from indexer.embedded.manifest import IndexError_, Manifest
from indexer.postgres.bulkcopy import copy_postings, copy_units, lengths_of, postings_of
from indexer.postgres.index import BUILDING, FIELDS, LIVE, index_meta
from indexer.records import document_fingerprint, iter_documents
from indexer.embedded.sparse import SparseTermIndex

INDEX_LOCK = 0x66616775_696E6478  # "faguindx"
SQL_DIR = Path(__file__).parent
HNSW = {"kind": "hnsw", "m": 16, "ef_construction": 64, "ef_search": 100}


def _ddl(name: str, schema: str, dim: int = 0) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8").replace("{schema}", schema).replace("{dim}", str(dim))


class PostgresIndexBuilder(IndexBuilder):
    """Turns the store into the PostgreSQL index (postings for BM25, pgvector HNSW)."""

    def __init__(self, store, index_dir, embedder=None, progress=None, lock_timeout: float = 900.0,
                 cache_path=None, maintenance_memory: str = "1GB"):
        kwargs = {"embedder": embedder} if embedder is not None else {}
        super().__init__(store, index_dir, progress=progress, lock_timeout=lock_timeout,
                         cache_path=cache_path, **kwargs)
        self.url = store.url
        self.maintenance_memory = maintenance_memory

    @contextmanager
    def _writer(self):
        """A connection of its own holding the index writer lock for the whole job."""
        try:
            conn = psycopg.connect(self.url, autocommit=True)
        except psycopg.OperationalError as exc:
            raise IndexError_(f"cannot connect to PostgreSQL at {mask_url(self.url)}: "
                              f"{' '.join(str(exc).split())}") from None
        with conn:
            deadline = time.monotonic() + self.lock_timeout
            while not conn.execute("SELECT pg_try_advisory_lock(%s)", (INDEX_LOCK,)).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise IndexError_(f"another index build or update runs on {mask_url(self.url)} "
                                      f"(waited {self.lock_timeout:.0f} s)")
                time.sleep(0.2)
            conn.execute(f"SET maintenance_work_mem = '{self.maintenance_memory}'")
            register_vector(conn)
            yield conn

    def _manifest(self, analyzer_key: str, counts: dict) -> Manifest:
        return Manifest(corpus_version=self.store.corpus_version, store=self.store.describe(),
                        analyzer=analyzer_key, embedder=self.embedder.name,
                        embedder_key=cache_key(self.embedder), dim=self.embedder.dim,
                        vector_index=dict(HNSW), counts=counts)

    def build(self, vectors: bool = True) -> Manifest:
        """Index every document of the store from scratch (cached tokens/vectors reused)."""
        if not vectors:
            raise IndexError_("the PostgreSQL backend builds keyword and vector indexes together")
        with self._writer() as conn:
            self.ensure_references()
            docs = list(iter_documents(self.store))
            if not any(doc.units for doc in docs):
                raise IndexError_(f"the store {self.store.describe()} holds no units: run `fagui ingest` first")
            words, stopwords = dictionary_words(docs), load_word_list(RESOURCES / "stopwords.txt")
            analyzer = JiebaAnalyzer(words, stopwords)
            records, rows = self._prepare(docs, analyzer)
            vids = np.array([r.vid for r in records], dtype=np.int64)
            if len(set(vids.tolist())) != len(vids):
                raise IndexError_("vector id collision: two unit ids hash alike")
            terms = SparseTermIndex.build([row[1:] for row in rows])
            vectors = self._vectors(records)
            conn.execute(f"DROP SCHEMA IF EXISTS {BUILDING} CASCADE")  # left by a killed build
            conn.execute(_ddl("pgschema.sql", BUILDING, self.embedder.dim))
            advance = self.progress("写入 PostgreSQL (units, postings)", 2)
            copy_units(conn, BUILDING, records, terms, vectors, first_row=0)
            advance(1)
            term_ids, row_ids, tf = postings_of(terms)
            copy_postings(conn, BUILDING, term_ids, row_ids, tf, lengths_of(terms))
            self._write_terms(conn, BUILDING, terms.vocab, term_ids, tf)
            advance(1)
            self._write_docs(conn, BUILDING, {doc.id: document_fingerprint(doc) for doc in docs})
            manifest = self._manifest(analyzer.fingerprint, _counts(len(records), len(docs)))
            self._write_meta(conn, BUILDING, manifest, dictionary=words, stopwords=stopwords,
                             field_stats=_field_stats(terms))
            self.progress("HNSW 向量索引 (pgvector)", None)(0)
            conn.execute(_ddl("pgindex_post.sql", BUILDING))
            with conn.transaction():
                conn.execute(f"DROP SCHEMA IF EXISTS {LIVE} CASCADE")
                conn.execute(f"ALTER SCHEMA {BUILDING} RENAME TO {LIVE}")
            return manifest

    def _write_terms(self, conn, schema: str, vocab: list[str], term_ids, tf: dict) -> None:
        df = {f: np.bincount(term_ids[tf[f] > 0], minlength=len(vocab)) for f in FIELDS}
        df_any = np.bincount(term_ids, minlength=len(vocab))
        with conn.cursor().copy(f"COPY {schema}.terms (term_id, term, df_text, df_title, df_chapter, df_any) "
                                "FROM STDIN") as copy:
            for i, term in enumerate(vocab):
                copy.write_row((i, term, int(df["text"][i]), int(df["title"][i]), int(df["chapter"][i]),
                                int(df_any[i])))

    def _write_docs(self, conn, schema: str, fingerprints: dict[str, str]) -> None:
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {schema}.docs (doc_id, fingerprint) VALUES (%s, %s) "
                            "ON CONFLICT (doc_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint",
                            list(fingerprints.items()))

    def _write_meta(self, conn, schema: str, manifest: Manifest, **values) -> None:
        """The manifest, a new generation id and any other settings (JSON unless text)."""
        entries = {"manifest": asdict(manifest), "generation": f"pg-{uuid.uuid4().hex[:12]}", **values}
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {schema}.meta (key, value) VALUES (%s, %s) ON CONFLICT (key) "
                            "DO UPDATE SET value = EXCLUDED.value",
                            [(k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                             for k, v in entries.items()])

    def update(self, doc_ids: list[str] | None = None) -> dict:
        """Re-index changed documents (all, or `doc_ids` and their other versions) in one
        transaction; documents gone from the store leave the index."""
        from indexer.postgres.update import apply_update

        with self._writer() as conn:
            meta = index_meta(conn)
            if not meta:
                raise IndexError_("no index in the PostgreSQL database to update: run `fagui index build`")
            manifest = Manifest(**json.loads(meta["manifest"]))
            self.ensure_references()
            if manifest.embedder != self.embedder.name:
                raise IndexError_(f"the index was built with {manifest.embedder!r}, not "
                                  f"{self.embedder.name!r}: rebuild with `fagui index build`")
            indexed = dict(conn.execute(f"SELECT doc_id, fingerprint FROM {LIVE}.docs").fetchall())
            changed, removed = self._changes(doc_ids, indexed)
            started = time.perf_counter()
            analyzer = JiebaAnalyzer(json.loads(meta["dictionary"]), json.loads(meta["stopwords"]))
            records, rows = self._prepare(list(changed.values()), analyzer)
            vectors = self._vectors(records) if records else np.zeros((0, self.embedder.dim), np.float32)
            with conn.transaction():
                apply_update(conn, records, rows, vectors, gone=[*changed, *removed])
                conn.execute(f"DELETE FROM {LIVE}.docs WHERE doc_id = ANY(%s)", (removed,))
                self._write_docs(conn, LIVE, {i: document_fingerprint(d) for i, d in changed.items()})
                n_units, n_docs = conn.execute(f"SELECT (SELECT COUNT(*) FROM {LIVE}.units), "
                                               f"(SELECT COUNT(*) FROM {LIVE}.docs)").fetchone()
                self._write_meta(conn, LIVE, self._manifest(manifest.analyzer, _counts(n_units, n_docs)))
        return {"changed": sorted(changed), "removed": sorted(removed),
                "units_added": len(records), "seconds": round(time.perf_counter() - started, 2)}


def _counts(units: int, documents: int) -> dict[str, int]:
    """Manifest counts: in PostgreSQL every unit has its postings and its vector in one row."""
    return {"units": units, "keyword_docs": units, "vectors": units, "sparse_rows": units, "documents": documents}


def _field_stats(terms: SparseTermIndex) -> dict:
    """Rows and per-field token totals: BM25's average lengths, kept exact across updates."""
    return {"n": terms.rows, **{f"sum_{f}": int(terms.counts[f].sum()) for f in FIELDS}}
