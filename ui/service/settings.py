"""Settings of the HTTP server (服务设置): API keys, rate and body limits, CORS, the query log
and index reloading, read from the environment (FAGUI_CONFIG_DIR, FAGUI_READ_REQUIRES_KEY,
FAGUI_RATE_LIMIT, FAGUI_MAX_REQUEST_MB, FAGUI_CORS_ORIGINS, FAGUI_QUERY_LOG_DAYS,
FAGUI_RELOAD_SECONDS). Paths of the store and indexes are corpus.config.Settings."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from corpus.config import env_path, env_value


def _number(name: str, default: float) -> float:
    value = env_value(name)
    try:
        return float(value) if value is not None else default
    except ValueError:
        raise ValueError(f"{name}={value!r}: expected a number") from None


@dataclass
class ServerSettings:
    """What `fagui serve` and the security middleware are told by the environment."""

    config_dir: Path = Path.home() / ".config" / "fagui"   # API keys, saved filters
    read_requires_key: bool = False
    rate_limit: str = "120/minute"        # per key (or client IP) on search and ask; "" = off
    max_request_mb: float = 20.0          # request bodies, uploads included
    cors_origins: tuple[str, ...] = ()
    query_log_days: int = 0               # 0 = no query log; else keep masked queries N days
    reload_seconds: float = 5.0           # how often a server checks for a newer index; 0 = never

    @property
    def max_request_bytes(self) -> int:
        return int(self.max_request_mb * 1024 * 1024)

    @classmethod
    def from_env(cls) -> "ServerSettings":
        return cls(
            config_dir=env_path("FAGUI_CONFIG_DIR", Path.home() / ".config" / "fagui"),
            read_requires_key=(env_value("FAGUI_READ_REQUIRES_KEY") or "").lower() in ("1", "true", "yes"),
            # set but empty is documented as "off", so only an unset variable takes the default
            rate_limit=os.environ.get("FAGUI_RATE_LIMIT", "120/minute").strip(),
            max_request_mb=_number("FAGUI_MAX_REQUEST_MB", 20.0),
            cors_origins=tuple(o.strip() for o in (env_value("FAGUI_CORS_ORIGINS") or "").split(",") if o.strip()),
            query_log_days=int(_number("FAGUI_QUERY_LOG_DAYS", 0)),
            reload_seconds=_number("FAGUI_RELOAD_SECONDS", 5.0),
        )
