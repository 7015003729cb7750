"""The 决策支持 part of the 统计 tab: message volume by 一级分类 x month x district, reply delays
by month, hot issues (open one: its messages, masked, and the laws behind it) and flagged
replies. Everything comes from analytics.MessageAnalytics; figures are computed on first use
(about a minute over the whole collection) and cached per store version."""
from __future__ import annotations

from collections import defaultdict

import gradio as gr
import pandas as pd

from analytics.service import MessageAnalytics
from ui.web.views import BAR, badge, esc, law_link

ALL = "全部地区"
FLAGS = [("超过15个工作日", "late"), ("要素不全", "incomplete"), ("缺少依据或说明", "unexplained"),
         ("答非所问", "irrelevant")]


def volume_frames(summary: dict, region: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(month x 一级分类 counts for the region, counts per district over all months)."""
    by_month: dict[tuple[str, str], int] = defaultdict(int)
    by_district: dict[str, int] = defaultdict(int)
    for row in summary["volume"]:
        by_district[row["district"]] += row["count"]
        if region in (ALL, row["district"]) and row["month"] >= "2018-01":  # 2011-17 are sparse
            by_month[(row["month"], row["category"])] += row["count"]
    months = pd.DataFrame([(m, c, n) for (m, c), n in sorted(by_month.items())], columns=["月份", "一级分类", "留言数"])
    districts = pd.DataFrame(sorted(by_district.items(), key=lambda kv: -kv[1])[:15], columns=["地区", "留言数"])
    return months, districts


def delay_frame(summary: dict) -> pd.DataFrame:
    rows = [(month, name, stats[key]) for month, stats in summary["delay"]["per_month"].items()
            if month >= "2018-01" and stats["count"] >= 5 for name, key in (("中位数", "median"), ("P90", "p90"))]
    return pd.DataFrame(rows, columns=["月份", "指标", "工作日"])


def headline(summary: dict) -> str:
    overall, flags = summary["delay"]["overall"], summary["flags"]
    share = overall.get("share_late")
    return (f"共 **{summary['messages']}** 条留言，其中 **{summary['replied']}** 条已答复；一级分类："
            f"{summary['labelled']} 条人工标注，其余由分办模型预测。答复用时（工作日，节假日与调休已扣除）："
            f"中位数 **{overall['median']}**，P90 **{overall['p90']}**，超过 15 个工作日 "
            f"**{share * 100:.1f}%**。问题答复：超时 {flags['late']}，要素不全 {flags['incomplete']}，"
            f"缺少依据或说明 {flags['unexplained']}，答非所问 {flags['irrelevant']}。"
            if share is not None else f"共 {summary['messages']} 条留言，暂无答复。")


def hot_table(issues: list[dict]) -> str:
    if not issues:
        return '<div class="fg-note">该时间段/地区没有热点问题。</div>'
    rows = "".join(f"<tr><td>{i}</td><td><b>{esc(x['name'])}</b><div class='fg-meta'>{esc(' / '.join(x['titles']))}"
                   f"</div></td><td>{esc(x['first'])} ~ {esc(x['last'])}</td><td>{x['count']}</td><td>{x['users']}</td>"
                   f"<td>{x['votes']}</td><td>{x['hotness']:.2f}</td></tr>" for i, x in enumerate(issues, 1))
    return ("<table class='fg-table' id='fg-hot-table'><tr><th>#</th><th>热点问题</th><th>时间</th><th>留言</th>"
            f"<th>人数</th><th>点赞/反对</th><th>热度</th></tr>{rows}</table>")


def issue_html(issue: dict | None) -> str:
    if issue is None:
        return ""
    laws = "".join(f'<div class="fg-card">{badge(a["validity"])}<a href="{law_link(a["doc_id"], a["article_id"])}"'
                   f' target="_blank">{esc(a["citation"] or a["law_title"])}</a><div class="fg-snippet">'
                   f'{esc(_plain(a["snippet"]))}</div></div>' for a in issue["laws"]) or \
        '<div class="fg-note">未检索到相关现行有效条文。</div>'
    messages = "".join(f'<div class="fg-msg"><b>{esc(m["title"])}</b> <span class="fg-meta">{esc(m["asked"] or "")} '
                       f'{esc(m["district"] or "")}{" · 已答复" if m["replied"] else ""}</span>'
                       f'<div>{esc(m["text"][:200])}</div></div>' for m in issue["messages"][:30])
    return (f'<div id="fg-issue"><h3>{esc(issue["name"])}</h3><div class="fg-meta">{esc(issue["first"])} ~ '
            f'{esc(issue["last"])} · {issue["count"]} 条留言 · {issue["users"]} 人 · {issue["votes"]} 票</div>'
            f'<div style="display:grid;grid-template-columns:1fr 1fr;gap:16px"><div><h4>群众留言</h4>{messages}</div>'
            f'<div><h4>相关法规（现行有效）</h4>{laws}</div></div></div>')


def replies_table(body: dict) -> str:
    if not body["replies"]:
        return '<div class="fg-note">没有此类答复。</div>'
    rows = "".join(f"<tr><td>{esc(r['title'])}</td><td>{esc(r['asked'])}</td><td>{esc(r['answered'])}</td>"
                   f"<td>{'' if r['delay_days'] is None else r['delay_days']}</td><td>{r['completeness']:.2f}</td>"
                   f"<td>{r['interpretability']:.2f}</td><td>{esc('、'.join(r['missing'] + r['unexplained_parts']))}</td></tr>"
                   for r in body["replies"])
    return (f"<div class='fg-meta'>共 {body['total']} 条，显示前 {len(body['replies'])} 条</div>"
            "<table class='fg-table' id='fg-replies'><tr><th>留言主题</th><th>留言</th><th>答复</th><th>工作日</th>"
            f"<th>完整性</th><th>可解释性</th><th>缺少</th></tr>{rows}</table>")


def _plain(snippet: str) -> str:
    return snippet.replace("<em>", "").replace("</em>", "")


def build_decision_section(analytics: MessageAnalytics) -> None:
    """The 决策支持 controls and outputs, inside the current Blocks context (the 统计 tab)."""
    gr.Markdown("## 决策支持：群众留言")
    with gr.Row():
        load_btn = gr.Button("载入留言分析", variant="primary", scale=1, elem_id="fg-decision-load")
        region = gr.Dropdown([ALL], value=ALL, label="地区", scale=2, elem_id="fg-decision-region")
    note = gr.Markdown(elem_id="fg-decision-headline")
    with gr.Row():
        months = gr.BarPlot(x="月份", y="留言数", color="一级分类", title="留言量：按月份与一级分类", **BAR)
        districts = gr.BarPlot(x="地区", y="留言数", title="留言量：按地区（前15）", **BAR)
    delays = gr.LinePlot(x="月份", y="工作日", color="指标", title="答复用时（工作日）：中位数与 P90，按月份")
    gr.Markdown("### 热点问题")
    hot = gr.HTML(elem_id="fg-hot")
    issue_pick = gr.Dropdown([], label="打开热点问题（留言与相关法规）", elem_id="fg-hot-open")
    issue_view = gr.HTML(elem_id="fg-issue-view")
    gr.Markdown("### 问题答复")
    flag = gr.Radio(FLAGS, value="late", label="类别", elem_id="fg-flag")
    replies = gr.HTML(elem_id="fg-flagged")

    def load(chosen_region: str):
        summary = analytics.summary()
        regions = [ALL] + sorted({r["district"] for r in summary["volume"]})
        chosen_region = chosen_region if chosen_region in regions else ALL
        month_frame, district_frame = volume_frames(summary, chosen_region)
        issues = analytics.hot(region=None if chosen_region == ALL else chosen_region, top=20)["issues"]
        return (headline(summary), gr.Dropdown(choices=regions, value=chosen_region), month_frame, district_frame,
                delay_frame(summary), hot_table(issues),
                gr.Dropdown(choices=[(f"{i + 1}. {x['name']}", x["id"]) for i, x in enumerate(issues)], value=None),
                replies_table(analytics.replies("late", limit=20)))

    outputs = [note, region, months, districts, delays, hot, issue_pick, replies]
    load_btn.click(load, region, outputs)
    region.input(load, region, outputs)
    issue_pick.change(lambda i: issue_html(analytics.issue(i)) if i else "", issue_pick, issue_view)
    flag.change(lambda f: replies_table(analytics.replies(f, limit=20)), flag, replies)
