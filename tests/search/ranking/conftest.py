"""A searcher over the built law subset, shared by the ranking tests of a module."""
import pytest

from corpus.store.sqlite import SQLiteDocumentStore
from search.searcher import Searcher


@pytest.fixture(scope="module")
def searcher(built_index):
    s = Searcher(SQLiteDocumentStore(built_index / "store.sqlite3", readonly=True), built_index / "index")
    yield s
    s.close()
