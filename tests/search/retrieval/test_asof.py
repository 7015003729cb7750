"""时点检索: the version of a law in force on a date — rules on small cases, 31 dated questions
from the real version histories (tests/data/dated_questions.jsonl), and search on both backends."""
from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from corpus.versions.asof import DatedVersion, validity_on
from corpus.ingest import ingest
from corpus.model import AMENDED, CURRENT, NOT_YET, REPEALED
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore
from search.retrieval.asof import AsOfResolver, NotInForce
from search.query.parse import QueryError, make_filters

QUESTIONS = [json.loads(line) for line in
             (Path(__file__).resolve().parents[2] / "data/dated_questions.jsonl").read_text(encoding="utf-8").splitlines()]


def v(doc_id, publish, effective=None, validity=AMENDED, group="g", repeal=None):
    return DatedVersion(doc_id, group, publish, effective, validity, repeal)


def test_version_in_force_is_the_last_started():
    versions = [v("a", "2005-10-27", "2006-01-01"), v("b", "2018-10-26"), v("c", "2023-12-29", "2024-07-01", CURRENT)]
    assert validity_on(versions, "2005-12-31") == {"a": NOT_YET, "b": NOT_YET, "c": NOT_YET}
    assert validity_on(versions, "2006-01-01") == {"a": CURRENT, "b": NOT_YET, "c": NOT_YET}
    assert validity_on(versions, "2024-06-30") == {"a": AMENDED, "b": CURRENT, "c": NOT_YET}
    assert validity_on(versions, "2030-01-01") == {"a": AMENDED, "b": AMENDED, "c": CURRENT}


def test_an_effective_date_before_publication_does_not_start_a_version_early():
    # sources copy the original law's 施行 date onto later 修正 versions
    versions = [v("old", "2010-01-01"), v("new", "2016-05-26", "2006-01-01", CURRENT)]
    assert validity_on(versions, "2016-01-01") == {"old": CURRENT, "new": NOT_YET}


def test_repealed_law_is_marked_from_its_repeal_date():
    dated = [v("x", "2001-01-01", validity=REPEALED, group="x", repeal="2019-01-01")]
    assert validity_on(dated, "2018-12-31") == {"x": CURRENT}
    assert validity_on(dated, "2019-01-01") == {"x": REPEALED}
    undated = [v("y", "2001-01-01", validity=REPEALED, group="y")]
    assert validity_on(undated, "2001-06-01") == {"y": REPEALED}  # no date given: marked, not hidden


def test_same_day_duplicate_keeps_the_copy_in_force():
    dup = [v("a1", "2022-09-02", "2022-12-01", CURRENT), v("a2", "2022-09-02", "2022-12-01", AMENDED)]
    assert validity_on(dup, "2023-01-01") == {"a1": CURRENT, "a2": AMENDED}


def test_as_of_filter_validates_and_clamps_dates():
    assert make_filters(as_of="2023-02-30").as_of == "2023-02-28"
    assert make_filters(as_of="2020年1月1日").as_of == "2020-01-01"
    with pytest.raises(QueryError, match="as_of"):
        make_filters(as_of="昨天")


@pytest.fixture(scope="module")
def versions_store(data_dir, tmp_path_factory):
    """Every version of the laws the dated questions ask about, parsed from the real archive."""
    names = {q["law"] for q in QUESTIONS}
    out = tmp_path_factory.mktemp("versions")
    with tarfile.open(data_dir / "laws/lawrefbook_markdown.tar.gz") as tar:
        for member in tar:
            name = member.name.removeprefix("./")
            stem = Path(name).stem.split("(")[0]
            if name == "db.sqlite3" or ("/" in name and name.count("/") == 1 and stem in names
                                        and not name.startswith("DLC")):
                target = out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
    store = SQLiteDocumentStore(tmp_path_factory.mktemp("vstore") / "store.sqlite3")
    ingest(store, resolve_source(str(out), None))
    yield store
    store.close()


