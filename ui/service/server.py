"""One HTTP server process (服务): the Gradio app at /, the REST API under /api/v1 (OpenAPI at
/api/v1/openapi.json, Dify's external knowledge API at /api/v1/dify/retrieval), MCP over
streamable HTTP at /mcp, and standalone law pages at /law/{doc_id}?a={article_id}."""
from __future__ import annotations

import os

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from analytics.api import add_analytics_routes
from analytics.service import MessageAnalytics
from assistant.api import add_ask_routes
from assistant.assistant import Assistant
from assistant.llm import LLMConfig
from ui.service.settings import ServerSettings
from search.api import create_api
from search.retrieval.asof import NotInForce
from search.query.parse import QueryError, make_filters
from search.searcher import Searcher
from ui.web import diffview, views
from ui.service.admin import add_admin_routes
from ui.service.audit import AuditLog
from ui.integrations.dify import add_dify_routes
from ui.service.keys import KeyStore
from ui.integrations.knowledge import SavedFilters
from ui.integrations.mcp_server import build_mcp, http_app, with_session_manager
from ui.service.querylog import QueryLog
from ui.service.security import SecurityMiddleware
from ui.service.watcher import GenerationWatcher

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home from a government network


def create_app(searcher: Searcher, llm: LLMConfig | None = None, with_ui: bool = True,
               settings: ServerSettings | None = None):
    """The ASGI app: FastAPI (API, law pages, Gradio) wrapped by the security middleware."""
    settings = settings or ServerSettings.from_env()
    app = FastAPI(title="fagui", docs_url=None, redoc_url=None, openapi_url=None)
    state = searcher.state_dir  # audit log, query log and uploads live beside the store
    log = QueryLog(state / "queries.jsonl", settings.query_log_days) if settings.query_log_days > 0 else None
    api = create_api(searcher, log.record if log else None)
    lock = api.state.search_lock
    assistant = Assistant(searcher, llm, lock=lock)
    add_ask_routes(api, assistant)
    analytics = MessageAnalytics(searcher, lock=lock)
    add_analytics_routes(api, analytics)
    keys = KeyStore(settings.config_dir)
    add_admin_routes(api, searcher, assistant, keys, AuditLog(state / "audit.jsonl"),
                     state / "uploads", settings.max_request_bytes)
    add_dify_routes(api, searcher, keys, SavedFilters(settings.config_dir))
    app.mount("/api/v1", api)
    mcp = build_mcp(searcher, assistant, lock, log.record if log else None)  # MCP over streamable HTTP for agents
    app.router.routes.extend(http_app(mcp).routes)  # POST /mcp itself, no redirect to /mcp/
    # every worker picks up an index another process published (CLI update, a sibling worker's upload)
    watcher = GenerationWatcher(searcher, lock, assistant.refresh, settings.reload_seconds)

    @app.get("/law/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def law_page(doc_id: str, a: str | None = None, as_of: str | None = None) -> str:
        """The whole law; `as_of` (时点) shows the version in force on that day."""
        try:
            with lock:
                view = searcher.library.open(doc_id, article=a, as_of=as_of)
        except (QueryError, NotInForce) as exc:
            raise HTTPException(404 if isinstance(exc, NotInForce) else 422, str(exc)) from None
        if view is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        return views.law_page(view.doc, view.versions, view.focus, view.day, view.references)

    @app.get("/law/{doc_id}/diff", response_class=HTMLResponse, include_in_schema=False)
    def law_diff_page(doc_id: str, frm: str | None = Query(None, alias="from"), to: str | None = None,
                      all: bool = False) -> str:
        """新旧对照 of two versions (ids or dates), two columns; `all` also lists 未变 articles."""
        try:
            with lock:
                diff = searcher.library.diff(doc_id, frm, to)
        except (LookupError, ValueError) as exc:  # no such version, as in the API
            raise HTTPException(404, str(exc)) from None
        return diffview.diff_page(diff, show_unchanged=all)

    if settings.read_requires_key:
        with_ui = False  # the browser app cannot send keys: internal deployments serve the API only
    if with_ui:
        import gradio as gr

        from ui.web.app import CSS, build_app, theme
        from ui.web.handlers import AppHandlers

        blocks = build_app(AppHandlers(searcher, assistant, lock, log.record if log else None), analytics)
        app = gr.mount_gradio_app(app, blocks, path="/", theme=theme(), css=CSS)
    with_session_manager(app, mcp)  # after Gradio's mount, which sets its own lifespan
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST", "DELETE"], allow_headers=["Authorization", "Content-Type"])
    secured = SecurityMiddleware(app, keys, settings.read_requires_key, settings.rate_limit,
                                 settings.max_request_bytes)
    secured.watcher = watcher  # started by `serve` in each serving process (threads do not survive a fork)
    return secured


def warm_up(searcher: Searcher) -> None:
    """Each kind of search once before serving: jieba, the embedder, the ranker, the filter
    caches of the common scopes are loaded now — before `--workers` forks, so they are shared."""
    searcher.search("劳动合同 社会保险", k=10)
    searcher.search("劳动合同法第82条", k=5)
    searcher.search("安全生产 责任", k=10, filters=make_filters(validity="all", region="北京"))
    searcher.search("国务院 通知", k=10, filters=make_filters("notices", validity="all"))
    searcher.search("公司不签合同怎么办", k=8, filters=make_filters("laws"), with_facets=False, deep=True)


def limit_threads(searcher: Searcher, threads: int) -> None:
    """This process's share of the cores for BLAS (numpy, the embedders)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)
    for embedder in (searcher.embedder, getattr(searcher.enriched, "embedder", None)):
        if hasattr(embedder, "set_threads"):
            embedder.set_threads(threads)


def serve(searcher: Searcher, host: str = "127.0.0.1", port: int = 8000, llm: LLMConfig | None = None,
          workers: int = 1) -> None:
    import uvicorn

    settings = ServerSettings.from_env()
    app = create_app(searcher, llm, settings=settings)
    warm_up(searcher)
    where = f"http://{host}:{port}"
    ui = "API only (FAGUI_READ_REQUIRES_KEY)" if settings.read_requires_key else f"{where}/"
    print(f"fagui 已启动 serving: {ui}  (API: {where}/api/v1/docs; keys: {settings.config_dir})", flush=True)
    # proxy_headers: behind a reverse proxy on this host, rate limits see the real client IP
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=True)
    if workers > 1:
        from ui.service.workers import run_prefork
        searcher.before_fork()  # connections must not cross the fork: each worker opens its own

        share = max(1, (os.cpu_count() or 1) // workers)

        def worker_start() -> None:
            searcher.after_fork()
            limit_threads(searcher, share)
            app.watcher.start()
        run_prefork(config, workers, on_start=worker_start)
    else:
        app.watcher.start()
        uvicorn.Server(config).run()
