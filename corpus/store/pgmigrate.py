"""Versioned schema migrations for the PostgreSQL backend (数据库迁移).

`corpus/store/migrations/NNNN_name.sql` files run in order, each in its own transaction, and are
recorded in `schema_migrations`; an advisory lock keeps two processes from migrating at once.
The schema is only ever created or changed here, never by hand.
"""
from __future__ import annotations

import re
from pathlib import Path

import psycopg

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MIGRATE_LOCK = 0x66616775_6D696772  # "fagumigr"


def migrations() -> list[tuple[int, str, Path]]:
    """(version, name, file) of every migration shipped with this fagui, in order."""
    found = []
    for file in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", file.name)
        if match:
            found.append((int(match.group(1)), match.group(2), file))
    return found


def latest_version() -> int:
    return max((v for v, _, _ in migrations()), default=0)


def applied_version(conn: psycopg.Connection) -> int:
    """The newest migration applied to the database (0 when none)."""
    exists = conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0]
    if exists is None:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(url: str) -> list[str]:
    """Apply the missing migrations; returns their names (empty when up to date)."""
    applied: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK,))
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                         "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            done = applied_version(conn)
            for version, name, file in migrations():
                if version <= done:
                    continue
                with conn.transaction():
                    conn.execute(file.read_text(encoding="utf-8"))
                    conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                                 (version, name))
                applied.append(f"{version:04d}_{name}")
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK,))
    return applied
