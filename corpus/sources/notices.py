"""Policy documents and public notices (政策文件 / 政府信息公开) from `notices.jsonl.gz`.

Each record keeps its 发文机关, 发文字号 (normalised to 〔〕), 成文/发布日期, 主题分类 and 索引号.
Bodies written in 条 are split into articles, others into paragraph chunks; records whose
crawler got no body are kept, marked `has_body=False`, with the title as their only unit.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus.dates import find_date, normalize_date
from corpus.sources.jsonl import read_jsonl
from corpus.model import CURRENT, NOTICES, REPEALED, TITLE_ONLY, Document, HistoryEvent, Unit
from corpus.sources.structure import chunk_paragraphs, split_articles

DOC_NUMBER_RE = re.compile(r"([\u4e00-\u9fa5]{1,20})\s*[〔\[【(（［]\s*(\d{4})\s*[〕\]】)）］]\s*(第?\d+号)")
_SITE_VALIDITY = {"有效": CURRENT, "现行有效": CURRENT, "失效": REPEALED, "废止": REPEALED,
                  "已废止": REPEALED}
_PARAGRAPH_BREAK = re.compile(r"([。！？；])[ \u3000]+(?=\S)")


def normalize_doc_number(value: str | None) -> str | None:
    """发文字号 with the official 〔〕 brackets: 国发[2019]5号 -> 国发〔2019〕5号."""
    if not value:
        return None
    match = DOC_NUMBER_RE.search(value)
    return f"{match.group(1)}〔{match.group(2)}〕{match.group(3)}" if match else value.strip()


def notice_doc_type(title: str, genre: str | None, issuer: str | None) -> str:
    """效力级别 of a notice: 规章 are 地方政府规章, 国务院条例 行政法规, readings 其他.

    Provincial sites re-post national statutes (中华人民共和国劳动合同法): typed by title."""
    if title.startswith("中华人民共和国") and title.endswith("法"):
        return "法律"
    if title.startswith("中华人民共和国") and title.endswith(("条例", "实施细则")):
        return "行政法规"
    if genre == "规章":
        return "地方政府规章"
    if genre == "条例" and issuer and issuer.startswith("国务院"):
        return "行政法规"
    if genre in ("解读", "报告"):
        return "其他"
    return "规范性文件"


def _history(summary: str | None) -> list[HistoryEvent]:
    """`(2001年9月25日…公布 根据2003年6月5日…修订 …)` -> dated events."""
    events = []
    for part in re.split(r"\s+(?=根据)|(?<=[布订正])\s+", (summary or "").strip("()（） ")):
        iso, _, _ = find_date(part)
        if part:
            events.append(HistoryEvent(iso, part))
    return events


def parse_notice(record: dict[str, Any], source: str) -> Document:
    """One notices.jsonl record -> a Document with article or paragraph units."""
    doc_id = record["doc_id"]
    text = record.get("text") or ""
    # Some crawls flattened paragraphs into one line separated by "。 ": restore the breaks.
    lines = [line for line in _PARAGRAPH_BREAK.sub(r"\1\n", text).splitlines() if line.strip()]
    has_body = record.get("text_status") != "title_only" and bool(lines)
    units: list[Unit] = []
    preamble = None
    if has_body:
        body = split_articles(lines, doc_id)
        if len(body.units) >= 2:
            units, preamble = body.units, "\n".join(body.preamble) or None
        else:
            units = chunk_paragraphs(lines, doc_id)
    if not units:
        units = [Unit(id=f"{doc_id}:0", doc_id=doc_id, seq=0, kind=TITLE_ONLY, text=record["title"])]
    genre, issuer = record.get("doc_type"), record.get("issuing_body")
    stated = record.get("validity")
    extra = {k: record[k] for k in ("source_url", "source_dataset", "source_category", "level",
                                    "attachments", "also_in", "text_status") if record.get(k)}
    return Document(
        id=doc_id, collection=NOTICES, title=record["title"], text="\n".join(lines),
        doc_type=notice_doc_type(record["title"], genre, issuer), genre=genre, issuer=issuer,
        doc_number=normalize_doc_number(record.get("doc_number")),
        index_number=record.get("index_number"), topic=record.get("topic"),
        region=record.get("region"), written_date=normalize_date(record.get("written_date")),
        publish_date=normalize_date(record.get("publish_date")),
        validity=_SITE_VALIDITY.get(stated or "", CURRENT),
        validity_source="site" if stated else None, history=_history(record.get("summary")),
        preamble=preamble, has_body=has_body, source=source, extra=extra, units=units)


class NoticesJsonlReader:
    """Reads `notices.jsonl.gz` (or any JSONL of the same fields) into notice Documents."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __iter__(self) -> Iterator[Document]:
        for number, record in read_jsonl(self.path, required=("doc_id", "title")):
            yield parse_notice(record, f"{self.path}:{number}")
