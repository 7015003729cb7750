"""The embedded document store (文档库): one SQLite file with documents, units and sources.

Every write happens inside one transaction, so a failed ingest leaves the store exactly as it
was; readers (indexer, search, UI) only ever see committed data. The PostgreSQL store
(corpus/store/postgres.py) shares the SQL in corpus/store/base.py.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.store.base import (DOC_COLUMNS, UNIT_COLUMNS, DocumentStoreBase, StoreError,
                              StoreUnavailable)

__all__ = ["SQLiteDocumentStore", "StoreError", "StoreUnavailable", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents ({", ".join(c + (" TEXT PRIMARY KEY" if c == "id" else "") for c in DOC_COLUMNS)},
    declared_validity TEXT, source_key TEXT, meta TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_version ON documents(version_key);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_key);
CREATE INDEX IF NOT EXISTS documents_title ON documents(title);
CREATE TABLE IF NOT EXISTS units ({", ".join(c + (" TEXT PRIMARY KEY" if c == "id" else "") for c in UNIT_COLUMNS)},
    chapter_path TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS units_doc ON units(doc_id, seq);
CREATE TABLE IF NOT EXISTS sources (key TEXT PRIMARY KEY, kind TEXT, path TEXT,
    documents INTEGER, units INTEGER, ingested_at TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS unit_refs (from_doc TEXT NOT NULL, from_unit TEXT NOT NULL,
    pos INTEGER NOT NULL, to_doc TEXT NOT NULL, to_unit TEXT, kind TEXT NOT NULL, detail TEXT,
    span_start INTEGER, span_end INTEGER, later_version INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS unit_refs_from ON unit_refs(from_unit, pos);
CREATE INDEX IF NOT EXISTS unit_refs_to ON unit_refs(to_unit);
CREATE INDEX IF NOT EXISTS unit_refs_doc ON unit_refs(from_doc);
"""


class SQLiteDocumentStore(DocumentStoreBase):
    """Documents and units in one SQLite file (WAL mode, one writer, many readers)."""

    backend = "sqlite"

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        if readonly and not self.path.exists():
            raise StoreError(f"no document store at {self.path}: run `fagui ingest` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._connect()
            if not readonly:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.executescript(_SCHEMA)
                self._set_meta_default("schema_version", str(SCHEMA_VERSION))
                self._set_meta_default("corpus_version", "0")
            version = self.meta("schema_version")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a fagui document store: {exc}") from exc
        if version != str(SCHEMA_VERSION):
            raise StoreError(f"{self.path} has schema {version}, this fagui reads {SCHEMA_VERSION}")

    def _connect(self) -> None:
        uri = f"file:{self.path}?mode=ro" if self.readonly else f"file:{self.path}"
        # check_same_thread=False: the HTTP server reads from worker threads, one at a time
        # (the searcher holds a lock), which SQLite allows in its default serialized mode.
        self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row

    def before_fork(self) -> None:
        """SQLite connections must not cross a fork: the parent closes, each child reconnects."""
        self.conn.close()

    def after_fork(self) -> None:
        self._connect()

    def reopen(self, readonly: bool | None = None) -> "SQLiteDocumentStore":
        """A fresh connection to the same store (after another process changed it)."""
        return SQLiteDocumentStore(self.path, self.readonly if readonly is None else readonly)

    def describe(self) -> str:
        return str(self.path)

    def _has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 (name,)).fetchone() is not None

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator["SQLiteDocumentStore"]:
        """All or nothing: on any exception every change since BEGIN is rolled back."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'corpus_version'")
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # leave one self-contained file
