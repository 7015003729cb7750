"""What a Dify retrieval may reach (检索范围): its `knowledge_id` and `metadata_condition` turned
into SearchFilters, or a DifyError in the contract's own form (ui/integrations/dify.py serves the endpoint)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from corpus.model import COLLECTIONS, DOC_TYPES, MESSAGES
from search.query.parse import QueryError, SearchFilters, make_filters, split_values
from ui.integrations.knowledge import SavedFilters

ALL = "all"
# metadata names Dify may filter on -> SearchFilters fields (exact values) or the document date
VALUE_FIELDS = {"type": "types", "效力级别": "types", "validity": "validity", "时效性": "validity",
                "region": "regions", "地区": "regions", "issuer": "issuers", "制定机关": "issuers",
                "发文机关": "issuers", "collection": "collections"}
DATE_FIELDS = ("publish_date", "date", "发布日期")
VALUE_OPERATORS = ("is", "in", "=")
DATE_OPERATORS = ("before", "after", "<", ">", "≤", "≥", "<=", ">=")


class DifyError(Exception):
    """One refusal in the contract's error form."""

    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status, self.code = status, code

    def response(self) -> JSONResponse:
        return JSONResponse(status_code=self.status, content={"error_code": self.code, "error_msg": str(self)})


class Condition(BaseModel):
    # the older contract names a list of fields, the newer one a single field: both accepted
    name: str | list[str]
    comparison_operator: str
    value: str | int | float | list[str] | None = None


class MetadataCondition(BaseModel):
    logical_operator: Literal["and", "or"] = "and"
    conditions: list[Condition] = Field(..., min_length=1)


def knowledge_filters(knowledge_id: str, saved: SavedFilters | None = None) -> SearchFilters:
    """`laws:法律,行政法规` or a saved filter's name -> filters; DifyError 2001 for a name we do
    not have."""
    found = saved.get(knowledge_id.strip()) if saved else None
    if found is not None:
        return found
    collection, _, types = knowledge_id.strip().partition(":")
    names = ", ".join([*COLLECTIONS, ALL, *(saved.names() if saved else [])])
    unknown = DifyError(404, 2001, f"The knowledge does not exist: {knowledge_id!r}. Use one of {names}, "
                        "optionally with 效力级别 as in laws:行政法规")
    if collection != ALL and collection not in COLLECTIONS:
        raise unknown
    if any(t not in DOC_TYPES for t in split_values(types) or []):
        raise unknown
    # citizen messages carry no 时效性; laws and notices default to 现行有效 as everywhere
    return make_filters(None if collection == ALL else collection, types or None,
                        "all" if collection == MESSAGES else "现行有效")


def _day(value: Any, shift: int) -> str:
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        raise DifyError(400, 3001, f"metadata_condition: {value!r} is not a date (YYYY-MM-DD)") from None
    return (day + timedelta(days=shift)).isoformat()


ARGUMENT = {"types": "types", "validity": "validity", "collections": "collection", "regions": "region",
            "issuers": "issuer"}


def apply_conditions(filters: SearchFilters, condition: MetadataCondition | None) -> SearchFilters | None:
    """Narrow `filters` by Dify's metadata conditions we can honour exactly: `is`/`in`/`=` on
    type (效力级别), validity, region, issuer, collection; publication dates with
    before/after/</>/≤/≥. `or` joins values of one field only. Anything else is refused (a
    filter silently ignored would return what the caller excluded). None: nothing can match."""
    if condition is None:
        return filters
    wanted: dict[str, list[set[str]]] = {}
    since, until = [], []
    for cond in condition.conditions:
        names = cond.name if isinstance(cond.name, list) else [cond.name]
        if len(names) != 1:
            raise DifyError(400, 3001, "metadata_condition: one field name per condition")
        name, op = names[0], cond.comparison_operator
        if name in VALUE_FIELDS and op in VALUE_OPERATORS:
            raw = [str(v) for v in cond.value] if isinstance(cond.value, list) else \
                None if cond.value is None else str(cond.value)
            field = VALUE_FIELDS[name]
            try:  # the same validation as the search API (unknown 效力级别, validity …)
                checked = getattr(make_filters(**{ARGUMENT[field]: raw}), field) if split_values(raw) else None
            except QueryError as exc:
                raise DifyError(400, 3001, f"metadata_condition: {exc}") from None
            if field != "validity" and not checked:
                raise DifyError(400, 3001, f"metadata_condition: {name} {op} needs a value")
            wanted.setdefault(field, []).append(set(checked or ["all"]))
        elif name in DATE_FIELDS and op in DATE_OPERATORS:
            if op in ("after", ">", "≥", ">="):
                since.append(_day(cond.value, 1 if op in ("after", ">") else 0))
            else:
                until.append(_day(cond.value, -1 if op in ("before", "<") else 0))
        else:
            raise DifyError(400, 3001, f"metadata_condition: {name!r} {op!r} is not supported; use "
                            f"{'/'.join(VALUE_OPERATORS)} on {', '.join(VALUE_FIELDS)} or "
                            f"{'/'.join(DATE_OPERATORS)} on {', '.join(DATE_FIELDS)}")
    either = condition.logical_operator == "or"
    if either and len(wanted) + bool(since or until) > 1 or either and len(since) + len(until) > 1:
        raise DifyError(400, 3001, "metadata_condition: `or` is supported between values of one field only")
    for field, sets in wanted.items():
        values = set.union(*sets) if either else set.intersection(*sets)
        if "all" in values and field == "validity":
            filters.validity = None  # 时效性 all: every version
            continue
        base = getattr(filters, field)
        if base is not None and field != "validity":  # the knowledge id's own scope still holds
            values &= set(base)
        if not values:
            return None
        setattr(filters, field, sorted(values))
    filters.since = max([d for d in (filters.since, *since) if d], default=None)
    filters.until = min([d for d in (filters.until, *until) if d], default=None)
    return filters
