"""新旧对照: two versions of a law side by side, article by article, with the words deleted
and inserted marked — the HTML of the law page's /law/{id}/diff and of the 法规全文 tab."""
from __future__ import annotations

from typing import Any

from ui.web.views import CSS, esc, law_link

STATUS_COLOURS = {"新增": "#1a7f37", "删除": "#cf222e", "修改": "#9a6700", "移动": "#0969da", "未变": "#8c959f"}
DIFF_CSS = """
.fg-diff{width:100%;border-collapse:collapse;table-layout:fixed;font-size:14px;line-height:1.7}
.fg-diff td{border-top:1px solid #d0d7de;padding:6px 8px;vertical-align:top}
.fg-diff th{text-align:left;padding:6px 8px;background:#f6f8fa}
.fg-diff .fg-st{width:72px}
.fg-mv{font-size:12px;color:#0969da;margin-top:2px}
.fg-diff del{background:#ffebe9;color:#82071e;text-decoration:line-through}
.fg-diff ins{background:#dafbe1;color:#116329;text-decoration:none}
.fg-diff tr.fg-same td{color:#6e7781}
.fg-tag{color:#fff;border-radius:4px;padding:0 6px;font-size:12px}
"""


def _side(article: dict[str, Any] | None, ops: list, keep: str) -> str:
    """One column: the article's label and its text with the other side's changes marked
    (`keep` 'delete' for the old column, 'insert' for the new one)."""
    if article is None:
        return ""
    tag = "del" if keep == "delete" else "ins"
    text = "".join(esc(t) if op == "equal" else f"<{tag}>{esc(t)}</{tag}>"
                   for op, t in ops if op in ("equal", keep)) if ops else esc(article["text"])
    return f"<b>{esc(article['article_label'] or '')}</b>　{text.replace(chr(10), '<br>')}"


def diff_table(diff: dict[str, Any], show_unchanged: bool = False) -> str:
    """The counts line and the two-column table of `corpus.versions.pairs.diff_versions` output."""
    old, new = diff["from"], diff["to"]
    counts = " · ".join(f'<span class="fg-tag" style="background:{STATUS_COLOURS[k]}">{k}</span> {v}'
                        for k, v in diff["counts"].items())
    rows = []
    for pair in diff["pairs"]:
        status = pair["status"]
        if status == "未变" and not show_unchanged:
            continue
        moved = '<div class="fg-mv">且移动</div>' if pair.get("moved") and status != "移动" else ""
        rows.append(
            f'<tr class="{"fg-same" if status == "未变" else ""}" data-status="{esc(status)}">'
            f'<td class="fg-st"><span class="fg-tag" style="background:{STATUS_COLOURS[status]}">{esc(status)}</span>'
            f'{moved}</td><td>{_side(pair["old"], pair["ops"], "delete")}</td>'
            f'<td>{_side(pair["new"], pair["ops"], "insert")}</td></tr>')
    hidden = "" if show_unchanged else f"（未变的 {diff['counts'].get('未变', 0)} 条未列出）"
    head = (f"<h2>{esc(diff['law_title'])} · 新旧对照</h2><div class='fg-meta'>{counts} {hidden}</div>"
            f"<table class='fg-diff'><tr><th class='fg-st'></th>"
            f"<th><a href='{law_link(old['id'])}' target='_blank'>{esc(old.get('publish_date') or old['id'])} 版</a></th>"
            f"<th><a href='{law_link(new['id'])}' target='_blank'>{esc(new.get('publish_date') or new['id'])} 版</a></th></tr>")
    return f"<style>{DIFF_CSS}</style><div class='fg-diffview'>{head}{''.join(rows)}</table></div>"


def diff_page(diff: dict[str, Any], show_unchanged: bool = False) -> str:
    """The standalone page /law/{doc_id}/diff?from=&to=."""
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<title>{esc(diff['law_title'])} 新旧对照</title>"
            f"<style>body{{font-family:'Noto Sans CJK SC',sans-serif;margin:20px}}{CSS}</style></head>"
            f"<body>{diff_table(diff, show_unchanged)}</body></html>")
