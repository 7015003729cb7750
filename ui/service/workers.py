"""Many server processes on one port (多进程服务): the parent loads store, index and models once,
binds the socket, then forks N workers that serve from it.

Why fork after loading: the workers share the parent's loaded index pages copy-on-write (numpy
arrays, the faiss index, the embedder's weights are never written), so N embedded workers cost
little more memory than one; on PostgreSQL a worker holds no index at all. Each worker has its
own search lock, so requests run in parallel across cores. A worker that dies is replaced.
"""
from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import time
from collections.abc import Callable

import uvicorn

log = logging.getLogger("fagui.workers")
_foreign: dict[int, float] = {}  # exited children that are not workers: first seen


def _child(config: uvicorn.Config, sock, on_start: Callable[[], None] | None) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    code = 0
    try:
        if on_start is not None:
            on_start()
        uvicorn.Server(config).run(sockets=[sock])
    except BaseException:  # noqa: BLE001 - report, then leave without running the parent's atexit
        log.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _wait_worker(children: set[int]) -> tuple[int | None, int]:
    """Wait for a child to exit and reap it if it is a worker. Other children of this process
    (the background index build, ui/service/background.py) are left to their own reaper: a plain
    os.wait() here took the build's exit for a dead worker and forked one worker too many."""
    info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
    if info is None:
        return None, 0
    if info.si_pid not in children:
        time.sleep(0.2)  # its owner reaps it in a moment; one nobody reaps would hide the workers
        first = _foreign.setdefault(info.si_pid, time.monotonic())
        if time.monotonic() - first > 5:
            os.waitpid(info.si_pid, os.WNOHANG)
            _foreign.pop(info.si_pid, None)
        return None, 0
    _, status = os.waitpid(info.si_pid, 0)
    return info.si_pid, status


def run_prefork(config: uvicorn.Config, workers: int, on_start: Callable[[], None] | None = None) -> None:
    """Serve `config.app` from `workers` forked processes until SIGTERM/SIGINT; `on_start`
    runs in each worker first (e.g. starting its threads)."""
    sock = config.bind_socket()
    # the cyclic GC would write to every loaded object's header and un-share its page: the
    # objects loaded so far move to a permanent generation the collector never scans
    gc.collect()
    gc.freeze()
    children: set[int] = set()
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            _child(config, sock, on_start)
        children.add(pid)

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        spawn()
    restarts: list[float] = []
    while children:
        try:
            pid, status = _wait_worker(children)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid is None:
            continue
        children.discard(pid)
        if stopping:
            continue
        restarts = [t for t in restarts if time.monotonic() - t < 60] + [time.monotonic()]
        if len(restarts) > 5 * workers:  # crashing on start: give up rather than spin
            log.error("workers keep dying (last status %s): stopping", status)
            stop(None, None)
            continue
        log.warning("worker %d exited (status %s): starting another", pid, status)
        spawn()
    sock.close()
