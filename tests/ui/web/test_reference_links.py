"""The law page's reference links: the cited text becomes a link (an anchor on the same page,
else the other law's page), everything else stays escaped, bad spans are left as text."""
from __future__ import annotations

from corpus.model import Document, Unit
from ui.web import views


def _doc() -> Document:
    text = "违反本法第二条<script>alert(1)</script>，依照《刑法》第二十条处罚。\n前款除外。"
    return Document(id="d1", collection="laws", title="某法", units=[
        Unit(id="d1:0", doc_id="d1", seq=0, kind="article", text=text, article_label="第一条"),
        Unit(id="d1:1", doc_id="d1", seq=1, kind="article", text="某某。", article_label="第二条")])


def test_references_become_links_and_the_rest_stays_escaped():
    doc = _doc()
    text = doc.units[0].text
    spans = {"d1:0": [
        {"start": text.index("本法"), "end": text.index("<script>"), "doc_id": "d1", "article_id": "d1:1",
         "law_title": "某法", "article_label": "第二条"},
        {"start": text.index("《刑法》"), "end": text.index("处罚"), "doc_id": "x9", "article_id": "x9:19",
         "law_title": "中华人民共和国刑法\"><b>", "article_label": "第二十条"},
        {"start": 1, "end": 4, "doc_id": "d1", "article_id": "d1:1", "law_title": "", "article_label": None},
        {"start": 0, "end": 999, "doc_id": "d1", "article_id": None, "law_title": "", "article_label": None}]}
    body = views.law_body(doc, None, spans)
    assert '<a class="fg-ref" href="#u-d1-1" title="某法第二条">本法第二条</a>' in body
    assert ('<a class="fg-ref" href="/law/x9?a=x9:19#u-x9-19" target="_blank" title="中华人民共和国刑法&quot;&gt;&lt;b&gt;第二十条">'
            "《刑法》第二十条</a>") in body
    assert "&lt;script&gt;" in body and "<script>" not in body and "<br>前款除外" in body
    assert body.count('class="fg-ref"') == 2  # the overlapping and the stale span are plain text
    assert views.law_body(doc) == views.law_body(doc, None, {})  # no references: no links
