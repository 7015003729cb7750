"""Which index a store goes with (txtai-style factory): generation folders beside a SQLite
store, the `fagui_index` schema beside a PostgreSQL store."""
from __future__ import annotations

from pathlib import Path


def open_index_reader(store, index_dir: str | Path, embedder: str | None = None):
    """The live index for `store`: IndexReader (files) or PostgresIndexReader (tables)."""
    if getattr(store, "backend", "sqlite") == "postgres":
        from indexer.postgres.index import PostgresIndexReader
        return PostgresIndexReader(store.conn, index_dir, embedder)
    from indexer.embedded.reader import IndexReader
    return IndexReader(index_dir, embedder)


def make_index_builder(store, index_dir: str | Path, embedder=None, progress=None, **kwargs):
    """IndexBuilder (generation folders) or PostgresIndexBuilder (tables), same methods."""
    extra = {"embedder": embedder} if embedder is not None else {}
    if getattr(store, "backend", "sqlite") == "postgres":
        from indexer.postgres.build import PostgresIndexBuilder
        return PostgresIndexBuilder(store, index_dir, progress=progress, **extra, **kwargs)
    from indexer.embedded.build import IndexBuilder
    return IndexBuilder(store, index_dir, progress=progress, **extra, **kwargs)
