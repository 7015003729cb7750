"""API keys with roles (接口密钥): `reader` (search, ask) and `admin` (everything, including
ingest, delete, reload and key management). Only SHA-256 hashes are stored — the keys are
256-bit random tokens, so a fast hash is enough — and compared in constant time. The file is
re-read when it changes, so `fagui keys create/revoke` takes effect in a running server."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

ROLES = ("reader", "admin")
KEYS_FILE = "keys.json"
_DUMMY = hashlib.sha256(b"no such key").hexdigest()


class KeyError_(ValueError):
    """A key operation that cannot be done (unknown role or key id)."""


@dataclass
class ApiKey:
    key_id: str
    role: str
    created: str
    hash: str
    note: str = ""
    revoked: str | None = None

    def public(self) -> dict:
        """What may be shown: never the hash."""
        return {k: v for k, v in asdict(self).items() if k != "hash"}


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class KeyStore:
    """keys.json in the config directory (mode 0600), written atomically."""

    def __init__(self, config_dir: str | Path):
        self.path = Path(config_dir) / KEYS_FILE
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._keys: dict[str, ApiKey] = {}

    def _load(self) -> dict[str, ApiKey]:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            self._keys, self._mtime = {}, None
            return self._keys
        if mtime != self._mtime:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._keys = {k["key_id"]: ApiKey(**k) for k in data.get("keys", [])}
            self._mtime = mtime
        return self._keys

    def _save(self, keys: dict[str, ApiKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"keys": [asdict(k) for k in keys.values()]}, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self.path)
        self._mtime = None  # re-read on next use

    def create(self, role: str, note: str = "") -> tuple[ApiKey, str]:
        """A new key; the secret is returned once and never stored."""
        if role not in ROLES:
            raise KeyError_(f"unknown role {role!r}: use {' or '.join(ROLES)}")
        with self._lock:
            keys = dict(self._load())
            key_id = secrets.token_hex(4)
            while key_id in keys:
                key_id = secrets.token_hex(4)
            secret = f"fg_{key_id}_{secrets.token_urlsafe(32)}"
            key = ApiKey(key_id, role, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                         _digest(secret), note)
            keys[key_id] = key
            self._save(keys)
        return key, secret

    def list(self) -> list[ApiKey]:
        with self._lock:
            return list(self._load().values())

    def revoke(self, key_id: str) -> ApiKey:
        with self._lock:
            keys = dict(self._load())
            if key_id not in keys:
                raise KeyError_(f"no key with id {key_id!r}")
            keys[key_id].revoked = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self._save(keys)
            return keys[key_id]

    def verify(self, secret: str | None) -> ApiKey | None:
        """The live key for `secret`, else None; the same work is done either way."""
        secret = secret or ""
        parts = secret.split("_", 2)
        key_id = parts[1] if len(parts) == 3 and parts[0] == "fg" else ""
        with self._lock:
            key = self._load().get(key_id)
        expected = key.hash if key else _DUMMY
        ok = hmac.compare_digest(_digest(secret), expected)
        return key if ok and key is not None and key.revoked is None else None
