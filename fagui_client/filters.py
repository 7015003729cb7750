"""The search options the retrievers pass through to `FaguiClient.search` (one place, typed)."""
from __future__ import annotations

from typing import Any, TypedDict


class SearchOptions(TypedDict, total=False):
    """检索条件: collection (laws | notices | messages), type (效力级别), validity (现行有效 … | all),
    region, issuer, since / until (YYYY-MM-DD), as_of (时点), mode, deep."""

    collection: str | list[str]
    type: str | list[str]
    validity: str
    region: str | list[str]
    issuer: str | list[str]
    since: str
    until: str
    as_of: str
    mode: str
    deep: bool


def options(values: dict[str, Any] | None) -> dict[str, Any]:
    """Only the keys `FaguiClient.search` knows; a typo fails loudly, not silently."""
    values = dict(values or {})
    unknown = set(values) - set(SearchOptions.__annotations__)
    if unknown:
        raise ValueError(f"unknown search options {sorted(unknown)}: use {sorted(SearchOptions.__annotations__)}")
    return values
