"""Append-only audit log (审计日志) of admin actions, one JSON object per line: when, which
key (its id, never the key), what, on what, the result. Each line is written with one
O_APPEND write and fsynced, so concurrent writers never interleave and a crash loses at most
the line being written. Personal numbers in any detail are masked."""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from corpus.pii import mask_pii


def append_json_line(path: Path, entry: dict, fsync: bool = True) -> None:
    """One JSON object as one O_APPEND write (whole lines even with concurrent writers)."""
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line)
        if fsync:
            os.fsync(fd)
    finally:
        os.close(fd)


class AuditLog:
    """JSON lines at `path` (created with mode 0600)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def record(self, key_id: str | None, action: str, target: str | None, result: str, **details: Any) -> dict:
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                 "key_id": key_id, "action": action, "target": target, "result": result}
        entry |= {k: mask_pii(v) if isinstance(v, str) else v for k, v in details.items()}
        with self._lock:
            append_json_line(self.path, entry)
        return entry

    def tail(self, limit: int = 100) -> list[dict]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()[-limit:]
        return [json.loads(line) for line in lines if line.strip()]
