"""法内检索 (searching inside a named law): every `fagui eval` kind with the named law first and
without it (SearchConfig.named_law_first), at the learned and deciding stages, one split; then the
search time of the scoped queries (a law's name and words of one of its articles) both ways.

    python bench/named_law.py [--home var] [--split dev]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from search.evaluation.kinds import KINDS, evaluate_kind, load_kind  # noqa: E402
from search.query.parse import make_filters  # noqa: E402
from search.searcher import Searcher  # noqa: E402


def timings(searcher: Searcher, queries: list[str]) -> dict[str, float]:
    """p50 / p95 ms of a default search (laws, k 10, facets) per query, after a warm-up."""
    filters = make_filters("laws")
    for text in queries[:10]:
        searcher.search(text, k=10, filters=filters)
    took = []
    for text in queries:
        started = time.perf_counter()
        searcher.search(text, k=10, filters=filters)
        took.append((time.perf_counter() - started) * 1000)
    took.sort()
    return {"p50_ms": round(took[len(took) // 2], 1), "p95_ms": round(took[int(len(took) * 0.95)], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--split", default="dev")
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    searcher = Searcher.from_settings(settings)
    items = {kind: load_kind(kind, searcher, settings.data_dir, args.split) for kind in KINDS}
    report = {}
    for first in (True, False):
        searcher.config.named_law_first = first
        name = "named law first" if first else "plain"
        report[name] = {kind: evaluate_kind(searcher, kind, queries, ("learned", "deciding"))
                        for kind, queries in items.items()}
        report[name]["scoped search time"] = timings(searcher, [q.query for q in items["scoped"]])
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
