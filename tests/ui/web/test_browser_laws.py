"""What only a law service does, in a real browser: the law as of a date (时点), version
comparison (新旧对照) and reference links. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import pytest

from tests.browsers import needs_chromium, shot

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = needs_chromium

COMPANY_2018, COMPANY_2023 = "346e158f261d4a6c888ab67f87331c78", "63b57441812b41ec9e96b1fa27d3eb44"


def test_search_as_of_a_date_shows_that_days_version(page):
    page.click("#fg-filters button, #fg-filters .label-wrap")
    page.locator("#fg-asof input").first.fill("2020-01-01")
    page.locator("#fg-query textarea, #fg-query input").first.fill("公司法第一条")
    page.click("#fg-search")
    page.wait_for_selector("#fg-results .fg-card")
    first = page.locator("#fg-results .fg-card").first.inner_text()
    assert "《中华人民共和国公司法》第一条" in first and "公布 2018-10-26" in first
    assert "现行有效" in first and "今：已修改" in first
    assert "时点 2020-01-01" in page.inner_text("#fg-status")
    shot(page, "search-as-of")
    href = page.locator("#fg-results .fg-card a").first.get_attribute("href")
    assert href.startswith(f"/law/{COMPANY_2018}?a={COMPANY_2018}:0&as_of=2020-01-01")
    law = page.context.new_page()
    law.goto(page.url.rstrip("/") + href)
    assert "时点 2020-01-01" in law.inner_text("body") and "第一条" in law.locator("[data-hit]").inner_text()
    # the newest version's page asked for that day shows the 2018 text, marked in force then
    law.goto(page.url.rstrip("/") + f"/law/{COMPANY_2023}?as_of=2024-03-01")
    assert "公布 2018-10-26" in law.inner_text("body") and "现行有效" in law.locator("h2 + .fg-meta").inner_text()


def test_compare_two_versions_in_the_law_tab(page):
    page.get_by_role("tab", name="法规全文").click()
    ref = page.get_by_label("条文或文档编号")
    ref.fill(COMPANY_2023)
    ref.press("Enter")
    page.wait_for_selector("#fg-diff-btn", state="visible")
    assert "2018-10-26" in page.locator("#fg-vfrom").inner_text() + page.locator("#fg-vfrom input").input_value()
    page.click("#fg-diff-btn")
    page.wait_for_selector("#fg-diff table.fg-diff tr[data-status]")
    view = page.locator("#fg-diff")
    assert "新旧对照" in view.inner_text() and "修改" in view.inner_text()
    first = view.locator("tr[data-status='修改']").first
    assert "第一条" in first.inner_text() and first.locator("ins").count() >= 1  # 职工 … inserted in 2023
    assert view.locator("tr[data-status='新增']").count() > 10 and view.locator("tr[data-status='删除']").count() > 10
    shot(page, "law-diff")


def test_law_page_links_its_versions_to_a_comparison(page, app_url):
    law = page.context.new_page()
    law.goto(f"{app_url}/law/{COMPANY_2023}")
    with law.context.expect_page() as opened:
        law.click("a.fg-cmp")
    comparison = opened.value
    comparison.wait_for_selector("table.fg-diff")
    assert f"from={COMPANY_2018}" in comparison.url and f"to={COMPANY_2023}" in comparison.url
    moved = comparison.locator("tr[data-status='移动']").first.inner_text()
    assert moved.count("第") >= 2  # 第X条 -> 第Y条, one label in each column
    shot(comparison, "law-diff-page")


LABOR = "22c5555e8f974b99963b8aab36005d0e"


def test_law_page_links_references_to_the_cited_articles(page, app_url):
    law = page.context.new_page()
    law.goto(f"{app_url}/law/{LABOR}?a={LABOR}:86")
    link = law.locator("[data-hit] a.fg-ref").first  # 第八十七条: 依照本法第四十七条规定的…
    assert link.inner_text() == "本法第四十七条" and link.get_attribute("href") == f"#u-{LABOR}-46"
    shot(law, "law-references")
    link.click()
    assert law.url.endswith(f"#u-{LABOR}-46")
    target = law.locator(f"#u-{LABOR}-46").bounding_box()
    assert 0 <= target["y"] < law.viewport_size["height"], "the cited article is scrolled into view"
    # the same links inside the app's 法规全文 tab
    page.get_by_role("tab", name="法规全文").click()
    ref = page.get_by_label("条文或文档编号")
    ref.fill(f"{LABOR}:86")
    ref.press("Enter")
    page.wait_for_selector("#fg-law [data-hit] a.fg-ref")
    assert "本法第四十七条" in page.locator("#fg-law [data-hit] a.fg-ref").first.inner_text()
