"""REST routes of the analytics (决策支持), added to the /api/v1 application."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

from analytics.service import MessageAnalytics
from search.api import ErrorBody


class RouteRequest(BaseModel):
    text: str = Field(..., min_length=1, max_length=20_000, pattern=r"\S", description="留言主题与内容")


class RouteClass(BaseModel):
    label: str
    probability: float


class RouteResponse(BaseModel):
    label: str | None = Field(..., description="一级分类 (the most likely class); null when no router exists")
    classes: list[RouteClass] = Field(..., description="every class, most likely first")
    abstain: bool = Field(..., description="true: below the confidence threshold, route to 人工分办")
    notice: str | None = Field(None, description="why nothing could be routed (no labelled messages)")


def add_analytics_routes(api: FastAPI, analytics: MessageAnalytics) -> None:
    """POST /analytics/route on `api`."""

    @api.post("/analytics/route", summary="留言分办 (route a message to its 一级分类)",
              response_model=RouteResponse, responses={400: {"model": ErrorBody}})
    def route(req: RouteRequest) -> dict[str, Any]:
        try:
            return analytics.route(req.text)
        except LookupError as exc:  # no router can exist: every message goes to a person
            return {"label": None, "classes": [], "abstain": True, "notice": str(exc)}
