"""No command writes into the working directory: ingest, index build and serve (with its
background job) run from an empty temporary cwd, with every path variable blank or unset,
and leave that cwd empty. A blank FAGUI_INDEX_DIR once meant Path("") = the cwd, and a
build's CURRENT, gen-*/ and cache.sqlite3 ended up committed at the repo root."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from corpus.config import PROJECT_ROOT, Settings
from tests.servers import FAGUI, free_port, wait_until_up

BLANKABLE = ("FAGUI_STORE", "FAGUI_INDEX_DIR", "FAGUI_CONFIG_DIR", "FAGUI_LEARN_QUERIES", "FAGUI_DATABASE_URL",
             "FAGUI_DATABASE_REPLICA_URLS", "FAGUI_CORS_ORIGINS", "FAGUI_QUERY_LOG_DAYS", "FAGUI_MAX_REQUEST_MB",
             "FAGUI_LLM_BASE_URL", "FAGUI_LLM_MODEL", "FAGUI_USER_SALT")


def clean_env(tmp_path: Path, data_dir: Path, blank: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAGUI_")}
    env |= {"FAGUI_HOME": str(tmp_path / "home"), "FAGUI_DATA_DIR": str(data_dir), "FAGUI_BACKGROUND_LEARN": "0",
            "HOME": str(tmp_path / "user")}  # ~/.config/fagui (keys) lands in the temporary user home
    if blank:
        env |= {name: "" for name in BLANKABLE}
    return env


@pytest.mark.parametrize("blank", [True, False], ids=["blank", "unset"])
def test_ingest_build_and_serve_leave_the_working_directory_alone(law_subset, data_dir, tmp_path, blank):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = clean_env(tmp_path, data_dir, blank)
    for args in (["ingest", str(law_subset)], ["index", "build", "--keyword-only"]):
        proc = subprocess.run([FAGUI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
    port = free_port()
    server = subprocess.Popen([FAGUI, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v1/health", server)
        answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/search", params={"q": "劳动合同法第82条"}, timeout=60)
        assert answer.status_code == 200 and answer.json()["results"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert sorted(p.name for p in cwd.rglob("*")) == []
    home = tmp_path / "home"
    assert (home / "store.sqlite3").is_file() and (home / "index" / "CURRENT").is_file()


def test_blank_path_variables_mean_the_defaults(monkeypatch, tmp_path):
    for name in ("FAGUI_HOME", "FAGUI_STORE", "FAGUI_INDEX_DIR", "FAGUI_DATABASE_URL"):
        monkeypatch.setenv(name, "  ")
    settings = Settings.from_env()
    assert settings.home == PROJECT_ROOT / "var"
    assert settings.store_path == PROJECT_ROOT / "var" / "store.sqlite3"
    assert settings.index_dir == PROJECT_ROOT / "var" / "index"
    assert settings.database_url is None and settings.backend == "sqlite"
