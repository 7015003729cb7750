"""The document store (文档库) in PostgreSQL, for deployments that outgrow one process: many
stateless workers and machines share it, read replicas take the reads.

Same tables, ids and SQL as the SQLite store (corpus/store/base.py). Writes run in one
transaction on the primary under an advisory writer lock, so a killed writer leaves the last
committed state and two writers never interleave. The schema comes from corpus/store/pgmigrate.py.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from corpus.store.pgconn import PgConnection, mask_url
from corpus.store.pgmigrate import applied_version, latest_version, migrate
from corpus.store.base import DocumentStoreBase, StoreError

WRITER_LOCK = 0x66616775_77726974  # "faguwrit": one writer (ingest, index, upload) at a time


class PostgresDocumentStore(DocumentStoreBase):
    """Documents and units in PostgreSQL (psycopg 3, pooled); `readonly` stores read from the
    replicas in `replica_urls` when given."""

    backend = "postgres"

    def __init__(self, url: str, replica_urls: Sequence[str] = (), readonly: bool = False,
                 state_dir: str | Path = ".", lock_timeout: float = 900.0):
        self.url, self.replica_urls = url, tuple(replica_urls)
        self.readonly, self.lock_timeout = readonly, lock_timeout
        # app state that is not shared (audit log, uploads, caches) stays in a local folder
        self.path = Path(state_dir) / "store.postgres"
        self.conn = PgConnection(url, self.replica_urls, readonly)
        if not readonly:
            migrate(url)
        have, want = self._schema()
        if have != want:
            self.conn.close()
            raise StoreError(f"the PostgreSQL store {mask_url(url)} has schema {have}, this fagui "
                             f"needs {want}: run a write command (`fagui ingest`) or `fagui db migrate`")

    def _schema(self) -> tuple[int, int]:
        with self.conn.primary.connection() as conn:
            return applied_version(conn), latest_version()

    def describe(self) -> str:
        return mask_url(self.url)

    def _has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]

    def reopen(self, readonly: bool | None = None) -> "PostgresDocumentStore":
        return PostgresDocumentStore(self.url, self.replica_urls,
                                     self.readonly if readonly is None else readonly,
                                     self.path.parent, self.lock_timeout)

    def close(self) -> None:
        self.conn.close()

    def before_fork(self) -> None:
        self.conn.close()

    def after_fork(self) -> None:
        self.conn.reopen()

    def _rows(self, sql: str, params: tuple | list = ()) -> Iterable[Any]:
        return self.conn.stream(sql, params)

    @contextmanager
    def transaction(self) -> Iterator["PostgresDocumentStore"]:
        """All or nothing, on the primary, one writer at a time."""
        if self.readonly:
            raise StoreError(f"the store {self.describe()} was opened read-only")
        with self.conn.transaction(WRITER_LOCK, self.lock_timeout, "ingest, index or upload"):
            yield self
            self.conn.execute("UPDATE meta SET value = (CAST(value AS INTEGER) + 1)::text "
                              "WHERE key = 'corpus_version'")
