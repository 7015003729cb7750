"""Where the deciding article is lost (issue 28 diagnosis): for each question, is its governing law
among the first laws the search returns, and where does the deciding article rank — overall and
inside its law? Splits the assistant's misses into "wrong law" and "right law, wrong article".

Sets: the 40 everyday questions (tests/data/everyday_questions.jsonl, deciding articles read from
the law) and STARD questions of one split (gold articles). The assistant's own scope and deep
search are used, as an answer would.

    python bench/law_first.py [--home var] [--stard-split dev] [--stard-limit 200]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.assistant import Assistant  # noqa: E402
from corpus.config import Settings, default_data_dir  # noqa: E402
from search.evaluation.metrics import load_queries, norm_title  # noqa: E402
from search.searcher import Searcher  # noqa: E402

EVERYDAY = Path(__file__).resolve().parent.parent / "tests" / "data" / "everyday_questions.jsonl"
DEPTH = 100


def positions(assistant: Assistant, question: str, gold: set[tuple[str, str]], decide: bool = True) -> dict:
    """Law rank of the best gold law, overall and in-law rank of the best gold article (None: absent)."""
    response = assistant.searcher.search(question, k=DEPTH, filters=assistant.scope(question),
                                         with_facets=False, deep=True, decide=decide)
    laws: list[str] = []
    in_law: dict[str, int] = defaultdict(int)
    law_rank = article_rank = inside = None
    gold_laws = {law for law, _ in gold}
    for rank, r in enumerate(response.results, start=1):
        law = norm_title(r.law_title)
        if law not in laws:
            laws.append(law)
        in_law[law] += 1
        if law in gold_laws and law_rank is None:
            law_rank = laws.index(law) + 1
        if (law, r.article_label) in gold and article_rank is None:
            article_rank, inside = rank, in_law[law]
    return {"law": law_rank, "article": article_rank, "in_law": inside}


def summary(rows: list[dict]) -> dict:
    n = len(rows)
    share = lambda test: round(sum(1 for r in rows if test(r)) / n, 3) if n else 0.0  # noqa: E731
    found = [r for r in rows if r["law"] is not None and r["law"] <= 3]
    return {"n": n, "law@1": share(lambda r: r["law"] == 1), "law@3": share(lambda r: r["law"] is not None and r["law"] <= 3),
            "article@3": share(lambda r: r["article"] is not None and r["article"] <= 3),
            "article@10": share(lambda r: r["article"] is not None and r["article"] <= 10),
            "given_law@3: in_law@1": round(sum(1 for r in found if r["in_law"] == 1) / len(found), 3) if found else 0.0,
            "given_law@3: in_law@3": round(sum(1 for r in found if r["in_law"] and r["in_law"] <= 3) / len(found), 3)
            if found else 0.0,
            "given_law@3: absent@100": round(sum(1 for r in found if r["in_law"] is None) / len(found), 3)
            if found else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--stard-split", default="dev")
    parser.add_argument("--stard-limit", type=int, default=200)
    parser.add_argument("--questions", type=Path, default=EVERYDAY)
    parser.add_argument("--no-decide", action="store_true", help="the first stage only (before issue 28)")
    args = parser.parse_args()
    assistant = Assistant(Searcher.from_settings(Settings.from_env(home=args.home)))
    out: dict[str, object] = {}
    items = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows, by_area = [], defaultdict(list)
    for item in items:
        gold = {(norm_title(d["law_title"]), d["article_label"]) for d in item["deciding"]}
        row = positions(assistant, item["question"], gold, not args.no_decide)
        rows.append(row)
        by_area[item["area"]].append(row)
    out["everyday"] = summary(rows)
    out["everyday_by_area"] = {area: summary(r) for area, r in by_area.items()}
    stard = load_queries(default_data_dir() / "stard" / "queries.jsonl", args.stard_split)[:args.stard_limit]
    out[f"stard_{args.stard_split}"] = summary([positions(assistant, q.question, set(q.gold), not args.no_decide)
                                                for q in stard])
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
