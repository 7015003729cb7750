"""Serve while the vectors build (issue 17), end to end on the real law subset: a keyword-stage
index answers at once in keyword mode; the background job embeds, publishes the full generation
and every server switches with no failed request; a job killed mid-embedding resumes from the
embedding cache and never publishes half an index."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from indexer.manifest import Manifest, current_generation
from indexer.progress import read_progress
from tests.servers import FAGUI, fagui_server

QUESTIONS = ["劳动合同法第82条", "公司一直不跟我签书面劳动合同，能要二倍工资吗", "公司股东出资期限", "正当防卫"]


def keyword_stage(law_subset: Path, home: Path, data_dir: Path) -> dict[str, str]:
    """A store of the law subset and its keyword-stage index under `home`; the env to use it."""
    env = os.environ | {"FAGUI_HOME": str(home), "FAGUI_DATA_DIR": str(data_dir),
                        "FAGUI_BACKGROUND_LEARN": "0", "FAGUI_RELOAD_SECONDS": "1", "FAGUI_RATE_LIMIT": ""}
    for args in (["ingest", str(law_subset)], ["index", "build", "--keyword-only"]):
        proc = subprocess.run([FAGUI, *args], env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
    return {k: env[k] for k in ("FAGUI_HOME", "FAGUI_DATA_DIR", "FAGUI_BACKGROUND_LEARN", "FAGUI_RELOAD_SECONDS",
                                "FAGUI_RATE_LIMIT")}


def test_search_answers_during_the_build_and_switches_without_a_failed_request(law_subset, data_dir, tmp_path):
    env = keyword_stage(law_subset, tmp_path / "home", data_dir)
    answers: list[tuple[int, str]] = []
    states: list[dict] = []
    stop = threading.Event()

    def client(base: str, offset: int) -> None:
        with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as http:
            i = offset
            while not stop.is_set():
                r = http.get("/search", params={"q": QUESTIONS[i % len(QUESTIONS)], "k": 5})
                answers.append((r.status_code, r.json().get("mode") if r.status_code == 200 else r.text))
                i += 1

    with fagui_server(None, **env) as base:
        first = httpx.get(f"{base}/api/v1/health").json()
        assert first["ready"] == {"keyword": True, "vectors": False, "learned": False}
        threads = [threading.Thread(target=client, args=(base, n)) for n in range(3)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            states.append(httpx.get(f"{base}/api/v1/health", timeout=30).json())
            if states[-1]["ready"]["vectors"]:
                break
            time.sleep(0.5)
        time.sleep(3)  # searches after the switch
        stop.set()
        for t in threads:
            t.join()
    assert states[-1]["ready"]["vectors"] and states[-1]["progress"] is None, states[-1]
    running = [s["progress"] for s in states if s["progress"]]
    assert running and running[0]["state"] == "running"
    assert any(p["stage"].startswith("向量") and p["percent"] is not None for p in running)
    assert [s for s, _ in answers if s != 200] == [], answers[:5]
    modes = [m for _, m in answers]
    switch = modes.index("hybrid")
    assert switch > 0 and set(modes[:switch]) == {"keyword"} and set(modes[switch:]) == {"hybrid"}
    manifest = Manifest.load(current_generation(tmp_path / "home/index"))
    assert manifest.stage == "full" and manifest.counts["vectors"] == manifest.counts["units"]


def test_a_job_killed_mid_embedding_resumes_from_the_cache(law_subset, data_dir, tmp_path):
    env = keyword_stage(law_subset, tmp_path / "home", data_dir)
    index_dir = tmp_path / "home/index"
    keyword_generation = current_generation(index_dir).name
    job = subprocess.Popen([sys.executable, "-m", "ui.background"], env=os.environ | env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        progress = read_progress(index_dir) or {}
        if (progress.get("stage") or "").startswith("向量") and 0 < progress.get("done", 0) < progress["total"] - 300:
            break
        assert job.poll() is None, job.stderr.read()
        time.sleep(0.2)
    job.send_signal(signal.SIGKILL)
    job.wait()
    assert read_progress(index_dir)["state"] == "interrupted"
    assert current_generation(index_dir).name == keyword_generation  # nothing half-built published
    with sqlite3.connect(index_dir / "cache.sqlite3") as cache:
        kept = cache.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert kept >= 256  # whole batches were saved as they were done
    again = subprocess.run([sys.executable, "-m", "ui.background"], env=os.environ | env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    manifest = Manifest.load(current_generation(index_dir))
    assert manifest.stage == "full" and read_progress(index_dir)["state"] == "done"
    with sqlite3.connect(index_dir / "cache.sqlite3") as cache:
        total = cache.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert total - kept < manifest.counts["units"]  # the second run embedded only what was missing


def test_the_app_shows_a_quiet_banner_until_the_switch(law_subset, data_dir, tmp_path, browser):
    from tests.browsers import shot

    env = keyword_stage(law_subset, tmp_path / "home", data_dir)
    with fagui_server(None, **env) as base:
        page = browser.new_context(viewport={"width": 1280, "height": 700}, locale="zh-CN").new_page()
        page.goto(base)
        banner = page.locator("#fg-banner")
        page.wait_for_function("document.querySelector('#fg-banner')?.innerText.includes('当前为关键词检索')",
                               timeout=60_000)
        assert "向量索引构建中" in banner.inner_text()
        shot(page, "banner-building")
        page.wait_for_function("!document.querySelector('#fg-banner')?.innerText.trim()", timeout=300_000)
        assert httpx.get(f"{base}/api/v1/health").json()["ready"]["vectors"]
        page.locator("#fg-query textarea, #fg-query input").first.fill("劳动合同法第82条")
        page.click("#fg-search")
        page.wait_for_selector("#fg-results .fg-card")
        shot(page, "banner-gone")
        page.context.close()
