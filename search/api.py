"""REST retrieval API (检索接口) for decision-support systems, under /api/v1: search (GET and
POST), facets, article and document by id, 新旧对照 of two versions, health, stats. Validation
errors are 422 with a readable message; the OpenAPI document is at /api/v1/openapi.json."""
from __future__ import annotations

import inspect
import os
import re
import threading
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, Field, StrictBool, StringConstraints

from corpus.versions.compare import compare_documents
from corpus.versions.pairs import UnknownLaw, VersionError, load_versions, version_diff
from corpus.model import COLLECTIONS, DOC_TYPES, VALIDITIES
from corpus.store.stats import corpus_stats
from corpus.store.base import CITED_BY_LIMIT, StoreUnavailable
from indexer.progress import read_progress
from search.retrieval.asof import NotInForce
from search.query.parse import QueryError, make_filters
from search.searcher import Searcher

Mode = Literal["hybrid", "keyword", "vector"]


def _listed(values) -> str:
    """Pattern of a comma-separated list drawn from `values` (the document says what is valid)."""
    item = "(" + "|".join(re.escape(v) for v in values) + ")"
    return rf"^\s*{item}(\s*,\s*{item})*\s*$"


COLLECTION_LIST = _listed(COLLECTIONS)
TYPE_LIST = _listed(DOC_TYPES)
VALIDITY_LIST = _listed((*VALIDITIES, "all"))
# days past a month's end (02-30) are read as its last day (search.query.parse.make_filters)
DATE = r"^((19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))?$"
AS_OF = "时点 YYYY-MM-DD: each law's version in force on that day; validity badges of that day"
LAW = "法内检索: only these laws, full titles or short names, comma-separated (劳动合同法); an unknown name is a 422"
CollectionName = Literal[COLLECTIONS]  # type: ignore[valid-type]
TypeName = Literal[DOC_TYPES]  # type: ignore[valid-type]


class Filters(BaseModel):
    """Filters; lists or comma-separated strings. validity: 现行有效 (default) … or 'all'."""

    collection: list[CollectionName] | Annotated[str, StringConstraints(pattern=COLLECTION_LIST)] | None = None
    type: list[TypeName] | Annotated[str, StringConstraints(pattern=TYPE_LIST)] | None = Field(
        None, description="效力级别, e.g. 法律,行政法规")
    validity: Annotated[str, StringConstraints(pattern=VALIDITY_LIST)] = "现行有效"
    region: list[str] | str | None = None
    issuer: list[str] | str | None = None
    since: Annotated[str, StringConstraints(pattern=DATE)] | None = Field(None, description="YYYY-MM-DD")
    until: Annotated[str, StringConstraints(pattern=DATE)] | None = Field(None, description="YYYY-MM-DD")
    as_of: Annotated[str, StringConstraints(pattern=DATE)] | None = Field(
        None, description="时点 YYYY-MM-DD: each law's version in force on that day (validity badges of that day)")
    law: list[str] | str | None = Field(
        None, description=LAW)


DIFF_HELP = ("law_title; from and to: {id, publish_date, effective_date, validity}; then "
             + inspect.cleandoc(compare_documents.__doc__ or ""))
FROM_HELP = "版本 id 或日期 YYYY-MM-DD: the version in force that day (default: the version before `to`)"
NOT_BLANK = r"\S"  # JSON-schema patterns are unanchored: at least one non-space character
class ErrorBody(BaseModel):
    detail: str


def _errors(*codes: int) -> dict:
    """OpenAPI entries for the error statuses a route really sends."""
    text = {400: "body is not valid JSON or UTF-8", 404: "no such id", 422: "invalid request"}
    return {c: {"model": ErrorBody, "description": text[c]} for c in codes}


def _whole(value: Any) -> Any:
    """JSON integers only: 10 and 10.0 pass, "10" and true do not (as the document says)."""
    if isinstance(value, bool) or isinstance(value, str):
        raise ValueError("must be an integer")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole)]


DECIDE = ("判定条文: the assistant's order for a citizen's question — the laws the results concentrate on "
          "opened whole and their deciding articles first (collection laws only; needs `fagui learn`)")


class SearchRequest(BaseModel):
    query: str = Field(..., description="问题、关键词或法条引用", max_length=10_000, pattern=NOT_BLANK)
    k: WholeNumber = Field(10, ge=1, le=100)
    mode: Mode = "hybrid"
    deep: StrictBool = Field(False, description="深度检索: also the enriched vector field when built (~40 ms more)")
    decide: StrictBool = Field(False, description=DECIDE)
    filters: Filters = Field(default_factory=Filters)


_PATTERN_HELP = {
    "type": "效力级别 must be one or more of " + ", ".join(DOC_TYPES),
    "collection": "collection must be one or more of " + ", ".join(COLLECTIONS),
    "validity": "validity must be " + ", ".join(VALIDITIES) + " or all",
    "since": "a date is written YYYY-MM-DD", "until": "a date is written YYYY-MM-DD",
    "q": "empty query: type a question, keywords or a citation",
    "query": "empty query: type a question, keywords or a citation",
    "question": "empty question: 问题为空",
}


