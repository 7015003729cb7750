"""Load test (issue 7): N concurrent clients (default 20) for S seconds (default 60) against
`fagui serve` on 127.0.0.1 over the full index, with a realistic mix — citation lookups,
citizen questions, filtered official searches, article fetches and assistant questions.
Reports errors (must be 0), p50/p95 per kind, and the server's memory growth (RSS).

    python bench/load.py [--home /tmp/full] [--clients 20] [--seconds 60]
"""
from __future__ import annotations

import json
import random
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


def client(base: str, questions: list[str], until: float, out: dict, errors: list, seed: int) -> None:
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
                    hits = http.get("/search", params={"q": rng.choice(CITATIONS), "k": 1}).json()["results"]
                    r = http.get(f"/articles/{hits[0]['article_id']}")
                else:
                    r = http.post("/ask", json={"question": rng.choice(questions)})
                ok = r.status_code == 200
            except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
                ok, r = False, exc
            (out.setdefault(kind, []) if ok else errors).append(
                time.perf_counter() - started if ok else f"{kind}: {getattr(r, 'status_code', r)}")


def main() -> None:
    args, questions = load_args(clients=20)
    with serving(args.home) as (root, proc):
        base = f"{root}/api/v1"
        client(base, questions, time.monotonic() + 10, {}, [], 99)  # warm every path once
        rss_start = rss_kb(proc.pid)
        out: dict[str, list[float]] = {}
        errors: list[str] = []
        run_clients(args.clients, client, base, questions, time.monotonic() + args.seconds, out, errors)
        rss_end = rss_kb(proc.pid)
    every = [t for times in out.values() for t in times]
    report = {"clients": args.clients, "seconds": args.seconds, "requests": len(every), "errors": len(errors),
              "error_samples": errors[:5], "qps": round(len(every) / args.seconds, 1),
              "p50_ms": round(float(np.percentile(every, 50) * 1000), 1),
              "p95_ms": round(float(np.percentile(every, 95) * 1000), 1),
              "by_kind": {k: {"n": len(v), "p50_ms": round(float(np.percentile(v, 50) * 1000), 1),
                              "p95_ms": round(float(np.percentile(v, 95) * 1000), 1)} for k, v in out.items()},
              "rss_start_mb": round(rss_start / 1024), "rss_end_mb": round(rss_end / 1024),
              "rss_growth_pct": round(100 * (rss_end - rss_start) / max(rss_start, 1), 1)}
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
