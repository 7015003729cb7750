"""The analytics API over a store holding the whole real message collection: hot issues with
the documented contract, flagged replies, the 统计 figures; bad input is a 422 or an empty
result with a notice, never a 5xx."""
from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from analytics.api import add_analytics_routes
from analytics.service import MessageAnalytics
from corpus.ingest import ingest
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore


@pytest.fixture(scope="module")
def api(data_dir, tmp_path_factory):
    store = SQLiteDocumentStore(tmp_path_factory.mktemp("all_msgs") / "store.sqlite3")
    ingest(store, resolve_source(str(data_dir / "govqa/tipdm2020_message_board.jsonl.gz"), None))
    app = FastAPI()
    add_analytics_routes(app, MessageAnalytics(store=store))  # no searcher: laws lists are empty
    yield TestClient(app)
    store.close()


def test_hot_issues_contract(api):
    body = api.get("/analytics/hot", params={"top": 5}).json()
    assert len(body["issues"]) == 5
    first = body["issues"][0]
    assert {"name", "first", "last", "count", "votes", "message_ids"} <= set(first)
    assert first["count"] == len(first["message_ids"]) and all(isinstance(i, str) for i in first["message_ids"])
    assert "user" not in str(first["message_ids"])  # ids are 留言编号, never users


def test_one_issue_lists_its_messages_masked(api):
    issue = api.get("/analytics/hot", params={"top": 1}).json()["issues"][0]
    detail = api.get(f"/analytics/hot/{issue['id']}").json()
    assert [m["message_id"] for m in detail["messages"]] == issue["message_ids"]
    assert detail["laws"] == [] and api.get("/analytics/hot/nope").status_code == 404


@pytest.mark.parametrize("params", [{"since": "2030-01-01"}, {"region": "Z9区"}, {"until": "2019-02-30"},
                                    {"since": "2019-05-01", "until": "2019-04-01"}])
def test_nothing_to_show_is_an_empty_list_with_a_notice(api, params):
    response = api.get("/analytics/hot", params=params)
    assert response.status_code == 200 and response.json()["issues"] == [] and response.json()["notice"]


@pytest.mark.parametrize("params", [{"since": "2019-13-01"}, {"until": "0"}, {"top": 0}, {"top": "many"}])
def test_bad_parameters_are_a_422(api, params):
    assert api.get("/analytics/hot", params=params).status_code == 422


def test_late_replies_are_listed_worst_first(api):
    body = api.get("/analytics/replies", params={"flag": "late", "limit": 5}).json()
    delays = [r["delay_days"] for r in body["replies"]]
    assert body["total"] > 100 and delays == sorted(delays, reverse=True) and min(delays) > 15
    assert all("late" in r["flags"] for r in body["replies"])
    assert api.get("/analytics/replies", params={"flag": "rude"}).status_code == 422


def test_summary_figures(api):
    body = api.get("/analytics/summary").json()
    assert body["messages"] == 7636 and body["replied"] == 2816
    assert 0 < body["delay"]["overall"]["median"] < body["delay"]["overall"]["p90"]
    categories = {row["category"] for row in body["volume"]}
    assert {"城乡建设", "教育文体", "劳动和社会保障"} <= categories
    assert sum(row["count"] for row in body["volume"]) == 7636
