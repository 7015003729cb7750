"""`fagui diff` as a real process: the JSON contract, the readable summary, versions by date or
id, and one-line errors (unknown law, ambiguous title listing the candidates, bad date)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.model import Document, Unit
from corpus.store.sqlite import SQLiteDocumentStore
from corpus.versions.validity import version_key

FAGUI = str(Path(sys.executable).with_name("fagui"))
ROOT = Path(__file__).resolve().parents[3]
TITLE = "中华人民共和国物业管理条例"
OLD = ["为了规范物业管理活动，维护业主和物业服务企业的合法权益，制定本条例。",
       "业主可以自行管理物业，也可以委托物业服务企业进行管理。",
       "物业服务企业应当按照物业服务合同的约定提供服务。"]
NEW = [OLD[0], "国家鼓励采用新技术、新方法，依靠科技进步提高物业管理和服务水平。",
       OLD[1], "物业服务企业应当按照物业服务合同的约定提供服务，不得擅自提高收费标准。"]


def document(doc_id: str, title: str, published: str, texts: list[str], short: str) -> Document:
    units = [Unit(id=f"{doc_id}:{k}", doc_id=doc_id, seq=k, kind="article", text=text,
                  article_label=f"第{'一二三四'[k]}条") for k, text in enumerate(texts)]
    return Document(id=doc_id, collection="laws", title=title, short_name=short, publish_date=published,
                    version_key=version_key("laws", title), units=units)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli_diff") / "store.sqlite3"
    db = SQLiteDocumentStore(path)
    with db.transaction():
        db.put(document("old", TITLE, "2003-06-08", OLD, "物业管理条例"), "test")
        db.put(document("new", TITLE, "2007-08-26", NEW, "物业管理条例"), "test")
        db.put(document("rival", "某省物业管理条例", "2010-01-01", OLD, "某省物业管理条例"), "test")
        db.resolve_versions()
    db.close()
    return path


def run(store: Path, *args: str) -> subprocess.CompletedProcess:
    # PYTHONPATH: the checkout under test, not whichever one the venv's `fagui` was installed from
    env = os.environ | {"FAGUI_STORE": str(store), "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    return subprocess.run([FAGUI, "diff", *args], capture_output=True, text=True, env=env, timeout=120)


def test_json_contract_by_title_and_dates(store):
    proc = run(store, "物业管理条例", "--from", "2005-01-01", "--to", "2008-01-01", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["counts"] == {"新增": 1, "删除": 0, "修改": 1, "未变": 1, "移动": 1}
    assert [(p["status"], p["old"] and p["old"]["article_label"], p["new"]["article_label"])
            for p in out["pairs"]] == [("未变", "第一条", "第一条"), ("新增", None, "第二条"),
                                       ("移动", "第二条", "第三条"), ("修改", "第三条", "第四条")]
    assert out["pairs"][3]["ops"][-2:] == [["insert", "，不得擅自提高收费标准"], ["equal", "。"]]
    assert (out["from"]["id"], out["to"]["id"]) == ("old", "new")


def test_readable_summary_with_version_ids(store):
    proc = run(store, TITLE, "--from", "old", "--to", "new")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"《{TITLE}》 2003-06-08 → 2007-08-26"
    assert lines[1] == "新增 1  删除 0  修改 1  未变 1  移动 1"
    assert "移动  第二条 → 第三条" in lines and "修改  第三条 → 第四条" in lines
    assert "      …业服务合同的约定提供服务{+，不得擅自提高收费标准+}。" in lines
    assert "未变" not in proc.stdout.split("\n", 2)[2]  # 未变 pairs are only counted


def test_errors_are_one_clear_line(store):
    unknown = run(store, "没有这部条例")
    assert unknown.returncode == 2 and "no law with id or title '没有这部条例'" in unknown.stderr
    early = run(store, "物业管理条例", "--from", "1999-01-01")
    assert early.returncode == 2 and "no version in force on 1999-01-01" in early.stderr
    bad = run(store, "物业管理条例", "--to", "2007-13-01")
    assert bad.returncode == 2 and "not a calendar date" in bad.stderr


def test_ambiguous_title_lists_the_candidates(tmp_path, store):
    other = tmp_path / "store.sqlite3"
    other.write_bytes(store.read_bytes())
    db = SQLiteDocumentStore(other)
    with db.transaction():  # a second law with the same short name
        db.put(document("twin", "另一部物业管理条例", "2012-01-01", OLD, "物业管理条例"), "test")
    db.close()
    proc = run(other, "物业管理条例")
    assert proc.returncode == 2 and "several laws match" in proc.stderr
    assert "new  中华人民共和国物业管理条例" in proc.stderr and "twin  另一部物业管理条例" in proc.stderr
