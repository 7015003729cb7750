"""What the assistant returns (回答): the answer text, its verified citations, whether it is
grounded, related articles and similar citizen messages (留言) with the official reply."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class CitedArticle:
    """One cited article (引用条文): `number` is its [n] among this turn's sources."""

    law_title: str
    article_label: str | None
    article_id: str
    validity: str | None = None
    quote: str = ""
    number: int | None = None
    via: str | None = None  # followed from a deciding article's reference (第八十二条所引)

    @property
    def citation(self) -> str:
        return f"《{self.law_title}》{self.article_label or ''}"


@dataclass
class SimilarMessage:
    """A past citizen message (群众留言) and the official reply; personal numbers masked."""

    id: str
    title: str
    question: str
    reply: str | None
    date: str | None = None
    issuer: str | None = None
    score: float = 0.0


@dataclass
class Answer:
    """One assistant turn."""

    question: str
    answer: str
    citations: list[CitedArticle] = field(default_factory=list)
    grounded: bool = False
    related: list[CitedArticle] = field(default_factory=list)
    followed: list[CitedArticle] = field(default_factory=list)  # articles the cited ones refer to
    similar_messages: list[SimilarMessage] = field(default_factory=list)
    composer: str = "extractive"
    retrieval_query: str = ""
    removed_citations: list[str] = field(default_factory=list)  # unsupported, taken out
    notice: str | None = None
    conversation_id: str | None = None
    took_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("citations", "related", "followed"):
            for item, cited in zip(out[key], getattr(self, key)):
                item["citation"] = cited.citation
        return out
