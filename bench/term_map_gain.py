"""Gain of the colloquial -> legal word maps (issue 4): curated (resources/synonyms.txt) and
learned from train (search/query/termmap.py). For each variant everything learned is refitted on
train exactly as `fagui learn` does (so the ranker sees the variant's features), then STARD dev
is scored. The default variant (both on) runs last, leaving the index's learned/ as shipped.

    python bench/term_map_gain.py [--home /tmp/full]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stard_embedders import SCOPE_TYPES  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import evaluate, load_queries  # noqa: E402
from search.learning.answered import LEARNED_DIR, AnsweredQuestions, load_fusion  # noqa: E402
from search.query.parse import make_filters  # noqa: E402
from search.ranking.rerank import LightGBMReranker  # noqa: E402
from search.config import SearchConfig  # noqa: E402
from search.searcher import Searcher  # noqa: E402
from search.learning.training import learn_all  # noqa: E402

VARIANTS = {"none": (False, False), "curated": (True, False), "learned": (False, True), "both": (True, True)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    queries = load_queries(settings.data_dir / "stard/queries.jsonl")
    train = [q for q in queries if q.split == "train"]
    dev = [q for q in queries if q.split == "dev"]
    filters = make_filters("laws", ",".join(SCOPE_TYPES))
    report = {}
    for name, (curated, learned) in VARIANTS.items():
        searcher = Searcher.from_settings(settings, SearchConfig(use_synonyms=curated, use_term_map=learned))
        fitted = learn_all(searcher, train, filters)
        folder = searcher.reader.index_dir / LEARNED_DIR  # reload what learn_all saved
        searcher.learned = AnsweredQuestions.load(folder, searcher.reader.analyzer)
        searcher.fusion_weights, searcher.fusion_method = load_fusion(folder)
        searcher.reranker = LightGBMReranker(folder / "reranker.txt")

        def search(text, s=searcher):
            return [(r.law_title, r.article_label) for r in
                    s.search(text, k=100, filters=filters, with_facets=False).results]
        report[name] = {"train_out_of_fold": fitted["train_out_of_fold"], "dev": evaluate(search, dev),
                        "learned_terms": len(searcher.learned.term_map or {})}
        print(name, json.dumps(report[name]), file=sys.stderr)
        searcher.close()
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
