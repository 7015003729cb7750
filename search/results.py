"""Search results (检索结果): what each hit carries, its highlighted snippet, and facets."""
from __future__ import annotations

import html
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from search.retrieval.unitmeta import UnitMeta

SNIPPET_CHARS = 160


@dataclass
class SearchResult:
    """One article (or chunk) with its provenance and score parts."""

    article_id: str
    doc_id: str
    law_title: str
    article_label: str | None
    score: float
    type: str | None
    validity: str | None
    snippet: str
    collection: str
    subtitle: str | None = None
    chapter_path: list[str] = field(default_factory=list)
    issuer: str | None = None
    region: str | None = None
    doc_number: str | None = None
    publish_date: str | None = None
    effective_date: str | None = None
    citation: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    text: str | None = None
    validity_today: str | None = None  # with as_of: `validity` is that day's, this today's
    # cross-references (条文引用): what this article cites and what cites it, each
    # {article_id, doc_id, law_title, article_label, validity, kind, detail, later_version};
    # cited_by entries also carry the citing collection (laws first, then notices, then messages)
    references: list[dict[str, Any]] = field(default_factory=list)
    cited_by: list[dict[str, Any]] = field(default_factory=list)   # the first CITED_BY_LIMIT
    cited_by_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def highlight(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """A window of `text` around the first query term, terms wrapped in <em> (HTML-escaped)."""
    lowered = text.lower()
    positions = [lowered.find(t) for t in terms if t and lowered.find(t) >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    window = text[start:start + width]
    out = html.escape(window)
    for term in sorted({t for t in terms if len(t) >= 2 or not t.isascii()}, key=len, reverse=True):
        out = out.replace(html.escape(term), f"<em>{html.escape(term)}</em>")
    out = out.replace("<em><em>", "<em>").replace("</em></em>", "</em>")
    return ("…" if start else "") + out + ("…" if start + width < len(text) else "")


def facets(meta: UnitMeta, uids: list[str], top: int = 20) -> dict[str, dict[str, int]]:
    """Counts by 效力级别, issuer, region and year over the matching units."""
    found = meta.row_of_uid.positions(uids) if uids else np.zeros(0, dtype=np.int64)
    rows = found[found >= 0]
    out = {}
    for name, column in (("type", "doc_type"), ("issuer", "issuer"), ("region", "region"), ("year", "date")):
        values = meta.columns[column][rows] if len(rows) else []
        if name == "year":
            values = [v[:4] for v in values]
        counts = Counter(v for v in values if v)
        out[name] = dict(counts.most_common(top))
    return out


@dataclass
class SearchResponse:
    """What one search returns (检索响应): ranked results, the citations it understood, facets,
    the filters applied, its time and the mode that answered."""

    query: str
    results: list[SearchResult]
    citations: list[str] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    took_ms: float = 0.0
    notice: str | None = None
    mode: str = "hybrid"  # the mode that answered (keyword while vectors are being built)
    named_laws: list[str] = field(default_factory=list)  # laws named in the query, their articles first

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "results": [r.to_dict() for r in self.results],
                "citations": self.citations, "named_laws": self.named_laws, "facets": self.facets,
                "filters": self.filters, "took_ms": self.took_ms, "mode": self.mode,
                **({"notice": self.notice} if self.notice else {})}


def result_of(unit, doc, score: float, parts: dict, terms: list[str], cited: bool) -> SearchResult:
    """One result from a unit, its document and the score parts that placed it."""
    uid = unit.id
    return SearchResult(
        article_id=uid, doc_id=doc.id, law_title=doc.title, subtitle=doc.subtitle,
        article_label=unit.article_label, score=round(score, 6), type=doc.doc_type,
        validity=doc.validity, snippet=highlight(unit.text, terms), collection=doc.collection,
        chapter_path=unit.chapter_path, issuer=doc.issuer, region=doc.region,
        doc_number=doc.doc_number, publish_date=doc.publish_date,
        effective_date=doc.effective_date,
        citation=f"《{doc.title}》{unit.article_label}" if unit.article_label else f"《{doc.title}》",
        scores={"keyword": round(parts.get("keyword", {}).get(uid, 0.0), 4),
                "vector": round(parts.get("vector", {}).get(uid, 0.0), 4),
                "fused": round(score, 6), "citation": 1.0 if cited else 0.0,
                **({"enriched": round(parts["enriched"][uid], 4)} if uid in parts.get("enriched", {}) else {}),
                **({"rerank": round(parts["rerank"][uid], 4)} if uid in parts.get("rerank", {}) else {}),
                **({"deciding": round(parts["deciding"][uid], 4)} if uid in parts.get("deciding", {}) else {}),
                **({"rescore": round(parts["rescore"][uid], 4)} if uid in parts.get("rescore", {}) else {})},
        text=unit.text)
