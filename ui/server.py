"""One HTTP server process (服务): the Gradio app at /, the REST API under /api/v1 (OpenAPI at
/api/v1/openapi.json), and standalone law pages at /law/{doc_id}?a={article_id}."""
from __future__ import annotations

import os

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse

from assistant.api import add_ask_routes
from assistant.assistant import Assistant
from assistant.llm import LLMConfig
from search.api import create_api
from search.searcher import Searcher
from ui import views

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home from a government network


def create_app(searcher: Searcher, llm: LLMConfig | None = None, with_ui: bool = True) -> FastAPI:
    app = FastAPI(title="fagui", docs_url=None, redoc_url=None, openapi_url=None)
    api = create_api(searcher)
    lock = api.state.search_lock
    assistant = Assistant(searcher, llm, lock=lock)
    add_ask_routes(api, assistant)
    app.mount("/api/v1", api)

    @app.get("/law/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def law_page(doc_id: str, a: str | None = None) -> str:
        with lock:
            doc = searcher.store.get(doc_id)
            if doc is None:
                raise HTTPException(404, f"no document {doc_id!r}")
            versions = searcher.store.versions(doc_id)
        return views.law_page(doc, versions, a)

    if with_ui:
        import gradio as gr

        from ui.app import CSS, build_app, theme
        from ui.handlers import AppHandlers

        blocks = build_app(AppHandlers(searcher, assistant, lock))
        app = gr.mount_gradio_app(app, blocks, path="/", theme=theme(), css=CSS)
    return app


def serve(searcher: Searcher, host: str = "127.0.0.1", port: int = 8000, llm: LLMConfig | None = None) -> None:
    import uvicorn

    app = create_app(searcher, llm)
    searcher.search("劳动合同 社会保险", k=10)  # warm jieba, the embedder and the filter caches
    print(f"fagui 已启动 serving: http://{host}:{port}/  (API: http://{host}:{port}/api/v1/docs)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
