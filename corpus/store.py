"""The document store (文档库): one SQLite file with documents, units and ingested sources.

Every write happens inside one transaction, so a failed ingest leaves the store exactly as it
was; readers (indexer, search, UI) only ever see committed data.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from corpus.model import Document, Unit
from corpus.structure import paragraphs_from_text
from corpus.versions import VersionInfo, resolve_versions

SCHEMA_VERSION = 1
_DOC_COLUMNS = ("id", "collection", "title", "subtitle", "short_name", "doc_type", "genre",
                "category", "issuer", "doc_number", "index_number", "topic", "region",
                "written_date", "publish_date", "effective_date", "validity", "validity_source",
                "version_key", "has_body", "source")
_DOC_JSON = ("history", "preamble", "answer", "extra")
_UNIT_COLUMNS = ("id", "doc_id", "seq", "kind", "article_label", "article_num",
                 "article_suffix", "text")
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents ({", ".join(c + (" TEXT PRIMARY KEY" if c == "id" else "") for c in _DOC_COLUMNS)},
    declared_validity TEXT, source_key TEXT, meta TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_version ON documents(version_key);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source_key);
CREATE INDEX IF NOT EXISTS documents_title ON documents(title);
CREATE TABLE IF NOT EXISTS units ({", ".join(c + (" TEXT PRIMARY KEY" if c == "id" else "") for c in _UNIT_COLUMNS)},
    chapter_path TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS units_doc ON units(doc_id, seq);
CREATE TABLE IF NOT EXISTS sources (key TEXT PRIMARY KEY, kind TEXT, path TEXT,
    documents INTEGER, units INTEGER, ingested_at TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


class StoreError(Exception):
    """The store file is missing, unreadable or of another schema."""


class SQLiteDocumentStore:
    """Documents and units in one SQLite file (WAL mode, one writer, many readers)."""

    def __init__(self, path: str | Path, readonly: bool = False):
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StoreError(f"no document store at {self.path}: run `fagui ingest` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        uri = f"file:{self.path}?mode=ro" if readonly else f"file:{self.path}"
        try:
            # check_same_thread=False: the HTTP server reads from worker threads, one at a time
            # (the searcher holds a lock), which SQLite allows in its default serialized mode.
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
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

    def close(self) -> None:
        self.conn.close()

    # -- writing ---------------------------------------------------------------------------
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

    def put(self, doc: Document, source_key: str) -> None:
        """Insert or replace a document and all its units (same id -> replaced, idempotent)."""
        values = [getattr(doc, c) for c in _DOC_COLUMNS]
        values[_DOC_COLUMNS.index("has_body")] = int(doc.has_body)
        meta = {k: getattr(doc, k) for k in _DOC_JSON}
        meta["history"] = [asdict(h) for h in doc.history]
        meta = json.dumps(meta, ensure_ascii=False)
        self.conn.execute("DELETE FROM units WHERE doc_id = ?", (doc.id,))
        self.conn.execute(
            f"INSERT OR REPLACE INTO documents ({', '.join(_DOC_COLUMNS)}, declared_validity, "
            f"source_key, meta, body) VALUES ({', '.join('?' * (len(_DOC_COLUMNS) + 4))})",
            (*values, doc.validity, source_key, meta, doc.text))
        self.conn.executemany(
            f"INSERT INTO units ({', '.join(_UNIT_COLUMNS)}, chapter_path) "
            f"VALUES ({', '.join('?' * (len(_UNIT_COLUMNS) + 1))})",
            [(*(getattr(u, c) for c in _UNIT_COLUMNS),
              json.dumps(u.chapter_path, ensure_ascii=False)) for u in doc.units])

    def replace_source(self, key: str, kind: str, path: str, docs: Iterable[Document],
                       on_document: Callable[[Document], None] | None = None) -> tuple[int, int]:
        """Store every document of one source; documents it no longer yields are removed."""
        seen: set[str] = set()
        n_units = 0
        for doc in docs:
            self.put(doc, key)
            seen.add(doc.id)
            n_units += len(doc.units)
            if on_document:
                on_document(doc)
        stale = [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE source_key = ?", (key,)) if r[0] not in seen]
        self.delete(stale)
        self.conn.execute("INSERT OR REPLACE INTO sources (key, kind, path, documents, units) "
                          "VALUES (?, ?, ?, ?, ?)", (key, kind, path, len(seen), n_units))
        return len(seen), n_units

    def delete(self, doc_ids: Iterable[str]) -> None:
        for doc_id in doc_ids:
            self.conn.execute("DELETE FROM units WHERE doc_id = ?", (doc_id,))
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def resolve_versions(self) -> int:
        """Recompute 时效性 of every versioned document from its group; returns changes."""
        groups: dict[str, list[VersionInfo]] = {}
        current: dict[str, str] = {}
        for row in self.conn.execute(
                "SELECT id, version_key, publish_date, effective_date, declared_validity, "
                "validity, validity_source FROM documents WHERE version_key IS NOT NULL"):
            groups.setdefault(row["version_key"], []).append(VersionInfo(
                row["id"], row["publish_date"], row["effective_date"],
                row["declared_validity"] if row["validity_source"] else None,
                bool(row["validity_source"])))
            current[row["id"]] = row["validity"]
        changes = [(validity, doc_id) for group in groups.values()
                   for doc_id, validity in resolve_versions(group).items()
                   if current[doc_id] != validity]
        self.conn.executemany("UPDATE documents SET validity = ? WHERE id = ?", changes)
        return len(changes)

    # -- reading ---------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta_default(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @property
    def corpus_version(self) -> int:
        """Increments on every committed change: indexes record it to know they are stale."""
        return int(self.meta("corpus_version") or 0)

    def _document(self, row: sqlite3.Row, with_units: bool) -> Document:
        data = {c: row[c] for c in _DOC_COLUMNS}
        data["has_body"] = bool(data["has_body"])
        data.update(json.loads(row["meta"]))
        units = self.units(row["id"]) if with_units else []
        return Document.from_row(data, row["body"], units)

    def get(self, doc_id: str, with_units: bool = True) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return self._document(row, with_units) if row else None

    def units(self, doc_id: str) -> list[Unit]:
        rows = self.conn.execute("SELECT * FROM units WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return [_unit(r) for r in rows]

    def get_unit(self, unit_id: str) -> Unit | None:
        row = self.conn.execute("SELECT * FROM units WHERE id = ?", (unit_id,)).fetchone()
        return _unit(row) if row else None

    def documents(self, where: str = "1", params: tuple[Any, ...] = (),
                  with_units: bool = False, limit: int | None = None) -> Iterator[Document]:
        """Documents matching an SQL condition on the documents table, in id order."""
        tail = f" LIMIT {int(limit)}" if limit else ""
        for row in self.conn.execute(f"SELECT * FROM documents WHERE {where} ORDER BY id{tail}", params):
            yield self._document(row, with_units)

    def versions(self, doc_id: str) -> list[dict[str, Any]]:
        """All versions of the law `doc_id` belongs to, newest first (版本历史)."""
        return [dict(r) for r in self.conn.execute(
            "SELECT id, publish_date, effective_date, validity FROM documents WHERE version_key = "
            "(SELECT version_key FROM documents WHERE id = ?) ORDER BY publish_date DESC", (doc_id,))]

    def count(self, table: str = "documents") -> int:
        return self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _unit(row: sqlite3.Row) -> Unit:
    data = {c: row[c] for c in _UNIT_COLUMNS}
    data["chapter_path"] = json.loads(row["chapter_path"])
    return Unit(**data, paragraphs=paragraphs_from_text(row["text"]))
