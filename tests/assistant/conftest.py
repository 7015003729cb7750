"""The assistant's tests run over the shared app index (tests/conftest.py)."""
from __future__ import annotations

import pytest

from corpus.store.sqlite import SQLiteDocumentStore


@pytest.fixture(scope="session")
def searcher(app_index):
    from search.searcher import Searcher
    s = Searcher(SQLiteDocumentStore(app_index / "store.sqlite3", readonly=True), app_index / "index")
    yield s
    s.close()
