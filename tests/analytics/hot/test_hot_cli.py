"""`fagui analyze hot` as the owner's checks call it: JSON with the documented fields, 留言编号
as strings, best first; a window with no messages and an unknown region give an empty list and
a notice; a malformed date exits 2 naming the option."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.ingest import ingest
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore

FAGUI = str(Path(sys.executable).with_name("fagui"))
EVENTS = ("伊景园", "丽发新城", "58车贷", "公积金")


@pytest.fixture(scope="module")
def store_path(data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hotcli")
    with gzip.open(data_dir / "govqa/tipdm2020_message_board.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [r for r in map(json.loads, handle) if any(e in r["question_title"] for e in EVENTS)]
    (folder / "m.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    store = SQLiteDocumentStore(folder / "store.sqlite3")
    ingest(store, resolve_source(str(folder / "m.jsonl"), None))
    store.close()
    return folder / "store.sqlite3"


def hot(store_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([FAGUI, "analyze", "hot", "--store", str(store_path), *args],
                          capture_output=True, text=True, timeout=300)


def test_json_contract(store_path):
    out = hot(store_path, "--top", "3", "--json")
    assert out.returncode == 0, out.stderr
    issues = json.loads(out.stdout)["issues"]
    assert len(issues) == 3 and issues[0]["count"] >= 20
    for issue in issues:
        assert {"name", "first", "last", "count", "votes", "message_ids"} <= set(issue)
        assert all(isinstance(i, str) and i.isdigit() for i in issue["message_ids"])
    names = " ".join(i["name"] for i in issues)
    assert "伊景园" in names and "丽发新城" in names


@pytest.mark.parametrize("args", [("--since", "2030-01-01"), ("--region", "Z9区"),
                                  ("--until", "2010-01-01", "--region", "A市")])
def test_nothing_to_show(store_path, args):
    out = hot(store_path, *args, "--json")
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["issues"] == [] and body["notice"]


def test_a_window_and_region(store_path):
    body = json.loads(hot(store_path, "--since", "2019-11-01", "--region", "A市", "--json").stdout)
    assert body["issues"] and all(i["first"] >= "2019-11-01" for i in body["issues"])


def test_malformed_date_names_the_option(store_path):
    out = hot(store_path, "--since", "2019-13-01")
    assert out.returncode == 2 and "--since" in out.stderr
