"""The `fagui` command line (命令行), the only place that wires the packages together: `fagui search`
and `fagui ask` here, every other command group in a module of ui/cli/ registered below."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ui.cli.common import (app, StoreOption, JsonOption, fail, IndexDirOption, open_searcher,
                           CollectionOption, TypeOption, ValidityOption, llm_config, LLMUrlOption,
                           LLMModelOption, LLMKeyOption)


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
    law: Annotated[Optional[str], typer.Option(
        "--law", help="法内检索: only these laws, titles or short names (劳动合同法,劳动合同法实施条例)")] = None,
    mode: Annotated[str, typer.Option("--mode", help="hybrid | keyword | vector")] = "hybrid",
    deep: Annotated[bool, typer.Option("--deep", help="深度检索: also the enriched vector field when built")] = False,
    decide: Annotated[bool, typer.Option(
        "--decide", help="判定条文: deciding articles first, as the assistant orders them (--collection laws)")] = False,
    store: StoreOption = None, index_dir: IndexDirOption = None, as_json: JsonOption = False,
) -> None:
    """检索法条、政策文件与留言 (search; --batch reads one query per line, prints JSON lines)."""
    from search.query.parse import QueryError, make_filters

    if (query is None) == (batch is None):
        fail("give a query or --batch FILE (not both)")
    try:
        filters = make_filters(collection or "laws,notices", types, validity, region, issuer, since, until, as_of,
                               law)
    except QueryError as exc:
        fail(str(exc))
    if batch is not None and not batch.exists():
        fail(f"{batch}: no such file")
    queries = batch.read_text(encoding="utf-8").splitlines() if batch else [query]
    searcher = open_searcher(store, index_dir)
    for text in queries:
        try:
            response = searcher.search(text, k=k, filters=filters, mode=mode, deep=deep, decide=decide).to_dict()
        except (QueryError, ValueError) as exc:
            if not batch:
                fail(str(exc))
            response = {"query": text, "results": [], "error": str(exc)}
        if as_json or batch:
            print(json.dumps(response, ensure_ascii=False), flush=True)
        else:
            _print_results(response)


def _print_results(response: dict) -> None:
    if response.get("citations"):
        print("引用 citations: " + "，".join(response["citations"]))
    if response.get("named_laws"):
        print("先列所提法规 named law first: " + "，".join(f"《{t}》" for t in response["named_laws"]))
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
    from search.query.parse import QueryError, make_filters

    turns = []
    if history is not None:
        try:
            turns = [Turn(t["role"], t["content"]) for t in json.loads(history.read_text(encoding="utf-8"))]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            fail(f"{history}: not a JSON list of {{role, content}} turns ({exc})")
    if not question.strip():
        fail("问题为空 (empty question)")
    try:
        as_of = make_filters(as_of=as_of).as_of
    except QueryError as exc:
        fail(str(exc))
    assistant = Assistant(open_searcher(store, index_dir), llm_config(llm_base_url, llm_model, llm_api_key))
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


# the other commands, each group a module of its own (importing registers them)
from ui.cli import admin, diff, documents, index, learn, serve  # noqa: E402,F401


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
