"""The web app's browser fixtures, shared by the browser test files: one `fagui serve` over the
small real app index for the session, a headless Chromium per test file (playwright's sync API
allows one running instance at a time: test_browser_decision starts its own)."""
from __future__ import annotations

import pytest

from tests.browsers import launch
from tests.servers import fagui_server


@pytest.fixture(scope="session")
def app_url(app_index, tmp_path_factory):
    with fagui_server(app_index, FAGUI_CONFIG_DIR=str(tmp_path_factory.mktemp("uicfg"))) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with playwright.sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#fg-query textarea, #fg-query input", timeout=60_000)
    yield page
    context.close()
