"""Faults on the PostgreSQL backend: SIGKILL during an ingest and during an index build leave
the last committed state searchable; two writers never interleave; a wrong password or URL is
one clear line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.store.postgres import PostgresDocumentStore
from corpus.store.base import StoreError
from tests.conftest import build_on_postgres
from tests.test_faults import kill_when

pytestmark = pytest.mark.postgres
FAGUI = str(Path(sys.executable).with_name("fagui"))


@pytest.fixture()
def pg_built(pg_database, law_subset, tmp_path, embed_cache):
    return build_on_postgres(pg_database[0], tmp_path, [str(law_subset)], embed_cache)


def _state(built):
    store = built.store()
    try:
        return (store.count("documents"), store.count("units"), store.corpus_version,
                store.conn.execute("SELECT value FROM fagui_index.meta WHERE key = 'generation'").fetchone()[0])
    finally:
        store.close()


def _searchable(built) -> list[str]:
    searcher = built.searcher()
    try:
        return [r.article_id for r in searcher.search("劳动合同法第八十二条", k=3).results]
    finally:
        searcher.close()


def test_sigkill_during_ingest_and_build_keeps_the_last_commit(pg_built, data_dir, tmp_path):
    before, hits = _state(pg_built), _searchable(pg_built)
    env = os.environ | pg_built.env()
    store = pg_built.store()
    ingest = subprocess.Popen([FAGUI, "ingest", str(data_dir / "notices/notices.jsonl.gz")], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def writing() -> bool:  # the ingest's transaction holds the writer lock once it writes
        return bool(store.conn.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()[0])
    kill_when(ingest, writing)
    build = subprocess.Popen([FAGUI, "index", "build"], env=env | {"FAGUI_HOME": str(tmp_path)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(build, lambda: store.conn.execute(
        "SELECT to_regclass('fagui_build.postings')").fetchone()[0] is not None)
    store.close()
    assert _state(pg_built) == before and _searchable(pg_built) == hits


def test_two_writers_never_interleave(pg_built):
    first = pg_built.store(readonly=False)
    second = PostgresDocumentStore(pg_built.database_url, lock_timeout=0.5, state_dir=pg_built.folder)
    with first.transaction():
        first.conn.execute("UPDATE documents SET title = title")
        with pytest.raises(StoreError, match="another writer"):
            with second.transaction():
                pass
    with second.transaction():  # free again once the first has committed
        pass
    first.close()
    second.close()


def test_wrong_password_is_one_clear_line(pg_built):
    wrong = pg_built.database_url.replace("fagui:", "fagui:not-the-password-", 1)
    assert wrong != pg_built.database_url
    out = subprocess.run([FAGUI, "--database-url", wrong, "corpus", "stats"], capture_output=True, text=True,
                         env=os.environ | pg_built.env())
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "password authentication failed" in lines[0] and "not-the-password" not in lines[0]
    out = subprocess.run([FAGUI, "--database-url", "mysql://x@127.0.0.1/db", "corpus", "stats"],
                         capture_output=True, text=True, env=os.environ | pg_built.env())
    assert out.returncode == 2 and "postgresql://" in out.stderr


def test_db_status_and_migrate(pg_built):
    env = os.environ | pg_built.env()
    status = json.loads(subprocess.run([FAGUI, "db", "status", "--json"], capture_output=True, text=True,
                                       env=env, check=True).stdout)
    assert status["pending"] == 0 and status["schema_version"] == status["latest"] >= 2
    assert status["index_generation"].startswith("pg-") and "***" in status["database"]
    again = subprocess.run([FAGUI, "db", "migrate"], capture_output=True, text=True, env=env, check=True)
    assert "up to date" in again.stdout
    embedded = {k: v for k, v in env.items() if k != "FAGUI_DATABASE_URL"}
    refused = subprocess.run([FAGUI, "db", "status"], capture_output=True, text=True, env=embedded)
    assert refused.returncode == 2 and "FAGUI_DATABASE_URL" in refused.stderr
