"""The router is fitted once per store version and kept beside the store: a second process
loads it (same answers), an unreadable cache file is refitted, not a failure."""
from __future__ import annotations

import gzip
import json

from analytics.service import MessageAnalytics
from corpus.ingest import ingest
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore


def test_router_is_cached_per_store_version(data_dir, tmp_path):
    with gzip.open(data_dir / "govqa/tipdm2020_message_board.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [r for r in map(json.loads, handle) if r.get("category_l1")]
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    store = SQLiteDocumentStore(tmp_path / "store.sqlite3")
    ingest(store, resolve_source(str(tmp_path / "m.jsonl"), None))
    text = "小区垃圾站臭气熏天，环卫部门一直不来清理"
    first = MessageAnalytics(store=store).route(text)
    cached = list((tmp_path / "analytics").glob(f"router*-v{store.corpus_version}-word-char.pkl"))
    assert len(cached) == 1
    assert MessageAnalytics(store=store).route(text) == first  # loaded, not refitted: same answer
    cached[0].write_bytes(b"not a pickle")
    assert MessageAnalytics(store=store).route(text) == first  # refitted from the same messages
    store.close()
