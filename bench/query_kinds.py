"""Retrieval by query kind and stage (issue 12), the regression gate: every kind's dev half
scored at every stage (keyword, vector, fusion, learned), optionally with the curated
synonyms / learned term map switched off, against the floors in GATES. Exit 1 when a floor is
missed or when the learned stage ranks below the better of keyword and vector on any kind.

    python bench/query_kinds.py [--home var] [--kinds stard,topical,...] [--variants default,no_term_map,deep]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from search.evaluation.kinds import KINDS, STAGES, evaluate_kind, load_kind  # noqa: E402
from search.config import SearchConfig  # noqa: E402
from search.searcher import Searcher  # noqa: E402

# The headline metric of each kind and its floor for the learned stage (dev halves).
HEADLINE = {"stard": "recall@10", "topical": "law@3", "written": "law@3", "everyday": "recall@10", "citation": "mrr@10",
            "messages": "recall@10", "notices": "mrr@10"}
# Floors sit a little under the 2026-11-29 figures, so a regression fails; messages are weak at
# every stage (long complaints whose replies cite few articles): their floor only guards the level.
GATES = {"stard": 0.70, "topical": 0.88, "written": 0.93, "everyday": 0.40, "citation": 0.99, "messages": 0.06,
         "notices": 0.80}
VARIANTS = {"default": {}, "no_term_map": {"use_term_map": False}, "no_synonyms": {"use_synonyms": False},
            "neither": {"use_term_map": False, "use_synonyms": False},
            # every search deep: the enriched field and the deep profile, when built (what the assistant uses)
            "deep": {"use_enriched": True}}


def check(report: dict) -> list[str]:
    """Gate failures: a floor missed, or learned below max(keyword, vector) on the headline."""
    failures = []
    for kind, stages in report.items():
        metric = HEADLINE[kind]
        learned = stages.get("learned", {}).get(metric)
        if learned is None:
            continue
        if learned < GATES[kind]:
            failures.append(f"{kind}: learned {metric} {learned:.3f} < floor {GATES[kind]}")
        inputs = [stages[s][metric] for s in ("keyword", "vector") if s in stages]
        if inputs and learned + 1e-9 < max(inputs):
            failures.append(f"{kind}: learned {metric} {learned:.3f} below its best input {max(inputs):.3f}")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--stages", default=",".join(STAGES))
    parser.add_argument("--split", default="dev")
    parser.add_argument("--variants", default="default")
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    out, failures = {}, []
    for variant in args.variants.split(","):
        searcher = Searcher.from_settings(settings, SearchConfig(**VARIANTS[variant]))
        report = {}
        for kind in args.kinds.split(","):
            started = time.perf_counter()
            queries = load_kind(kind, searcher, settings.data_dir, args.split)
            report[kind] = evaluate_kind(searcher, kind, queries, args.stages.split(","))
            report[kind]["seconds"] = round(time.perf_counter() - started, 1)
            print(variant, kind, json.dumps(report[kind], ensure_ascii=False), file=sys.stderr)
        searcher.close()
        out[variant] = report
        if variant == "default":
            failures = check({k: {s: v for s, v in r.items() if s != "seconds"} for k, r in report.items()})
    print(json.dumps({"split": args.split, "report": out, "gate_failures": failures}, ensure_ascii=False))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
