"""Starting real servers for tests: a free local port, `fagui serve` in a subprocess, waiting
until it answers (failing with the server's own error output if it dies)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

FAGUI = str(Path(sys.executable).with_name("fagui"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.3)
    raise AssertionError(f"{url} did not come up in {timeout:.0f} s")


@contextmanager
def fagui_server(index_folder=None, *args: str, **env: str) -> Iterator[str]:
    """`fagui serve [args]` over `index_folder` (holding store.sqlite3 and index/, or a
    tests.conftest.SearchIndex on either backend); yields its base URL."""
    if hasattr(index_folder, "env"):
        extra = index_folder.env()
    else:
        extra = {"FAGUI_STORE": str(index_folder / "store.sqlite3"),
                 "FAGUI_INDEX_DIR": str(index_folder / "index")} if index_folder else {}
    port = free_port()
    proc = subprocess.Popen([FAGUI, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                            env=os.environ | extra | env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/api/v1/health", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
