"""Web app timings in a real browser (issue 6): `fagui serve` over an index home (rate limits
off, as in bench/api_qps.py) and Debian's headless Chromium driven by playwright, as in
tests/ui/web/test_browser.py. Each run opens a new browser context (empty browser cache) and times:

- page load: navigation start -> the query box is on screen (Gradio has built the app);
- search: click 检索 -> result cards shown, for a STARD dev question (with the server's own
  time, read from the status line "用时 N ms"), then for a citation (劳动合同法第82条 …);
- ask: click 提问 on the 智能问答 tab -> the cited answer is shown ("引用条文").

Every run uses a question not asked before (the searcher caches query embeddings). Reports the
first run (server warm, browser cold) and the median of all runs.

    python bench/browser_timings.py [--home var] [--runs 5]
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_qps import serving  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import load_queries  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CITATIONS = ["劳动合同法第82条是怎么规定的", "民法典1062条", "《中华人民共和国刑法》第一百三十三条之一",
             "行政许可法第四十二条", "社会保险法第五十八条", "公司法第四条"]
QUERY_BOX, QUESTION_BOX = "#fg-query textarea, #fg-query input", "#fg-question textarea, #fg-question input"
# The status text itself: the #fg-status block also holds Gradio's "processing | 0.2s" tracker.
STATUS = "#fg-status [data-testid='markdown']"
CHANGED = (f"prev => {{ const s = document.querySelector(\"{STATUS}\"); return s && s.innerText !== prev"
           " && s.innerText.includes('用时') && document.querySelector('#fg-results .fg-card'); }")


def server_ms(page) -> float | None:
    found = re.search(r"用时 (\d+) ms", page.inner_text(STATUS))
    return float(found.group(1)) if found else None


def timed_search(page, text: str) -> tuple[float, float | None]:
    """Seconds from the click to new result cards, and the server's own time (ms)."""
    before = page.locator(STATUS).inner_text() if page.locator(STATUS).count() else ""
    page.locator(QUERY_BOX).first.fill(text)
    started = time.perf_counter()
    page.click("#fg-search")
    page.wait_for_function(CHANGED, arg=before, timeout=60_000)
    return time.perf_counter() - started, server_ms(page)


def one_run(browser, url: str, question: str, citation: str, ask: str) -> dict[str, float | None]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(QUERY_BOX, timeout=60_000)
        load = time.perf_counter() - started
        search_s, search_server = timed_search(page, question)
        citation_s, citation_server = timed_search(page, citation)
        page.get_by_role("tab", name="智能问答").click()
        page.locator(QUESTION_BOX).first.fill(ask)
        started = time.perf_counter()
        page.click("#fg-ask")
        page.wait_for_function("document.querySelector('#fg-chat') && "
                               "document.querySelector('#fg-chat').innerText.includes('引用条文')", timeout=60_000)
        ask_s = time.perf_counter() - started
    finally:
        context.close()
    return {"page_load_s": round(load, 3), "search_click_to_cards_s": round(search_s, 3),
            "search_server_ms": search_server, "citation_click_to_cards_s": round(citation_s, 3),
            "citation_server_ms": citation_server, "ask_click_to_answer_s": round(ask_s, 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Debian's chromium is not installed: apt-get install -y fonts-noto-cjk chromium")
    from playwright.sync_api import sync_playwright

    settings = Settings.from_env(home=args.home)
    dev = [q.question for q in load_queries(settings.data_dir / "stard/queries.jsonl", "dev")]
    runs = []
    with serving(args.home) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            for i in range(args.runs):
                runs.append(one_run(browser, url, dev[2 * i], CITATIONS[i % len(CITATIONS)], dev[2 * i + 1]))
        finally:
            browser.close()
    median = {k: round(statistics.median(r[k] for r in runs if r[k] is not None), 3)
              for k in runs[0] if any(r[k] is not None for r in runs)}
    print(json.dumps({"runs_n": len(runs), "first": runs[0], "median": median, "runs": runs}, ensure_ascii=False))


if __name__ == "__main__":
    main()
