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
    from tests.corpus.sources.test_ofd import NOTICE, RULES, ofd_bytes
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


def test_learn_saves_a_ranking_the_next_search_uses(built_index, tmp_path):
    from tests.conftest import copy_of

    folder = copy_of(built_index, tmp_path)
    queries = tmp_path / "answered.jsonl"
    gold = {"law_name": "中华人民共和国劳动合同法", "article_label": "第八十二条"}
    questions = ["公司不和我签书面劳动合同，可以要求二倍工资吗", "入职三个月了还没签合同怎么办",
                 "单位一直不签劳动合同要赔钱吗", "没签劳动合同能要双倍工资吗", "用人单位超过一个月不订立书面合同"]
    queries.write_text("".join(json.dumps({"query_id": i, "question": q, "split": "train", "gold": [gold]},
                                          ensure_ascii=False) + "\n" for i, q in enumerate(questions)),
                       encoding="utf-8")
    env = ("--store", str(folder / "store.sqlite3"), "--index-dir", str(folder / "index"))
    report = json.loads(run("learn", "--queries", str(queries), "--kinds", "none", "--folds", "2", *env,
                            store=folder / "store.sqlite3").stdout)
    assert report["questions"] == 5 and report["split"] == "train" and report["other_queries"] == 0
    assert (folder / "index/learned/reranker.txt").exists() and (folder / "index/learned/STAMP").exists()
    top = json.loads(run("search", "签了合同吗 二倍工资", "--json", *env, store=folder / "store.sqlite3").stdout)
    assert "rerank" in top["results"][0]["scores"]
    bad = run("learn", "--queries", str(tmp_path / "none.jsonl"), *env, store=folder / "store.sqlite3", check=False)
    assert bad.returncode == 2 and "none.jsonl: no such file" in bad.stderr
