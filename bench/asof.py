"""时点检索 figures over the real index: what `as_of` costs per search, how many documents a
day leaves out, and the dated questions (tests/data/dated_questions.jsonl) answered through
the full store — the same checks as tests/search/retrieval/test_asof.py, on every version in the corpus.

    python bench/asof.py [--home /work/main/var] [--n 60]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from corpus.store.factory import open_store  # noqa: E402
from search.retrieval.asof import NotInForce  # noqa: E402
from search.query.parse import make_filters  # noqa: E402
from search.searcher import Searcher  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STARD_SCOPE = ("laws", "宪法,法律,行政法规,司法解释,部门规章")


def timed(searcher: Searcher, questions: list[str], filters) -> float:
    times = []
    for q in questions:
        started = time.perf_counter()
        searcher.search(q, k=10, filters=filters, with_facets=False)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def dated_questions(searcher: Searcher) -> dict:
    """Each dated question against the whole store: the law found by title, the version chosen."""
    rows = [json.loads(line) for line in (ROOT / "tests/data/dated_questions.jsonl").read_text("utf-8").splitlines()]
    passed, failures = 0, []
    for q in rows:
        doc = next(searcher.store.documents("short_name = ? AND collection = 'laws' AND (region IS NULL OR region = '')",
                                            (q["law"],), limit=1))
        try:
            chosen = searcher.store.get(searcher.as_of.in_force(doc.id, q["date"]), with_units=False).publish_date
        except NotInForce:
            chosen = None
        passed += chosen == q["version"]
        if chosen != q["version"]:
            failures.append({**q, "got": chosen})
    return {"questions": len(rows), "passed": passed, "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--n", type=int, default=60, help="STARD dev questions timed")
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    searcher = Searcher.from_settings(settings)
    stard = [json.loads(line)["question"] for line in
             (settings.data_dir / "stard/queries.jsonl").read_text("utf-8").splitlines()][: args.n]
    searcher.search(stard[0], k=10)  # warm: jieba, embedder, ranker
    report = {"backend": searcher.store.backend}
    for day in ("2015-06-01", "2020-01-01", "2024-03-01"):
        started = time.perf_counter()
        states = searcher.as_of.states(day)
        compute_ms = round((time.perf_counter() - started) * 1000, 1)
        left_out = len(searcher.as_of.filters(make_filters(*STARD_SCOPE, as_of=day)).exclude_docs or ())
        report[day] = {"states_ms": compute_ms, "documents": len(states), "left_out": left_out,
                       "p50_ms": timed(searcher, stard, make_filters(*STARD_SCOPE, as_of=day))}
    report["today_p50_ms"] = timed(searcher, stard, make_filters(*STARD_SCOPE))
    report["dated_questions"] = dated_questions(searcher)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
