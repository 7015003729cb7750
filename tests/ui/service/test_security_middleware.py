"""The HTTP guard on a tiny app: roles, read keys, rate limits, body limits, headers."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from ui.service.keys import KeyStore
from ui.service.security import SecurityMiddleware, TokenBucketLimiter


def make_client(tmp_path, **options):
    app = FastAPI()
    ran = []

    @app.post("/api/v1/admin/reload")
    def reload():
        ran.append("reload")
        return {"ok": True}

    @app.get("/api/v1/search")
    def search(request: Request):
        key = request.scope["state"]["api_key"]
        return {"key": key.key_id if key else None}

    @app.post("/api/v1/search")
    async def post(request: Request):
        return {"bytes": len(await request.body())}

    keys = KeyStore(tmp_path)
    client = TestClient(SecurityMiddleware(app, keys, **options))
    return client, keys, ran


def test_admin_needs_an_admin_key(tmp_path):
    client, keys, ran = make_client(tmp_path)
    _, reader = keys.create("reader")
    _, admin = keys.create("admin")
    assert client.post("/api/v1/admin/reload").status_code == 401
    assert client.post("/api/v1/admin/reload", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    forbidden = client.post("/api/v1/admin/reload", headers={"Authorization": f"Bearer {reader}"})
    assert forbidden.status_code == 403 and "reader" in forbidden.json()["detail"]
    assert ran == []  # refused requests did nothing
    assert client.post("/api/v1/admin/reload", headers={"Authorization": f"Bearer {admin}"}).status_code == 200
    assert ran == ["reload"]


def test_reading_needs_a_key_only_when_configured(tmp_path):
    open_client, keys, _ = make_client(tmp_path)
    assert open_client.get("/api/v1/search").json() == {"key": None}
    closed, keys, _ = make_client(tmp_path, read_requires_key=True)
    assert closed.get("/api/v1/search").status_code == 401
    key, secret = keys.create("reader")
    assert closed.get("/api/v1/search", headers={"Authorization": f"Bearer {secret}"}).json() == {"key": key.key_id}


def test_rate_limit_answers_429_with_retry_after(tmp_path):
    client, keys, _ = make_client(tmp_path, rate_limit="3/minute")
    codes = [client.get("/api/v1/search").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = client.get("/api/v1/search")
    assert int(limited.headers["retry-after"]) >= 1
    _, secret = keys.create("reader")  # another client (a key) has its own bucket
    assert client.get("/api/v1/search", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_body_limit_and_security_headers(tmp_path):
    client, _, _ = make_client(tmp_path, max_bytes=1000)
    assert client.post("/api/v1/search", content=b"x" * 999).json() == {"bytes": 999}
    too_big = client.post("/api/v1/search", content=b"x" * 1001)
    assert too_big.status_code == 413
    streamed = client.post("/api/v1/search", content=iter([b"x" * 600, b"x" * 600]))  # no Content-Length
    assert streamed.status_code == 413
    response = client.get("/api/v1/search")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN" and response.headers["cache-control"] == "no-store"


def test_token_bucket_refills():
    limiter = TokenBucketLimiter("2/second")
    assert limiter.check("a") is None and limiter.check("a") is None
    assert 0 < limiter.check("a") <= 0.5
    import time
    time.sleep(0.6)
    assert limiter.check("a") is None


def test_browser_events_are_limited_and_gradio_uploads_closed(tmp_path):
    app = FastAPI()

    @app.post("/gradio_api/queue/join")
    def join():
        return {"ok": True}

    @app.post("/gradio_api/upload")
    def upload():
        return {"stored": True}

    client = TestClient(SecurityMiddleware(app, KeyStore(tmp_path), rate_limit="2/minute"))
    assert [client.post("/gradio_api/queue/join").status_code for _ in range(3)] == [200, 200, 429]
    assert client.post("/gradio_api/upload").status_code == 404
