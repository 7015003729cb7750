"""Malformed sources: a clear error naming file (and line), and the store left as it was."""
from __future__ import annotations

import gzip

import pytest

from corpus.errors import IngestError
from corpus.ingest import ingest
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore

NOTICE = '{"doc_id": "n%d", "title": "关于第%d项工作的通知", "text": "各有关单位：\\n现就有关事项通知如下。"}\n'


@pytest.fixture()
def store(tmp_path):
    db = SQLiteDocumentStore(tmp_path / "store.sqlite3")
    good = tmp_path / "good.jsonl"
    good.write_text("".join(NOTICE % (i, i) for i in range(3)), encoding="utf-8")
    ingest(db, resolve_source(str(good), None))
    yield db
    db.close()


def _state(db):
    return (db.corpus_version, db.conn.execute("SELECT id, title FROM documents ORDER BY id").fetchall(),
            db.conn.execute("SELECT id, text FROM units ORDER BY id").fetchall())


def _expect_failure(db, path, pattern):
    before = _state(db)
    with pytest.raises(IngestError, match=pattern) as info:
        ingest(db, [s for p in path for s in resolve_source(str(p), None)]
               if isinstance(path, list) else resolve_source(str(path), None))
    assert _state(db) == before
    return info.value


def test_truncated_gzip(store, data_dir, tmp_path):
    cut = tmp_path / "notices.jsonl.gz"
    cut.write_bytes((data_dir / "notices/notices.jsonl.gz").read_bytes()[:200_000])
    err = _expect_failure(store, cut, "truncated or corrupt gzip")
    assert err.path == str(cut)


def test_truncated_law_archive(store, data_dir, tmp_path):
    cut = tmp_path / "lawrefbook_markdown.tar.gz"
    cut.write_bytes((data_dir / "laws/lawrefbook_markdown.tar.gz").read_bytes()[:1_000_000])
    _expect_failure(store, cut, r"lawrefbook_markdown\.tar\.gz: cannot read the archive")


def test_bad_json_line_names_the_line(store, tmp_path):
    bad = tmp_path / "more.jsonl.gz"
    with gzip.open(bad, "wt", encoding="utf-8") as handle:
        handle.write(NOTICE % (7, 7) + NOTICE % (8, 8) + '{"doc_id": "n9", "title": \n')
    err = _expect_failure(store, bad, r"more\.jsonl\.gz, line 3: bad JSON")
    assert err.line == 3


def test_empty_file(store, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    _expect_failure(store, empty, r"empty\.jsonl: empty file")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n", encoding="utf-8")
    _expect_failure(store, blank, r"blank\.txt: empty file")


def test_wrong_encoding(store, tmp_path):
    gbk = tmp_path / "gbk.jsonl"
    gbk.write_bytes((NOTICE % (5, 5)).encode("utf-8") + (NOTICE % (6, 6)).encode("gbk"))
    err = _expect_failure(store, gbk, r"gbk\.jsonl, line 2: not UTF-8")
    assert err.line == 2


def test_record_without_required_field(store, tmp_path):
    bad = tmp_path / "notitle.jsonl"
    bad.write_text(NOTICE % (1, 1) + '{"doc_id": "x"}\n', encoding="utf-8")
    _expect_failure(store, bad, r"notitle\.jsonl, line 2: record lacks field\(s\) title")


def test_good_files_before_a_bad_one_are_not_kept(store, tmp_path):
    good = tmp_path / "new.jsonl"
    good.write_text(NOTICE % (40, 40), encoding="utf-8")
    bad = tmp_path / "broken.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    _expect_failure(store, [good, bad], r"broken\.jsonl, line 1")
    assert store.get("n40") is None


def test_unknown_source(store, tmp_path):
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"PK")
    _expect_failure(store, odd, "unsupported source type .xlsx")
    _expect_failure(store, tmp_path / "nope.jsonl", "no such file")
