"""POST /api/v1/analytics/route over a store holding the real labelled messages (and over one
without any: abstain, with a notice saying why — never a 5xx); bad input gets a 422 naming the field."""
from __future__ import annotations

import gzip
import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from analytics.api import add_analytics_routes
from analytics.service import MessageAnalytics
from corpus.ingest import ingest
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore


@pytest.fixture(scope="module")
def labelled_store(data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("msgs")
    with gzip.open(data_dir / "govqa/tipdm2020_message_board.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [r for r in map(json.loads, handle) if r.get("category_l1")]
    (folder / "messages.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    store = SQLiteDocumentStore(folder / "store.sqlite3")
    ingest(store, resolve_source(str(folder / "messages.jsonl"), None))
    yield store
    store.close()


def client(store) -> TestClient:
    api = FastAPI()
    add_analytics_routes(api, MessageAnalytics(store=store))  # words and characters only: fast
    return TestClient(api)


def test_route_names_a_class_with_probabilities(labelled_store):
    response = client(labelled_store).post("/analytics/route", json={"text": "学校食堂饭菜质量差，还强制学生订餐"})
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "教育文体" and body["classes"][0]["label"] == "教育文体"
    assert len(body["classes"]) == 7 and isinstance(body["abstain"], bool)


@pytest.mark.parametrize("payload", [{"text": ""}, {"text": "   "}, {"text": "字" * 20_001}, {}])
def test_bad_text_is_a_422_naming_the_field(labelled_store, payload):
    response = client(labelled_store).post("/analytics/route", json=payload)
    assert response.status_code == 422 and "text" in json.dumps(response.json())


def test_a_store_without_labelled_messages_says_so(tmp_path):
    store = SQLiteDocumentStore(tmp_path / "empty.sqlite3")
    response = client(store).post("/analytics/route", json={"text": "路灯坏了没人修"})
    body = response.json()  # every message goes to a person, and the answer says why
    assert response.status_code == 200 and body["abstain"] is True and body["classes"] == []
    assert body["label"] is None and "labelled messages" in body["notice"]
    store.close()


@pytest.mark.parametrize("text", ["hello world, the street lights are broken", "？？？！！！", "1234567890"])
def test_text_without_chinese_still_gets_an_answer(labelled_store, text):
    """Nothing to read: the router may guess, but it never fails, and it is rarely sure."""
    response = client(labelled_store).post("/analytics/route", json={"text": text})
    assert response.status_code == 200 and len(response.json()["classes"]) == 7


def test_100000_characters_is_a_422(labelled_store):
    response = client(labelled_store).post("/analytics/route", json={"text": "噪音" * 50_000})
    assert response.status_code == 422 and "text" in response.text
