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


def load_lawbench(path: str | Path) -> list[EvalQuery]:
    """LawBench tasks mapped to articles (1-1 citation recall, 3-2 scenario -> article);
    items without a mapped gold article are skipped."""
    from corpus.numerals import ArticleLabel

    out = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            gold = set()
            for g in rec.get("gold") or []:
                label = g.get("article_label") or (ArticleLabel(int(g["article_num"])).label
                                                   if g.get("article_num") else None)
                if g.get("law_name") and label and g.get("lawref_article_id"):
                    gold.add((norm_title(g["law_name"]), label))
            if gold:
                out.append(EvalQuery(rec["id"], rec["question"], "", frozenset(gold)))
    return out


def evaluate(search, queries: list[EvalQuery], progress=None) -> dict[str, float]:
    """Mean metrics of `search(question) -> [(law title, article label), ...]` over queries,
    plus top-1 accuracy (the first result is a gold article)."""
    per_query, top1 = [], 0
    for query in queries:
        ranked = [(norm_title(title), label or "") for title, label in search(query.question)]
        per_query.append(score_ranking(query.gold, ranked))
        top1 += bool(ranked) and ranked[0] in query.gold
        if progress:
            progress(1)
    return mean_scores(per_query) | {"top1": round(top1 / max(1, len(queries)), 4)}
