"""The assistant's relevance gate (assistant/relevance.py) on tuning and report sets: each
signal's spread and the share refused. Thresholds are chosen on the tuning sets only: the 40
off-topic questions of bench/offtopic_tuning.txt against 150 STARD train questions and 100
LawBench 3-2 scenarios (seeded samples). The 10 off-topic acceptance questions
(bench/assistant_eval.py) and the two everyday sets are reported, never tuned on. STARD train
questions are themselves past answered questions, so their `past` signal is 1.0.

    python bench/relevance_gate.py [--home var]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.assistant import Assistant  # noqa: E402
from assistant.relevance import RelevanceGate  # noqa: E402
from bench.assistant_eval import OFF_TOPIC  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import load_lawbench, load_queries  # noqa: E402
from search.searcher import Searcher  # noqa: E402

HERE = Path(__file__).resolve().parent
SIGNALS = ("nearest_article", "past", "best_coverage", "best_rescored")


def question_sets(data_dir: Path) -> dict[str, list[str]]:
    train = load_queries(data_dir / "stard/queries.jsonl", "train")
    bench = load_lawbench(data_dir / "lawbench/3-2.jsonl")
    everyday = {f"report: everyday{s}": [json.loads(line)["question"] for line in
                                         (HERE.parent / f"tests/data/everyday_questions{s}.jsonl").open(encoding="utf-8")]
                for s in ("", "_2")}
    return {"tuning: off-topic": (HERE / "offtopic_tuning.txt").read_text(encoding="utf-8").split(),
            "tuning: STARD train": [q.question for q in random.Random(11).sample(train, 150)],
            "tuning: LawBench 3-2": [q.question for q in random.Random(11).sample(bench, 100)],
            "report: off-topic acceptance": OFF_TOPIC, **everyday}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    assistant = Assistant(Searcher.from_settings(settings))
    seen: dict = {}
    decide = RelevanceGate.answerable

    def recording(gate, **signals):  # what the gate was given, for the spread
        seen.update(signals, past=gate.past_similarity(signals["vector"]))
        return decide(gate, **signals)

    RelevanceGate.answerable = recording
    report = {}
    for name, questions in question_sets(settings.data_dir).items():
        rows = []
        for question in questions:
            seen.clear()
            refused = not assistant.retrieve(question).answerable
            rows.append({"refused": refused, **{s: seen.get(s) for s in SIGNALS}})
        spread = {s: [round(float(np.percentile(v, p)), 3) for p in (0, 5, 50, 95, 100)]
                  for s in SIGNALS if (v := [r[s] for r in rows if r[s] is not None])}
        report[name] = {"n": len(rows), "refused": round(float(np.mean([r["refused"] for r in rows])), 3),
                        "min/p5/p50/p95/max": spread}
        print(json.dumps({name: report[name]}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
