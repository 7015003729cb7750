"""Picking up a newer index (索引热更新): a server process checks every few seconds whether
another process published a new generation (`fagui index update`, a sibling worker's upload)
and reloads it in the background; requests keep the old one until the swap."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("fagui.watcher")


class GenerationWatcher:
    """Polls `searcher.state()` (generation, learned stamp); on a change reloads under `lock`, then
    calls `after` (the assistant re-reads what it derives from the index)."""

    def __init__(self, searcher, lock, after: Callable[[], None] | None = None, interval: float = 5.0):
        self.searcher, self.lock, self.after, self.interval = searcher, lock, after, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start in the serving process (after a fork: threads do not survive one)."""
        if self.interval > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="fagui-generation-watcher", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def check(self) -> bool:
        """Reload when the live generation or the learned ranking (`fagui learn` finished)
        differs from the loaded one; True when it did."""
        live, stamp = self.searcher.state()
        if live is None or (live, stamp) == (self.searcher.generation, self.searcher.learned_stamp):
            return False
        self.searcher.reload(self.lock)
        if self.after is not None:
            self.after()
        log.info("reloaded index generation %s", live)
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - keep serving the loaded index; try again later
                log.exception("checking for a new index generation failed")
