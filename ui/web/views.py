"""HTML pieces of the web app (页面片段): result cards, the law viewer (chapter tree, the cited
article highlighted, version history), similar messages. Everything from the corpus is escaped;
only search snippets keep their own <em> marks."""
from __future__ import annotations

import html
import re
from typing import Any

from corpus.model import Document

BAR = {"y_lim": [0, None], "x_label_angle": -40, "sort": None}  # gr.BarPlot options of the 统计 tab
VALIDITY_COLOURS = {"现行有效": "#1a7f37", "已修改": "#9a6700", "已废止": "#cf222e", "尚未生效": "#0969da"}

CSS = """
.fg-card{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;margin:8px 0;background:#fff}
.fg-card h4{margin:0 0 4px 0;font-size:16px}.fg-card a{text-decoration:none;color:#0a3069}
.fg-badge{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;margin-right:6px}
.fg-meta{color:#57606a;font-size:13px}.fg-snippet{margin-top:4px;line-height:1.6}
.fg-snippet em{background:#fff8c5;font-style:normal;font-weight:600}
.fg-law{max-height:70vh;overflow:auto;line-height:1.8}.fg-law .fg-art{padding:4px 8px;border-radius:6px}
.fg-law .fg-hit,.fg-law .fg-art:target{background:#fff8c5;border-left:4px solid #d4a72c}
.fg-law a.fg-ref{color:#0a3069;text-decoration:underline dotted}
.fg-tree{font-size:13px;max-height:70vh;overflow:auto}.fg-h1{font-weight:700;margin-top:12px}
.fg-note{padding:8px 12px;border-radius:6px;background:#fff8c5;margin:6px 0}
.fg-today{color:#9a6700;font-size:12px;margin:0 6px 0 2px}
.fg-msg{border-left:3px solid #8c959f;padding:6px 10px;margin:8px 0;font-size:13px}
"""


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text))


def badge(validity: str | None) -> str:
    colour = VALIDITY_COLOURS.get(validity or "", "#57606a")
    return f'<span class="fg-badge" style="background:{colour}">{esc(validity or "—")}</span>'


def law_link(doc_id: str, article_id: str | None = None, as_of: str | None = None) -> str:
    """The standalone law page, scrolled to the article; `as_of`: badges of that day."""
    query = "&".join(p for p in (article_id and f"a={esc(article_id)}", as_of and f"as_of={esc(as_of)}") if p)
    return f"/law/{esc(doc_id)}" + (f"?{query}" if query else "") + (f"#{anchor(article_id)}" if article_id else "")


def anchor(article_id: str) -> str:
    return "u-" + re.sub(r"[^0-9A-Za-z_-]", "-", article_id)


def _safe_snippet(snippet: str) -> str:
    """Snippets are escaped by the searcher except its <em> marks; escape anything else."""
    parts = re.split(r"(</?em>)", snippet or "")
    return "".join(p if p in ("<em>", "</em>") else esc(html.unescape(p)) for p in parts)


def _today(result: dict[str, Any]) -> str:
    """With 时点检索 the badge is that day's 时效性; say today's when it differs."""
    today = result.get("validity_today")
    return f'<span class="fg-today">今：{esc(today)}</span>' if today and today != result.get("validity") else ""


def result_cards(results: list[dict[str, Any]], offset: int = 0, as_of: str | None = None) -> str:
    if not results:
        return '<div class="fg-note">没有找到结果。试试更短的关键词，或放宽筛选条件。</div>'
    cards = []
    for i, r in enumerate(results, start=offset + 1):
        dates = " · ".join(x for x in (r.get("publish_date") and f"公布 {r['publish_date']}",
                                       r.get("effective_date") and f"施行 {r['effective_date']}") if x)
        meta = " · ".join(esc(x) for x in (r.get("type"), r.get("issuer"), r.get("region"), r.get("doc_number")) if x)
        cards.append(
            f'<div class="fg-card"><h4>{i}. <a href="{law_link(r["doc_id"], r["article_id"], as_of)}" target="_blank">'
            f'{esc(r.get("citation") or r["law_title"])}</a></h4>'
            f'<div class="fg-meta">{badge(r.get("validity"))}{_today(r)}{meta} {esc(dates)}</div>'
            f'<div class="fg-snippet">{_safe_snippet(r.get("snippet", ""))}</div></div>')
    return "\n".join(cards)


def facet_html(facets: dict[str, dict[str, int]]) -> str:
    names = {"type": "效力级别", "issuer": "制定机关", "region": "地区", "year": "年份", "collection": "集合"}
    blocks = []
    for key, counts in facets.items():
        if not counts:
            continue
        items = "、".join(f"{esc(k)}（{v}）" for k, v in list(counts.items())[:8])
        blocks.append(f"<div><b>{esc(names.get(key, key))}</b>：{items}</div>")
    return '<div class="fg-meta">' + "".join(blocks) + "</div>" if blocks else ""


def chapter_tree(doc: Document) -> str:
    seen, lines = set(), []
    for unit in doc.units:
        for depth, heading in enumerate(unit.chapter_path):
            key = tuple(unit.chapter_path[: depth + 1])
            if key not in seen:
                seen.add(key)
                lines.append(f'<div style="margin-left:{depth * 14}px"><a href="#{anchor(unit.id)}">{esc(heading)}</a></div>')
    return '<div class="fg-tree">' + ("".join(lines) or "（无章节）") + "</div>"


