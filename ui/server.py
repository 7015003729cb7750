"""One HTTP server process: the REST API under /api/v1 (and, with issue 6, the Gradio app at /)."""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from assistant.api import add_ask_routes
from assistant.assistant import Assistant
from assistant.llm import LLMConfig
from search.api import create_api
from search.searcher import Searcher

_HOME = """<!doctype html><meta charset="utf-8"><title>fagui 法规</title>
<h1>fagui 法规检索</h1><p>REST API: <a href="/api/v1/docs">/api/v1/docs</a>
(OpenAPI: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>).
The web app arrives with issue 6.</p>"""


def create_app(searcher: Searcher, llm: LLMConfig | None = None) -> FastAPI:
    app = FastAPI(title="fagui", docs_url=None, redoc_url=None, openapi_url=None)
    api = create_api(searcher)
    add_ask_routes(api, Assistant(searcher, llm, lock=api.state.search_lock))
    app.mount("/api/v1", api)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> str:
        return _HOME

    return app


def serve(searcher: Searcher, host: str = "127.0.0.1", port: int = 8000, llm: LLMConfig | None = None) -> None:
    import uvicorn

    uvicorn.run(create_app(searcher, llm), host=host, port=port, log_level="info")
