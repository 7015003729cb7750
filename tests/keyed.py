"""A real `fagui serve` that asks for a key to read (FAGUI_READ_REQUIRES_KEY), over the app
index (laws, notices, citizen messages), with a reader and an admin key: the integration tests
(MCP over HTTP, Dify, the Python client and its retrievers) run against it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import fagui_server
from ui.service.keys import KeyStore

LABOR = "22c5555e8f974b99963b8aab36005d0e"  # 中华人民共和国劳动合同法 in the test subset


@dataclass
class KeyedServer:
    base: str
    reader: str
    admin: str
    revoked: str
    env: dict[str, str]


@contextmanager
def keyed_server(index_folder: Path, config_dir: Path, **env: str) -> Iterator[KeyedServer]:
    """`fagui serve` over `index_folder` with keys in `config_dir` (rate limit out of the way)."""
    keys = KeyStore(config_dir)
    reader, admin, revoked = (keys.create(role)[1] for role in ("reader", "admin", "reader"))
    keys.revoke(revoked.split("_")[1])
    extra = {"FAGUI_STORE": str(index_folder / "store.sqlite3"), "FAGUI_INDEX_DIR": str(index_folder / "index"),
             "FAGUI_CONFIG_DIR": str(config_dir), "FAGUI_READ_REQUIRES_KEY": "true",
             "FAGUI_RATE_LIMIT": "10000/minute", **env}
    with fagui_server(None, **extra) as base:
        yield KeyedServer(base, reader, admin, revoked, extra)
