"""LawRefBook parsing on real laws: structure, suffix articles, 款/项, versions, stable ids."""
from __future__ import annotations

import pytest

from corpus.sources.lawrefbook import LawRefBookReader
from corpus.model import CURRENT, WHOLE_DOCUMENT

LABOR_CONTRACT_ID = "22c5555e8f974b99963b8aab36005d0e"  # the db's uuid for 劳动合同法 (2012)


@pytest.fixture(scope="module")
def docs(law_subset):
    return {d.source.split(":", 1)[1]: d for d in LawRefBookReader(law_subset)}


def _article(doc, label):
    return next(u for u in doc.units if u.article_label == label)


def test_labor_contract_law_metadata_and_article_82(docs):
    doc = docs["社会法/劳动合同法(2012-12-28).md"]
    assert (doc.id, doc.title, doc.short_name, doc.doc_type) == (
        LABOR_CONTRACT_ID, "中华人民共和国劳动合同法", "劳动合同法", "法律")
    assert (doc.publish_date, doc.effective_date) == ("2012-12-28", "2013-07-01")
    assert doc.history[0].date == "2007-06-29" and doc.history[0].event.endswith("会议通过")
    assert doc.issuer == "全国人民代表大会常务委员会"
    art = _article(doc, "第八十二条")
    assert art.id == f"{LABOR_CONTRACT_ID}:81" and art.article_num == 82
    assert "二倍的工资" in art.text
    assert art.chapter_path == ["第七章 法律责任"]
    assert len(art.paragraphs) == 2  # two 款


def test_paragraphs_and_items(docs):
    art = _article(docs["社会法/劳动合同法(2012-12-28).md"], "第十七条")
    first = art.paragraphs[0]
    assert first.text.startswith("劳动合同应当具备以下条款")
    assert [i.label for i in first.items][:3] == ["（一）", "（二）", "（三）"]
    assert len(first.items) == 9
    assert art.paragraphs[1].text.startswith("劳动合同除前款规定的必备条款外")
    assert art.text.count("\n") == 10  # 款 and 项 each on their own line


def test_suffix_articles_in_criminal_law(docs):
    doc = docs["刑法/刑法.md"]
    labels = [u.article_label for u in doc.units]
    i = labels.index("第一百三十三条之一")
    assert labels[i - 1:i + 3] == ["第一百三十三条", "第一百三十三条之一", "第一百三十三条之二", "第一百三十四条"]
    art = doc.units[i]
    assert (art.article_num, art.article_suffix) == (133, "之一")
    assert art.chapter_path == ["第二编 分则", "第二章 危害公共安全罪"]
    # Matched to its db row by name (the file name has no date), so the db's uuid and dates.
    assert doc.id == "d881effa04404407922e8ce4a3d390cb"
    assert doc.effective_date == "2021-03-01"


def test_chapter_paths_follow_content_not_markdown_level(docs):
    code = docs["民法典/合同编.md"]
    assert (code.title, code.subtitle, code.display_title) == (
        "中华人民共和国民法典", "合同编", "中华人民共和国民法典·合同编")
    assert _article(code, "第六百八十一条").chapter_path == [
        "第二分编 典型合同", "第十三章 保证合同", "第一节 一般规定"]
    # `### 第一节` sits under `## 第三章` here; the 节 keeps its chapter.
    local = docs["DLC/上海地方法规/地方性法规/上海/上海市人民代表大会常务委员会规范性文件备案审查条例(2021-05-21).md"]
    assert _article(local, "第十三条").chapter_path == ["第三章 审查", "第一节 审查职责"]
    assert _article(local, "第二十八条").chapter_path == ["第四章 处理"]
    assert (local.doc_type, local.region) == ("地方性法规", "上海")


def test_document_without_articles_is_one_whole_unit(docs):
    doc = docs["其他/人体损伤程度鉴定标准(2014-01-01).md"]
    assert [u.kind for u in doc.units] == [WHOLE_DOCUMENT]
    assert "人体损伤程度鉴定" in doc.units[0].text


def test_versions_flagged_by_the_source(docs):
    old, new = docs["民法商法/公司法(2018-10-26).md"], docs["民法商法/公司法(2023-12-29).md"]
    assert old.version_key == new.version_key
    # The db flags neither as superseded; the store decides by date (see test_store).
    assert old.validity == new.validity == CURRENT
    # Two documents, not one overwritten by the other: each version keeps its own id and date.
    assert old.id != new.id
    assert (old.publish_date, new.publish_date) == ("2018-10-26", "2023-12-29")


def test_ids_are_stable_across_runs(law_subset, docs):
    again = {d.source.split(":", 1)[1]: d for d in LawRefBookReader(law_subset)}
    assert {k: [u.id for u in d.units] for k, d in again.items()} == {
        k: [u.id for u in d.units] for k, d in docs.items()}
