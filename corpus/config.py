"""One settings object for the whole app (paths now; index and model settings join later).

Environment: FAGUI_DATA_DIR (the shared data), FAGUI_HOME (where fagui keeps its state),
FAGUI_STORE (the document store file), FAGUI_INDEX_DIR (indexes), FAGUI_LLM_BASE_URL /
FAGUI_LLM_MODEL / FAGUI_LLM_API_KEY (an OpenAI-compatible model for the assistant);
FAGUI_DATABASE_URL (postgresql://… puts store and indexes in PostgreSQL),
FAGUI_DATABASE_REPLICA_URLS (comma-separated read replicas); FAGUI_CONFIG_DIR (API keys), FAGUI_READ_REQUIRES_KEY, FAGUI_RATE_LIMIT, FAGUI_MAX_REQUEST_MB,
FAGUI_CORS_ORIGINS, FAGUI_QUERY_LOG_DAYS (security and logging, see the README).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path | None:
    """FAGUI_DATA_DIR, else the first `shared/data` found beside the working dir or the repo."""
    env = os.environ.get("FAGUI_DATA_DIR")
    if env:
        return Path(env)
    for candidate in (Path.cwd() / "../shared/data", PROJECT_ROOT / "../shared/data",
                      Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate.resolve()
    return None


@dataclass
class Settings:
    """Where fagui finds data and keeps its store and indexes."""

    data_dir: Path | None
    home: Path
    store_path: Path
    index_dir: Path
    # An OpenAI-compatible chat endpoint for the assistant; None = extractive answers only.
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    # Security (issue 7): keys live in the config dir; reading may or may not need a key.
    config_dir: Path = Path.home() / ".config" / "fagui"
    read_requires_key: bool = False
    rate_limit: str = "120/minute"        # per key (or client IP) on search and ask; "" = off
    max_request_mb: float = 20.0          # request bodies, uploads included
    cors_origins: tuple[str, ...] = ()
    query_log_days: int = 0               # 0 = no query log; else keep masked queries N days
    # None = the embedded backend (SQLite file + in-memory indexes); postgresql://… = PostgreSQL
    database_url: str | None = None
    replica_urls: tuple[str, ...] = ()    # streaming replicas that take the reads
    reload_seconds: float = 5.0           # how often a server checks for a newer index; 0 = never

    @property
    def backend(self) -> str:
        return "postgres" if self.database_url else "sqlite"

    @classmethod
    def from_env(cls, data_dir: Path | None = None, home: Path | None = None,
                 store_path: Path | None = None, index_dir: Path | None = None,
                 database_url: str | None = None) -> "Settings":
        home = home or Path(os.environ.get("FAGUI_HOME", PROJECT_ROOT / "var"))
        return cls(
            data_dir=data_dir or default_data_dir(),
            home=home,
            store_path=store_path or Path(os.environ.get("FAGUI_STORE", home / "store.sqlite3")),
            index_dir=index_dir or Path(os.environ.get("FAGUI_INDEX_DIR", home / "index")),
            llm_base_url=os.environ.get("FAGUI_LLM_BASE_URL") or None,
            llm_model=os.environ.get("FAGUI_LLM_MODEL") or None,
            llm_api_key=os.environ.get("FAGUI_LLM_API_KEY") or None,
            config_dir=Path(os.environ.get("FAGUI_CONFIG_DIR") or Path.home() / ".config" / "fagui"),
            read_requires_key=os.environ.get("FAGUI_READ_REQUIRES_KEY", "").lower() in ("1", "true", "yes"),
            rate_limit=os.environ.get("FAGUI_RATE_LIMIT", "120/minute"),
            max_request_mb=float(os.environ.get("FAGUI_MAX_REQUEST_MB", "20")),
            cors_origins=tuple(o.strip() for o in os.environ.get("FAGUI_CORS_ORIGINS", "").split(",") if o.strip()),
            query_log_days=int(os.environ.get("FAGUI_QUERY_LOG_DAYS", "0")),
            reload_seconds=float(os.environ.get("FAGUI_RELOAD_SECONDS", "5")),
            database_url=database_url or os.environ.get("FAGUI_DATABASE_URL") or None,
            replica_urls=tuple(u.strip() for u in os.environ.get("FAGUI_DATABASE_REPLICA_URLS", "").split(",")
                               if u.strip()),
        )
