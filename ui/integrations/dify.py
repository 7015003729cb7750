"""Dify external knowledge base (外部知识库): POST /api/v1/dify/retrieval implements Dify's External
Knowledge API, so the endpoint to register in Dify is `…/api/v1/dify` (Dify appends /retrieval).

- Authorization: `Bearer <fagui key>` of role reader or admin, always (Dify sends the key it was
  given; an open endpoint would make the key field meaningless). Errors use the contract's form
  `{"error_code", "error_msg"}`: 1001 bad header format, 1002 authorization failed (both 403),
  2001 unknown knowledge id (404); our own 3001 for an invalid body or an unsupported
  metadata_condition (400). Never a 500 with a trace.
- `knowledge_id` names a collection, optionally with 效力级别: `laws`, `laws:行政法规`,
  `laws:法律,行政法规`, `notices`, `messages`, `all` (laws and notices) — or a saved filter
  (ui/integrations/knowledge.py: `knowledge.json` in the config directory).
- records: `content` (the citation line, then the text), `score` in 0-1 that falls with our rank
  (Dify re-sorts by it), `title` (《…》第X条), `metadata` always an object.
"""
from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError

from corpus.model import MESSAGES
from corpus.pii import mask_pii
from search.query.parse import QueryError, SearchFilters
from search.results import SearchResult
from search.searcher import Searcher
from ui.integrations.dify_scope import DifyError, MetadataCondition, apply_conditions, knowledge_filters
from ui.service.keys import KeyStore
from ui.integrations.knowledge import SavedFilters

MAX_TOP_K = 100  # as the REST API's k


class RetrievalSetting(BaseModel):
    top_k: int = Field(..., ge=1, le=MAX_TOP_K, strict=True)
    score_threshold: float = Field(0.0, ge=0.0, le=1.0)


class RetrievalRequest(BaseModel):
    knowledge_id: str = Field(..., min_length=1, max_length=200)
    query: str = Field(..., max_length=10_000, pattern=r"\S")
    retrieval_setting: RetrievalSetting
    metadata_condition: MetadataCondition | None = None


class Record(BaseModel):
    content: str
    score: float = Field(..., ge=0, le=1)
    title: str
    metadata: dict[str, Any]


class RetrievalResponse(BaseModel):
    records: list[Record]


class DifyErrorBody(BaseModel):
    error_code: int = Field(..., description="1001 header format, 1002 authorization, 2001 knowledge id, 3001 invalid body")
    error_msg: str


def dify_scores(results: list[SearchResult]) -> list[float]:
    """0-1 scores that fall with our rank (Dify sorts and thresholds by them): an exact
    citation hit is 1.0; else the rank decays from the best query-article cosine among the hits
    (an absolute similarity, so a threshold means the same for every query)."""
    if not results:
        return []
    cited = results[0].scores.get("citation", 0.0) >= 1.0
    anchor = 1.0 if cited else max(0.0, min(1.0, max(r.scores.get("vector", 0.0) for r in results)))
    return [round(anchor * 0.97 ** rank, 4) for rank in range(len(results))]


def _record(searcher: Searcher, result: SearchResult, score: float) -> dict[str, Any]:
    title = result.citation or f"《{result.law_title}》"
    text = result.text or ""
    metadata = {"article_id": result.article_id, "doc_id": result.doc_id, "citation": title,
                "law_title": result.law_title, "article_label": result.article_label,
                "collection": result.collection, "type": result.type, "validity": result.validity,
                "issuer": result.issuer, "region": result.region, "doc_number": result.doc_number,
                "publish_date": result.publish_date, "effective_date": result.effective_date,
                "chapter_path": " > ".join(result.chapter_path) or None, "fagui_score": result.score}
    if result.collection == MESSAGES:  # a citizen message: its official reply, personal numbers masked
        doc = searcher.library.document(result.doc_id, with_units=False)
        title = mask_pii(result.law_title) or title
        text = f"留言：{mask_pii(text)}" + (f"\n答复：{mask_pii(doc.answer)}" if doc and doc.answer else "")
        metadata.update(citation=title, law_title=title)
    return {"content": f"{title}\n{text}", "score": score, "title": title,
            "metadata": {k: v for k, v in metadata.items() if v not in (None, "")}}


def add_dify_routes(api: FastAPI, searcher: Searcher, keys: KeyStore, saved: SavedFilters | None = None) -> None:
    """POST /dify/retrieval on `api` (sharing its search lock); `saved` names further scopes."""
    lock = api.state.search_lock
    on_query = getattr(api.state, "on_query", None)

    # the body is read by hand (auth first, errors in Dify's form), so its schema is declared here
    body_schema = {"required": True, "content": {"application/json": {"schema": _inlined(RetrievalRequest)}}}
    @api.post("/dify/retrieval", summary="Dify 外部知识库检索 (External Knowledge API)",
              response_model=RetrievalResponse, openapi_extra={"requestBody": body_schema},
              responses={400: {"model": DifyErrorBody, "description": "invalid body (3001)"},
                         403: {"model": DifyErrorBody, "description": "bad header (1001) or key (1002)"},
                         404: {"model": DifyErrorBody, "description": "unknown knowledge id (2001)"}})
    async def dify_retrieval(request: Request) -> JSONResponse:
        try:
            body = await _authorised_body(request, keys)
            filters = apply_conditions(knowledge_filters(body.knowledge_id, saved), body.metadata_condition)
            if on_query:
                on_query("dify", body.query)
            records = [] if filters is None else await run_in_threadpool(_retrieve, searcher, lock, body, filters)
        except DifyError as exc:
            return exc.response()
        return JSONResponse({"records": records})


def _inlined(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema with its $defs written in place (no refs to resolve elsewhere)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[1]])
            return {k: inline(v) for k, v in node.items()}
        return [inline(v) for v in node] if isinstance(node, list) else node
    return inline(schema)


async def _authorised_body(request: Request, keys: KeyStore) -> RetrievalRequest:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise DifyError(403, 1001, "Invalid Authorization header format. Expected 'Bearer <api-key>' format.")
    if keys.verify(secret.strip()) is None:
        raise DifyError(403, 1002, "Authorization failed: unknown or revoked fagui key (fagui keys create --role reader).")
    try:
        return RetrievalRequest.model_validate(json.loads(await request.body()))
    except (ValueError, UnicodeDecodeError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else None
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors) if errors \
            else "body is not valid JSON"
        raise DifyError(400, 3001, f"Invalid request: {message}") from None


def _retrieve(searcher: Searcher, lock, body: RetrievalRequest, filters: SearchFilters) -> list[dict[str, Any]]:
    try:
        with lock:
            results = searcher.search(body.query, k=body.retrieval_setting.top_k, filters=filters,
                                      with_facets=False).results
            scores = dify_scores(results)
            records = [_record(searcher, r, s) for r, s in zip(results, scores)]
    except QueryError as exc:
        raise DifyError(400, 3001, f"Invalid request: {exc}") from None
    return [r for r in records if r["score"] >= body.retrieval_setting.score_threshold]
