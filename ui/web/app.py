"""The web app (Gradio Blocks, Chinese labels): 法规检索, 法规全文, 智能问答, 政策文件, 统计.
Built over one searcher and assistant; `ui.service.server` mounts it at / beside the REST API."""
from __future__ import annotations

import gradio as gr
import pandas as pd

from analytics.service import MessageAnalytics
from ui.web import views
from ui.web.views import BAR
from ui.web.decision_view import build_decision_section
from ui.web.handlers import MAX_PAGES, AppHandlers

TYPES = ["宪法", "法律", "行政法规", "监察法规", "司法解释", "地方性法规", "自治条例和单行条例", "部门规章",
         "地方政府规章", "规范性文件"]
VALIDITIES = [("现行有效", "现行有效"), ("全部", "all"), ("已修改", "已修改"), ("已废止", "已废止"), ("尚未生效", "尚未生效")]
COLLECTIONS = [("法律法规", "laws"), ("政策文件", "notices"), ("群众留言", "messages")]
SCROLL_TO_HIT = "() => { const h = document.querySelector('#fg-law [data-hit]'); if (h) h.scrollIntoView({block: 'center'}); }"


def _frame(pairs: list[tuple[str, int]], x: str, y: str = "数量") -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=[x, y])


def build_app(handlers: AppHandlers, analytics: MessageAnalytics | None = None) -> gr.Blocks:
    with gr.Blocks(title="fagui 法规检索", analytics_enabled=False) as app:
        gr.Markdown("# fagui 法规 · 法律法规与政策文件检索\n"
                    "检索现行法律法规、政策文件和群众留言；智能问答只依据检索到的条文作答。"
                    " [API 文档](/api/v1/docs) · [OpenAPI](/api/v1/openapi.json)")
        # while vectors and the learned ranking build in the background (issue 17): a quiet note
        banner = gr.HTML(handlers.banner(), elem_id="fg-banner")
        gr.Timer(5).tick(handlers.banner, None, banner, show_progress="hidden")
        with gr.Tabs() as tabs:
            with gr.Tab("法规检索", id="search"):
                with gr.Row():
                    query = gr.Textbox(label="检索词", placeholder="例：入职半年公司不签合同怎么办 / 劳动合同法第82条",
                                       scale=5, elem_id="fg-query")
                    search_btn = gr.Button("检索", variant="primary", scale=1, elem_id="fg-search")
                with gr.Accordion("筛选条件", open=False, elem_id="fg-filters"):
                    with gr.Row():
                        types = gr.Dropdown(TYPES, multiselect=True, label="效力级别", elem_id="fg-types")
                        validity = gr.Radio(VALIDITIES, value="现行有效", label="时效性", elem_id="fg-validity")
                        collections = gr.CheckboxGroup(COLLECTIONS, value=["laws", "notices"], label="范围")
                    with gr.Row():
                        issuer = gr.Textbox(label="制定机关", placeholder="例：国务院")
                        region = gr.Textbox(label="地区", placeholder="例：北京")
                        since = gr.Textbox(label="起始日期", placeholder="YYYY-MM-DD")
                        until = gr.Textbox(label="截止日期", placeholder="YYYY-MM-DD")
                        # 时点检索: each law as it read on that day
                        as_of = gr.DateTime(label="时点（按该日施行的版本）", include_time=False, type="string",
                                            elem_id="fg-asof")
                status = gr.Markdown(elem_id="fg-status")
                facets = gr.HTML(elem_id="fg-facets")
                cards = gr.HTML(elem_id="fg-results")
                with gr.Row():
                    prev_btn = gr.Button("上一页", size="sm")
                    page = gr.Number(value=0, visible=False, precision=0)
                    next_btn = gr.Button("下一页", size="sm")
                    opener = gr.Dropdown([], label="在“法规全文”中打开", elem_id="fg-open", scale=3)
            with gr.Tab("法规全文", id="law"):
                with gr.Row():
                    ref = gr.Textbox(label="条文或文档编号", placeholder="从检索结果打开，或粘贴编号", scale=5)
                    open_btn = gr.Button("打开", scale=1)
                with gr.Row(visible=False) as compare_row:  # 新旧对照: only for laws with versions
                    v_from = gr.Dropdown([], label="旧版本", elem_id="fg-vfrom", scale=2)
                    v_to = gr.Dropdown([], label="新版本", elem_id="fg-vto", scale=2)
                    diff_btn = gr.Button("新旧对照", scale=1, elem_id="fg-diff-btn")
                diff_out = gr.HTML(elem_id="fg-diff")
                law = gr.HTML(elem_id="fg-law")
            with gr.Tab("智能问答", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(label="智能问答", height=460, elem_id="fg-chat")
                        with gr.Row():
                            question = gr.Textbox(label="问题", placeholder="例：公司不给交社保怎么办", scale=5,
                                                  elem_id="fg-question")
                            ask_btn = gr.Button("提问", variant="primary", scale=1, elem_id="fg-ask")
                    similar = gr.HTML(elem_id="fg-similar")
            with gr.Tab("政策文件", id="notices"):
                with gr.Row():
                    n_query = gr.Textbox(label="关键词", scale=3)
                    n_issuer = gr.Textbox(label="发文机关")
                    n_number = gr.Textbox(label="发文字号", placeholder="例：国发〔2019〕5号")
                    n_since = gr.Textbox(label="起始日期", placeholder="YYYY-MM-DD")
                    n_until = gr.Textbox(label="截止日期", placeholder="YYYY-MM-DD")
                n_btn = gr.Button("查找", variant="primary")
                n_table = gr.HTML(elem_id="fg-notices")
            with gr.Tab("统计", id="stats"):
                counts = handlers.searcher.library.overview()
                with gr.Row():
                    gr.BarPlot(_frame(counts["laws_by_type"], "效力级别"), x="效力级别", y="数量",
                               title="现行法规：按效力级别", **BAR)
                    gr.BarPlot(_frame(counts["laws_by_year"], "年份"), x="年份", y="数量", title="现行法规：按公布年份",
                               **BAR)
                with gr.Row():
                    gr.BarPlot(_frame(counts["by_region"], "地区"), x="地区", y="数量", title="法规与文件：按地区", **BAR)
                    gr.BarPlot(_frame(counts["top_issuers"], "制定机关"), x="制定机关", y="数量", title="发文最多的机关",
                               **BAR)
                with gr.Row():
                    s_query = gr.Textbox(label="查询来源分布", placeholder="输入检索词，看结果来自哪些效力级别和机关", scale=4)
                    s_btn = gr.Button("分析", scale=1)
                with gr.Row():
                    s_types = gr.BarPlot(x="效力级别", y="数量", title="结果：按效力级别", **BAR)
                    s_issuers = gr.BarPlot(x="制定机关", y="数量", title="结果：按制定机关", **BAR)
                if analytics is not None:
                    build_decision_section(analytics)

        search_inputs = [query, types, validity, issuer, region, since, until, as_of, collections]

        def run(*args):
            out = handlers.search(*args)
            return (out["status"], out["facets"], out["cards"], out["page"],
                    gr.Dropdown(choices=out["choices"], value=None))

        search_outputs = [status, facets, cards, page, opener]
        for trigger in (search_btn.click, query.submit):
            trigger(lambda *a: run(*a, 0), search_inputs, search_outputs)
        prev_btn.click(lambda *a: run(*a[:-1], max(0, int(a[-1]) - 1)), search_inputs + [page], search_outputs)
        next_btn.click(lambda *a: run(*a[:-1], min(MAX_PAGES - 1, int(a[-1]) + 1)), search_inputs + [page],
                       search_outputs)

        def open_in_viewer(article_id):
            if not article_id:
                return gr.update(), gr.update(), gr.update()
            return handlers.open_law(article_id), article_id, gr.Tabs(selected="law")

        def pickers(ref_value):
            choices, old, new = handlers.version_choices(ref_value)
            return (gr.Row(visible=bool(choices)), gr.Dropdown(choices=choices, value=old),
                    gr.Dropdown(choices=choices, value=new), "")

        picker_outputs = [compare_row, v_from, v_to, diff_out]
        opener.change(open_in_viewer, opener, [law, ref, tabs]).then(None, None, None, js=SCROLL_TO_HIT) \
            .then(pickers, ref, picker_outputs)
        for trigger in (open_btn.click, ref.submit):
            trigger(handlers.open_law, ref, law).then(None, None, None, js=SCROLL_TO_HIT) \
                .then(pickers, ref, picker_outputs)
        diff_btn.click(handlers.compare, [v_from, v_to], diff_out)

        for trigger in (ask_btn.click, question.submit):
            trigger(handlers.chat, [question, chatbot], [chatbot, similar]).then(lambda: "", None, question)

        notice_inputs = [n_query, n_issuer, n_number, n_since, n_until]
        for trigger in (n_btn.click, n_query.submit):
            trigger(handlers.notices, notice_inputs, n_table)

        def analyse(text):
            out = handlers.searcher_facets(text)
            return _frame(out.get("type", []), "效力级别"), _frame(out.get("issuer", []), "制定机关")

        s_btn.click(analyse, s_query, [s_types, s_issuers])
    return app


THEME_FONTS = ["Noto Sans CJK SC", "Microsoft YaHei", "sans-serif"]


def theme() -> gr.themes.Base:
    """No web fonts: government networks (and this machine) cannot reach Google Fonts."""
    return gr.themes.Default(font=THEME_FONTS, font_mono=["monospace"])


CSS = views.CSS + ".fg-table{border-collapse:collapse;width:100%}.fg-table td,.fg-table th{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left}"
