"""The `fagui` command line, run as a real process: ingest, stats, show, and error reporting."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FAGUI = str(Path(sys.executable).with_name("fagui"))


def run(*args: str, store: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = os.environ | {"FAGUI_STORE": str(store), "COLUMNS": "120"}
    proc = subprocess.run([FAGUI, *args], capture_output=True, text=True, env=env, timeout=300)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def store(law_subset, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "store.sqlite3"
    run("ingest", str(law_subset), store=path)
    return path


def test_help_is_chinese_friendly(tmp_path):
    out = run("--help", store=tmp_path / "s.sqlite3").stdout
    assert "法规" in out and "ingest" in out and "corpus" in out


def test_stats_json(store):
    stats = json.loads(run("corpus", "stats", "--json", store=store).stdout)
    laws = stats["collections"]["laws"]
    assert laws["documents"] == 9 and stats["documents"] == 9
    assert laws["by_type"]["法律"]["documents"] == 7
    assert laws["by_validity"]["已修改"]["documents"] == 1  # 公司法 2018


def test_show_document(store):
    out = json.loads(run("corpus", "show", "22c5555e8f974b99963b8aab36005d0e", "--json",
                         store=store).stdout)
    art = next(u for u in out["units"] if u["article_label"] == "第八十二条")
    assert "二倍的工资" in art["text"] and out["versions"][0]["validity"] == "现行有效"


def test_bad_file_fails_clearly_and_keeps_store(store, tmp_path):
    before = json.loads(run("corpus", "stats", "--json", store=store).stdout)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"qa_id": "m1", "question": "你好"}\n[1, 2\n', encoding="utf-8")
    proc = run("ingest", str(bad), store=store, check=False)
    assert proc.returncode == 2
    assert "bad.jsonl, line 2: bad JSON" in proc.stderr and "unchanged" in proc.stderr
    after = json.loads(run("corpus", "stats", "--json", store=store).stdout)
    assert after == before


def test_stats_without_a_store_says_what_to_do(tmp_path):
    proc = run("corpus", "stats", store=tmp_path / "none.sqlite3", check=False)
    assert proc.returncode == 2 and "fagui ingest" in proc.stderr


def test_find_by_title(store):
    out = json.loads(run("corpus", "find", "--title", "劳动合同法", "--json", store=store).stdout)
    assert [r["id"] for r in out["results"]] == ["22c5555e8f974b99963b8aab36005d0e"]
    none = json.loads(run("corpus", "find", "--doc-number", "国发〔2099〕1号", "--json", store=store).stdout)
    assert none["results"] == []


def test_ingest_ofd_end_to_end(tmp_path):
    from tests.corpus.test_ofd import NOTICE, RULES, ofd_bytes
    store = tmp_path / "store.sqlite3"
    (tmp_path / "通知.ofd").write_bytes(ofd_bytes(NOTICE))
    run("ingest", str(tmp_path / "通知.ofd"), store=store)
    found = json.loads(run("corpus", "find", "--doc-number", "国办发〔2023〕12号", "--json", store=store).stdout)
    assert [r["title"] for r in found["results"]] == ["国务院办公厅关于加强数字政府建设的通知"]
    before = json.loads(run("corpus", "stats", "--json", store=store).stdout)
    (tmp_path / "坏.ofd").write_bytes(ofd_bytes(RULES, drop=("Doc_0/Pages/Page_1/Content.xml",)))
    proc = run("ingest", str(tmp_path / "坏.ofd"), store=store, check=False)
    assert proc.returncode == 2 and "坏.ofd: Doc_0/Pages/Page_1/Content.xml missing" in proc.stderr
    assert json.loads(run("corpus", "stats", "--json", store=store).stdout) == before
