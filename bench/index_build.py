"""Index build figures (issue 3): cold build, rebuild with cached embeddings/tokens, and
updating one law — wall time, peak memory (RSS of the child process) and disk size.

    python bench/index_build.py [--home /tmp/full] [--skip-cold]

`--skip-cold` reuses the embedding cache already in the index folder (the cold figure then
comes from a previous run, e.g. `/usr/bin/time -v fagui index build`).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from corpus.store.sqlite import SQLiteDocumentStore  # noqa: E402

FAGUI = str(Path(sys.executable).with_name("fagui"))
LABOR_CONTRACT_LAW = "22c5555e8f974b99963b8aab36005d0e"


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(*args: str, env: dict) -> dict:
    """Run a fagui command; wall seconds and the peak RSS of children so far (MB)."""
    started = time.perf_counter()
    proc = subprocess.run([FAGUI, *args], env=env, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(time.perf_counter() - started, 1), "peak_rss_mb_so_far": round(peak)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    env = os.environ | {"FAGUI_STORE": str(settings.store_path), "FAGUI_INDEX_DIR": str(settings.index_dir)}
    figures: dict = {}
    if not args.skip_cold:
        shutil.rmtree(settings.index_dir, ignore_errors=True)
        figures["cold_build"] = timed("index", "build", env=env)
    figures["cached_rebuild"] = timed("index", "build", env=env)
    live = settings.index_dir / (settings.index_dir / "CURRENT").read_text().strip()
    figures["index_disk_mb"] = round(du(live) / 2**20)
    figures["cache_disk_mb"] = round(sum(p.stat().st_size for p in settings.index_dir.glob("cache.sqlite3*")) / 2**20)
    # Update one law: change one article in the store, re-index that law, then put it back.
    store = SQLiteDocumentStore(settings.store_path)
    original = store.get(LABOR_CONTRACT_LAW)
    changed = store.get(LABOR_CONTRACT_LAW)
    changed.units[0].text += "（基准测试修改）"
    with store.transaction():
        store.put(changed, store.conn.execute("SELECT source_key FROM documents WHERE id = ?",
                                              (LABOR_CONTRACT_LAW,)).fetchone()[0])
    figures["update_one_law"] = timed("index", "update", LABOR_CONTRACT_LAW, env=env)
    with store.transaction():
        store.put(original, store.conn.execute("SELECT source_key FROM documents WHERE id = ?",
                                               (LABOR_CONTRACT_LAW,)).fetchone()[0])
    figures["update_back"] = timed("index", "update", LABOR_CONTRACT_LAW, env=env)
    figures["info"] = json.loads(subprocess.run([FAGUI, "index", "info", "--json"], env=env,
                                                capture_output=True, text=True).stdout)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
