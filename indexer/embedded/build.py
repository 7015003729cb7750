"""Building and updating the indexes from the document store (build / update / delete).

Every change is written into a new generation folder and published atomically (see
`indexer.embedded.manifest`); store, whoosh and faiss always hold the same units.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from corpus.store.base import DocumentStoreBase
from indexer.analysis import RESOURCES, JiebaAnalyzer, TitleAnalyzer
from indexer.dictionary import dictionary_words
from indexer.embcache import EMBEDDING_CACHE, SQLiteEmbeddingCache
from indexer.embedders import DEFAULT_EMBEDDER, Embedder, cache_key, make_embedder
from indexer.embedded.keyword import WhooshKeywordIndex
from indexer.embedded.manifest import IndexError_, Manifest, current_generation, new_generation, publish
from indexer.embedded.reader import (DICTIONARY_FILE, DOCS_FILE, IDMAP_FILE, KEYWORD_DIR, STOPWORDS_FILE,
                            VECTORS_FILE, load_analyzer, load_idmap)
from indexer.records import UnitRecord, document_fingerprint, iter_documents, unit_record
from indexer.embedded.sparse import SparseTermIndex
from indexer.embedded.vectors import APPROX_THRESHOLD, FaissVectorIndex

# progress(description, total) -> advance(n): the CLI passes rich bars, tests pass nothing.
Progress = Callable[[str, int | None], Callable[[int], None]]


def _no_progress(description: str, total: int | None) -> Callable[[int], None]:
    return lambda n: None


@contextmanager
def _generation_guard(index_dir: Path, folder: Path):
    """A generation that fails half-way is removed (it was never live); a full disk becomes
    a clear error saying the live index is untouched."""
    try:
        yield
    except BaseException as exc:
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            live = current_generation(index_dir)
            raise IndexError_(f"disk full while writing {folder.name} in {index_dir} ({exc.strerror}); "
                              f"the live index {live.name if live else '(none)'} is unchanged: free space "
                              "and run the command again") from exc
        raise


@contextmanager
def writer_lock(index_dir: Path, timeout: float = 900.0):
    """One writer per index folder: a second build waits for the first, up to `timeout` s."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexError_(f"another build or update holds {index_dir / '.lock'} "
                                      f"(waited {timeout:.0f} s)") from None
                time.sleep(0.2)
        yield


