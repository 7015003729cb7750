"""Answers to everyday citizen questions (issue 12, part 3 baseline): the 40 hand-written
questions of tests/data/everyday_questions.jsonl (10 areas), each with the deciding articles
read from the law and the words a lead sentence that answers must carry. Reports the share of
answers citing a deciding article and the share whose lead sentence carries one of those words,
by area, plus the misses; and how often the first cited article is a deciding one, with the
share of those answers whose lead answers (the lead is read from that article). A regression
gate: exit 1 below FLOORS (set a little under the 2026-11-29 figures, far under issue 12's
targets of 0.90 / 0.80, which are not met).

    python bench/everyday_answers.py [--home var]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.assistant import Assistant  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import norm_title  # noqa: E402
from search.searcher import Searcher  # noqa: E402

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "everyday_questions.jsonl"
FLOORS = {"cites_deciding": 0.25, "lead_answers": 0.22}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--no-decide", action="store_true", help="the first stage only (before issue 28)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    args = parser.parse_args()
    items = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    assistant = Assistant(Searcher.from_settings(Settings.from_env(home=args.home)), decide=not args.no_decide)
    by_area: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    misses, first = [], []  # first: (the first cited article is a deciding one, the lead answers)
    for item in items:
        answer = assistant.ask(item["question"])
        deciding = {(norm_title(d["law_title"]), d["article_label"]) for d in item["deciding"]}
        cited = {(norm_title(c.law_title), c.article_label) for c in answer.citations}
        lead = answer.answer.split("\n", 1)[0]
        hit, leads = bool(deciding & cited), any(word in lead for word in item["lead_criteria"])
        by_area[item["area"]].append((hit, leads))
        head = answer.citations[:1]
        first.append((bool(head) and (norm_title(head[0].law_title), head[0].article_label) in deciding, leads))
        if not (hit and leads):
            misses.append({"q": item["question"][:40], "cited": sorted(cited)[:3], "lead": lead[:80]})
    rows = [x for v in by_area.values() for x in v]
    report = {"n": len(rows), "cites_deciding": round(sum(h for h, _ in rows) / len(rows), 3),
              "lead_answers": round(sum(lead for _, lead in rows) / len(rows), 3),
              # the lead is read from the first cited article: where that one decides, does it answer?
              "first_cited_deciding": round(sum(f for f, _ in first) / len(first), 3),
              "lead_answers_when_first_decides": round(
                  sum(lead for f, lead in first if f) / (sum(f for f, _ in first) or 1), 3),
              "by_area": {a: [sum(h for h, _ in v), sum(lead for _, lead in v), len(v)] for a, v in by_area.items()},
              "misses": misses}
    report["gate_failures"] = [f"{k} {report[k]} < {v}" for k, v in FLOORS.items() if report[k] < v]
    print(json.dumps(report, ensure_ascii=False))
    sys.exit(1 if report["gate_failures"] else 0)


if __name__ == "__main__":
    main()
