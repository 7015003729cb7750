"""The web app in a real browser (Debian's headless Chromium driven by playwright) against
`fagui serve` on a free local port over the small real app index. Screenshots go to
artifacts/screenshots/."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.browsers import needs_chromium, shot

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = needs_chromium

FAGUI = str(Path(sys.executable).with_name("fagui"))
LABOR = "22c5555e8f974b99963b8aab36005d0e"


def search(page, text: str) -> None:
    page.locator("#fg-query textarea, #fg-query input").first.fill(text)
    page.click("#fg-search")


def test_search_shows_cited_cards(page):
    search(page, "劳动合同法第82条是怎么规定的")
    page.wait_for_selector("#fg-results .fg-card")
    first = page.locator("#fg-results .fg-card").first.inner_text()
    assert "《中华人民共和国劳动合同法》第八十二条" in first and "现行有效" in first
    assert "引用" in page.inner_text("#fg-status")
    shot(page, "search")



def test_search_inside_a_named_law(page):
    search(page, "公司法 劳动合同")
    page.wait_for_selector("#fg-results .fg-card")
    assert "先列 《中华人民共和国公司法》 的条文" in page.inner_text("#fg-status")
    assert "《中华人民共和国公司法》" in page.locator("#fg-results .fg-card").first.inner_text()
    search(page, "劳动合同 law:公司法")
    page.wait_for_function("document.querySelector('#fg-status').innerText.includes('只查')")
    cards = page.locator("#fg-results .fg-card").all_inner_texts()
    assert cards and all("《中华人民共和国公司法》" in card for card in cards)
    shot(page, "search_named_law")


def test_open_a_result_at_its_article(page, app_url):
    search(page, "公司一直不跟我签书面劳动合同，能要二倍工资吗")
    page.wait_for_selector("#fg-results .fg-card")
    href = page.locator("#fg-results .fg-card a").first.get_attribute("href")
    assert href.startswith(f"/law/{LABOR}?a={LABOR}:81")
    law = page.context.new_page()
    law.goto(app_url + href)
    hit = law.locator("[data-hit]")
    assert "第八十二条" in hit.inner_text()
    box, height = hit.bounding_box(), law.viewport_size["height"]
    assert 0 <= box["y"] < height, "the cited article is scrolled into view"
    assert "版本历史" not in law.content()  # one version of this law in the store: no history to show
    assert law.locator(".fg-tree a").count() > 3  # chapter tree
    shot(law, "law")
    # and inside the app: the 法规全文 tab, opened by id
    page.get_by_role("tab", name="法规全文").click()
    ref = page.get_by_label("条文或文档编号")
    ref.fill(f"{LABOR}:81")
    ref.press("Enter")
    page.wait_for_selector("#fg-law [data-hit]")
    assert "第八十二条" in page.locator("#fg-law [data-hit]").inner_text()


def test_law_page_lists_its_versions(page, app_index, app_url):
    from corpus.store.sqlite import SQLiteDocumentStore
    store = SQLiteDocumentStore(app_index / "store.sqlite3", readonly=True)
    old, new = sorted(store.documents("title = ?", ("中华人民共和国公司法",), with_units=False),
                      key=lambda d: d.publish_date)
    store.close()
    law = page.context.new_page()
    law.goto(f"{app_url}/law/{old.id}")
    history = law.locator("div:has(> b:text-is('版本历史'))")
    text = history.inner_text()
    assert "2018-10-26" in text and "2023-12-29" in text and "已修改" in text and "现行有效" in text
    assert "（本页）" in history.locator("li", has_text="2018-10-26").inner_text()
    link, compare = history.locator("a:not(.fg-cmp)"), history.locator("a.fg-cmp")
    assert link.count() == 1 and link.get_attribute("href").startswith(f"/law/{new.id}")
    assert compare.get_attribute("href") == f"/law/{old.id}/diff?from={old.id}&to={new.id}"


def test_ask_shows_a_cited_answer_and_similar_messages(page):
    page.get_by_role("tab", name="智能问答").click()
    box = page.locator("#fg-question textarea, #fg-question input").first
    box.fill("在公司干了半年一直没签劳动合同怎么办")
    page.click("#fg-ask")
    page.wait_for_function("document.querySelector('#fg-chat') && "
                           "document.querySelector('#fg-chat').innerText.includes('引用条文')", timeout=60_000)
    chat = page.inner_text("#fg-chat")
    assert "根据《" in chat and "《中华人民共和国劳动合同法》" in chat
    assert page.locator("#fg-chat a[href^='/law/']").count() >= 1
    page.wait_for_selector("#fg-similar .fg-msg")
    assert "13812345678" not in page.inner_text("#fg-similar")
    shot(page, "chat")


def test_filter_by_validity(page):
    page.click("#fg-filters")
    page.get_by_label("已修改").check()
    search(page, "有限责任公司 股东 出资")
    page.wait_for_selector("#fg-results .fg-card")
    badges = page.locator("#fg-results .fg-badge").all_inner_texts()
    assert badges and set(badges) == {"已修改"}


@pytest.mark.parametrize("text, message", [("", "请输入检索词"), ("劳动" * 3000, "查询过长"),
                                           ('"(*?~^ AND OR', "第 1 页")])
def test_bad_input_shows_a_message(page, text, message):
    search(page, text)
    page.wait_for_function(f"document.querySelector('#fg-status').innerText.includes({message!r})", timeout=30_000)
    assert "Traceback" not in page.content() and "Error" not in page.inner_text("#fg-status")


def test_notices_by_doc_number_and_stats(page):
    page.get_by_role("tab", name="政策文件").click()
    page.get_by_label("发文字号").fill("国发[2019]5号")
    page.get_by_role("button", name="查找").click()
    page.wait_for_selector("#fg-notices table")
    assert "国务院关于在市场监管领域全面推行部门联合" in page.inner_text("#fg-notices")
    page.get_by_role("tab", name="统计").click()
    page.wait_for_timeout(1500)
    assert page.get_by_text("现行法规：按效力级别").count() >= 1
    shot(page, "stats")
