"""Progress of a long index job in a file (构建进度), for other processes to read: a server
shows the background build of vectors and the learned ranking in its health answer and banner.

The writer is a `progress(description, total) -> advance(n)` factory like the CLI's bars; it
rewrites `index_dir/build-progress.json` atomically at most once a second.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable

PROGRESS_FILE = "build-progress.json"


class FileProgress:
    """Writes {state, stage, done, total, percent, eta_seconds, pid, updated} for one job."""

    def __init__(self, index_dir: str | Path, job: str = "full build"):
        self.path = Path(index_dir) / PROGRESS_FILE
        self.data: dict[str, Any] = {"job": job, "state": "running", "stage": None, "done": 0, "total": None,
                                     "percent": None, "eta_seconds": None, "pid": os.getpid()}
        self._last = 0.0
        self._stage_started = time.monotonic()
        self.write(force=True)

    def __call__(self, description: str, total: int | None) -> Callable[[int], None]:
        self.data.update(stage=description, done=0, total=total, percent=None, eta_seconds=None)
        self._stage_started = time.monotonic()
        self.write(force=True)

        def advance(n: int) -> None:
            self.data["done"] += n
            total_ = self.data["total"]
            if total_:
                done = min(self.data["done"], total_)
                elapsed = time.monotonic() - self._stage_started
                self.data["percent"] = round(100 * done / total_, 1)
                self.data["eta_seconds"] = round(elapsed * (total_ - done) / done) if done else None
            self.write()
        return advance

    def stage(self, description: str) -> None:
        """A step without a count (e.g. learning the ranking)."""
        self(description, None)

    def finish(self, state: str = "done", error: str | None = None) -> None:
        self.data.update(state=state, error=error)
        self.write(force=True)

    def write(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 1.0:
            return
        self._last = now
        self.data["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)


def read_progress(index_dir: str | Path) -> dict[str, Any] | None:
    """The last job's progress; a job marked running whose process is gone is `interrupted`."""
    try:
        data = json.loads((Path(index_dir) / PROGRESS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("state") == "running" and not _alive(data.get("pid")):
        data["state"] = "interrupted"
    return data


def _alive(pid: Any) -> bool:
    try:
        os.kill(int(pid), 0)
    except (OSError, TypeError, ValueError):
        return False
    try:  # a zombie answers kill(0) too: dead, waiting for a parent (or an init) to reap it
        stat = Path(f"/proc/{int(pid)}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): kill(0) is all we know
    return stat.rpartition(")")[2].split()[0] != "Z"
