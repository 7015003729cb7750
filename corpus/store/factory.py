"""Which document store a configuration means (txtai-style factory): the SQLite file by
default, PostgreSQL when a `postgresql://` URL is configured."""
from __future__ import annotations

from corpus.config import Settings
from corpus.store.base import DocumentStoreBase, StoreError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(settings: Settings, readonly: bool = False) -> DocumentStoreBase:
    """The store `settings` names; StoreError (one clear line) when it cannot be opened."""
    url = settings.database_url
    if not url:
        from corpus.store.sqlite import SQLiteDocumentStore
        return SQLiteDocumentStore(settings.store_path, readonly=readonly)
    if not url.startswith(POSTGRES_SCHEMES):
        raise StoreError(f"FAGUI_DATABASE_URL must start with postgresql:// (got {url.split(':', 1)[0]}://…)")
    from corpus.store.postgres import PostgresDocumentStore
    return PostgresDocumentStore(url, settings.replica_urls, readonly=readonly, state_dir=settings.home)