def _readable(exc: RequestValidationError) -> str:
    """One line per error, in words (a regular expression is no message for a person)."""
    parts = []
    for err in exc.errors():
        path = [str(p) for p in err.get("loc", []) if p not in ("body", "query")]
        where = ".".join(path) or "request"
        field = next((p for p in reversed(path) if p in _PATTERN_HELP), None)
        message = _PATTERN_HELP[field] if err.get("type") == "string_pattern_mismatch" and field else err.get("msg")
        parts.append(f"{where}: {message}")
    return "; ".join(dict.fromkeys(parts))


ERROR_SCHEMA = {"title": "Error", "type": "object", "required": ["detail"],
                "properties": {"detail": {"type": "string", "description": "what is wrong, readable"},
                               "errors": {"type": "array", "items": {}}}}


def _openapi(api: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with validation errors described as this API sends them."""
    if api.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=api.title, version=api.version, description=api.description, routes=api.routes)
        schema.setdefault("components", {}).setdefault("schemas", {})["HTTPValidationError"] = ERROR_SCHEMA
        api.openapi_schema = schema
    return api.openapi_schema


def create_api(searcher: Searcher, on_query: Callable[[str, str], None] | None = None) -> FastAPI:
    """The /api/v1 application over one loaded searcher (calls are serialised by a lock);
    `on_query(route, text)` sees every query (the optional query log)."""
    api = FastAPI(title="fagui 法规检索 API", version="1",
                  description="Chinese laws, policy documents and citizen messages: hybrid retrieval.")
    lock = threading.RLock()
    api.state.search_lock = lock  # routes added by higher layers (assistant) share it
    api.state.on_query = on_query
    api.openapi = lambda: _openapi(api)

    @api.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        # errors may quote the raw body (bytes): encode them so the error itself cannot fail
        errors = jsonable_encoder(exc.errors(), custom_encoder={bytes: lambda b: b.decode("utf-8", "replace")})
        return JSONResponse(status_code=422, content={"detail": _readable(exc), "errors": errors})

    @api.exception_handler(QueryError)
    async def query_error(request: Request, exc: QueryError):
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @api.exception_handler(NotInForce)
    async def not_in_force(request: Request, exc: NotInForce):
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @api.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, exc: StoreUnavailable):
        # the PostgreSQL primary is away (restart, failover): nothing was written; retry shortly
        return JSONResponse(status_code=503, content={"detail": str(exc)}, headers={"Retry-After": "5"})

    def run_search(req: SearchRequest, with_facets: bool = True) -> dict[str, Any]:
        if on_query:
            on_query("search", req.query)
        f = req.filters
        filters = make_filters(f.collection or "laws,notices", f.type, f.validity, f.region,
                               f.issuer, f.since, f.until, f.as_of, f.law)
        with lock:
            return searcher.search(req.query, k=req.k, filters=filters, mode=req.mode,
                                   with_facets=with_facets, deep=req.deep, decide=req.decide).to_dict()

    @api.post("/search", summary="检索 (search, JSON body)", responses=_errors(400))
    def search_post(req: SearchRequest) -> dict[str, Any]:
        return run_search(req)

    @api.get("/search", summary="检索 (search, query string)")
    def search_get(q: str = Query(..., max_length=10_000, pattern=NOT_BLANK), k: int = Query(10, ge=1, le=100),
                   mode: Mode = "hybrid", collection: str | None = Query(None, pattern=COLLECTION_LIST),
                   type: str | None = Query(None, pattern=TYPE_LIST),
                   validity: str = Query("现行有效", pattern=VALIDITY_LIST), region: str | None = None,
                   issuer: str | None = None, since: str | None = Query(None, pattern=DATE),
                   until: str | None = Query(None, pattern=DATE), deep: bool = False,
                   as_of: str | None = Query(None, pattern=DATE, description=AS_OF),
                   decide: bool = Query(False, description=DECIDE),
                   law: str | None = Query(None, description=LAW)) -> dict[str, Any]:
        return run_search(SearchRequest(query=q, k=k, mode=mode, deep=deep, decide=decide, filters=Filters(
            collection=collection, type=type, validity=validity, region=region, issuer=issuer,
            since=since, until=until, as_of=as_of, law=law)))

    @api.get("/facets", summary="分面统计 (counts by type, issuer, region, year)")
    def facets(q: str = Query(..., max_length=10_000, pattern=NOT_BLANK),
               collection: str | None = Query(None, pattern=COLLECTION_LIST),
               type: str | None = Query(None, pattern=TYPE_LIST),
               validity: str = Query("现行有效", pattern=VALIDITY_LIST)) -> dict[str, Any]:
        result = run_search(SearchRequest(query=q, k=1, filters=Filters(
            collection=collection, type=type, validity=validity)))
        return {"query": q, "facets": result["facets"]}

    @api.get("/articles/{article_id}", summary="条文 (one unit by id, with what it cites and what cites it)",
             responses=_errors(404))
    def article(article_id: str, as_of: str | None = Query(None, pattern=DATE, description=AS_OF),
                cited_by_limit: int = Query(CITED_BY_LIMIT, ge=0, le=1000)) -> dict[str, Any]:
        with lock:
            found = article_record(searcher, article_id, _day(as_of), cited_by_limit)
        if found is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return found

    @api.get("/documents/{doc_id}", summary="全文 (document: text, chapter tree, versions)",
             responses=_errors(404))
    def document(doc_id: str, as_of: str | None = Query(None, pattern=DATE, description=AS_OF)) -> dict[str, Any]:
        with lock:
            found = document_record(searcher, doc_id, _day(as_of))
        if found is None:
            raise HTTPException(404, f"no document {doc_id!r}")
        return found

    @api.get("/documents/{doc_id}/diff", summary="新旧对照 (two versions of a law, article by article)",
             responses=_errors(404), description=DIFF_HELP)
    def diff(doc_id: str, frm: str | None = Query(None, alias="from", description=FROM_HELP),
             to: str | None = Query(None, description="版本 id 或日期 YYYY-MM-DD (default: doc_id)")) -> dict[str, Any]:
        try:
            with lock:
                versions = load_versions(searcher.store, doc_id, frm, to)
        except (UnknownLaw, VersionError) as exc:
            # a version that does not exist as named (an id of another law, a day before the
            # first version, an impossible date, no earlier version): no such comparison
            raise HTTPException(404, str(exc)) from None
        return version_diff(*versions)  # the comparison itself needs no lock

    @api.get("/health", summary="健康检查")
    def health() -> dict[str, Any]:
        job = read_progress(searcher.reader.index_dir)  # the background build of vectors + ranking
        reader = searcher.reader  # one generation throughout, even if a reload swaps it meanwhile
        return {"status": "ok", "units": reader.manifest.counts.get("units"), "embedder": reader.manifest.embedder,
                "backend": searcher.store.backend, "worker": os.getpid(), "ready": searcher.ready,
                "progress": job if job and job.get("state") != "done" else None}

    @api.get("/stats", summary="统计 (corpus and index)")
    def stats() -> dict[str, Any]:
        with lock:
            return {"corpus": corpus_stats(searcher.store), "index": searcher.reader.info()}

    return api


def article_record(searcher: Searcher, article_id: str, day: str | None = None,
                   cited_by_limit: int = CITED_BY_LIMIT) -> dict[str, Any] | None:
    """One unit with its law's title, type, validity, citation, what it cites and what cites it
    (None: no such id); with `day` (时点), the same article in the version in force that day.
    Callers hold the lock."""
    unit = searcher.store.get_unit(article_id)
    if unit is None:
        return None
    if day:
        unit = searcher.as_of.article(unit, day)
    doc = searcher.store.get(unit.doc_id, with_units=False)
    validity = searcher.as_of.validity(doc.id, day) if day else doc.validity
    references = searcher.store.references([unit.id])[unit.id]
    cited_by, cited_by_count = searcher.store.cited_by([unit.id], cited_by_limit)[unit.id]
    return unit.to_dict() | {"law_title": doc.title, "subtitle": doc.subtitle, "type": doc.doc_type,
                             "validity": validity, "publish_date": doc.publish_date,
                             "effective_date": doc.effective_date,
                             "citation": f"《{doc.title}》{unit.article_label or ''}",
                             "references": references, "cited_by": cited_by, "cited_by_count": cited_by_count,
                             **({"as_of": day, "requested_id": article_id} if day else {})}


def document_record(searcher: Searcher, doc_id: str, day: str | None = None) -> dict[str, Any] | None:
    """A document's metadata, text, units, chapter tree and versions (None: no such id); with
    `day`, the version in force that day (NotInForce when none was). Callers hold the lock."""
    doc = searcher.store.get(doc_id, with_units=False)
    if doc is None:
        return None
    if day:
        version = searcher.as_of.in_force(doc_id, day)
        doc = searcher.store.get(version)
        doc.validity = searcher.as_of.validity(version, day)
    else:
        doc = searcher.store.get(doc_id)
    versions = searcher.store.versions(doc_id)
    return doc.metadata() | {"text": doc.text, "chapters": chapter_tree(doc.units),
                             "versions": versions, "units": [u.to_dict() for u in doc.units],
                             **({"as_of": day, "requested_id": doc_id} if day else {})}


def _day(as_of: str | None) -> str | None:
    """The ISO day of an `as_of` parameter (a day past a month's end is its last day)."""
    return make_filters(as_of=as_of).as_of if as_of else None


def chapter_tree(units) -> list[dict[str, Any]]:
    """编/章/节 nesting with the article labels under each heading."""
    root: list[dict[str, Any]] = []
    for unit in units:
        level = root
        for heading in unit.chapter_path:
            node = next((n for n in level if n["heading"] == heading), None)
            if node is None:
                node = {"heading": heading, "children": [], "articles": []}
                level.append(node)
            last, level = node, node["children"]
        if unit.chapter_path and unit.article_label:
            last["articles"].append(unit.article_label)
    return root
