"""PostgreSQL connections (数据库连接): a pool on the primary for writes and, for read-only
stores, pools on streaming replicas that share the reads.

The store's SQL is written once with `?` placeholders (corpus/store/base.py); `PgConnection`
translates it and hands back rows that, like sqlite3.Row, index by position and by name. A
replica that fails is skipped for a few seconds and the read retried elsewhere, so a stopped
replica fails no request; the primary unreachable is `StoreUnavailable` (HTTP 503).
"""
from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from corpus.store.base import StoreError, StoreUnavailable

REPLICA_RETRY_SECONDS = 5.0
_DOWN = (psycopg.OperationalError, PoolTimeout)


def mask_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class Row(tuple):
    """A result row: `row[0]`, `row["title"]`, `dict(row)`."""

    _index: dict[str, int]

    def __getitem__(self, key):  # type: ignore[override]
        return tuple.__getitem__(self, self._index[key] if isinstance(key, str) else key)

    def keys(self) -> list[str]:
        return list(self._index)


def _row_factory(cursor: psycopg.Cursor):
    index = {c.name: i for i, c in enumerate(cursor.description or [])}

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._index = index
        return row
    return make


class Result:
    """Rows already fetched (the connection went back to its pool)."""

    def __init__(self, rows: list[Row]):
        self.rows = rows

    def fetchone(self) -> Row | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[Row]:
        return self.rows

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


def translate(sql: str, params: Sequence[Any] | None) -> tuple[str, Sequence[Any] | None]:
    """`?` placeholders -> psycopg's `%s` (a literal % doubled only when parameters are bound)."""
    if not params:
        return sql, None
    return sql.replace("%", "%%").replace("?", "%s"), params


def open_pool(url: str, max_size: int, name: str, wait: bool, timeout: float = 5.0) -> ConnectionPool:
    pool = ConnectionPool(url, min_size=1 if wait else 0, max_size=max_size, open=False, name=name,
                          timeout=timeout, check=ConnectionPool.check_connection,
                          kwargs={"autocommit": True, "row_factory": _row_factory})
    pool.open(wait=False)
    return pool


def check_reachable(url: str, timeout: int = 5) -> None:
    """One clear line when the URL, the password or the server is wrong."""
    try:
        psycopg.connect(url, connect_timeout=timeout).close()
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise StoreUnavailable(f"cannot connect to PostgreSQL at {mask_url(url)}: {reason}") from None


class PgConnection:
    """What the store calls `conn`: execute / executemany / stream, on the right server."""

    def __init__(self, url: str, replica_urls: Sequence[str] = (), readonly: bool = False,
                 max_size: int = 8):
        check_reachable(url)
        self.url, self.readonly, self.max_size = url, readonly, max_size
        # replicas serve only read-only stores: a writer must read its own writes
        self.replica_urls = tuple(replica_urls) if readonly else ()
        self._open()

    def _open(self) -> None:
        self.primary = open_pool(self.url, self.max_size, "primary", wait=True)
        self.replicas = [open_pool(u, self.max_size, f"replica{i}", wait=False)
                         for i, u in enumerate(self.replica_urls)]
        self._down_until = [0.0] * len(self.replicas)
        self._turn = itertools.count()
        self._tx: dict[int, psycopg.Connection] = {}  # thread id -> its open write transaction

    def reopen(self) -> None:
        """Fresh pools in this process (a forked worker must not share its parent's sockets
        or pool threads; the parent closed its pools before forking)."""
        self._open()

    # -- choosing a server ---------------------------------------------------------------------
    def _run(self, work):
        """`work(connection)` on the thread's transaction, else a replica, else the primary."""
        tx = self._tx.get(threading.get_ident())
        if tx is not None:
            return work(tx)
        for i in self._replica_order():
            try:
                with self.replicas[i].connection(timeout=1.0) as conn:
                    return work(conn)
            except _DOWN:
                self._down_until[i] = time.monotonic() + REPLICA_RETRY_SECONDS
        try:
            with self.primary.connection() as conn:
                return work(conn)
        except _DOWN as exc:
            raise StoreUnavailable(f"the PostgreSQL primary {mask_url(self.url)} is unavailable: "
                                   f"{' '.join(str(exc).split())}") from None

    def _replica_order(self) -> list[int]:
        if not self.replicas:
            return []
        start = next(self._turn) % len(self.replicas)
        now = time.monotonic()
        order = [(start + k) % len(self.replicas) for k in range(len(self.replicas))]
        return [i for i in order if self._down_until[i] <= now]

    # -- the sqlite3-like surface ----------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | None = (),
                settings: dict[str, Any] | None = None) -> Result:
        """Run one statement; `settings` (e.g. {"hnsw.ef_search": 100}) hold for it alone."""
        sql, params = translate(sql, params)

        def work(conn: psycopg.Connection) -> Result:
            if not settings:
                cur = conn.execute(sql, params)
                return Result(cur.fetchall() if cur.description else [])
            with conn.transaction():
                for name, value in settings.items():
                    conn.execute("SELECT set_config(%s, %s, true)", (name, str(value)))
                cur = conn.execute(sql, params)
                return Result(cur.fetchall() if cur.description else [])
        return self._run(work)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        sql, _ = translate(sql, rows[0])

        def work(conn: psycopg.Connection) -> None:
            with conn.cursor() as cur:
                cur.executemany(sql, rows)
        self._run(work)

    def stream(self, sql: str, params: Sequence[Any] | None = (), batch: int = 500) -> Iterator[Row]:
        """Rows of a large query through a server-side cursor (never all in memory)."""
        sql, params = translate(sql, params)
        tx = self._tx.get(threading.get_ident())
        if tx is not None:
            with tx.cursor(name=f"fagui_stream_{next(self._turn)}") as cur:
                cur.itersize = batch
                yield from cur.execute(sql, params)
            return
        with self.primary.connection() as conn, conn.transaction():
            with conn.cursor(name="fagui_stream") as cur:
                cur.itersize = batch
                yield from cur.execute(sql, params)

    @contextmanager
    def transaction(self, lock_key: int, lock_timeout: float, what: str) -> Iterator[psycopg.Connection]:
        """One write transaction on the primary, holding the store's writer lock (an advisory
        lock released at commit or rollback): a second writer waits, then is refused."""
        try:
            with self.primary.connection() as conn, conn.transaction():
                deadline = time.monotonic() + lock_timeout
                while not conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (lock_key,)).fetchone()[0]:
                    if time.monotonic() > deadline:
                        raise StoreError(f"another writer ({what}) holds the store {mask_url(self.url)}; "
                                         f"waited {lock_timeout:.0f} s: try again when it has finished")
                    time.sleep(0.2)
                self._tx[threading.get_ident()] = conn
                try:
                    yield conn
                finally:
                    self._tx.pop(threading.get_ident(), None)
        except _DOWN as exc:
            raise StoreUnavailable(f"the PostgreSQL primary {mask_url(self.url)} is unavailable "
                                   f"(nothing was written): {' '.join(str(exc).split())}") from None

    def close(self) -> None:
        for pool in (self.primary, *self.replicas):
            pool.close()
