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
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stard_embedders import SCOPE_TYPES  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluate import load_queries  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path | None, port: int) -> subprocess.Popen:
    # Rate limits off: every bench client comes from 127.0.0.1, one bucket; we measure capacity.
    env = os.environ | ({"FAGUI_HOME": str(home)} if home else {}) | {"FAGUI_RATE_LIMIT": ""}
    fagui = str(Path(sys.executable).with_name("fagui"))
    proc = subprocess.Popen([fagui, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not start")


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
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    questions = [q.question for q in load_queries(settings.data_dir / "stard/queries.jsonl")]
    port = free_port()
    proc = start_server(args.home, port)
    base = f"http://127.0.0.1:{port}"
    try:
        warm = [threading.Thread(target=client, args=(base, questions, time.monotonic() + 5, [], [], 99))]
        [t.start() for t in warm]
        [t.join() for t in warm]
        times: list[float] = []
        errors: list[float] = []
        until = time.monotonic() + args.seconds
        threads = [threading.Thread(target=client, args=(base, questions, until, times, errors, i))
                   for i in range(args.clients)]
        started = time.perf_counter()
        [t.start() for t in threads]
        [t.join() for t in threads]
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    ms = np.array(times) * 1000
    print(json.dumps({"clients": args.clients, "seconds": round(wall, 1), "requests": len(times),
                      "errors": len(errors), "qps": round(len(times) / wall, 1),
                      "p50_ms": round(float(np.percentile(ms, 50)), 1),
                      "p95_ms": round(float(np.percentile(ms, 95)), 1)}))


if __name__ == "__main__":
    main()
