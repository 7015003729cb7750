"""What the web app's buttons do (界面逻辑), as plain functions over the searcher and the
assistant — no Gradio here, so they are tested directly; `ui.web.app` wires them to components.
Bad input becomes a message for the page, never an exception."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assistant.assistant import Assistant
from assistant.conversation import Turn
from corpus.sources.notices import normalize_doc_number
from search.query.parse import QueryError, make_filters
from search.searcher import Searcher
from indexer.progress import read_progress
from ui.web import diffview, views

PAGE_SIZE = 10
MAX_PAGES = 10


class AppHandlers:
    """Search, law viewer, chat and notices for one searcher/assistant pair."""

    def __init__(self, searcher: Searcher, assistant: Assistant, lock, on_query=None):
        self.searcher, self.assistant, self.lock = searcher, assistant, lock
        self.on_query = on_query or (lambda route, text: None)

    def search(self, query: str, types: list[str] | None, validity: str, issuer: str, region: str,
               since: str, until: str, as_of: str | None, collections: list[str] | None,
               page: int = 0) -> dict[str, Any]:
        """One page of results: {status, facets, cards, page, choices}."""
        page = max(0, min(int(page or 0), MAX_PAGES - 1))
        if not (query or "").strip():
            return {"status": "请输入检索词（例如：劳动合同法第82条、公司不给交社保怎么办）。", "facets": "",
                    "cards": "", "page": 0, "choices": []}
        self.on_query("ui.search", query)
        try:
            filters = make_filters(",".join(collections or []) or "laws,notices", ",".join(types or []) or None,
                                   validity or "现行有效", region or None, issuer or None, since or None, until or None,
                                   (as_of or "").strip()[:10] or None)
            with self.lock:
                response = self.searcher.search(query, k=(page + 1) * PAGE_SIZE, filters=filters).to_dict()
        except (QueryError, ValueError) as exc:
            return {"status": f"⚠️ {exc}", "facets": "", "cards": "", "page": 0, "choices": []}
        shown = response["results"][page * PAGE_SIZE:]
        status = f"第 {page + 1} 页 · 用时 {response['took_ms']:.0f} ms"
        if response.get("citations"):
            status = "引用：" + "，".join(response["citations"]) + " · " + status
        if response.get("named_laws") or response["filters"].get("laws"):
            laws = "、".join(f"《{t}》" for t in response.get("named_laws") or response["filters"]["laws"])
            status = ("先列 " if response.get("named_laws") else "只查 ") + laws + " 的条文 · " + status
        if response["filters"].get("as_of"):
            status += f" · 时点 {response['filters']['as_of']}：各法规按当日施行的版本，时效性为当日状态"
        if response.get("notice"):
            status += f" · {response['notice']}"
        choices = [(r["citation"] or r["law_title"], r["article_id"]) for r in shown]
        return {"status": status, "facets": views.facet_html(response["facets"]),
                "cards": views.result_cards(shown, page * PAGE_SIZE, response["filters"].get("as_of")), "page": page, "choices": choices}

    def searcher_facets(self, query: str) -> dict[str, list[tuple[str, int]]]:
        """Where a query's top 100 results come from (效力级别, 制定机关); empty on bad input."""
        if not (query or "").strip():
            return {}
        try:
            with self.lock:
                response = self.searcher.search(query, k=100, filters=make_filters("laws,notices"))
        except (QueryError, ValueError):
            return {}
        return {k: sorted(v.items(), key=lambda kv: -kv[1])[:12] for k, v in response.facets.items()}

    def open_law(self, ref: str) -> str:
        """A unit id (doc:seq) or a document id -> the law viewer; unknown ids get a message."""
        ref = (ref or "").strip()
        with self.lock:
            view = self.searcher.library.open(ref) if ref else None
        if view is None:
            return f'<div class="fg-note">找不到文档 {views.esc(ref)}。请从检索结果中打开。</div>'
        doc = view.doc
        return (f'<div id="fg-law-view">{views.law_header(doc)}{views.versions_html(view.versions, doc.id)}'
                f'<div style="display:grid;grid-template-columns:240px 1fr;gap:16px">'
                f'{views.chapter_tree(doc)}{views.law_body(doc, view.focus, view.references)}</div></div>')

    def banner(self) -> str:
        """向量索引构建中 43%，预计 9 分钟；当前为关键词检索 — or nothing once all is built."""
        ready, job = self.searcher.ready, read_progress(self.searcher.index_dir)
        if ready["vectors"] and (ready["learned"] or not job or job.get("state") == "done"):
            return ""
        mode = "当前为关键词检索" if not ready["vectors"] else "当前为混合检索"
        if not job:
            return '<div class="fg-note">当前为关键词检索（向量索引尚未构建：fagui index build）</div>'
        if job and job.get("state") in ("failed", "interrupted"):
            return f'<div class="fg-note">后台构建未完成（{views.esc(job.get("error") or "已中断")}），{mode}；重启服务将继续。</div>'
        if job and job.get("percent") is not None and not ready["vectors"]:
            eta = job.get("eta_seconds")
            left = f"，预计 {max(1, round(eta / 60))} 分钟" if eta else ""
            return f'<div class="fg-note">向量索引构建中 {job["percent"]:.0f}%{left}；{mode}</div>'
        return f'<div class="fg-note">{"向量索引构建中" if not ready["vectors"] else "排序模型学习中"}；{mode}</div>'

    def version_choices(self, ref: str) -> tuple[list[tuple[str, str]], str | None, str | None]:
        """(choices, from, to) for the 新旧对照 pickers of the law `ref` opens: the opened
        version against the one before it (or the newest against the one before)."""
        ref = (ref or "").strip()
        with self.lock:
            unit = self.searcher.library.unit(ref) if ":" in ref else None
            doc_id = unit.doc_id if unit else ref
            versions = self.searcher.library.versions(doc_id)
        if len(versions) < 2:
            return [], None, None
        choices = [(f"{v['publish_date'] or '日期不详'} {v['validity']}", v["id"]) for v in versions]
        ids = [v["id"] for v in versions]  # newest first
        to = doc_id if doc_id in ids[:-1] else ids[0]
        return choices, ids[ids.index(to) + 1], to

    def compare(self, old_id: str | None, new_id: str | None) -> str:
        """新旧对照 of two versions, or a note saying what is missing."""
        if not old_id or not new_id:
            return '<div class="fg-note">先打开一部有多个版本的法规，再选择要对照的两个版本。</div>'
        try:
            with self.lock:
                diff = self.searcher.library.diff(new_id, frm=old_id, to=new_id)
        except (LookupError, ValueError) as exc:
            return f'<div class="fg-note">{views.esc(exc)}</div>'
        return diffview.diff_table(diff)

    def chat(self, message: str, history: list[dict[str, Any]]) -> Iterator[tuple[list, str]]:
        """Streams (chat messages, similar-messages panel) while the answer is written."""
        message = (message or "").strip()
        history = list(history or [])
        if not message:
            yield history + [{"role": "assistant", "content": "请输入问题。"}], ""
            return
        if len(message) > 2000:
            yield history + [{"role": "assistant", "content": "问题太长（超过 2000 字），请精简后再问。"}], ""
            return
        self.on_query("ui.ask", message)
        turns = [Turn(m["role"], _text(m["content"])) for m in history if m.get("role") in ("user", "assistant")]
        history = history + [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        streamed = ""
        for event in self.assistant.ask_stream(message, turns):
            if event["event"] == "delta":
                streamed += event["text"]
                history[-1] = {"role": "assistant", "content": streamed}
                yield history, ""
            elif event["event"] == "answer":
                answer = event["answer"]
                history[-1] = {"role": "assistant", "content": answer_markdown(answer)}
                yield history, views.messages_html([m.__dict__ for m in answer.similar_messages])

    def notices(self, query: str, issuer: str, doc_number: str, since: str, until: str) -> str:
        """Notices by text search (with filters) or by browsing 发文机关/发文字号/date."""
        try:
            if (query or "").strip():
                filters = make_filters("notices", None, "all", None, issuer or None, since or None, until or None)
                with self.lock:
                    results = self.searcher.search(query, k=50, filters=filters, with_facets=False).to_dict()["results"]
                rows = {r["doc_id"]: r for r in results}.values()
                rows = [r for r in rows if not doc_number or doc_number in (r.get("doc_number") or "")]
            else:
                with self.lock:
                    rows = self.searcher.library.notices(issuer, normalize_doc_number(doc_number) or None,
                                                         since or None, until or None)
        except (QueryError, ValueError) as exc:
            return f'<div class="fg-note">⚠️ {views.esc(exc)}</div>'
        return notices_table(list(rows))


def _text(content: Any) -> str:
    return content if isinstance(content, str) else str(content)


def answer_markdown(answer) -> str:
    """The checked answer with each citation a link that opens the article."""
    text = answer.answer
    links = [f"[{c.citation}]({views.law_link(c.article_id.rsplit(':', 1)[0], c.article_id)})"
             for c in answer.citations]
    if links:
        text += "\n\n**引用条文：** " + "；".join(links)
    if answer.notice:
        text += f"\n\n> 注意：{answer.notice}"
    if not answer.grounded:
        text += "\n\n> ⚠️ 此回答没有可核实的法条依据。"
    return text


def notices_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return '<div class="fg-note">没有找到符合条件的政策文件。</div>'
    body = "".join(
        f"<tr><td><a href='{views.law_link(r.get('doc_id') or r['id'])}' target='_blank'>"
        f"{views.esc(r.get('law_title') or r.get('title'))}</a></td><td>{views.esc(r.get('issuer'))}</td>"
        f"<td>{views.esc(r.get('doc_number'))}</td><td>{views.esc(r.get('publish_date') or r.get('written_date'))}</td></tr>"
        for r in rows)
    return ("<table class='fg-table'><tr><th>标题</th><th>发文机关</th><th>发文字号</th><th>日期</th></tr>"
            f"{body}</table>")
