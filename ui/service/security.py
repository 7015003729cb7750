"""The HTTP guard in front of everything (安全中间件): API keys and roles, rate limits,
request-size limits and security headers. Pure ASGI, so streamed answers pass through.

- /api/v1/admin/*: an admin key, else 401 (no or bad key) / 403 (reader key); nothing runs.
- reading (search, facets, articles, documents, ask, MCP at /mcp): a key only when `read_requires_key`.
- search, facets, ask, Dify retrieval, MCP and the browser app's events: a token bucket per key id (or client IP)
  -> 429 with Retry-After; Gradio's upload route is closed (the app takes no files).
- bodies over `max_bytes` -> 413, whether announced by Content-Length or streamed.
"""
from __future__ import annotations

import json
import math
import threading
import time

from ui.service.keys import KeyStore

# /mcp: the MCP tools read the same things (search, articles, documents, ask). /api/v1/dify checks
# its key itself: Dify's contract has its own error form (ui/integrations/dify.py).
MCP_PREFIX = "/mcp"
READ_PREFIXES = ("/api/v1/search", "/api/v1/facets", "/api/v1/articles", "/api/v1/documents", "/api/v1/ask", "/mcp")
LIMITED_PREFIXES = ("/api/v1/search", "/api/v1/facets", "/api/v1/ask", "/api/v1/dify", "/mcp")
# The browser app's events (each search or question is one POST) share the same buckets.
GRADIO_EVENTS = ("/gradio_api/queue/join", "/gradio_api/run/", "/gradio_api/call/")
# The app has no file inputs: Gradio's generic upload route is closed.
BLOCKED_PREFIXES = ("/gradio_api/upload",)
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"SAMEORIGIN"),
           (b"referrer-policy", b"no-referrer"), (b"cross-origin-opener-policy", b"same-origin")]


class TokenBucketLimiter:
    """`spec` like "120/minute": that many requests per period, bursts up to the same number."""

    PERIODS = {"second": 1, "minute": 60, "hour": 3600}

    def __init__(self, spec: str):
        count, _, period = spec.partition("/")
        if period not in self.PERIODS or not count.isdigit() or int(count) <= 0:
            raise ValueError(f"rate limit {spec!r}: write it like 120/minute")
        self.capacity = float(count)
        self.rate = self.capacity / self.PERIODS[period]
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> float | None:
        """None if allowed (a token is taken), else the seconds until one is free."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return None
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate


def _error_body(path: str, status: int, detail: str) -> dict:
    """The refusal in the caller's protocol: MCP clients read a JSON-RPC error (the SDK shows its
    message), everything else the REST API's {"detail"}."""
    if path.startswith(MCP_PREFIX):
        return {"jsonrpc": "2.0", "id": None, "error": {"code": -32000 - status % 100 if status < 500 else -32000,
                                                         "message": detail, "data": {"http_status": status}}}
    return {"detail": detail}


async def _reply(send, status: int, detail: str, extra: list[tuple[bytes, bytes]] = (), path: str = "") -> None:
    body = json.dumps(_error_body(path, status, detail), ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *HEADERS, *extra]})
    await send({"type": "http.response.body", "body": body})


class SecurityMiddleware:
    """Wraps the whole app; `scope["state"]["api_key"]` carries the verified key (or None)."""

    def __init__(self, app, keys: KeyStore, read_requires_key: bool = False, rate_limit: str = "",
                 max_bytes: int = 20 * 1024 * 1024):
        self.app, self.keys, self.read_requires_key = app, keys, read_requires_key
        self.limiter = TokenBucketLimiter(rate_limit) if rate_limit else None
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self.max_bytes:
            return await _reply(send, 413, f"request body over {self.max_bytes:,} bytes", path=path)
        auth = headers.get(b"authorization", b"").decode("latin-1")
        secret = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        key = self.keys.verify(secret) if secret else None
        if path.startswith("/api/v1/admin"):
            if key is None:
                return await _reply(send, 401, "an admin key is needed: Authorization: Bearer <key>",
                                    [(b"www-authenticate", b"Bearer")], path)
            if key.role != "admin":
                return await _reply(send, 403, f"key {key.key_id} has role {key.role}, not admin", path=path)
        elif self.read_requires_key and path.startswith(READ_PREFIXES) and key is None:
            return await _reply(send, 401, "a reader key is needed: Authorization: Bearer <key>",
                                [(b"www-authenticate", b"Bearer")], path)
        if path.startswith(BLOCKED_PREFIXES):
            return await _reply(send, 404, "not found", path=path)
        limited = path.startswith(LIMITED_PREFIXES) or (scope["method"] == "POST" and path.startswith(GRADIO_EVENTS))
        if self.limiter and limited:
            client = f"key:{key.key_id}" if key else f"ip:{(scope.get('client') or ('?',))[0]}"
            wait = self.limiter.check(client)
            if wait is not None:
                return await _reply(send, 429, "too many requests: slow down",
                                    [(b"retry-after", str(math.ceil(wait)).encode())], path)
        scope.setdefault("state", {})["api_key"] = key
        if b"content-length" not in headers and scope["method"] in ("POST", "PUT", "PATCH"):
            # A streamed body (no Content-Length): read it here, up to the limit, then replay it.
            body = await _read_body(receive, self.max_bytes)
            if body is None:
                return await _reply(send, 413, f"request body over {self.max_bytes:,} bytes", path=path)
            receive = _replay(body, receive)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) + HEADERS
                               + ([(b"cache-control", b"no-store")] if path.startswith("/api/") else []))
            await send(message)

        await self.app(scope, receive, with_headers)


async def _read_body(receive, limit: int) -> bytes | None:
    """The whole request body, or None once it passes `limit` bytes."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes, receive):
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replayed
