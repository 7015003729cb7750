"""Admin endpoints end to end over a real server (a copy of the app index): keys from the
CLI, upload + ingest + index + reload, refused uploads that change nothing, delete, audit."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.servers import fagui_server

from tests.corpus.sources.test_ofd import NOTICE, RULES, ofd_bytes
from tests.corpus.sources.test_uploads import docx_bytes

FAGUI = str(Path(sys.executable).with_name("fagui"))
REGULATION = ("某市共享单车停放管理办法\n第一条 为规范共享单车停放秩序，制定本办法。\n"
              "第二条 共享单车应当停放在划定的停放区域内，运营企业负责及时清运。\n").encode("utf-8")


@pytest.fixture(scope="module")
def env(app_index, tmp_path_factory):
    root = tmp_path_factory.mktemp("admin")
    shutil.copytree(app_index, root / "copy")
    return os.environ | {"FAGUI_STORE": str(root / "copy/store.sqlite3"),
                         "FAGUI_INDEX_DIR": str(root / "copy/index"), "FAGUI_CONFIG_DIR": str(root / "config"),
                         "FAGUI_RATE_LIMIT": "1000/minute"}


def cli(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([FAGUI, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def keys(env):
    admin = cli(env, "keys", "create", "--role", "admin", "--note", "tests")
    reader = cli(env, "keys", "create", "--role", "reader")
    assert admin.returncode == 0 and admin.stdout.startswith("fg_")
    return {"admin": admin.stdout.strip(), "reader": reader.stdout.strip()}


@pytest.fixture(scope="module")
def server(env, keys):
    names = ("FAGUI_STORE", "FAGUI_INDEX_DIR", "FAGUI_CONFIG_DIR", "FAGUI_RATE_LIMIT")
    with fagui_server(**{n: env[n] for n in names}) as base:
        yield f"{base}/api/v1"


def auth(key):
    return {"Authorization": f"Bearer {key}"}


def state(server):
    return httpx.get(f"{server}/stats", timeout=30).json()


def test_key_listing_never_shows_keys(env, keys):
    listed = json.loads(cli(env, "keys", "list", "--json").stdout)
    assert {k["role"] for k in listed} == {"admin", "reader"}
    text = json.dumps(listed) + (Path(env["FAGUI_CONFIG_DIR"]) / "keys.json").read_text()
    assert keys["admin"] not in text and keys["reader"] not in text


def test_admin_routes_refuse_without_an_admin_key(server, keys):
    before = state(server)
    files = {"files": ("单车.txt", REGULATION, "text/plain")}
    assert httpx.post(f"{server}/admin/documents", files=files).status_code == 401
    assert httpx.post(f"{server}/admin/documents", files=files, headers=auth(keys["reader"])).status_code == 403
    assert httpx.post(f"{server}/admin/reload", headers=auth("fg_0000_forged")).status_code == 401
    assert state(server)["corpus"]["documents"] == before["corpus"]["documents"]


@pytest.mark.parametrize("name, data", [
    ("../../逃逸.txt", REGULATION), ("假的.pdf", REGULATION),
    ("炸弹.docx", docx_bytes(b"<w:document/>", {"word/media/z.bin": b"\0" * (40 * 1024 * 1024)})),
    ("实体.docx", docx_bytes(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><w:document>&e;</w:document>')),
    ("炸弹.ofd", ofd_bytes(NOTICE, extra={"Doc_0/Res/z.bin": b"\0" * (40 * 1024 * 1024)})),
    ("实体.ofd", ofd_bytes(NOTICE, replace={"OFD.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><OFD>&e;</OFD>'})),
    ("缺页.ofd", ofd_bytes(RULES, drop=("Doc_0/Pages/Page_1/Content.xml",)))])
def test_refused_uploads_change_nothing(server, keys, name, data):
    before = state(server)
    response = httpx.post(f"{server}/admin/documents", files={"files": (name, data, "application/octet-stream")},
                          headers=auth(keys["admin"]), timeout=60)
    assert response.status_code == 422, response.text
    after = state(server)
    assert after["corpus"]["documents"] == before["corpus"]["documents"]
    assert after["index"]["generation"] == before["index"]["generation"]


def test_upload_is_searchable_then_deleted_and_audited(server, keys, env):
    response = httpx.post(f"{server}/admin/documents", files={"files": ("单车.txt", REGULATION, "text/plain")},
                          headers=auth(keys["admin"]), timeout=120)
    assert response.status_code == 200, response.text
    doc_id = response.json()["documents"][0]["id"]
    hits = httpx.get(f"{server}/search", params={"q": "共享单车停放区域", "k": 3}).json()["results"]
    assert hits and hits[0]["law_title"] == "某市共享单车停放管理办法"
    deleted = httpx.delete(f"{server}/admin/documents/{doc_id}", headers=auth(keys["admin"]), timeout=120)
    assert deleted.status_code == 200
    hits = httpx.get(f"{server}/search", params={"q": "共享单车停放区域", "k": 3}).json()["results"]
    assert all(h["law_title"] != "某市共享单车停放管理办法" for h in hits)
    audit = httpx.get(f"{server}/admin/audit", headers=auth(keys["admin"])).json()
    actions = [(e["action"], e["result"]) for e in audit]
    assert ("upload", "ok") in actions and ("delete", "ok") in actions and ("upload", "refused") in actions
    admin_id = keys["admin"].split("_")[1]
    assert all(e["key_id"] == admin_id for e in audit)
    raw = (Path(env["FAGUI_STORE"]).parent / "audit.jsonl").read_text()
    assert keys["admin"] not in raw


def test_ofd_upload_is_searchable_then_deleted(server, keys):
    files = {"files": ("办法.ofd", ofd_bytes(RULES), "application/ofd")}
    response = httpx.post(f"{server}/admin/documents", files=files, headers=auth(keys["admin"]), timeout=120)
    assert response.status_code == 200, response.text
    doc = response.json()["documents"][0]
    assert doc["title"] == "某某市政务数据共享管理办法" and doc["units"] == 3
    hits = httpx.get(f"{server}/search", params={"q": "政务数据共享统筹协调", "k": 3}).json()["results"]
    assert hits and hits[0]["law_title"] == "某某市政务数据共享管理办法"
    deleted = httpx.delete(f"{server}/admin/documents/{doc['id']}", headers=auth(keys["admin"]), timeout=120)
    assert deleted.status_code == 200


def test_revoked_key_is_refused_by_the_running_server(server, env):
    new = cli(env, "keys", "create", "--role", "admin").stdout.strip()
    assert httpx.post(f"{server}/admin/reload", headers=auth(new), timeout=60).status_code == 200
    cli(env, "keys", "revoke", new.split("_")[1])
    assert httpx.post(f"{server}/admin/reload", headers=auth(new), timeout=60).status_code == 401
