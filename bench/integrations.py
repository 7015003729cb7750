"""Overhead of the integrations (issue 16) over a plain REST search: one `fagui serve` over the
real index, the same STARD questions and scope (k=10, laws of the STARD types, 现行有效) sent
one at a time through each way in; p50/p95 of the client-side latency of each, each
integration's p50 minus the REST p50, and the median of its per-question difference to REST.

- rest: POST /api/v1/search with plain httpx (a kept-alive connection)
- mcp: the MCP SDK's client calling search_laws over streamable HTTP at /mcp (one session)
- dify: POST /api/v1/dify/retrieval as Dify sends it (Bearer key)
- langchain / llamaindex: fagui_client's retrievers (`invoke`, `retrieve`)

Each question goes through every way in turn (rotating the order), so drift of the machine hits
all alike. The server runs with rate limits off; keys live in a temporary folder (the index is
only read).

    python bench/integrations.py [--home /work/main/var] [--n 200]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_qps import serving  # noqa: E402
from bench.stard_embedders import SCOPE_TYPES  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import load_queries  # noqa: E402

WAYS = ("rest", "mcp", "dify", "langchain", "llamaindex")
K = 10


class Ways:
    """One caller per integration, each ready before timing starts."""

    def __init__(self, base: str, key: str, mcp):
        from fagui_client.langchain import FaguiRetriever as LangChainRetriever
        from fagui_client.llamaindex import FaguiRetriever as LlamaIndexRetriever

        self.http = httpx.Client(base_url=base, timeout=60)
        self.key = key
        scope = {"collection": "laws", "type": SCOPE_TYPES}
        self.langchain = LangChainRetriever(base_url=base, k=K, search=scope)
        self.llamaindex = LlamaIndexRetriever(base, k=K, search=scope)
        self.mcp = mcp  # an open MCP SDK client session (its task group lives in the caller's task)

    def rest(self, q: str) -> int:
        body = {"query": q, "k": K, "filters": {"collection": ["laws"], "type": SCOPE_TYPES}}
        response = self.http.post("/api/v1/search", json=body)
        response.raise_for_status()
        return len(response.json()["results"])

    async def mcp_call(self, q: str) -> int:
        result = await self.mcp.call_tool(
            "search_laws", {"query": q, "k": K, "collection": ["laws"], "type": SCOPE_TYPES})
        if result.is_error:
            raise RuntimeError(result.content[0].text)
        return len(result.structured_content["results"])

    def dify(self, q: str) -> int:
        body = {"knowledge_id": "laws:" + ",".join(SCOPE_TYPES), "query": q,
                "retrieval_setting": {"top_k": K, "score_threshold": 0.0}}
        response = self.http.post("/api/v1/dify/retrieval", json=body, headers={"Authorization": f"Bearer {self.key}"})
        response.raise_for_status()
        return len(response.json()["records"])

    async def call(self, way: str, q: str) -> int:
        """One call; the synchronous ways block the loop, as they would a caller's thread."""
        if way == "mcp":
            return await self.mcp_call(q)
        if way == "langchain":
            return len(self.langchain.invoke(q))
        if way == "llamaindex":
            return len(self.llamaindex.retrieve(q))
        return getattr(self, way)(q)


async def measure(base: str, key: str, questions: list[str], warmup: int,
                  times: dict[str, list[float]], counts: dict[str, list[int]]) -> None:
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    async with Client(streamable_http_client(f"{base}/mcp", http_client=create_mcp_http_client())) as mcp:
        ways = Ways(base, key, mcp)
        for i, q in enumerate(questions):
            for way in WAYS[i % len(WAYS):] + WAYS[:i % len(WAYS)]:
                started = time.perf_counter()
                n = await ways.call(way, q)
                if i >= warmup:
                    times[way].append((time.perf_counter() - started) * 1000)
                    counts[way].append(n)
        ways.http.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("FAGUI_HOME", "/work/main/var")))
    parser.add_argument("--n", type=int, default=200, help="questions (each sent through every way)")
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    questions = [q.question for q in load_queries(settings.data_dir / "stard/queries.jsonl", "dev")]
    questions = (questions * (1 + (args.n + args.warmup) // max(1, len(questions))))[:args.n + args.warmup]
    config = tempfile.mkdtemp(prefix="fagui-bench-keys-")
    os.environ["FAGUI_CONFIG_DIR"] = config  # the server (a child) reads the same keys
    from ui.service.keys import KeyStore

    _, key = KeyStore(config).create("reader", "bench/integrations.py")
    times: dict[str, list[float]] = {w: [] for w in WAYS}
    counts: dict[str, list[int]] = {w: [] for w in WAYS}
    with serving(args.home) as (base, _):
        asyncio.run(measure(base, key, questions, args.warmup, times, counts))
    rest_p50 = float(np.percentile(times["rest"], 50))
    report = {"n": args.n, "k": K, "home": str(args.home), "ways": {}}
    for way in WAYS:
        p50, p95 = (float(np.percentile(times[way], p)) for p in (50, 95))
        # the same question through both ways: the median of the paired differences is robust to
        # the machine's drift (other jobs on the 2 cores), which moves both alike
        paired = float(np.median(np.array(times[way]) - np.array(times["rest"])))
        report["ways"][way] = {"p50_ms": round(p50, 2), "p95_ms": round(p95, 2),
                               "overhead_p50_ms": round(p50 - rest_p50, 2),
                               "paired_overhead_median_ms": round(paired, 2),
                               "mean_results": round(statistics.mean(counts[way]), 2)}
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
