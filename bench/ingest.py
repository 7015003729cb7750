"""Ingest figures (issue 2): `fagui ingest all` (laws tar + notices + messages from the shared
data) into a fresh temporary FAGUI_HOME, `--runs` times; wall time and peak RSS of each run
(from `/usr/bin/time -v` when present, else getrusage of the child), the store's size on disk,
and documents / units by collection (`fagui corpus stats --json`) of the last run.

    python bench/ingest.py [--runs 2] [--drop-caches]

The first run reads the sources with whatever page cache the machine has; later runs read
them from the page cache. `--drop-caches` (root, outside containers) empties the page cache
before the first run, for a cold figure; the report says whether that worked.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FAGUI = str(Path(sys.executable).with_name("fagui"))
GNU_TIME = "/usr/bin/time"


def drop_caches() -> bool:
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def gnu_time_figures(report: str) -> dict[str, float]:
    """Wall seconds and peak RSS (MiB) from the text `/usr/bin/time -v` writes."""
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", report)
    seconds = 0.0
    for part in (wall.group(1).split(":") if wall else []):
        seconds = seconds * 60 + float(part)
    return {"wall_s": round(seconds, 2), "peak_rss_mib": round(int(rss.group(1)) / 1024) if rss else -1}


def ingest_once(home: Path) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("FAGUI_STORE", "FAGUI_INDEX_DIR")}
    env["FAGUI_HOME"] = str(home)
    use_time = os.access(GNU_TIME, os.X_OK)
    command = ([GNU_TIME, "-v"] if use_time else []) + [FAGUI, "ingest", "all"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"fagui ingest all failed:\n{proc.stderr[-2000:]}")
    if use_time:
        figures = gnu_time_figures(proc.stderr)
    else:  # ru_maxrss of children is the largest so far: exact for the first run only
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        figures = {"wall_s": round(wall, 2), "peak_rss_mib": round(peak / 1024) if peak > before else -1}
    store = sum(p.stat().st_size for p in home.glob("store.sqlite3*"))
    return figures | {"store_mib": round(store / 2**20, 1), "store_mb": round(store / 1e6, 1)}


def corpus_counts(home: Path) -> dict:
    env = os.environ | {"FAGUI_HOME": str(home)}
    env.pop("FAGUI_STORE", None)
    out = subprocess.run([FAGUI, "corpus", "stats", "--json"], env=env, capture_output=True, text=True, check=True)
    stats = json.loads(out.stdout)
    return {"documents": stats["documents"], "units": stats["units"],
            "by_collection": {name: {"documents": c["documents"], "units": c["units"]}
                              for name, c in stats["collections"].items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--drop-caches", action="store_true")
    args = parser.parse_args()
    report: dict = {"timer": "/usr/bin/time -v" if os.access(GNU_TIME, os.X_OK) else "getrusage(RUSAGE_CHILDREN)",
                    "page_cache_dropped": drop_caches() if args.drop_caches else False, "runs": []}
    for _ in range(args.runs):
        home = Path(tempfile.mkdtemp(prefix="fagui-ingest-"))
        try:
            report["runs"].append(ingest_once(home))
            counts = corpus_counts(home)
        finally:
            shutil.rmtree(home, ignore_errors=True)
    walls = [r["wall_s"] for r in report["runs"]]
    report |= {"first_run_wall_s": walls[0], "median_wall_s": round(statistics.median(walls), 2),
               "peak_rss_mib": max(r["peak_rss_mib"] for r in report["runs"]),
               "store_mib": report["runs"][-1]["store_mib"], "store_mb": report["runs"][-1]["store_mb"]} | counts
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
