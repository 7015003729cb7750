"""Opening the live index generation for reading: analyzer, whoosh, faiss and the id map."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from indexer.analysis import JiebaAnalyzer, load_word_list
from indexer.embedded.keyword import WhooshKeywordIndex
from indexer.embedded.manifest import IndexError_, Manifest, current_generation
from indexer.embedded.lookup import ValueMap, compact_strings
from indexer.embedded.sparse import SparseTermIndex
from indexer.termstats import SparseTermStats
from indexer.embedded.vectors import FaissVectorIndex

KEYWORD_DIR, VECTORS_FILE, IDMAP_FILE, DOCS_FILE = "keyword", "vectors.faiss", "idmap.json", "docs.json"
DICTIONARY_FILE, STOPWORDS_FILE = "dictionary.txt", "stopwords.txt"


def load_analyzer(folder: Path) -> JiebaAnalyzer:
    """The analyzer an index was built with (its own copy of dictionary and stopwords)."""
    return JiebaAnalyzer(load_word_list(folder / DICTIONARY_FILE),
                         load_word_list(folder / STOPWORDS_FILE))


def load_idmap(folder: Path) -> tuple[list[str], np.ndarray]:
    data = json.loads((folder / IDMAP_FILE).read_text(encoding="utf-8"))
    return data["uids"], np.asarray(data["vids"], dtype=np.int64)


class IndexReader:
    """Read access to the live generation; refuses an index made with another embedder."""

    backend = "embedded"

    def __init__(self, index_dir: str | Path, embedder: str | None = None):
        self.index_dir = Path(index_dir)
        folder = current_generation(self.index_dir)
        if folder is None:
            raise IndexError_(f"no index in {self.index_dir}: run `fagui index build` first")
        self.folder = folder
        self.manifest = Manifest.load(folder)
        if embedder is not None and embedder != self.manifest.embedder:
            raise IndexError_(
                f"the index in {self.index_dir} was built with embedder {self.manifest.embedder!r} "
                f"({self.manifest.dim}-d), not {embedder!r}: search with that embedder or rebuild "
                f"with `fagui index build --embedder {embedder}`")
        self.analyzer = load_analyzer(folder)
        # whoosh, vectors: None while only the keyword stage is built (the full build follows)
        self.keyword = WhooshKeywordIndex(folder / KEYWORD_DIR) if (folder / KEYWORD_DIR).exists() else None
        self.vectors = FaissVectorIndex.load(folder / VECTORS_FILE) if self.manifest.has_vectors else None
        uids, vids = load_idmap(folder)
        self.uids = uids  # row order of the faiss id map and of the sparse term index
        self.uid_by_vid = ValueMap(vids, compact_strings(uids))  # dict-like, numpy only (lookup.py)
        self._terms: SparseTermIndex | None = None
        self._stats: SparseTermStats | None = None

    @property
    def terms(self) -> SparseTermIndex | None:
        """The in-memory keyword index (loaded on first use; None for generations built before it)."""
        if self._terms is None and (self.folder / SparseTermIndex.FILE).exists():
            self._terms = SparseTermIndex.load(self.folder)
        return self._terms

    @property
    def generation(self) -> str:
        return self.folder.name

    def live_generation(self) -> str | None:
        """The generation published now (may be newer than the loaded one)."""
        folder = current_generation(self.index_dir)
        return folder.name if folder else None

    @property
    def term_stats(self) -> SparseTermStats | None:
        """Term statistics for ranking features and the assistant (None without a sparse index)."""
        if self._stats is None and self.terms is not None:
            self._stats = SparseTermStats(self.terms, self.uids)
        return self._stats

    def info(self) -> dict:
        """Live counts (not copied from the manifest) plus how the index was made."""
        m = self.manifest
        return {"units": len(self.uid_by_vid),
                "keyword_docs": self.keyword.doc_count() if self.keyword is not None else 0,
                "vectors": self.vectors.ntotal if self.vectors is not None else 0, "stage": m.stage,
                "sparse_rows": self.terms.rows if self.terms is not None else None, "embedder": m.embedder, "dim": m.dim,
                "vector_index": m.vector_index, "analyzer": m.analyzer,
                "corpus_version": m.corpus_version, "documents": m.counts.get("documents"),
                "created": m.created, "generation": self.folder.name}

    def close(self) -> None:
        if self.keyword is not None:
            self.keyword.close()
