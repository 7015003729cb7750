"""Measure BM25F field boosts (text / title / chapter) for the whoosh keyword index on STARD
train, report the chosen boosts on dev (issue 3: boosts measured, not guessed).

whoosh scores an OR of per-field term queries as the boost-weighted sum of per-field BM25, so
each field is searched once per query and the weight grid is evaluated offline.

    python bench/keyword_boosts.py [--home /tmp/full] [--train-sample 400]
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stard_embedders import SCOPE_TYPES, scope_units  # noqa: E402
from corpus.config import Settings  # noqa: E402
from corpus.store.sqlite import SQLiteDocumentStore  # noqa: E402
from indexer.embedded.reader import IndexReader  # noqa: E402
from search.evaluation.metrics import load_queries, mean_scores, score_ranking  # noqa: E402
from search.query.parse import make_filters  # noqa: E402
from search.retrieval.embedded import WhooshKeywordRetriever  # noqa: E402

GRID = {"title": [0.0, 0.25, 0.5, 1.0, 2.0], "chapter": [0.0, 0.25, 0.5, 1.0]}


def field_scores(reader, queries, filters, depth=300):
    """Per-field BM25 of each query's candidates, through the product's keyword retriever
    (same term pruning and filter cache as search)."""
    retrievers = {f: WhooshKeywordRetriever(reader, boosts={f: 1.0}) for f in ("text", "title", "chapter")}
    return [{f: dict(r.retrieve(reader.analyzer.tokens(q.question), filters, depth))
             for f, r in retrievers.items()} for q in queries]


def evaluate(per_query, queries, key_by_uid, title_w, chapter_w):
    scores = []
    for fields, q in zip(per_query, queries):
        combined: dict[str, float] = dict(fields["text"])
        for field, weight in (("title", title_w), ("chapter", chapter_w)):
            if weight:
                for uid, s in fields[field].items():
                    combined[uid] = combined.get(uid, 0.0) + weight * s
        ranked = sorted(combined, key=combined.get, reverse=True)[:200]
        scores.append(score_ranking(q.gold, (key_by_uid[u] for u in ranked if u in key_by_uid)))
    return mean_scores(scores)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--train-sample", type=int, default=400)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    store = SQLiteDocumentStore(settings.store_path, readonly=True)
    reader = IndexReader(settings.index_dir)
    key_by_uid = {r.uid: k for r, k in scope_units(store)}
    filters = make_filters("laws", ",".join(SCOPE_TYPES))
    train = load_queries(settings.data_dir / "stard/queries.jsonl", "train")
    train = random.Random(0).sample(train, min(args.train_sample, len(train)))
    dev = load_queries(settings.data_dir / "stard/queries.jsonl", "dev")
    train_fields, dev_fields = field_scores(reader, train, filters), field_scores(reader, dev, filters)
    table = []
    for title_w, chapter_w in itertools.product(GRID["title"], GRID["chapter"]):
        table.append({"title": title_w, "chapter": chapter_w,
                      "train": evaluate(train_fields, train, key_by_uid, title_w, chapter_w)})
    best = max(table, key=lambda row: (row["train"]["recall@100"] + row["train"]["mrr@10"]))
    best["dev"] = evaluate(dev_fields, dev, key_by_uid, best["title"], best["chapter"])
    baseline = next(r for r in table if r["title"] == 0 and r["chapter"] == 0)
    baseline["dev"] = evaluate(dev_fields, dev, key_by_uid, 0, 0)
    print(json.dumps({"grid": table, "chosen": best, "text_only": baseline}, ensure_ascii=False))


if __name__ == "__main__":
    main()
