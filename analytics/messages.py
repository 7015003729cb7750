"""Citizen messages as the analytics read them (留言): one flat record per message, from the
store's `messages` collection (already PII-masked at ingest; user ids are never stored)."""
from __future__ import annotations

from collections.abc import Iterable
import re
from dataclasses import dataclass

from corpus.model import MESSAGES, Document
from corpus.store.base import DocumentStoreBase

CLASSES = ("城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生计生")


PLACE = re.compile(r"(?<![A-Za-z0-9])[A-Z]\d{0,2}[市区县]")  # anonymised place codes (A3区, K8县, B市)


def _label(value) -> int | None:
    return None if value in (None, "", "None") else _int(value)


def _int(value) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


@dataclass
class Message:
    """One citizen message (留言) with its reply (答复意见) if any and its 一级分类 if labelled."""

    doc_id: str
    message_id: str
    title: str
    text: str
    answer: str | None
    category: str | None
    region: str | None
    asked: str | None
    answered: str | None
    votes_for: int
    votes_against: int
    user: str | None = None  # keyed hash of the user id (never the id): for distinct-user counts
    label_completeness: int | None = None  # 0/1 on 100 replies (annotated by the data's authors)
    label_interpretability: int | None = None

    @property
    def district(self) -> str | None:
        """The most specific anonymised place the message names (A3区, K8县, B市), else region."""
        for text in (self.title, self.text[:200]):
            found = PLACE.findall(text)
            if found:
                return max(found, key=lambda p: (p[-1] != "市", len(p)))
        return (self.region or "").split(" (")[0] or None  # "A市 (西地省; ...)" -> "A市"

    @property
    def content(self) -> str:
        """Title and body: what a router or a grouping reads."""
        return f"{self.title}\n{self.text}".strip()


def load_messages(store: DocumentStoreBase) -> list[Message]:
    """Every message in the store, in id order."""
    return from_documents(store.documents("collection = ?", (MESSAGES,)))


def from_documents(docs: Iterable[Document]) -> list[Message]:
    """Message records of message Documents (as corpus.sources.messages parses them)."""
    out = []
    for doc in docs:
        extra = doc.extra or {}
        out.append(Message(
            doc.id, str(extra.get("message_id", doc.id)), doc.title or "", doc.text or "", doc.answer,
            doc.topic if doc.topic in CLASSES else None, doc.region, doc.publish_date,
            extra.get("answer_time"), _int(extra.get("votes_for")), _int(extra.get("votes_against")),
            extra.get("user"), _label(extra.get("label_completeness")),
            _label(extra.get("label_interpretability"))))
    return out
