"""Embedding cache (向量缓存): vectors keyed by (model, text hash), so a rebuild or an update
embeds only text it has not seen. One SQLite file shared by all index generations."""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

EMBEDDING_CACHE = "cache.sqlite3"  # its file name in an index folder


def text_hash(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


class SQLiteEmbeddingCache:
    """float32 vectors (and jieba tokens) in SQLite, keyed by model/analyzer and sha1 of the text."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash BLOB, vec BLOB, "
                          "PRIMARY KEY (model, hash)) WITHOUT ROWID")
        self.conn.execute("CREATE TABLE IF NOT EXISTS tokens (analyzer TEXT, hash BLOB, tokens TEXT, "
                          "PRIMARY KEY (analyzer, hash)) WITHOUT ROWID")

    def get_many(self, model: str, hashes: list[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start:start + 500]
            rows = self.conn.execute(
                f"SELECT hash, vec FROM vectors WHERE model = ? AND hash IN ({','.join('?' * len(chunk))})",
                (model, *chunk))
            found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def put_many(self, model: str, items: list[tuple[bytes, np.ndarray]]) -> None:
        with self.conn:
            self.conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                                  [(model, h, np.asarray(v, np.float32).tobytes()) for h, v in items])

    def embed(self, model: str, texts: list[str], embed: Callable[[list[str]], np.ndarray],
              dim: int, batch_size: int = 256,
              on_batch: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Vectors for `texts`, computing (in batches) and storing only the missing ones.

        `on_batch(done_from_cache, newly_embedded)` reports progress."""
        hashes = [text_hash(t) for t in texts]
        out = np.zeros((len(texts), dim), dtype=np.float32)
        cached = self.get_many(model, list(set(hashes)))
        todo: dict[bytes, list[int]] = {}
        for i, h in enumerate(hashes):
            if h in cached:
                out[i] = cached[h]
            else:
                todo.setdefault(h, []).append(i)
        if on_batch:
            on_batch(len(texts) - sum(len(v) for v in todo.values()), 0)
        keys = list(todo)
        for start in range(0, len(keys), batch_size):
            batch = keys[start:start + batch_size]
            vectors = embed([texts[todo[h][0]] for h in batch])
            for h, vec in zip(batch, vectors):
                out[todo[h]] = vec
            self.put_many(model, list(zip(batch, vectors)))
            if on_batch:
                on_batch(0, sum(len(todo[h]) for h in batch))
        return out

    def tokenize(self, analyzer_key: str, texts: list[str], analyze: Callable[[str], str],
                 on_done: Callable[[int], None] | None = None) -> list[str]:
        """Space-joined tokens of each text; jieba runs only on texts not tokenized before."""
        hashes = [text_hash(t) for t in texts]
        known: dict[bytes, str] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            known.update(self.conn.execute(
                f"SELECT hash, tokens FROM tokens WHERE analyzer = ? AND hash IN ({','.join('?' * len(chunk))})",
                (analyzer_key, *chunk)).fetchall())
        fresh: list[tuple[str, bytes, str]] = []
        out = []
        for i, (h, text) in enumerate(zip(hashes, texts)):
            if h not in known:
                known[h] = analyze(text)
                fresh.append((analyzer_key, h, known[h]))
            out.append(known[h])
            if on_done and i % 1000 == 999:
                on_done(1000)
        if on_done:
            on_done(len(texts) % 1000)
        with self.conn:
            self.conn.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?)", fresh)
        return out

    def close(self) -> None:
        self.conn.close()
