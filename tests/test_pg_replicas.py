"""Read replicas and a primary that goes away, with a real streaming replica: searches spread
over the replica and survive it stopping (0 failed); with the primary down, writes are clean
503s (nothing half-written) and everything recovers when it is back."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REGULATION, build_on_postgres
from tests.servers import fagui_server

pytestmark = pytest.mark.postgres
FAGUI = str(Path(sys.executable).with_name("fagui"))
QUERIES = ["劳动合同法第82条", "试用期最长多久", "股东会的职权", "公司解散清算"]


@pytest.fixture()
def deployment(pg_cluster, pg_database, law_subset, tmp_path, embed_cache):
    primary, replica = pg_database
    built = build_on_postgres(primary, tmp_path, [str(law_subset)], embed_cache)
    pg_cluster.wait_replica_caught_up()
    env = built.env() | {"FAGUI_CONFIG_DIR": str(tmp_path / "config"), "FAGUI_RATE_LIMIT": "100000/minute"}
    key = subprocess.run([FAGUI, "keys", "create", "--role", "admin"], env=os.environ | env,
                         capture_output=True, text=True).stdout.strip()
    yield built, env, replica, key
    pg_cluster.start_primary()  # whatever a test did, leave the cluster running
    pg_cluster.start_replica()


class Load:
    """Searches in a loop from a thread; records every status."""

    def __init__(self, base: str):
        self.base, self.statuses, self._stop = base, [], threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        i = 0
        while not self._stop.is_set():
            try:
                r = httpx.get(f"{self.base}/api/v1/search", params={"q": QUERIES[i % len(QUERIES)], "k": 5},
                              timeout=30)
                self.statuses.append(r.status_code)
            except httpx.HTTPError as exc:
                self.statuses.append(type(exc).__name__)
            i += 1

    def __enter__(self) -> "Load":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.thread.join(timeout=60)


def _upload(base: str, key: str) -> httpx.Response:
    return httpx.post(f"{base}/api/v1/admin/documents", headers={"Authorization": f"Bearer {key}"},
                      files={"files": ("某市企业用工管理办法.txt", REGULATION, "text/plain")}, timeout=120)


def test_a_stopped_replica_fails_no_search(pg_cluster, deployment):
    built, env, replica, _ = deployment
    with fagui_server(None, **env, FAGUI_DATABASE_REPLICA_URLS=replica) as base:
        with Load(base) as load:
            time.sleep(2)
            pg_cluster.stop_replica()
            time.sleep(4)
            pg_cluster.start_replica()
            time.sleep(2)
        assert len(load.statuses) > 10 and set(load.statuses) == {200}, load.statuses


def test_primary_restart_gives_clean_503s_then_recovers(pg_cluster, deployment):
    built, env, _, key = deployment
    store = built.store()
    before = store.count("documents"), store.corpus_version
    store.close()
    with fagui_server(None, **env) as base, Load(base) as load:
        time.sleep(2)  # searches running all along: before, during and after the restart
        pg_cluster.stop_primary()
        try:
            search = httpx.get(f"{base}/api/v1/search", params={"q": "试用期"}, timeout=60)
            assert search.status_code == 503 and search.headers["retry-after"]
            assert "unavailable" in search.json()["detail"]
            upload = _upload(base, key)
            assert upload.status_code == 503, upload.text
            time.sleep(2)
        finally:
            pg_cluster.start_primary()
        store = built.store()
        assert (store.count("documents"), store.corpus_version) == before  # nothing half-written
        store.close()
        deadline = time.monotonic() + 30
        while httpx.get(f"{base}/api/v1/search", params={"q": "试用期"}, timeout=60).status_code != 200:
            assert time.monotonic() < deadline, "searches did not recover"
            time.sleep(0.5)
        assert _upload(base, key).status_code == 200
        time.sleep(2)
    statuses = load.statuses
    assert set(statuses) <= {200, 503}, statuses  # clean answers only: no 500, no dropped connection
    assert statuses[0] == 200 and 503 in statuses and statuses[-1] == 200
