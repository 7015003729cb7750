"""REST API throughput (issue 4): `fagui serve` over the full index as a real uvicorn server on
127.0.0.1, N concurrent clients (default 4) sending STARD questions to GET /api/v1/search for
a fixed time; reports QPS, p50/p95 per request, and errors.

    python bench/api_qps.py [--home /tmp/full] [--clients 4] [--seconds 60]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stard_embedders import SCOPE_TYPES  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import load_queries  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path | None, port: int, rate_limit: str = "", args: tuple[str, ...] = ()) -> subprocess.Popen:
    # Rate limits off by default: every bench client comes from 127.0.0.1, one bucket, and we
    # measure capacity; bench/load.py --rate-limit turns them on to test the 429 path.
    env = os.environ | ({"FAGUI_HOME": str(home)} if home else {}) | {"FAGUI_RATE_LIMIT": rate_limit}
    fagui = str(Path(sys.executable).with_name("fagui"))
    proc = subprocess.Popen([fagui, "serve", "--host", "127.0.0.1", "--port", str(port), *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return wait_healthy(proc, f"http://127.0.0.1:{port}/api/v1/health", 300, "server did not start")


def wait_healthy(proc: subprocess.Popen, url: str, timeout: float, failure: str,
                 exited: str | None = None) -> subprocess.Popen:
    """`proc` once `url` answers 200; SystemExit(`failure`) after `timeout` s, or (`exited`) if it dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if exited and proc.poll() is not None:
            raise SystemExit(exited)
        time.sleep(0.5)
    proc.kill()
    raise SystemExit(failure)


@contextmanager
def serving(home: Path | None, rate_limit: str = "", args: tuple[str, ...] = ()) -> Iterator[tuple[str, subprocess.Popen]]:
    """`fagui serve [args]` on a free local port for the length of a bench run (rate limits
    off unless `rate_limit`, e.g. "120/minute")."""
    port = free_port()
    proc = start_server(home, port, rate_limit, args)
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def load_args(clients: int, parser: argparse.ArgumentParser | None = None) -> tuple[argparse.Namespace, list[str]]:
    """--home/--clients/--seconds (added to `parser`), and the STARD questions the clients draw from."""
    parser = parser or argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=clients)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    return args, [q.question for q in load_queries(settings.data_dir / "stard/queries.jsonl")]


def run_clients(count: int, target, *args) -> float:
    """`count` threads running target(*args, seed); the wall time they took."""
    threads = [threading.Thread(target=target, args=(*args, seed)) for seed in range(count)]
    started = time.perf_counter()
    [t.start() for t in threads]
    [t.join() for t in threads]
    return time.perf_counter() - started


def client(base: str, questions: list[str], until: float, out: list, errors: list, seed: int) -> None:
    rng = random.Random(seed)
    params = {"collection": "laws", "type": ",".join(SCOPE_TYPES), "k": 10}
    with httpx.Client(base_url=base, timeout=30) as http:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                response = http.get("/api/v1/search", params=params | {"q": rng.choice(questions)})
                ok = response.status_code == 200 and "results" in response.json()
            except httpx.HTTPError:
                ok = False
            (out if ok else errors).append(time.perf_counter() - started)


def main() -> None:
    args, questions = load_args(clients=4)
    with serving(args.home) as (base, _):
        client(base, questions, time.monotonic() + 5, [], [], 99)  # warm
        times: list[float] = []
        errors: list[float] = []
        wall = run_clients(args.clients, client, base, questions, time.monotonic() + args.seconds, times, errors)
    ms = np.array(times) * 1000
    print(json.dumps({"clients": args.clients, "seconds": round(wall, 1), "requests": len(times),
                      "errors": len(errors), "qps": round(len(times) / wall, 1),
                      "p50_ms": round(float(np.percentile(ms, 50)), 1),
                      "p95_ms": round(float(np.percentile(ms, 95)), 1)}))


if __name__ == "__main__":
    main()
