"""The optional query log: masked, pruned by retention."""
import json
from datetime import datetime, timedelta, timezone

from ui.service.querylog import QueryLog


def test_masks_and_prunes(tmp_path):
    path = tmp_path / "queries.jsonl"
    old = (datetime.now(timezone.utc) - timedelta(days=40)).isoformat(timespec="seconds")
    path.write_text(json.dumps({"time": old, "route": "search", "query": "旧的"}) + "\n", encoding="utf-8")
    log = QueryLog(path, days=30)  # pruned at start
    log.record("ask", "我的电话13812345678，公司不交社保")
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [e["route"] for e in entries] == ["ask"]
    assert "13812345678" not in entries[0]["query"] and "138****5678" in entries[0]["query"]
