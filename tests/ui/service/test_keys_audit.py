"""API keys (hashes only, roles, revocation) and the audit log (append-only, masked)."""
from __future__ import annotations

import json
import os
import stat

import pytest

from ui.service.audit import AuditLog
from ui.service.keys import KeyError_, KeyStore


def test_keys_are_stored_as_hashes_and_verified(tmp_path):
    store = KeyStore(tmp_path)
    key, secret = store.create("admin", "ops team")
    raw = (tmp_path / "keys.json").read_text()
    assert secret not in raw and secret.split("_", 2)[2] not in raw
    assert stat.S_IMODE(os.stat(tmp_path / "keys.json").st_mode) == 0o600
    assert store.verify(secret).key_id == key.key_id
    assert store.verify(secret + "x") is None and store.verify("fg_nokey_abc") is None and store.verify("") is None
    assert "hash" not in key.public()


def test_revoked_keys_stop_working_even_in_another_process_view(tmp_path):
    writer, reader_view = KeyStore(tmp_path), KeyStore(tmp_path)
    key, secret = writer.create("reader")
    assert reader_view.verify(secret).role == "reader"
    writer.revoke(key.key_id)
    assert reader_view.verify(secret) is None  # the file changed: re-read
    with pytest.raises(KeyError_):
        writer.revoke("nope")
    with pytest.raises(KeyError_):
        writer.create("root")


def test_audit_log_appends_masked_json_lines(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record("abcd1234", "upload", "通知.txt", "ok", reason="联系电话13812345678")
    log.record(None, "delete", "doc-1", "refused")
    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [e["action"] for e in lines] == ["upload", "delete"]
    assert lines[0]["key_id"] == "abcd1234" and "13812345678" not in lines[0]["reason"]
    assert {"time", "key_id", "action", "target", "result"} <= set(lines[1])
    assert log.tail(1) == lines[1:]
