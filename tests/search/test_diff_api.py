"""GET /documents/{id}/diff (新旧对照): versions by id or by date, the documented JSON, 404 for an
unknown document, and 404 with a readable reason for a version that does not exist as named (a bad date, one before every version); on a small
constructed law with three versions and on the real 公司法 2018 -> 2023."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from corpus.model import Document, Unit
from corpus.store.sqlite import SQLiteDocumentStore
from corpus.versions.validity import version_key
from search.api import create_api

TITLE = "中华人民共和国物业管理条例"
V1 = ["为了规范物业管理活动，维护业主和物业服务企业的合法权益，制定本条例。",
      "业主可以自行管理物业，也可以委托物业服务企业进行管理。",
      "物业服务企业应当按照物业服务合同的约定提供服务。",
      "本条例自2003年9月1日起施行。"]
V2 = [V1[0], V1[1], "国家鼓励采用新技术、新方法，依靠科技进步提高物业管理和服务水平。",
      "物业服务企业应当按照物业服务合同的约定提供服务，不得擅自提高收费标准。", V1[3]]
V3 = V2  # a re-publication without changes
DATES = {"v1": ("2003-06-08", "2003-09-01", V1), "v2": ("2007-08-26", "2007-10-01", V2),
         "v3": ("2018-03-19", None, V3)}


def version(doc_id: str) -> Document:
    published, effective, texts = DATES[doc_id]
    units = [Unit(id=f"{doc_id}:{k}", doc_id=doc_id, seq=k, kind="article", text=text,
                  article_label=f"第{'一二三四五'[k]}条", article_num=k + 1) for k, text in enumerate(texts)]
    return Document(id=doc_id, collection="laws", title=TITLE, short_name="物业管理条例",
                    publish_date=published, effective_date=effective,
                    version_key=version_key("laws", TITLE), units=units)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = SQLiteDocumentStore(tmp_path_factory.mktemp("diff") / "store.sqlite3")
    with store.transaction():
        for doc_id in DATES:
            store.put(version(doc_id), "test")
        units = [Unit(id=f"notice:{k}", doc_id="notice", seq=k, kind="paragraph", text=t) for k, t in enumerate(V1)]
        store.put(Document(id="notice", collection="notices", title="关于物业收费的通知", publish_date="2020-01-02",
                           units=units), "test")  # no version group
        store.resolve_versions()
    yield TestClient(create_api(SimpleNamespace(store=store)))  # the route reads the store only
    store.close()


def test_diff_by_version_ids_has_the_documented_json(client):
    body = client.get("/documents/v1/diff", params={"from": "v1", "to": "v2"}).json()
    assert body["law_title"] == TITLE
    assert body["from"] == {"id": "v1", "publish_date": "2003-06-08", "effective_date": "2003-09-01",
                            "validity": "已修改"}
    assert body["to"]["id"] == "v2"
    assert body["counts"] == {"新增": 1, "删除": 0, "修改": 1, "未变": 2, "移动": 1}
    assert [p["status"] for p in body["pairs"]] == ["未变", "未变", "新增", "修改", "移动"]
    changed = body["pairs"][3]
    assert changed["old"] == {"article_id": "v1:2", "article_label": "第三条", "text": V1[2], "chapter": ""}
    assert changed["new"]["article_label"] == "第四条" and changed["moved"] and changed["changed"]
    assert changed["ops"][-2:] == [["insert", "，不得擅自提高收费标准"], ["equal", "。"]]
    assert 0 < changed["similarity"] < 1 and body["pairs"][2]["old"] is None


def test_dates_pick_the_version_in_force(client):
    # 2007-09-01: v2 is published but takes effect on 2007-10-01, so v1 is in force
    same = client.get("/documents/v3/diff", params={"from": "2005-01-01", "to": "2007-09-01"}).json()
    assert same["from"]["id"] == same["to"]["id"] == "v1" and same["counts"]["未变"] == 4
    body = client.get("/documents/v3/diff", params={"from": "2005-01-01", "to": "2024-01-01"}).json()
    assert (body["from"]["id"], body["to"]["id"]) == ("v1", "v3")  # v3 has no 施行 date: published


def test_defaults_are_this_version_and_the_one_before(client):
    body = client.get("/documents/v2/diff").json()
    assert (body["from"]["id"], body["to"]["id"]) == ("v1", "v2")
    first = client.get("/documents/v1/diff")
    assert first.status_code == 404 and "no version of this law before v1" in first.json()["detail"]


@pytest.mark.parametrize("params, message", [
    ({"from": "2001-01-01"}, "no version in force on 2001-01-01 (the first took effect 2003-09-01)"),
    ({"from": "2007-02-30"}, "not a calendar date"),
    ({"to": "2007/09/01"}, "neither a version of this law nor a date YYYY-MM-DD"),
])
def test_bad_dates_are_readable_404(client, params, message):
    response = client.get("/documents/v3/diff", params=params)
    assert response.status_code == 404 and message in response.json()["detail"]


def test_unknown_document_and_one_without_versions_are_404(client):
    response = client.get("/documents/nope/diff")
    assert response.status_code == 404 and "nope" in response.json()["detail"]
    alone = client.get("/documents/notice/diff")
    assert alone.status_code == 404 and "no version of this law before notice (1 in the store)" in alone.json()["detail"]
    itself = client.get("/documents/notice/diff", params={"from": "notice"}).json()
    assert itself["counts"]["未变"] == 4 and itself["from"]["id"] == itself["to"]["id"] == "notice"


def test_real_company_law_2018_to_2023(law_store):
    api = TestClient(create_api(SimpleNamespace(store=law_store)))
    ids = [r[0] for r in law_store.conn.execute(
        "SELECT id FROM documents WHERE title = '中华人民共和国公司法' ORDER BY publish_date")]
    body = api.get(f"/documents/{ids[1]}/diff", params={"from": "2019-01-01", "to": ids[1]}).json()
    assert (body["from"]["id"], body["to"]["id"]) == tuple(ids)
    counts = body["counts"]
    assert sum(counts.values()) == len(body["pairs"]) and counts["修改"] > 100
    assert counts["新增"] + counts["修改"] + counts["未变"] + counts["移动"] == 266  # every new article once
    by_old = {p["old"]["article_label"]: p for p in body["pairs"] if p["old"]}
    # 第十一条 (公司章程) moved up to 第五条; 设立公司 必须 -> 应当
    assert by_old["第十一条"]["new"]["article_label"] == "第五条" and by_old["第十一条"]["reordered"]
    assert ["insert", "应当"] in by_old["第十一条"]["ops"]
