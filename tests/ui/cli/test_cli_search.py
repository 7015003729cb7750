"""The owner's CLI contracts: `fagui search --json -k N`, `--batch FILE`, filters, `fagui eval`."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FAGUI = str(Path(sys.executable).with_name("fagui"))


def run(built_index: Path, *args: str) -> subprocess.CompletedProcess:
    env = os.environ | {"FAGUI_STORE": str(built_index / "store.sqlite3"),
                        "FAGUI_INDEX_DIR": str(built_index / "index")}
    return subprocess.run([FAGUI, *args], capture_output=True, text=True, env=env, timeout=300)


def test_search_json_contract(built_index):
    proc = run(built_index, "search", "--json", "-k", "3", "劳动合同法第82条")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["query"] == "劳动合同法第82条" and len(out["results"]) == 3
    top = out["results"][0]
    for key in ("law_title", "article_label", "article_id", "score", "type", "validity", "snippet",
                "references", "cited_by"):
        assert key in top
    assert (top["law_title"], top["article_label"]) == ("中华人民共和国劳动合同法", "第八十二条")


def test_batch_prints_one_line_per_query_in_order(built_index, tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("刑法第一百三十三条之一\n公司法第一条\n\n", encoding="utf-8")
    proc = run(built_index, "search", "--json", "-k", "2", "--batch", str(queries))
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["刑法第一百三十三条之一", "公司法第一条", ""]
    assert lines[0]["results"][0]["article_label"] == "第一百三十三条之一"
    assert "error" in lines[2] and lines[2]["results"] == []


def test_filters_on_the_command_line(built_index):
    out = json.loads(run(built_index, "search", "--json", "-k", "5", "--collection", "laws",
                         "--type", "宪法,法律", "--validity", "all", "公司 股东").stdout)
    assert out["results"] and {r["type"] for r in out["results"]} <= {"宪法", "法律"}
    bad = run(built_index, "search", "--type", "法规", "离婚")
    assert bad.returncode == 2 and "unknown 效力级别" in bad.stderr
    inside = json.loads(run(built_index, "search", "--json", "-k", "5", "--law", "公司法", "劳动合同").stdout)
    assert inside["results"] and {r["law_title"] for r in inside["results"]} == {"中华人民共和国公司法"}
    named = run(built_index, "search", "-k", "2", "公司法 劳动合同").stdout
    assert "named law first: 《中华人民共和国公司法》" in named
    unknown = run(built_index, "search", "--law", "不存在法", "股东")
    assert unknown.returncode == 2 and "unknown law '不存在法'" in unknown.stderr


def test_eval_contract(built_index, tmp_path):
    queries = tmp_path / "stard.jsonl"
    records = [{"question": "用人单位超过一个月不签书面劳动合同要付二倍工资吗", "split": "dev",
                "gold": [{"law_name": "中华人民共和国劳动合同法", "article_label": "第八十二条"}]},
               {"question": "交通肇事后逃逸怎么处罚", "split": "train",
                "gold": [{"law_name": "刑法", "article_label": "第一百三十三条"}]}]
    queries.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    out = json.loads(run(built_index, "eval", "--queries", str(queries), "--split", "dev").stdout)
    assert out["n"] == 1 and out["recall@100"] == 1.0
    assert set(out) >= {"recall@10", "recall@100", "mrr@10", "n"}


def test_ask_json_contract(built_index):
    proc = run(built_index, "ask", "--json", "公司一直不跟我签书面劳动合同，能要二倍工资吗")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"answer", "citations", "grounded", "similar_messages"} <= set(out)
    assert out["grounded"] is True
    for cited in out["citations"]:
        assert {"law_title", "article_label", "article_id"} <= set(cited)
    assert "第八十二条" in [c["article_label"] for c in out["citations"]]
    refused = json.loads(run(built_index, "ask", "--json", "周末去哪里旅游比较好").stdout)
    assert refused["grounded"] is False and refused["citations"] == []


def test_search_as_of_on_the_command_line(built_index):
    proc = run(built_index, "search", "--json", "-k", "2", "--as-of", "2020-01-01", "公司法第一条")
    assert proc.returncode == 0, proc.stderr
    top = json.loads(proc.stdout)["results"][0]
    assert (top["publish_date"], top["validity"], top["validity_today"]) == ("2018-10-26", "现行有效", "已修改")
    bad = run(built_index, "search", "--as-of", "去年", "公司")
    assert bad.returncode == 2 and "as_of" in bad.stderr + bad.stdout
