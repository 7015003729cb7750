"""Saved filters (已保存的检索范围): named scopes an administrator writes in `knowledge.json` in the
config directory, so Dify (or any caller naming a knowledge id) can search e.g. 上海 local rules
of one issuer without knowing our filter syntax:

    {"shanghai-labour": {"collection": "laws", "type": "地方性法规,地方政府规章", "region": "上海"},
     "company-law-2020": {"collection": "laws", "as_of": "2020-01-01"}}

Keys are those of the search API's filters (collection, type, validity, region, issuer, since,
until, as_of). The file is re-read when it changes; an entry that does not validate is left out
(and logged), never half-applied.
"""
from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from search.query.parse import QueryError, SearchFilters, make_filters

FILE = "knowledge.json"
FIELDS = ("collection", "type", "validity", "region", "issuer", "since", "until", "as_of", "law")
log = logging.getLogger("fagui.knowledge")


class SavedFilters:
    """`get(name)` -> fresh SearchFilters of a saved scope, or None."""

    def __init__(self, config_dir: str | Path):
        self.path = Path(config_dir) / FILE
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._saved: dict[str, dict] = {}

    def _load(self) -> dict[str, dict]:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            self._saved, self._mtime = {}, None
            return self._saved
        if mtime != self._mtime:
            self._mtime, self._saved = mtime, {}
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("%s: not readable JSON (%s); no saved filters", self.path, exc)
                return self._saved
            for name, values in (data.items() if isinstance(data, dict) else []):
                problem = self._problem(values)
                if problem:
                    log.warning("%s: %r left out: %s", self.path, name, problem)
                else:
                    self._saved[str(name)] = values
        return self._saved

    @staticmethod
    def _problem(values) -> str | None:
        if not isinstance(values, dict) or set(values) - set(FIELDS):
            return f"an object with keys among {', '.join(FIELDS)}"
        try:
            SavedFilters._filters(values)
        except (QueryError, TypeError) as exc:
            return str(exc)
        return None

    @staticmethod
    def _filters(values: dict) -> SearchFilters:
        return make_filters(values.get("collection"), values.get("type"), values.get("validity", "现行有效"),
                            values.get("region"), values.get("issuer"), values.get("since"),
                            values.get("until"), values.get("as_of"), values.get("law"))

    def get(self, name: str) -> SearchFilters | None:
        with self._lock:
            values = self._load().get(name)
        return None if values is None else self._filters(values)

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._load())
