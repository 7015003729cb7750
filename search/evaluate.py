"""Retrieval evaluation on STARD-style queries (评测): gold articles matched by (law title,
article label), titles compared without 《》, spaces and 中华人民共和国, with （） as ().

Metrics per query: recall@k = share of its gold articles in the top k; MRR@10 = 1/rank of the
first gold article within the top 10. Averaged over queries.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_TITLE_NOISE = re.compile(r"[《》\s\u3000]")


def norm_title(title: str) -> str:
    """The comparison form of a law title (see the owner's evaluation protocol)."""
    title = _TITLE_NOISE.sub("", title or "").replace("中华人民共和国", "")
    return title.replace("（", "(").replace("）", ")")


@dataclass
class EvalQuery:
    """A question and its gold (normalised title, article label) pairs."""

    qid: str
    question: str
    split: str
    gold: frozenset[tuple[str, str]]


def load_queries(path: str | Path, split: str | None = None) -> list[EvalQuery]:
    """STARD `queries.jsonl` records (question, gold[].law_name, gold[].article_label)."""
    out = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if split and rec.get("split") != split:
                continue
            gold = frozenset((norm_title(g["law_name"]), g["article_label"]) for g in rec["gold"])
            out.append(EvalQuery(str(rec.get("query_id", number)), rec["question"],
                                 rec.get("split", ""), gold))
    return out


def score_ranking(gold: frozenset, ranked: Iterable[tuple[str, str]]) -> dict[str, float]:
    """recall@10, recall@100 and MRR@10 of one ranked list of (title, label) keys."""
    seen: list[tuple[str, str]] = []
    for key in ranked:
        if key not in seen:
            seen.append(key)  # several versions of one article count once
        if len(seen) >= 100:
            break
    top10, top100 = set(seen[:10]), set(seen[:100])
    first = next((i for i, key in enumerate(seen[:10], 1) if key in gold), None)
    return {"recall@10": len(gold & top10) / len(gold), "recall@100": len(gold & top100) / len(gold),
            "mrr@10": 1.0 / first if first else 0.0}


def mean_scores(per_query: list[dict[str, float]]) -> dict[str, float]:
    n = len(per_query)
    keys = ("recall@10", "recall@100", "mrr@10")
    return {k: round(sum(q[k] for q in per_query) / n, 4) if n else 0.0 for k in keys} | {"n": n}
