"""Load test (issue 7): N concurrent clients (default 20) for S seconds (default 60) against
`fagui serve` on 127.0.0.1 over the full index, with a realistic mix — citation lookups,
citizen questions, filtered official searches, article fetches and assistant questions.
Reports answered requests (200), errors (must be 0), p50/p95 per kind, and the server's memory growth (RSS).

By default the server runs with rate limits OFF (FAGUI_RATE_LIMIT=""): all clients come from
127.0.0.1, one bucket, and this run measures capacity, not the limiter. `--rate-limit SPEC`
(e.g. the default 120/minute) turns them ON: the clients keep sending without backing off, and
the report counts 429s, whether each 429 carried Retry-After, and 5xx answers (must be 0);
429s are then expected answers, not errors.

`--workers N` serves from N processes (`fagui serve --workers N`); FAGUI_DATABASE_URL in the
environment selects the PostgreSQL backend. Memory is reported for the whole process tree as
RSS (shared copy-on-write pages counted once per process) and PSS (each shared page split
between its sharers: the honest total).

    python bench/load.py [--home /tmp/full] [--clients 20] [--seconds 60] [--rate-limit 120/minute] [--workers 2]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_qps import load_args, run_clients, serving  # noqa: E402

CITATIONS = ["劳动合同法第82条", "《中华人民共和国刑法》第一百三十三条之一", "民法典1062条", "行政许可法第四十二条",
             "社会保险法第五十八条", "公司法第四条"]
OFFICIAL = [({"q": "养老保险", "type": "行政法规,部门规章"}), ({"q": "安全生产 责任", "region": "北京"}),
            ({"q": "个人所得税 专项附加扣除", "since": "2018-01-01"}), ({"q": "国发〔2019〕5号", "collection": "notices"})]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    out = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            out += tree(int(child))
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process tree so far (/proc/PID/stat utime, stime)."""
    ticks = 0
    for p in tree(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> dict[str, int]:
    """Summed RSS and PSS of the process tree (smaps_rollup), in MB."""
    rss = pss = 0
    for p in tree(pid):
        rss += rss_kb(p)
        for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss += int(line.split()[1])
    return {"processes": len(tree(pid)), "rss_mb": round(rss / 1024), "pss_mb": round(pss / 1024)}


def client(base: str, questions: list[str], until: float, out: dict, errors: list, seed: int) -> None:
    """Requests until `until`: times of 200s in out[kind]; other answers in `errors` as
    (kind, status, has Retry-After) or (kind, exception text)."""
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=60) as http:
        while time.monotonic() < until:
            kind = rng.choices(["citation", "question", "official", "article", "ask"], [3, 4, 2, 1, 1])[0]
            started = time.perf_counter()
            try:
                if kind == "citation":
                    r = http.get("/search", params={"q": rng.choice(CITATIONS), "k": 5})
                elif kind == "question":
                    r = http.get("/search", params={"q": rng.choice(questions), "k": 10})
                elif kind == "official":
                    r = http.get("/search", params=rng.choice(OFFICIAL) | {"validity": "all"})
                elif kind == "article":
                    r = http.get("/search", params={"q": rng.choice(CITATIONS), "k": 1})
                    if r.status_code == 200:
                        r = http.get(f"/articles/{r.json()['results'][0]['article_id']}")
                else:
                    r = http.post("/ask", json={"question": rng.choice(questions)})
            except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
                errors.append((kind, f"{type(exc).__name__}: {exc}"))
                continue
            if r.status_code == 200:
                out.setdefault(kind, []).append(time.perf_counter() - started)
            else:
                errors.append((kind, r.status_code, "retry-after" in r.headers))


def ms(times: list[float], q: int) -> float:
    return round(float(np.percentile(times, q) * 1000), 1) if times else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate-limit", default="", help='e.g. "120/minute"; default: limits off')
    parser.add_argument("--workers", type=int, default=1, help="fagui serve --workers N")
    args, questions = load_args(clients=20, parser=parser)
    with serving(args.home, args.rate_limit, ("--workers", str(args.workers))) as (root, proc):
        base = f"{root}/api/v1"
        if not args.rate_limit:  # warm every path once (with limits on this would spend the bucket)
            client(base, questions, time.monotonic() + 10, {}, [], 99)
        rss_start = rss_kb(proc.pid)
        out: dict[str, list[float]] = {}
        answers: list[tuple] = []
        cpu_start = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu_start = cpu_seconds(proc.pid)
        run_clients(args.clients, client, base, questions, time.monotonic() + args.seconds, out, answers)
        cpu_end = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = cpu_seconds(proc.pid) - server_cpu_start
        rss_end = rss_kb(proc.pid)
        memory = memory_mb(proc.pid)
    every = [t for times in out.values() for t in times]
    limited = [a for a in answers if args.rate_limit and a[1] == 429]
    errors = [a for a in answers if not (args.rate_limit and a[1] == 429)]
    report = {"clients": args.clients, "seconds": args.seconds, "rate_limit": args.rate_limit or "off",
              "workers": args.workers, "backend": "postgres" if os.environ.get("FAGUI_DATABASE_URL") else "embedded",
              "memory_end": memory,
              # the clients share the server's cores: their CPU is capacity the server did not get
              "client_cpu_cores": round((cpu_end.ru_utime + cpu_end.ru_stime - cpu_start.ru_utime
                                         - cpu_start.ru_stime) / args.seconds, 2),
              "server_cpu_cores": round(server_cpu / args.seconds, 2),
              "server_cpu_ms_per_request": round(1000 * server_cpu / max(len(every), 1), 1),
              "requests": len(every), "errors": len(errors), "error_samples": [str(e) for e in errors[:5]],
              "status_5xx": sum(isinstance(a[1], int) and a[1] >= 500 for a in answers),
              "qps": round(len(every) / args.seconds, 1), "p50_ms": ms(every, 50), "p95_ms": ms(every, 95),
              "by_kind": {k: {"n": len(v), "p50_ms": ms(v, 50), "p95_ms": ms(v, 95)} for k, v in out.items()},
              "rss_start_mb": round(rss_start / 1024), "rss_end_mb": round(rss_end / 1024),
              "rss_growth_pct": round(100 * (rss_end - rss_start) / max(rss_start, 1), 1)}
    if args.rate_limit:
        report |= {"status_429": len(limited), "status_429_with_retry_after": sum(a[2] for a in limited),
                   "status_429_by_kind": {k: sum(a[0] == k for a in limited) for k in sorted({a[0] for a in limited})}}
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
