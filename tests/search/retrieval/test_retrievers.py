"""Both keyword backends over the same real index: same filters honoured, similar rankings."""
from __future__ import annotations

import pytest

from corpus.store.sqlite import SQLiteDocumentStore
from indexer.embedded.reader import IndexReader
from search.query.parse import make_filters
from search.retrieval.embedded import make_keyword_retriever
from search.retrieval.unitmeta import UnitMeta

QUERIES = ["用人单位 不签 书面劳动合同 二倍 工资", "故意杀人 死刑", "有限责任公司 股东 出资 期限",
           "诉讼时效 期间"]


@pytest.fixture(scope="module")
def parts(built_index):
    store = SQLiteDocumentStore(built_index / "store.sqlite3", readonly=True)
    reader = IndexReader(built_index / "index")
    meta = UnitMeta.from_store(store)
    yield reader, {b: make_keyword_retriever(b, reader, meta) for b in ("sparse", "whoosh")}
    reader.close()
    store.close()


@pytest.mark.parametrize("query", QUERIES)
def test_backends_agree(parts, query):
    reader, backends = parts
    tokens = reader.analyzer.tokens(query)
    top = {b: [u for u, _ in r.retrieve(tokens, make_filters(), 10)] for b, r in backends.items()}
    assert len(top["sparse"]) == 10
    assert top["sparse"][0] in top["whoosh"][:3]
    assert len(set(top["sparse"]) & set(top["whoosh"])) >= 6


def test_sparse_filters_and_order(parts):
    reader, backends = parts
    sparse = backends["sparse"]
    tokens = reader.analyzer.tokens("有限责任公司 股东 出资")
    hits = sparse.retrieve(tokens, make_filters(validity="已修改"), 30)
    assert hits and all(u.startswith(h) for u, _ in hits for h in [u.rsplit(":", 1)[0]])
    docs = {sparse.meta.value(u, "validity") for u, _ in hits}
    assert docs == {"已修改"}
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert sparse.retrieve(tokens, make_filters(types="部门规章"), 10) == []
    assert sparse.retrieve(["不存在的词语xyz"], make_filters(), 10) == []


def test_unknown_backend_is_a_clear_error(parts):
    reader, _ = parts
    with pytest.raises(ValueError, match="sparse or whoosh"):
        make_keyword_retriever("lucene", reader, None)
