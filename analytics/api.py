"""REST routes of the analytics (决策支持), added to the /api/v1 application."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field

from analytics.service import MessageAnalytics
from search.api import ErrorBody

DATE = r"^(19|20)\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"  # the form; 2019-02-30 is checked after


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


class HotIssueOut(BaseModel):
    id: str = Field(..., description="stable id: the group's first 留言编号")
    name: str = Field(..., description="地点/人群 + 问题")
    first: str | None
    last: str | None
    count: int
    users: int = Field(..., description="distinct users (counted, never shown)")
    votes: int = Field(..., description="点赞 + 反对")
    hotness: float
    titles: list[str] = Field(..., description="two representative titles")
    message_ids: list[str] = Field(..., description="留言编号 of every message in the issue")


class HotResponse(BaseModel):
    issues: list[HotIssueOut]
    notice: str | None = None


class LawOut(BaseModel):
    article_id: str
    doc_id: str
    citation: str | None
    law_title: str
    article_label: str | None
    validity: str | None
    snippet: str


class IssueMessage(BaseModel):
    message_id: str
    title: str
    text: str
    asked: str | None
    district: str | None
    replied: bool


class IssueDetail(HotIssueOut):
    messages: list[IssueMessage]
    laws: list[LawOut] = Field(..., description="现行有效 articles fagui's search finds for the issue")


class MessageDetail(BaseModel):
    message_id: str
    title: str
    text: str
    asked: str | None
    district: str | None
    category: str | None
    reply: str | None
    answered: str | None
    laws: list[LawOut]


class ReplyOut(BaseModel):
    message_id: str
    title: str
    asked: str | None
    answered: str | None
    delay_days: int | None = Field(..., description="working days from message to reply (holidays, 调休 respected)")
    relevance: float
    completeness: float
    interpretability: float
    flags: list[Literal["late", "incomplete", "unexplained", "irrelevant"]]
    missing: list[str] = Field(..., description="formal parts the reply lacks")
    unexplained_parts: list[str] = Field(..., description="explanation parts the reply lacks")
    reply: str = Field(..., description="the reply's first 300 characters (masked)")


class RepliesResponse(BaseModel):
    total: int
    flag: str | None
    replies: list[ReplyOut]


def _day(text: str | None) -> date | None | bool:
    """The date, None when absent, False when the text names no real day."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return False


def _found(value: dict | None, missing: str) -> dict:
    if value is None:
        raise HTTPException(404, missing)
    return value


def add_analytics_routes(api: FastAPI, analytics: MessageAnalytics) -> None:
    """The /analytics/... routes on `api`."""

    @api.post("/analytics/route", summary="留言分办 (route a message to its 一级分类)",
              response_model=RouteResponse, responses={400: {"model": ErrorBody}})
    def route(req: RouteRequest) -> dict[str, Any]:
        try:
            return analytics.route(req.text)
        except LookupError as exc:  # no router can exist: every message goes to a person
            return {"label": None, "classes": [], "abstain": True, "notice": str(exc)}

    @api.get("/analytics/hot", summary="热点问题 (hot issues, hottest first)", response_model=HotResponse,
             responses={400: {"model": ErrorBody}})
    def hot(since: str | None = Query(None, pattern=DATE, description="留言时间起 YYYY-MM-DD"),
            until: str | None = Query(None, pattern=DATE, description="留言时间止 YYYY-MM-DD"),
            region: str | None = Query(None, max_length=50, description="地区，如 A3区 或 A市"),
            top: int = Query(20, ge=1, le=500)) -> dict[str, Any]:
        # the pattern keeps the form (a number is not a date); a day that does not exist
        # (2019-02-30) cannot match any message: the window is empty, with a notice
        days = [_day(d) for d in (since, until)]
        if any(d is False for d in days):
            return {"issues": [], "notice": "日期不存在 (no such day): 该时间段没有留言"}
        return analytics.hot(days[0], days[1], region.strip() if region and region.strip() else None, top)

    @api.get("/analytics/replies", summary="答复评价 (reply quality; flagged replies)",
             response_model=RepliesResponse, responses={400: {"model": ErrorBody}})
    def replies(flag: Literal["late", "incomplete", "unexplained", "irrelevant"] | None = Query(
                    None, description="late: > 15 个工作日; incomplete; unexplained; irrelevant"),
                limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=100_000)) -> dict[str, Any]:
        return analytics.replies(flag, limit, offset)

    @api.get("/analytics/summary", summary="统计：分类×月份×地区留言量、答复时长、问题答复 (the 统计 view's figures)",
             responses={400: {"model": ErrorBody}})
    def summary() -> dict[str, Any]:
        return analytics.summary()

    @api.get("/analytics/hot/{issue_id}", summary="一个热点问题：留言与相关法规 (one issue, its laws)",
             response_model=IssueDetail, responses={404: {"model": ErrorBody}, 400: {"model": ErrorBody}})
    def issue(issue_id: str) -> dict[str, Any]:
        return _found(analytics.issue(issue_id), f"no hot issue {issue_id!r}")

    @api.get("/analytics/messages/{message_id}", summary="一条留言与相关法规 (a message, its laws)",
             response_model=MessageDetail, responses={404: {"model": ErrorBody}, 400: {"model": ErrorBody}})
    def message(message_id: str) -> dict[str, Any]:
        return _found(analytics.message(message_id), f"no message {message_id!r}")