class IndexBuilder:
    """Turns the store into whoosh + faiss indexes in `index_dir` (一个写入者)."""

    def __init__(self, store: DocumentStoreBase, index_dir: str | Path,
                 embedder: str | Embedder = DEFAULT_EMBEDDER, progress: Progress | None = None,
                 approx_threshold: int = APPROX_THRESHOLD, cache_path: str | Path | None = None,
                 lock_timeout: float = 900.0):
        self.store, self.index_dir = store, Path(index_dir)
        self._embedder = embedder
        self.progress = progress or _no_progress
        self.approx_threshold = approx_threshold
        self.lock_timeout = lock_timeout
        self.cache = SQLiteEmbeddingCache(cache_path or self.index_dir / EMBEDDING_CACHE)

    @property
    def embedder(self) -> Embedder:
        if isinstance(self._embedder, str):
            self._embedder = make_embedder(self._embedder)
        return self._embedder

    def _prepare(self, docs, analyzer: JiebaAnalyzer) -> tuple[list[UnitRecord], list[tuple]]:
        records = [unit_record(doc, unit) for doc in docs for unit in doc.units]
        advance = self.progress("分词 tokenize", len(records) * 3)
        key = analyzer.fingerprint
        texts = self.cache.tokenize(key, [r.text for r in records], analyzer, advance)
        title_analyzer = TitleAnalyzer(analyzer)
        titles = self.cache.tokenize(title_analyzer.fingerprint, [r.title for r in records], title_analyzer, advance)
        chapters = self.cache.tokenize(key, [r.chapter for r in records], analyzer, advance)
        return records, list(zip(records, texts, titles, chapters))

    def _vectors(self, records: list[UnitRecord]) -> np.ndarray:
        advance = self.progress(f"向量 embed ({self.embedder.name})", len(records))
        return self.cache.embed(cache_key(self.embedder), [r.embed_text for r in records],
                                self.embedder.embed_documents, self.embedder.dim,
                                on_batch=lambda cached, new: advance(cached + new))

    def _finish(self, folder: Path, keyword: WhooshKeywordIndex | None, vectors: FaissVectorIndex | None,
                terms: SparseTermIndex, uids: list[str], vids: np.ndarray,
                fingerprints: dict[str, str], analyzer_key: str) -> Manifest:
        if vectors is not None:
            vectors.save(folder / VECTORS_FILE)
        terms.save(folder)
        (folder / IDMAP_FILE).write_text(json.dumps({"uids": uids, "vids": vids.tolist()}), encoding="utf-8")
        (folder / DOCS_FILE).write_text(json.dumps(fingerprints), encoding="utf-8")
        counts = {"units": len(uids), "keyword_docs": keyword.doc_count() if keyword is not None else 0,
                  "vectors": vectors.ntotal if vectors is not None else 0, "sparse_rows": terms.rows,
                  "documents": len(fingerprints)}
        if keyword is not None:
            keyword.close()
        # the keyword stage holds the in-memory term index only: whoosh and vectors come later
        if counts["units"] != counts["sparse_rows"] or (vectors is not None and not
                                                        counts["units"] == counts["vectors"] == counts["keyword_docs"]):
            raise IndexError_(f"inconsistent index, not published: {counts}")
        manifest = Manifest(
            corpus_version=self.store.corpus_version, store=str(self.store.path),
            analyzer=analyzer_key, embedder=self.embedder.name,
            embedder_key=cache_key(self.embedder), dim=self.embedder.dim,
            vector_index={"kind": vectors.kind, "nprobe": vectors.nprobe} if vectors is not None else {},
            counts=counts, stage="full" if vectors is not None else "keyword")
        manifest.save(folder)
        publish(self.index_dir, folder)
        return manifest

    def ensure_references(self) -> dict | None:
        """Resolve the store's cross-references if they never were, or by an older detection
        (a store ingested before references existed); ingest and delete keep them current."""
        if getattr(self.store, "readonly", False) or not self.store.references_outdated:
            return None
        with self.store.transaction():
            return self.store.resolve_references(self.progress)

    def build(self, vectors: bool = True) -> Manifest:
        """Index every document of the store from scratch (cached tokens/vectors reused);
        `vectors` False: keyword search only (minutes, not the quarter hour of embeddings)."""
        with writer_lock(self.index_dir, self.lock_timeout):
            self.ensure_references()
            docs = list(iter_documents(self.store))
            if not any(doc.units for doc in docs):
                raise IndexError_(f"the store {self.store.path} holds no units: run `fagui ingest` first")
            folder = new_generation(self.index_dir)
            with _generation_guard(self.index_dir, folder):
                return self._build_into(folder, docs, vectors)

    def _build_into(self, folder: Path, docs, with_vectors: bool = True) -> Manifest:
        (folder / DICTIONARY_FILE).write_text("\n".join(dictionary_words(docs)), encoding="utf-8")
        shutil.copy(RESOURCES / "stopwords.txt", folder / STOPWORDS_FILE)
        analyzer = load_analyzer(folder)
        records, rows = self._prepare(docs, analyzer)
        keyword = None  # the keyword stage skips whoosh: half its build time, not what search uses
        if with_vectors:
            keyword = WhooshKeywordIndex(folder / KEYWORD_DIR, create=True)
            advance = self.progress("关键词索引 whoosh", len(rows))
            # Two writer processes halve whoosh's time on 2 cores (the costliest build step).
            keyword.write((row for row in rows if advance(1) or True), procs=min(2, os.cpu_count() or 1))
        vids = np.array([r.vid for r in records], dtype=np.int64)
        if len(set(vids.tolist())) != len(vids):
            raise IndexError_("vector id collision: two unit ids hash alike")
        terms = SparseTermIndex.build([row[1:] for row in rows])
        vectors = FaissVectorIndex.build(self._vectors(records), vids, self.approx_threshold) if with_vectors else None
        fingerprints = {doc.id: document_fingerprint(doc) for doc in docs}
        return self._finish(folder, keyword, vectors, terms, [r.uid for r in records], vids,
                            fingerprints, analyzer.fingerprint)

    def update(self, doc_ids: list[str] | None = None) -> dict:
        """Re-index documents that changed in the store (all, or `doc_ids` and their other
        versions); documents gone from the store leave the index."""
        with writer_lock(self.index_dir, self.lock_timeout):
            old = current_generation(self.index_dir)
            if old is None:
                raise IndexError_(f"no index in {self.index_dir} to update: run `fagui index build`")
            manifest = Manifest.load(old)
            self.ensure_references()
            if manifest.embedder != self.embedder.name:
                raise IndexError_(f"the index was built with {manifest.embedder!r}, not "
                                  f"{self.embedder.name!r}: rebuild with `fagui index build`")
            indexed: dict[str, str] = json.loads((old / DOCS_FILE).read_text(encoding="utf-8"))
            changed, removed = self._changes(doc_ids, indexed)
            started = time.perf_counter()
            folder = new_generation(self.index_dir)
            with _generation_guard(self.index_dir, folder):
                return self._update_into(folder, old, manifest, indexed, changed, removed, started)

    def _update_into(self, folder: Path, old: Path, manifest: Manifest, indexed: dict[str, str],
                     changed: dict, removed: list[str], started: float) -> dict:
        for name in (DICTIONARY_FILE, STOPWORDS_FILE):
            shutil.copy(old / name, folder / name)
        analyzer = load_analyzer(folder)
        records, rows = self._prepare(list(changed.values()), analyzer)
        keyword = None
        if (old / KEYWORD_DIR).exists():  # not at the keyword stage
            shutil.copytree(old / KEYWORD_DIR, folder / KEYWORD_DIR)
            keyword = WhooshKeywordIndex(folder / KEYWORD_DIR)
            keyword.write(rows, delete_doc_ids=[*changed, *removed])
        uids, vids = load_idmap(old)
        gone = set(changed) | set(removed)
        keep = [i for i, uid in enumerate(uids) if uid.rsplit(":", 1)[0] not in gone]
        new_vids = np.array([r.vid for r in records], dtype=np.int64)
        vectors = None  # a keyword-stage index stays one: its full build comes in the background
        if manifest.has_vectors:
            vectors = FaissVectorIndex.load(old / VECTORS_FILE)
            vectors.remove(np.setdiff1d(vids, vids[keep]))
            vectors.add(self._vectors(records), new_vids)
        terms = self._old_terms(old).updated(np.array(keep, dtype=np.int64), [row[1:] for row in rows])
        for doc_id in removed:
            indexed.pop(doc_id, None)
        indexed.update({i: document_fingerprint(d) for i, d in changed.items()})
        self._finish(folder, keyword, vectors, terms, [uids[i] for i in keep] + [r.uid for r in records],
                     np.concatenate([vids[keep], new_vids]), indexed, manifest.analyzer)
        return {"changed": sorted(changed), "removed": sorted(removed),
                "units_added": len(records), "seconds": round(time.perf_counter() - started, 2)}

    def _old_terms(self, old: Path) -> SparseTermIndex:
        if not (old / SparseTermIndex.FILE).exists():
            raise IndexError_(f"{old} predates the in-memory keyword index: run `fagui index build` once")
        return SparseTermIndex.load(old)

    def _changes(self, doc_ids: list[str] | None, indexed: dict[str, str]) -> tuple[dict, list[str]]:
        """Documents whose indexed fingerprint differs (by id) and ids gone from the store."""
        candidates = self._candidates(doc_ids, indexed)
        changed = {d.id: d for d in iter_documents(self.store, candidates)
                   if indexed.get(d.id) != document_fingerprint(d)}
        removed = [i for i in candidates if i in indexed and self.store.get(i, with_units=False) is None]
        return changed, removed

    def _candidates(self, doc_ids: list[str] | None, indexed: dict[str, str]) -> list[str]:
        if doc_ids is None:
            in_store = [d.id for d in self.store.documents()]
            return sorted(set(in_store) | set(indexed))
        related = {v["id"] for i in doc_ids for v in self.store.versions(i)}
        return sorted(set(doc_ids) | related)

    def delete(self, doc_ids: list[str]) -> dict:
        """Remove documents from the store and then from the indexes."""
        missing = [i for i in doc_ids if self.store.get(i, with_units=False) is None]
        if missing:
            raise IndexError_(f"no such document(s) in the store: {', '.join(missing)}")
        related = {v["id"] for i in doc_ids for v in self.store.versions(i)}
        with self.store.transaction():
            self.store.delete(doc_ids)
            self.store.resolve_versions()  # another version may now be the one in force
            self.store.resolve_references()  # references into them now resolve elsewhere, or not
        return self.update(sorted(set(doc_ids) | related))
