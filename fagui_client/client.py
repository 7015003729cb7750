"""The Python client of fagui's REST API (客户端): typed results, timeouts, retries on 429/503
honouring Retry-After, and one exception class per kind of failure. It speaks HTTP only and
imports none of fagui's own packages, so any program (and the LangChain / LlamaIndex
retrievers beside it) can use it against a server anywhere."""
from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from typing import Any

import httpx

RETRY_STATUSES = (429, 503)
MAX_RETRY_WAIT = 30.0  # a server asking for longer is reported, not waited for


class FaguiError(Exception):
    """Any failure talking to fagui; `status` is the HTTP status (None: no response)."""

    def __init__(self, message: str, status: int | None = None, detail: Any = None):
        super().__init__(message)
        self.status, self.detail = status, detail


class FaguiAuthError(FaguiError):
    """401/403: no key, a bad or revoked key, or a key whose role may not do this."""


class FaguiNotFound(FaguiError):
    """404: no such article or document (or none in force on the asked day)."""


class FaguiInvalidRequest(FaguiError):
    """400/413/422: the request itself is wrong (empty query, k out of range, bad filter)."""


class FaguiRateLimited(FaguiError):
    """429 still after the retries: slow down (`retry_after` seconds, when the server said)."""

    def __init__(self, message: str, status: int | None = None, detail: Any = None,
                 retry_after: float | None = None):
        super().__init__(message, status, detail)
        self.retry_after = retry_after


class FaguiUnavailable(FaguiError):
    """The server did not answer, timed out, or answered 5xx (after the retries)."""


@dataclass
class Hit:
    """One search result: an article (条) or a notice/message chunk, with its citation."""

    article_id: str
    doc_id: str
    law_title: str
    article_label: str | None
    citation: str
    score: float
    type: str | None = None
    validity: str | None = None
    snippet: str = ""
    text: str | None = None
    collection: str | None = None
    chapter_path: list[str] = field(default_factory=list)
    issuer: str | None = None
    region: str | None = None
    doc_number: str | None = None
    publish_date: str | None = None
    effective_date: str | None = None
    validity_today: str | None = None
    subtitle: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    # 条文引用: what this article cites and what cites it (the first few; cited_by_count all)
    references: list[dict[str, Any]] = field(default_factory=list)
    cited_by: list[dict[str, Any]] = field(default_factory=list)
    cited_by_count: int = 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Hit":
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values.setdefault("citation", f"《{data.get('law_title', '')}》{data.get('article_label') or ''}")
        values["citation"] = values["citation"] or f"《{data.get('law_title', '')}》"
        return cls(**values)

    def metadata(self) -> dict[str, Any]:
        """Everything but the text, without empty values: what a retriever attaches."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name != "text" and getattr(self, f.name) not in (None, "", [], {})}


@dataclass
class SearchResults:
    """One search's answer: the hits, their citations, facet counts and how it was answered."""

    query: str
    hits: list[Hit]
    citations: list[str] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    took_ms: float = 0.0
    notice: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)  # as the server understood them
    mode: str = "hybrid"  # what answered: "keyword" while the server's vectors are being built
    named_laws: list[str] = field(default_factory=list)  # laws the query named: their articles first


