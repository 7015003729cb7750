"""`fagui prepare`, `fagui serve` and `fagui mcp`: getting the data ready and serving it."""
from __future__ import annotations

from typing import Annotated

import typer

from corpus.config import Settings
from ui.cli.common import (app, err, StoreOption, fail, open_store, IndexDirOption, open_searcher,
                           llm_config, LLMUrlOption, LLMModelOption, LLMKeyOption)
from ui.cli.documents import ingest_cmd
from ui.cli.index import index_build_cmd
from ui.cli.learn import learn_cmd


def _missing(settings: Settings) -> tuple[bool, bool]:
    """(the store is empty, there is no index)."""
    from indexer.embedded.manifest import current_generation

    db = open_store(settings.store_path, readonly=False)
    empty = db.count("documents") == 0
    if db.backend == "postgres":
        from indexer.postgres.index import index_meta
        with db.conn.primary.connection() as conn:
            no_index = not index_meta(conn)
    else:
        no_index = current_generation(settings.index_dir) is None
    db.close()
    return empty, no_index


def _ingest_and_index(settings: Settings, keyword_only: bool) -> None:
    """What an empty state lacks first: the shared data ingested, an index built (all of it, or
    the keyword stage that `fagui serve` answers from while the rest builds behind)."""
    empty, no_index = _missing(settings)
    if empty:
        err.print("导入 ingest: laws, notices, messages")
        ingest_cmd(["all"], settings.store_path, settings.data_dir)
    if no_index:
        err.print("关键词索引 keyword index (vectors and the learned ranking follow in the background)"
                  if keyword_only else "建索引 index build (first time ~17 min on 2 cores)")
        index_build_cmd(settings.store_path, settings.index_dir, keyword_only=keyword_only)


@app.command("prepare")
def prepare_cmd(store: StoreOption = None, index_dir: IndexDirOption = None) -> None:
    """准备数据：缺什么补什么 (ingest the shared data if the store is empty, build the index if
    there is none, learn from STARD train if nothing is learned yet; each step shows progress)."""
    from search.learning.answered import LEARNED_DIR, reranker_file

    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    if settings.data_dir is None:
        fail("no shared data folder: set FAGUI_DATA_DIR (or keep ../shared/data beside the repo)")
    _ingest_and_index(settings, keyword_only=False)
    if not (settings.index_dir / LEARNED_DIR / reranker_file()).exists():
        err.print("学习 learn from STARD train")
        learn_cmd(queries=settings.data_dir / "stard/queries.jsonl", split="train", folds=5,
                  kinds="topical,messages,notices", collection=None, types=None,
                  store=settings.store_path, index_dir=settings.index_dir)
    err.print("就绪 ready")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    llm_base_url: LLMUrlOption = None, llm_model: LLMModelOption = None, llm_api_key: LLMKeyOption = None,
    store: StoreOption = None, index_dir: IndexDirOption = None,
    workers: Annotated[int, typer.Option(
        "--workers", envvar="FAGUI_WORKERS",
        help="进程数 (processes on one port; embedded: they share the loaded index copy-on-write)")] = 1,
    wait: Annotated[bool, typer.Option(
        "--wait", help="先建好全部索引再服务 (build vectors and learn before serving, as `fagui prepare`)")] = False,
) -> None:
    """启动服务 (REST API under /api/v1, OpenAPI at /api/v1/openapi.json). On an empty state it
    ingests the shared data and builds the keyword index first (minutes), serves in keyword mode
    and builds vectors and the learned ranking in the background (`--wait`: all before serving)."""
    from indexer.embedded.manifest import current_generation
    from ui.service.background import BackgroundBuild, pending_work
    from ui.service.server import serve

    if workers < 1:
        fail("--workers must be at least 1")
    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    if wait:
        prepare_cmd(store, index_dir)
    elif settings.data_dir is not None and settings.backend == "sqlite" and (
            not settings.store_path.exists() or current_generation(settings.index_dir) is None):
        _ingest_and_index(settings, keyword_only=True)
    searcher = open_searcher(store, index_dir)
    if pending_work(settings) and BackgroundBuild(settings).start():
        err.print("后台构建 background: " + ", ".join(pending_work(settings))
                  + " (progress: GET /api/v1/health)")
    serve(searcher, host, port, llm_config(llm_base_url, llm_model, llm_api_key), workers)


@app.command("mcp")
def mcp_cmd(
    llm_base_url: LLMUrlOption = None, llm_model: LLMModelOption = None, llm_api_key: LLMKeyOption = None,
    store: StoreOption = None, index_dir: IndexDirOption = None,
) -> None:
    """MCP 服务 (stdio)：供智能体调用的工具 search_laws, get_article, get_document, ask, similar_messages
    (MCP over stdio for agents; `fagui serve` also serves MCP over HTTP at /mcp)."""
    import logging
    import sys
    import threading

    # stdout carries the protocol: anything else printed there would corrupt it
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    from assistant.assistant import Assistant
    from ui.integrations.mcp_server import build_mcp

    searcher = open_searcher(store, index_dir)
    lock = threading.RLock()  # tools run in worker threads; the searcher is not thread-safe
    stdout, sys.stdout = sys.stdout, sys.stderr  # a library's stray print goes to stderr
    try:
        assistant = Assistant(searcher, llm_config(llm_base_url, llm_model, llm_api_key), lock=lock)
        mcp = build_mcp(searcher, assistant, lock)
    finally:
        sys.stdout = stdout
    mcp.run("stdio")
