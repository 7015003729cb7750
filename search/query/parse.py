"""Query understanding (查询解析): filters written in the query, sanitising, colloquial -> legal
wording. Anything a user can type is accepted: odd input becomes a plain search or a clear
QueryError, never a crash.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from corpus.dates import clamp_iso, normalize_date
from corpus.model import COLLECTIONS, CURRENT, DOC_TYPES, VALIDITIES

MAX_QUERY_CHARS = 1000  # a pasted page is cut here: the head carries the question
_FILTER = re.compile(r"(?<!\S)(type|效力级别|validity|时效性|region|地区|issuer|制定机关|发文机关|"
                     r"collection|since|until|year|as_of|时点|law|法规)[:：](\S+)", re.IGNORECASE)
_KEYS = {"效力级别": "type", "时效性": "validity", "地区": "region", "制定机关": "issuer",
         "发文机关": "issuer", "时点": "as_of", "法规": "law"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class QueryError(ValueError):
    """The request cannot be searched as given (empty query, unknown filter value)."""


@dataclass
class SearchFilters:
    """Filters of a search; None means 'any'. `validity` defaults to 现行有效 (citizens)."""

    collections: list[str] | None = None
    types: list[str] | None = None
    validity: list[str] | None = field(default_factory=lambda: [CURRENT])
    regions: list[str] | None = None
    issuers: list[str] | None = None
    since: str | None = None
    until: str | None = None
    as_of: str | None = None    # 时点: each law's version in force on this date
    laws: list[str] | None = None  # 法内检索: only these laws (titles or short names, resolved by the searcher)
    # set by the searcher from `as_of`: documents not in the wanted state on that date
    exclude_docs: tuple[str, ...] | None = None
    # set by the searcher from `laws` (or a law named in the query): the documents searched
    include_docs: tuple[str, ...] | None = None

    def merged(self, other: "SearchFilters") -> "SearchFilters":
        """Fields set in `other` (from the query text) override these."""
        updates = {k: v for k, v in vars(other).items()
                   if v is not None and v != SearchFilters().__dict__.get(k)}
        return replace(self, **updates)

    def cache_key(self) -> tuple:
        """These filters as a hashable key, for caches of filtered results and unit masks."""
        return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(vars(self).items()))


def split_values(value: str | list[str] | None) -> list[str] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    out = [v.strip() for item in items for v in re.split(r"[,，、|]", item) if v.strip()]
    return out or None


def make_filters(collection=None, types=None, validity: str | None = CURRENT, region=None,
                 issuer=None, since: str | None = None, until: str | None = None,
                 as_of: str | None = None, law=None) -> SearchFilters:
    """Validated filters from API/CLI values (comma-separated strings or lists)."""
    collections = split_values(collection)
    for c in collections or []:
        if c not in COLLECTIONS:
            raise QueryError(f"unknown collection {c!r}: use {', '.join(COLLECTIONS)}")
    type_list = split_values(types)
    for t in type_list or []:
        if t not in DOC_TYPES:
            raise QueryError(f"unknown 效力级别 {t!r}: use {', '.join(DOC_TYPES)}")
    validities = split_values(validity)
    if validities and "all" in validities:
        validities = ["all"]  # all versions, whatever else is listed
    if validities and validities != ["all"]:
        for v in validities:
            if v not in VALIDITIES:
                raise QueryError(f"unknown validity {v!r}: use {', '.join(VALIDITIES)} or all")
    dates = {}
    for name, value in (("since", since), ("until", until), ("as_of", as_of)):
        if value:
            dates[name] = clamp_iso(value) or normalize_date(value)
            if dates[name] is None:
                raise QueryError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)")
    return SearchFilters(collections, type_list, None if validities == ["all"] else validities,
                         split_values(region), split_values(issuer), dates.get("since"), dates.get("until"),
                         dates.get("as_of"), split_values(law))


@dataclass
class ParsedQuery:
    """The text to search and the filters the user wrote into it."""

    text: str
    filters: SearchFilters
    truncated: bool = False


def parse_query(raw: str | None) -> ParsedQuery:
    """Sanitise and pull `type:行政法规`-style filters out of the query text."""
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", raw or "")).strip()
    if not text:
        raise QueryError("empty query: type a question, keywords or a citation")
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    values: dict[str, str] = {}
    for key, value in _FILTER.findall(text):
        values[_KEYS.get(key, key.lower())] = value
    text = " ".join(_FILTER.sub(" ", text).split())
    if not text and not values:
        raise QueryError("empty query: type a question, keywords or a citation")
    year = values.pop("year", None)
    if year and re.fullmatch(r"\d{4}", year):
        values.setdefault("since", f"{year}-01-01")
        values.setdefault("until", f"{year}-12-31")
    filters = make_filters(values.get("collection"), values.get("type"),
                           values.get("validity"), values.get("region"), values.get("issuer"),
                           values.get("since"), values.get("until"), values.get("as_of"),
                           values.get("law")) if values else SearchFilters()
    if "validity" not in values:
        filters.validity = SearchFilters().validity
    return ParsedQuery(text or "", filters, truncated)