def _message(response: httpx.Response) -> tuple[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase, None
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("error_msg") or body), body
    return str(body)[:300], body


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class FaguiClient:
    """`FaguiClient("http://127.0.0.1:8000", api_key=...)`; every call returns plain typed data
    or raises a `FaguiError` subclass. Use it as a context manager (or call `close`)."""

    def __init__(self, base_url: str = "http://127.0.0.1:8000", api_key: str | None = None,
                 timeout: float = 30.0, retries: int = 3, http: httpx.Client | None = None):
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = http or httpx.Client(timeout=timeout)
        self.http.headers.update(headers)

    @classmethod
    def for_app(cls, app, api_key: str | None = None, retries: int = 3) -> "FaguiClient":
        """In-process: calls go straight to an ASGI app (e.g. `ui.service.server.create_app(searcher)`)
        through Starlette's test transport, with no socket."""
        from starlette.testclient import TestClient

        return cls("http://fagui.local", api_key, retries=retries,
                   http=TestClient(app, base_url="http://fagui.local"))

    def __enter__(self) -> "FaguiClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs) -> Any:
        """One API call under /api/v1 with retries; the decoded JSON body."""
        url = f"{self.base_url}/api/v1{path}"
        for attempt in range(self.retries + 1):
            try:
                response = self.http.request(method, url, **kwargs)
            except (httpx.ReadTimeout, httpx.WriteTimeout) as exc:
                # the server has the request and is slow: asking again would only add load
                raise FaguiUnavailable(f"fagui did not answer in time: {exc!r}") from None
            except httpx.TransportError as exc:  # not reached (down, restarting): try again shortly
                if attempt < self.retries:
                    time.sleep(min(2 ** attempt * 0.2, 2.0))
                    continue
                raise FaguiUnavailable(f"cannot reach fagui at {self.base_url}: {exc}") from None
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                wait = _retry_after(response)
                wait = min(2 ** attempt * 0.5, 4.0) if wait is None else wait
                if wait <= MAX_RETRY_WAIT:
                    time.sleep(wait)
                    continue
            return self._decode(response)
        raise AssertionError("unreachable")

    def _decode(self, response: httpx.Response) -> Any:
        status = response.status_code
        if status < 400:
            return response.json()
        message, body = _message(response)
        text = f"HTTP {status}: {message}"
        if status in (401, 403):
            raise FaguiAuthError(text, status, body)
        if status == 404:
            raise FaguiNotFound(text, status, body)
        if status == 429:
            raise FaguiRateLimited(text, status, body, _retry_after(response))
        if status in (400, 413, 422):
            raise FaguiInvalidRequest(text, status, body)
        raise FaguiUnavailable(text, status, body)

    def search(self, query: str, k: int = 10, *, collection: str | list[str] | None = None,
               type: str | list[str] | None = None, validity: str = "现行有效",
               region: str | list[str] | None = None, issuer: str | list[str] | None = None,
               since: str | None = None, until: str | None = None, as_of: str | None = None,
               law: str | list[str] | None = None, mode: str = "hybrid", deep: bool = False) -> SearchResults:
        """检索: ranked articles with their citations. `type` is 效力级别 (法律, 行政法规, …),
        `validity` 现行有效 (default) | 已修改 | 已废止 | 尚未生效 | all, `as_of` a day (时点),
        `law` only these laws (法内检索: titles or short names)."""
        filters = {"collection": collection, "type": type, "validity": validity, "region": region,
                   "issuer": issuer, "since": since, "until": until, "as_of": as_of, "law": law}
        body = {"query": query, "k": k, "mode": mode, "deep": deep,
                "filters": {key: value for key, value in filters.items() if value is not None}}
        data = self.request("POST", "/search", json=body)
        return SearchResults(data["query"], [Hit.from_json(r) for r in data["results"]],
                             data.get("citations", []), data.get("facets", {}), data.get("took_ms", 0.0),
                             data.get("notice"), data.get("filters", {}), data.get("mode", "hybrid"),
                             data.get("named_laws", []))

    def article(self, article_id: str, as_of: str | None = None) -> dict[str, Any]:
        """条文: one article by id (its text, law title, validity and citation)."""
        return self.request("GET", f"/articles/{article_id}", params={"as_of": as_of} if as_of else None)

    def document(self, doc_id: str, as_of: str | None = None) -> dict[str, Any]:
        """全文: a whole document with its chapter tree and versions."""
        return self.request("GET", f"/documents/{doc_id}", params={"as_of": as_of} if as_of else None)

    def ask(self, question: str, as_of: str | None = None) -> dict[str, Any]:
        """智能问答: the grounded answer with its verified citations."""
        return self.request("POST", "/ask", json={"question": question, **({"as_of": as_of} if as_of else {})})

    def health(self) -> dict[str, Any]:
        return self.request("GET", "/health")