@pytest.mark.parametrize("question", QUESTIONS, ids=[f"{q['law']}@{q['date']}" for q in QUESTIONS])
def test_dated_question(versions_store, question):
    docs = [d for d in versions_store.documents() if d.short_name == question["law"]
            or d.title == f"中华人民共和国{question['law']}"]
    assert len(docs) >= 2 or question["law"] == "反间谍法", [d.title for d in docs]
    resolver = AsOfResolver(versions_store)
    newest = max(docs, key=lambda d: d.publish_date).id
    if question["version"] is None:
        with pytest.raises(NotInForce, match="尚未施行"):
            resolver.in_force(newest, question["date"])
        assert all(resolver.validity(d.id, question["date"]) == NOT_YET for d in docs)
        return
    chosen = versions_store.get(resolver.in_force(newest, question["date"]), with_units=False)
    assert chosen.publish_date == question["version"], question["why"]
    assert resolver.validity(chosen.id, question["date"]) == CURRENT
    # the filter search uses leaves exactly the other versions out
    excluded = set(resolver.filters(make_filters("laws", as_of=question["date"])).exclude_docs or ())
    assert {d.id for d in docs} - excluded == {chosen.id}



def test_articles_of_one_version_pair_are_matched_once(versions_store, monkeypatch):
    """A law page read as of a day asks article after article of the same two versions."""
    import search.retrieval.asof

    docs = sorted((d for d in versions_store.documents() if d.short_name == "公司法"), key=lambda d: d.publish_date)
    old = versions_store.get(docs[0].id)  # 2018; the 2023 version took effect 2024-07-01
    calls = []
    compare = search.retrieval.asof.compare_documents
    monkeypatch.setattr(search.retrieval.asof, "compare_documents", lambda a, b: calls.append(1) or compare(a, b))
    resolver = AsOfResolver(versions_store)
    found = []
    for unit in [u for u in old.units if u.article_label][:30]:
        try:
            found.append(resolver.article(unit, "2025-01-01"))
        except NotInForce:  # an article the 2023 revision dropped
            pass
    assert len(calls) == 1 and len(found) >= 20 and {u.doc_id for u in found} == {docs[-1].id}


# -- search, API-level behaviour on both backends (the law subset holds 公司法 2018 and 2023) ---------

@pytest.fixture(scope="module")
def searcher(search_index):
    s = search_index.searcher()
    yield s
    s.close()


def _company_law(results):
    return [r for r in results if r.law_title == "中华人民共和国公司法"]


def test_search_as_of_returns_the_version_then(searcher):
    before = _company_law(searcher.search("公司法第一条", k=5, filters=make_filters("laws", as_of="2020-01-01")).results)
    assert before and {r.publish_date for r in before} == {"2018-10-26"}
    assert (before[0].article_label, before[0].validity, before[0].validity_today) == ("第一条", CURRENT, AMENDED)
    after = _company_law(searcher.search("公司法第一条", k=5, filters=make_filters("laws", as_of="2024-07-01")).results)
    assert after and {r.publish_date for r in after} == {"2023-12-29"}
    # adopted but not yet in force: still the 2018 version
    waiting = searcher.search("股东 出资 期限", k=20, mode="keyword", filters=make_filters("laws", as_of="2024-03-01"))
    assert {r.publish_date for r in _company_law(waiting.results)} == {"2018-10-26"}
    assert waiting.to_dict()["filters"]["as_of"] == "2024-03-01"
    assert "exclude_docs" not in waiting.to_dict()["filters"]


def test_search_as_of_leaves_out_laws_not_yet_in_force(searcher):
    response = searcher.search("公司法第一条", k=10, filters=make_filters("laws", as_of="1990-01-01"))
    assert not _company_law(response.results)
    assert not [r for r in response.results if (r.publish_date or "") > "1990-01-01"]
