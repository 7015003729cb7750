"""fagui as an MCP server (模型上下文协议): tools an agent can call — search_laws, get_article,
get_document, ask, similar_messages — with typed inputs described in Chinese, over stdio
(`fagui mcp`) or streamable HTTP (mounted at /mcp by `fagui serve`, read keys enforced there by
the security middleware like the REST API).

Every result names its source the way a person cites it (《…》第X条) and by unit id, so an agent
can quote, link and fetch more. Bad input comes back as an MCP tool error (`isError`), with a
readable message, never a trace.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ToolAnnotations
from pydantic import Field

from assistant.assistant import Assistant
from corpus.model import COLLECTIONS, DOC_TYPES
from search.api import article_record, document_record
from ui.integrations.mcp_models import AskOutput, LawHit, Message, MessagesOutput, SearchOutput
from search.retrieval.asof import NotInForce
from search.query.parse import QueryError, make_filters
from search.searcher import Searcher

PATH = "/mcp"
READ_ONLY = ToolAnnotations(readOnlyHint=True, openWorldHint=False)
Collection = Literal[COLLECTIONS]  # type: ignore[valid-type]
DocType = Literal[DOC_TYPES]  # type: ignore[valid-type]
Validity = Literal["现行有效", "已修改", "已废止", "尚未生效", "all"]
Day = Annotated[str | None, Field(None, pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
                                  description="日期 YYYY-MM-DD")]
Query = Annotated[str, Field(min_length=1, max_length=10_000, pattern=r"\S",
                             description="问题、关键词或法条引用，如“公司不签劳动合同怎么办”或“劳动合同法第82条”")]
INSTRUCTIONS = ("fagui 是中国法律法规、政策文件与政务留言的检索服务。引用条文时请使用结果中的 citation（《法规全称》第X条），"
                "并注明时效性（现行有效/已修改/已废止/尚未生效）。search_laws 查找条文；get_article / get_document 取原文；"
                "ask 给出带核验引用的回答；similar_messages 查找相似的群众留言及官方答复。")


def _hit(r: dict[str, Any]) -> dict[str, Any]:
    """One search result as an agent needs it: citation and id first, the text, then the facts."""
    keys = LawHit.model_fields
    return {k: r[k] for k in keys if r.get(k) not in (None, "", [])} | {"citation": r.get("citation") or f"《{r['law_title']}》"}


def build_mcp(searcher: Searcher, assistant: Assistant, lock: Any = None,
              on_query: Callable[[str, str], None] | None = None) -> MCPServer:
    """The MCP server over one loaded searcher; `lock` serialises searcher calls (shared with
    the REST API when mounted in `fagui serve`); `on_query(route, text)` sees each query (the
    optional query log, as for the REST API)."""
    lock = lock or threading.RLock()
    seen = on_query or (lambda route, text: None)
    # WARNING: the SDK configures the root logger at construction; INFO would flood serve's log
    mcp = MCPServer("fagui", title="fagui 法规检索", instructions=INSTRUCTIONS, version="1", log_level="WARNING")

    def checked(call):
        """Run `call` under the lock; our own refusals become tool errors with their message."""
        try:
            with lock:
                return call()
        except (QueryError, NotInForce, ValueError) as exc:
            raise ToolError(str(exc)) from None

    @mcp.tool(annotations=READ_ONLY)
    def search_laws(
        query: Query,
        k: Annotated[int, Field(ge=1, le=100, description="返回条数 (1-100)")] = 10,
        collection: Annotated[list[Collection] | None, Field(
            description="范围：laws 法律法规，notices 政府信息公开文件，messages 群众留言；默认 laws 与 notices")] = None,
        type: Annotated[list[DocType] | None, Field(description="效力级别，如 [\"法律\", \"行政法规\"]")] = None,
        validity: Annotated[Validity, Field(description="时效性；默认只查现行有效，all 含已修改、已废止的版本")] = "现行有效",
        region: Annotated[str | None, Field(max_length=100, description="地区，如 上海、北京")] = None,
        issuer: Annotated[str | None, Field(max_length=200, description="制定机关或发文机关，如 国务院")] = None,
        since: Annotated[Day, Field(description="发布日期不早于 YYYY-MM-DD")] = None,
        until: Annotated[Day, Field(description="发布日期不晚于 YYYY-MM-DD")] = None,
        as_of: Annotated[Day, Field(description="时点 YYYY-MM-DD：按当日有效的版本检索，时效性标注为当日状态")] = None,
        law: Annotated[str | None, Field(max_length=500, description="法内检索：只查这些法规，全称或简称，逗号分隔，如 劳动合同法")] = None,
    ) -> SearchOutput:
        """检索法律法规条文、政策文件与群众留言。每条结果带引用 citation（《法规全称》第X条）、条文 id（article_id）、
        效力级别、时效性和原文。Search Chinese laws, policy documents and citizen messages."""
        seen("mcp.search_laws", query)
        response = checked(lambda: searcher.search(query, k=k, with_facets=False, filters=make_filters(
            collection or "laws,notices", type, validity, region, issuer, since, until, as_of, law)).to_dict())
        return SearchOutput(query=query, results=[LawHit(**_hit(r)) for r in response["results"]],
                            citations_in_query=response["citations"], notice=response.get("notice"))

    @mcp.tool(annotations=READ_ONLY)
    def get_article(
        article_id: Annotated[str, Field(min_length=1, max_length=200, description="条文 id，如 search_laws 结果中的 article_id")],
        as_of: Annotated[Day, Field(description="时点 YYYY-MM-DD：取当日有效版本中的同一条")] = None,
    ) -> dict[str, Any]:
        """取一条条文的原文、所属法规、效力级别、时效性与引用（《法规全称》第X条）。Fetch one article by id."""
        found = checked(lambda: article_record(searcher, article_id, make_filters(as_of=as_of).as_of))
        if found is None:
            raise ToolError(f"没有这条条文 (no article {article_id!r})")
        keys = ("citation", "id", "doc_id", "law_title", "article_label", "chapter_path", "text", "type",
                "validity", "publish_date", "effective_date", "as_of", "requested_id")
        return {("article_id" if k == "id" else k): found[k] for k in keys if found.get(k) not in (None, "", [])}

    @mcp.tool(annotations=READ_ONLY)
    def get_document(
        doc_id: Annotated[str, Field(min_length=1, max_length=200, description="法规或文件 id（search_laws 结果中的 doc_id）")],
        as_of: Annotated[Day, Field(description="时点 YYYY-MM-DD：取当日有效的版本")] = None,
        with_text: Annotated[bool, Field(description="true：附全部条文原文（长法规可能很长）")] = False,
    ) -> dict[str, Any]:
        """取整部法规或文件：元数据、章节目录（编/章/节及其条）、历次版本，以及各条的 id 与引用。
        Fetch a whole document with its chapter tree and versions."""
        found = checked(lambda: document_record(searcher, doc_id, make_filters(as_of=as_of).as_of))
        if found is None:
            raise ToolError(f"没有这部法规或文件 (no document {doc_id!r})")
        title = found.get("title", "")
        articles = [{"article_id": u["id"], "citation": f"《{title}》{u['article_label']}" if u.get("article_label")
                     else f"《{title}》", **({"text": u["text"]} if with_text else {})} for u in found["units"]]
        meta = {k: v for k, v in found.items() if k not in ("text", "units") and v not in (None, "", [])}
        return meta | {"articles": articles}

    @mcp.tool(annotations=READ_ONLY)
    def ask(
        question: Annotated[str, Field(min_length=1, max_length=2_000, pattern=r"\S", description="用大白话提出的法律问题")],
        as_of: Annotated[Day, Field(description="时点 YYYY-MM-DD：依当日有效的版本回答")] = None,
    ) -> AskOutput:
        """智能问答：只依据检索到的条文作答，引用均经核验（《法规全称》第X条 与条文 id）；找不到依据时如实说明。
        A grounded answer with verified citations."""
        seen("mcp.ask", question)
        try:
            answer = assistant.ask(question, None, make_filters(as_of=as_of).as_of).to_dict()
        except (QueryError, NotInForce, ValueError) as exc:
            raise ToolError(str(exc)) from None
        cite = ("citation", "article_id", "law_title", "article_label", "validity", "quote")
        return AskOutput(answer=answer["answer"], grounded=answer["grounded"], notice=answer.get("notice"),
                         citations=[{k: c[k] for k in cite if c.get(k)} for c in answer["citations"]],
                         related=[{k: c[k] for k in cite[:5] if c.get(k)} for c in answer["related"]])

    @mcp.tool(annotations=READ_ONLY)
    def similar_messages(
        query: Query,
        k: Annotated[int, Field(ge=1, le=20, description="返回条数 (1-20)")] = 3,
    ) -> MessagesOutput:
        """查找相似的群众留言及其官方答复（身份证号、电话已打码）。Similar past citizen messages with the official reply."""
        seen("mcp.similar_messages", query)
        try:
            found = assistant.similar_messages(query, k)
        except (QueryError, ValueError) as exc:
            raise ToolError(str(exc)) from None
        return MessagesOutput(messages=[Message(message_id=m.id, title=m.title, question=m.question, reply=m.reply,
                                                date=m.date, issuer=m.issuer, score=m.score) for m in found])

    return mcp


def http_app(mcp: MCPServer):
    """The streamable-HTTP ASGI app answering at /mcp (its routes go into the outer app). Stateless with JSON replies: any
    `serve --workers` process can answer any request (no session pinned to one process), and a
    call is one POST. Host checks are off because fagui's own middleware guards the route (keys,
    rate limits) exactly as it guards the REST API, behind whatever host name it is served."""
    return mcp.streamable_http_app(streamable_http_path=PATH, stateless_http=True, json_response=True,
                                   transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False))


def with_session_manager(app, mcp: MCPServer) -> None:
    """Start the MCP session manager with the outer FastAPI app (a mounted app's own lifespan
    never runs), around whatever lifespan the app already has (Gradio's)."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(outer) -> AsyncIterator[Any]:
        async with mcp.session_manager.run():
            async with inner(outer) as state:
                yield state
    app.router.lifespan_context = lifespan
