"""The SQLite document store: round trips, idempotent re-ingest, versions, all-or-nothing runs."""
from __future__ import annotations

import shutil

import pytest

from corpus.errors import IngestError
from corpus.ingest import ingest
from corpus.model import AMENDED, CURRENT, NOT_YET
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore, StoreError

LABOR = "22c5555e8f974b99963b8aab36005d0e"
COMPANY_2018 = "民法商法/公司法(2018-10-26).md"


@pytest.fixture()
def store(tmp_path):
    db = SQLiteDocumentStore(tmp_path / "store.sqlite3")
    yield db
    db.close()


def _ingest(store, *paths):
    return ingest(store, [s for p in paths for s in resolve_source(str(p), None)])


def _snapshot(store):
    return (store.conn.execute("SELECT id, validity FROM documents ORDER BY id").fetchall(),
            store.conn.execute("SELECT id, text FROM units ORDER BY id").fetchall())


def test_round_trip_keeps_structure(store, law_subset):
    _ingest(store, law_subset)
    doc = store.get(LABOR)
    assert doc.title == "中华人民共和国劳动合同法" and doc.history[0].date == "2007-06-29"
    art = next(u for u in doc.units if u.article_label == "第十七条")
    assert [i.label for i in art.paragraphs[0].items][:2] == ["（一）", "（二）"]
    assert store.get_unit(f"{LABOR}:81").article_label == "第八十二条"
    assert store.get("no-such-id") is None


def test_newer_version_supersedes_older(store, law_subset):
    _ingest(store, law_subset)
    by_path = {d.source.split(":", 1)[1]: d for d in store.documents("collection = 'laws'")}
    old, new = by_path[COMPANY_2018], by_path["民法商法/公司法(2023-12-29).md"]
    assert (old.validity, new.validity) == (AMENDED, CURRENT)
    assert [v["id"] for v in store.versions(old.id)] == [new.id, old.id]


def test_reingest_is_idempotent(store, law_subset):
    _ingest(store, law_subset)
    first, version = _snapshot(store), store.corpus_version
    _ingest(store, law_subset)
    assert _snapshot(store) == first
    assert store.corpus_version == version + 1


def test_a_later_source_with_a_newer_version_supersedes(store, law_subset, tmp_path):
    _ingest(store, law_subset)
    newer = tmp_path / "update"
    shutil.copytree(law_subset, newer)
    src = newer / "社会法/劳动合同法(2012-12-28).md"
    text = src.read_text(encoding="utf-8").replace(
        "<!-- INFO END -->", "2026年3月1日 第十四届全国人民代表大会常务委员会会议修正\n\n<!-- INFO END -->")
    src.unlink()
    (newer / "社会法/劳动合同法(2026-03-01).md").write_text(text, encoding="utf-8")
    future = newer / "社会法/劳动合同法(2099-01-01).md"
    future.write_text(text.replace("<!-- INFO END -->", "2099年1月1日 施行\n\n<!-- INFO END -->"),
                      encoding="utf-8")
    _ingest(store, newer)
    versions = store.versions(LABOR)
    assert [v["validity"] for v in versions] == [NOT_YET, CURRENT, AMENDED]
    assert versions[2]["id"] == LABOR


def test_failed_run_leaves_the_store_unchanged(store, law_subset, tmp_path):
    _ingest(store, law_subset)
    before, version = _snapshot(store), store.corpus_version
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "n1", "title": "关于某事的通知", "text": "内容"}\n{broken\n',
                   encoding="utf-8")
    with pytest.raises(IngestError, match=r"bad\.jsonl, line 2: bad JSON"):
        _ingest(store, law_subset, bad)  # the laws part parses fine, then the run fails
    assert _snapshot(store) == before and store.corpus_version == version
    assert store.get("n1") is None


def test_readonly_store_must_exist(tmp_path):
    with pytest.raises(StoreError, match="fagui ingest"):
        SQLiteDocumentStore(tmp_path / "missing.sqlite3", readonly=True)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a fagui document store"):
        SQLiteDocumentStore(junk)
