"""`fagui learn` is reproducible: the same index and the same answered questions give the
same learned files, byte for byte, and the same `fagui eval` figures — run in two processes
with different hash seeds (set and dict order of strings differ between them), as two
sessions' learns did before, when they found different fusion weights."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

from tests.conftest import answered_subset_questions, copy_of
from tests.servers import FAGUI


def learn_and_eval(folder: Path, queries: Path, hash_seed: str) -> tuple[dict[str, str], dict]:
    env = os.environ | {"PYTHONHASHSEED": hash_seed}
    paths = ("--store", str(folder / "store.sqlite3"), "--index-dir", str(folder / "index"))
    learn = subprocess.run([FAGUI, "learn", "--queries", str(queries), "--kinds", "topical", *paths],
                           env=env, capture_output=True, text=True, timeout=900)
    assert learn.returncode == 0, learn.stderr
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted((folder / "index/learned").iterdir()) if p.is_file()}
    figures = subprocess.run([FAGUI, "eval", "--queries", str(queries), "--type", "法律", *paths],
                             env=env, capture_output=True, text=True, timeout=900)
    assert figures.returncode == 0, figures.stderr
    return files, json.loads(figures.stdout)


def test_learning_twice_gives_the_same_files_and_figures(built_index, data_dir, tmp_path):
    queries = answered_subset_questions(data_dir, tmp_path / "answered.jsonl", 40)
    folder = copy_of(built_index, tmp_path / "a")
    first = learn_and_eval(folder, queries, "1")
    second = learn_and_eval(copy_of(built_index, tmp_path / "b"), queries, "2")
    assert "reranker.txt" in first[0] and "fusion.json" in first[0]
    assert first[0] == second[0]
    assert first[1] == second[1] and first[1]["n"] == 40
    # a fresh install's first learn equals a relearn over its own learned parts (the other kinds'
    # queries are scored with the parts just fitted, not with none)
    again = learn_and_eval(folder, queries, "3")
    assert again[0] == first[0] and again[1] == first[1]
