"""Admin endpoints (管理接口) under /api/v1/admin — reached only with an admin key (see
ui.service.security): upload + ingest documents, delete a document, reload the index from disk, manage
keys, read the audit log. Every action, refused or done, is written to the audit log."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, File, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field

from assistant.assistant import Assistant
from corpus.errors import IngestError
from corpus.ingest import ingest
from corpus.sources.resolve import Source
from indexer.backends import make_index_builder
from corpus.sources.uploads import MAX_UPLOAD_BYTES, check_upload, parse_with_timeout
from indexer.embedded.manifest import IndexError_
from search.searcher import Searcher
from ui.service.audit import AuditLog
from ui.service.keys import KeyError_, KeyStore


class KeyRequest(BaseModel):
    role: str = Field(..., pattern="^(reader|admin)$")
    note: str = Field("", max_length=200)


def add_admin_routes(api: FastAPI, searcher: Searcher, assistant: Assistant, keys: KeyStore,
                     audit: AuditLog, uploads_dir: Path, max_upload: int = MAX_UPLOAD_BYTES) -> None:
    lock = api.state.search_lock

    def who(request: Request) -> str | None:
        key = request.scope.get("state", {}).get("api_key")
        return key.key_id if key else None

    def reload() -> dict[str, Any]:
        out = searcher.reload(lock)
        assistant.refresh()
        return out

    @contextmanager
    def builder():
        """A writable store and an index builder reusing the loaded embedder."""
        store = searcher.writable_store()
        try:
            yield make_index_builder(store, searcher.index_dir, searcher.embedder)
        finally:
            store.close()

    @api.post("/admin/documents", summary="上传并导入文档 (upload + ingest + index; admin)")
    def upload(request: Request, files: list[UploadFile] = File(...)) -> dict[str, Any]:
        names, docs = [], []
        with tempfile.TemporaryDirectory() as tmp:
            try:
                for upload_file in files:
                    data = upload_file.file.read(max_upload + 1)
                    name = check_upload(upload_file.filename, data, max_upload)
                    path = Path(tmp) / name
                    path.write_bytes(data)
                    docs.append((parse_with_timeout(path), path))
                    names.append(name)
            except IngestError as exc:
                audit.record(who(request), "upload", exc.path, "refused", reason=exc.message)
                raise HTTPException(422, str(exc)) from None
            uploads_dir.mkdir(parents=True, exist_ok=True)
            sources = []
            for doc, path in docs:
                kept = uploads_dir / f"{doc.id}{path.suffix.lower()}"
                shutil.copyfile(path, kept)
                sources.append(Source(f"upload:{doc.id}", "files", kept, [doc]))
        store = searcher.writable_store()
        try:
            report = ingest(store, sources)
        except IngestError as exc:
            audit.record(who(request), "upload", ",".join(names), "failed", reason=str(exc))
            raise HTTPException(422, str(exc)) from None
        finally:
            store.close()
        ids = [doc.id for doc, _ in docs]
        with builder() as index_builder:
            indexed = index_builder.update(ids)
        live = reload()
        audit.record(who(request), "upload", ",".join(names), "ok", doc_ids=ids,
                     units=indexed.get("units_added"))
        return {"documents": [{"id": d.id, "title": d.title, "units": len(d.units)} for d, _ in docs],
                "ingest": report.sources, "index": indexed, "live": live}

    @api.delete("/admin/documents/{doc_id}", summary="删除文档 (store + indexes; admin)")
    def delete(doc_id: str, request: Request) -> dict[str, Any]:
        try:
            with builder() as index_builder:
                result = index_builder.delete([doc_id])
        except IndexError_ as exc:
            audit.record(who(request), "delete", doc_id, "refused", reason=str(exc))
            raise HTTPException(404, str(exc)) from None
        live = reload()
        audit.record(who(request), "delete", doc_id, "ok")
        return {"deleted": doc_id, "index": result, "live": live}

    @api.post("/admin/reload", summary="重新加载索引 (pick up an index updated on disk; admin)")
    def reload_route(request: Request) -> dict[str, Any]:
        live = reload()
        audit.record(who(request), "reload", live["generation"], "ok")
        return live

    @api.get("/admin/keys", summary="列出密钥 (ids and roles, never the keys)")
    def list_keys() -> list[dict[str, Any]]:
        return [k.public() for k in keys.list()]

    @api.post("/admin/keys", summary="新建密钥 (the key is shown once)")
    def create_key(req: KeyRequest, request: Request) -> dict[str, Any]:
        key, secret = keys.create(req.role, req.note)
        audit.record(who(request), "key.create", key.key_id, "ok", role=key.role)
        return key.public() | {"key": secret}

    @api.delete("/admin/keys/{key_id}", summary="吊销密钥")
    def revoke_key(key_id: str, request: Request) -> dict[str, Any]:
        try:
            key = keys.revoke(key_id)
        except KeyError_ as exc:
            audit.record(who(request), "key.revoke", key_id, "refused", reason=str(exc))
            raise HTTPException(404, str(exc)) from None
        audit.record(who(request), "key.revoke", key_id, "ok")
        return key.public()

    @api.get("/admin/audit", summary="审计日志 (last entries)")
    def audit_tail(limit: int = 100) -> list[dict[str, Any]]:
        return audit.tail(max(1, min(limit, 1000)))
