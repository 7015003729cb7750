"""Figures for the 统计 (decision-support) view: volume by 一级分类 x month x district, reply
delays by month, flagged replies; plain dicts the API returns and the app draws."""
from __future__ import annotations

from collections import Counter

from analytics.messages import Message
from analytics.replies import FLAGS, ReplyAssessment, delay_summary

UNROUTED = "未分类"


def volume(messages: list[Message], categories: dict[str, str]) -> list[dict]:
    """[{"category", "month", "district", "count"}]: a label's own 一级分类 where it has one, else
    the router's guess (`categories`, by doc id), else 未分类."""
    counts = Counter((m.category or categories.get(m.doc_id) or UNROUTED, (m.asked or "")[:7] or "未知",
                      m.district or "未知") for m in messages)
    return [{"category": c, "month": mo, "district": d, "count": n}
            for (c, mo, d), n in sorted(counts.items())]


def reply_row(message: Message, item: ReplyAssessment) -> dict:
    """One assessed reply as the API lists it (masked texts; never a user)."""
    return {"message_id": item.message_id, "title": message.title, "asked": message.asked,
            "answered": (message.answered or "")[:10] or None, "delay_days": item.delay_days,
            "relevance": round(item.relevance, 3), "completeness": round(item.completeness, 3),
            "interpretability": round(item.interpretability, 3), "flags": item.flags,
            "missing": item.parts_missing, "unexplained_parts": item.explanation_missing,
            "reply": (message.answer or "")[:300]}


def summary(messages: list[Message], categories: dict[str, str],
            assessments: list[ReplyAssessment]) -> dict:
    """Everything the 统计 view draws, in one dict."""
    flags = Counter(f for a in assessments for f in a.flags)
    return {"messages": len(messages), "replied": len(assessments),
            "labelled": sum(1 for m in messages if m.category),
            "volume": volume(messages, categories),
            "delay": delay_summary(assessments, messages),
            "flags": {f: flags.get(f, 0) for f in FLAGS}}
