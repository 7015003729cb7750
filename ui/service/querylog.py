"""Optional query log (检索日志): what was asked, when, by which route — personal numbers
masked, client never recorded, entries older than the retention period removed."""
from __future__ import annotations

import json
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from corpus.pii import mask_pii
from ui.service.audit import append_json_line


class QueryLog:
    """JSON lines at `path`, kept `days` days (pruned at start and then hourly)."""

    def __init__(self, path: str | Path, days: int):
        self.path, self.days = Path(path), days
        self._lock = threading.Lock()
        self._pruned = 0.0
        self.prune()

    def record(self, route: str, query: str) -> None:
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "route": route,
                 "query": mask_pii(query[:2000])}
        with self._lock:
            append_json_line(self.path, entry, fsync=False)
        if time.monotonic() - self._pruned > 3600:
            self.prune()

    def prune(self) -> int:
        """Drop entries older than the retention period; returns how many were dropped."""
        self._pruned = time.monotonic()
        if not self.path.exists():
            return 0
        cutoff = (datetime.now(timezone.utc) - timedelta(days=self.days)).isoformat(timespec="seconds")
        with self._lock:
            lines = self.path.read_text(encoding="utf-8").splitlines()
            kept = [line for line in lines if line.strip() and json.loads(line)["time"] >= cutoff]
            if len(kept) != len(lines):
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
                os.chmod(tmp, 0o600)
                tmp.replace(self.path)
        return len(lines) - len(kept)