def _linked(text: str, doc_id: str, spans: list[dict[str, Any]]) -> str:
    """The text escaped, each resolved reference in it (本法第十条, 《刑法》第二十条) a link to
    the cited article: its anchor on this page, else its law page."""
    out, at = [], 0
    for span in spans:
        start, end = span["start"], span["end"]
        if start < at or end > len(text) or start >= end:
            continue  # overlapping or stale (the text changed since): left as text
        target = span["article_id"]
        href = f"#{anchor(target)}" if target and span["doc_id"] == doc_id else law_link(span["doc_id"], target)
        tip = f"{span['law_title']}{span['article_label'] or ''}"
        out.append(esc(text[at:start]))
        new_tab = "" if href.startswith("#") else ' target="_blank"'  # another law: keep this page
        out.append(f'<a class="fg-ref" href="{href}"{new_tab} title="{esc(tip)}">{esc(text[start:end])}</a>')
        at = end
    out.append(esc(text[at:]))
    return "".join(out).replace("\n", "<br>")


def law_body(doc: Document, article_id: str | None = None,
             references: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """The whole document: headings where they start, each article with an anchor; the
    chosen article highlighted (id `fg-hit`, scrolled to by the page); references in the
    text as links when `references` (store.reference_spans) are given."""
    references = references or {}
    out, previous = [], []
    for unit in doc.units:
        for depth, heading in enumerate(unit.chapter_path):
            if previous[: depth + 1] != unit.chapter_path[: depth + 1]:
                out.append(f'<div class="fg-h1" style="margin-left:{depth * 12}px">{esc(heading)}</div>')
        previous = unit.chapter_path
        hit = unit.id == article_id
        text = _linked(unit.text, doc.id, references.get(unit.id, []))
        if unit.article_label and not unit.text.startswith(unit.article_label):
            text = f"<b>{esc(unit.article_label)}</b>　{text}"
        out.append(f'<div class="fg-art{" fg-hit" if hit else ""}" id="{anchor(unit.id)}"'
                   f'{" data-hit=1" if hit else ""}>{text}</div>')
    return '<div class="fg-law">' + "".join(out) + "</div>"


def versions_html(versions: list[dict[str, Any]], current_id: str) -> str:
    if len(versions) <= 1:
        return ""
    items = []
    ids = [v["id"] for v in versions]  # newest first
    for v in versions:
        label = f"{esc(v.get('publish_date') or '日期不详')} {badge(v.get('validity'))}"
        if v["id"] == current_id:
            items.append(f"<li><b>{label}（本页）</b></li>")
            continue
        old, new = (v["id"], current_id) if ids.index(v["id"]) > ids.index(current_id) else (current_id, v["id"])
        items.append(f'<li><a href="{law_link(v["id"])}" target="_blank">{label}</a> · '
                     f'<a class="fg-cmp" href="/law/{esc(current_id)}/diff?from={esc(old)}&amp;to={esc(new)}" '
                     f'target="_blank">与本版对照</a></li>')
    return "<div><b>版本历史</b><ul>" + "".join(items) + "</ul></div>"


def law_header(doc: Document) -> str:
    meta = " · ".join(esc(x) for x in (doc.doc_type, doc.issuer, doc.region, doc.doc_number,
                                        doc.publish_date and f"公布 {doc.publish_date}",
                                        doc.effective_date and f"施行 {doc.effective_date}") if x)
    return f"<h2>{esc(doc.title)}</h2><div class='fg-meta'>{badge(doc.validity)}{meta}</div>"


def law_page(doc: Document, versions: list[dict[str, Any]], article_id: str | None,
             as_of: str | None = None, references: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """The standalone page /law/{doc_id}?a=article[&as_of=day] (opened from result cards and
    citations), references in the text linked to the articles they cite."""
    note = f'<div class="fg-note">时点 {esc(as_of)}：当日施行的版本，时效性为当日状态</div>' if as_of else ""
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{esc(doc.title)}</title>"
            f"<style>body{{font-family:'Noto Sans CJK SC',sans-serif;margin:20px;display:grid;"
            f"grid-template-columns:260px 1fr;gap:20px}}{CSS}</style></head><body>"
            f"<div>{chapter_tree(doc)}{versions_html(versions, doc.id)}</div>"
            f"<div>{note}{law_header(doc)}{law_body(doc, article_id, references)}</div>"
            "<script>const h=document.querySelector('[data-hit]');if(h)h.scrollIntoView({block:'center'});</script>"
            "</body></html>")


def messages_html(messages: list[dict[str, Any]]) -> str:
    if not messages:
        return ""
    items = [f'<div class="fg-msg"><b>{esc(m["title"])}</b> <span class="fg-meta">{esc(m.get("date") or "")}</span>'
             f'<div>{esc(m["question"][:200])}</div><div><b>答复：</b>{esc((m.get("reply") or "")[:300])}</div></div>'
             for m in messages]
    return "<h4>相似留言与官方答复</h4>" + "".join(items)
