"""Query kinds beyond STARD over a real (small) index: generated topical, citation, message and
notice queries are deterministic, answerable from the store, and scored at every stage."""
from __future__ import annotations

import json
import subprocess

import pytest

from corpus.store.sqlite import SQLiteDocumentStore
from search.evaluation.kinds import STAGES, evaluate_kind, load_kind, stage
from search.evaluation.kinds import EVERYDAY
from search.evaluation.metrics import norm_title
from search.evaluation.querysets import load_everyday, load_topical, topical_queries
from search.searcher import Searcher
from tests.servers import FAGUI


@pytest.fixture(scope="module")
def searcher(app_index):
    s = Searcher(SQLiteDocumentStore(app_index / "store.sqlite3", readonly=True), app_index / "index")
    yield s
    s.close()


def test_topical_queries_come_from_their_law(searcher, data_dir):
    first = topical_queries(searcher.store, searcher.reader.analyzer)
    assert first and first == topical_queries(searcher.store, searcher.reader.analyzer)  # seeded
    for q in first:
        doc = next(searcher.store.documents("title = ? AND validity = '现行有效'", (q.gold_law,), with_units=True))
        assert doc.doc_type in ("法律", "行政法规")
        text = doc.title + "".join(u.text + "".join(u.chapter_path) for u in doc.units)
        assert 2 <= len(q.query.split()) <= 4 and all(word in text for word in q.query.split()), q
        assert q.gold_chapter is None or any(q.gold_chapter in u.chapter_path for u in doc.units)


def test_scoped_queries_name_their_law_and_come_from_it(searcher, data_dir):
    queries = load_kind("scoped", searcher, data_dir)
    assert queries and queries == load_kind("scoped", searcher, data_dir)  # seeded
    for q in queries:
        (title, label), = q.gold
        named = searcher.law_scope.named(q.query)
        assert named is not None and [norm_title(t) for t in named.titles] == [title], q
        assert named.rest and all(word in searcher.store.conn.execute(
            "SELECT u.text FROM units u JOIN documents d ON u.doc_id = d.id WHERE d.validity = '现行有效' "
            "AND u.article_label = ? AND d.title LIKE ?", (label, f"%{title}")).fetchone()[0]
            for word in named.rest.split()), q


def test_citation_queries_are_found_first_at_every_stage(searcher, data_dir):
    queries = load_kind("citation", searcher, data_dir)
    assert len(queries) >= 20
    report = evaluate_kind(searcher, "citation", queries[:20])
    assert set(report) == set(STAGES)
    assert all(report[s]["mrr@10"] == 1.0 for s in STAGES), report


def test_message_queries_cite_articles_in_the_store(searcher, data_dir):
    queries = load_kind("messages", searcher, data_dir)
    labour = [q for q in queries if any(title == "劳动合同法" for title, _ in q.gold)]
    assert labour, "replies citing 劳动合同法 articles are found"
    assert {q.split for q in queries} <= {"train", "dev"}


def test_fusion_stage_sets_the_reranker_aside_and_puts_it_back(searcher):
    marker = object()
    searcher.reranker, saved = marker, searcher.reranker
    try:
        with stage(searcher, "fusion") as mode:
            assert (mode, searcher.reranker) == ("hybrid", None)
        assert searcher.reranker is marker
    finally:
        searcher.reranker = saved


def test_bad_written_set_names_its_line(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"query": "行政复议 期限", "gold_law": "中华人民共和国行政复议法"}\n{"query": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"q.jsonl:2"):
        load_topical(path)


def test_cli_eval_by_kind(app_index):
    env = {"FAGUI_STORE": str(app_index / "store.sqlite3"), "FAGUI_INDEX_DIR": str(app_index / "index")}
    import os
    out = subprocess.run([FAGUI, "eval", "--kind", "citation,topical", "--stages", "keyword,learned"],
                         env=os.environ | env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["citation"]["keyword"]["mrr@10"] == 1.0
    assert set(report["topical"]["learned"]) >= {"law@3", "law_mrr@10", "n"}
    bad = subprocess.run([FAGUI, "eval", "--kind", "weather"], env=os.environ | env, capture_output=True, text=True)
    assert bad.returncode != 0 and "weather" in bad.stderr


def test_everyday_questions_are_article_queries_kept_for_evaluation(tmp_path):
    queries = load_everyday(EVERYDAY)
    assert len(queries) >= 40 and {q.split for q in queries} == {"dev"}
    assert all(q.gold and all(label.startswith("第") for _, label in q.gold) for q in queries)
    assert ("劳动合同法", "第八十二条") in set().union(*(q.gold for q in queries))  # titles normalised
    path = tmp_path / "everyday.jsonl"
    path.write_text('{"question": "能退吗", "deciding": [{"law_title": "x", "article_label": "第一条"}]}\n'
                    '{"question": "能退吗"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="everyday.jsonl:2"):
        load_everyday(path)
