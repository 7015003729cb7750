"""`fagui ingest` and `fagui corpus stats|find|show` (导入与文档库)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table

from corpus.config import Settings
from corpus.errors import IngestError
from corpus.ingest import ingest as run_ingest
from corpus.sources.resolve import resolve_source
from corpus.store.stats import corpus_stats
from ui.cli.common import app, corpus_app, err, StoreOption, JsonOption, fail, open_store


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
        fail(str(exc))
    db = open_store(settings.store_path)
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
            fail(f"{exc}\n文档库未改变 (the store is unchanged).")
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
    db = open_store(store, readonly=True)
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
    db = open_store(store, readonly=True)
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
    db = open_store(store, readonly=True)
    doc = db.get(doc_id)
    if doc is None:
        fail(f"no document with id {doc_id!r}", code=1)
    if as_json:
        data = doc.metadata() | {"versions": db.versions(doc_id),
                                 "units": [u.to_dict() for u in doc.units]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    print(f"《{doc.display_title}》 {doc.doc_type or ''} {doc.validity} {doc.publish_date or ''}")
    for unit in doc.units:
        path = " / ".join(unit.chapter_path)
        print(f"\n{unit.article_label or ''} [{path}]\n{unit.text}")
