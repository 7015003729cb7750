"""`fagui serve --workers 2` on both backends: two processes answer on one port, a killed
worker is replaced without failed requests elsewhere, and every worker picks up an index that
another process updated (here `fagui index delete` from the command line)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import SearchIndex, build_on_postgres
from tests.servers import fagui_server

FAGUI = str(Path(sys.executable).with_name("fagui"))
LABOR = "22c5555e8f974b99963b8aab36005d0e"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_index(request, built_index, law_subset, tmp_path, embed_cache) -> SearchIndex:
    """A writable index of the law subset on each backend (this test changes it)."""
    if request.param == "sqlite":
        shutil.copytree(built_index, tmp_path / "copy")
        return SearchIndex(tmp_path / "copy")
    url = request.getfixturevalue("pg_database")[0]
    return build_on_postgres(url, tmp_path / "pg", [str(law_subset)], embed_cache)


def _pids(base: str, n: int = 40) -> set[int]:
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: httpx.get(f"{base}/api/v1/health", timeout=30), range(n)))
    assert all(r.status_code == 200 for r in replies)
    return {r.json()["worker"] for r in replies}


def _labor_hits(base: str) -> int:
    got = httpx.get(f"{base}/api/v1/search", params={"q": "劳动合同 试用期", "k": 10}, timeout=60).json()
    return sum(r["doc_id"] == LABOR for r in got["results"])


def test_two_workers_share_the_port_and_follow_updates(fresh_index):
    with fagui_server(fresh_index, "--workers", "2", FAGUI_RELOAD_SECONDS="1") as base:
        pids = _pids(base)
        assert len(pids) == 2, pids
        assert _labor_hits(base) > 0
        victim = next(iter(pids))
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:  # the other worker answers meanwhile; a new one takes the victim's place
            now = _pids(base, 20)
            if len(now) == 2 and victim not in now:
                break
            assert time.monotonic() < deadline, f"no replacement worker: {now}"
            time.sleep(0.5)
        out = subprocess.run([FAGUI, "index", "delete", LABOR], env=os.environ | fresh_index.env(),
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        deadline = time.monotonic() + 60
        while any(_labor_hits(base) for _ in range(4)):  # every worker, not just one
            assert time.monotonic() < deadline, "a worker still serves the deleted law"
            time.sleep(0.5)
