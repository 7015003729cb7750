"""Where the data and the state live (路径与后端), for every layer: FAGUI_DATA_DIR (the shared
data), FAGUI_HOME (where fagui keeps its state), FAGUI_STORE (the document store file),
FAGUI_INDEX_DIR (indexes), FAGUI_DATABASE_URL (postgresql://… puts store and indexes in
PostgreSQL), FAGUI_DATABASE_REPLICA_URLS (comma-separated read replicas).

A variable that is set but blank counts as unset (env_value): `FAGUI_INDEX_DIR=` must never
become Path(""), the working directory. The model for answers is assistant.llm.LLMConfig, the
server's keys and limits ui's ServerSettings.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def env_value(name: str) -> str | None:
    """An environment variable's value, or None when it is unset or blank. One rule for every
    FAGUI_* variable: `FAGUI_INDEX_DIR=` must mean "the default", never Path("") (the working
    directory, where a build would then write its state)."""
    value = os.environ.get(name, "").strip()
    return value or None


def env_path(name: str, default: Path) -> Path:
    """A path from the environment, or `default` when the variable is unset or blank."""
    value = env_value(name)
    return Path(value) if value else default


def default_data_dir() -> Path | None:
    """FAGUI_DATA_DIR, else the first `shared/data` found beside the working dir or the repo."""
    env = env_value("FAGUI_DATA_DIR")
    if env:
        return Path(env)
    for candidate in (Path.cwd() / "../shared/data", PROJECT_ROOT / "../shared/data",
                      Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate.resolve()
    return None


@dataclass
class Settings:
    """Where fagui finds data and keeps its store and indexes (设置): paths and the backend.
    Settings of the server (ui) and of the model for answers (assistant) live with them."""

    data_dir: Path | None
    home: Path
    store_path: Path
    index_dir: Path
    # None = the embedded backend (SQLite file + in-memory indexes); postgresql://… = PostgreSQL
    database_url: str | None = None
    replica_urls: tuple[str, ...] = ()    # streaming replicas that take the reads

    @property
    def backend(self) -> str:
        return "postgres" if self.database_url else "sqlite"

    @classmethod
    def from_env(cls, data_dir: Path | None = None, home: Path | None = None,
                 store_path: Path | None = None, index_dir: Path | None = None,
                 database_url: str | None = None) -> "Settings":
        home = home or env_path("FAGUI_HOME", PROJECT_ROOT / "var")
        return cls(
            data_dir=data_dir or default_data_dir(),
            home=home,
            store_path=store_path or env_path("FAGUI_STORE", home / "store.sqlite3"),
            index_dir=index_dir or env_path("FAGUI_INDEX_DIR", home / "index"),
            database_url=database_url or env_value("FAGUI_DATABASE_URL"),
            replica_urls=tuple(u.strip() for u in (env_value("FAGUI_DATABASE_REPLICA_URLS") or "").split(",")
                               if u.strip()),
        )
