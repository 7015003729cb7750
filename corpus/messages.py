"""Citizen messages with official replies (留言 / 答复) from the 问政 platform data.

A separate collection: each message is a document (title = 留言主题) with one unit, the
question; the official reply travels with it. ID-card and phone numbers are masked here, at
parse time, and user ids are dropped: they never reach the store.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus.dates import normalize_date
from corpus.jsonl import read_jsonl
from corpus.model import MESSAGE, MESSAGES, Document, Unit
from corpus.pii import mask_pii

_KEEP = ("message_id", "subset", "question_time", "answer_time", "category_l1", "votes_for",
         "votes_against", "source_dataset")


def parse_message(record: dict[str, Any], source: str) -> Document:
    """One message record -> a Document (never carrying `user_id`)."""
    doc_id = record["qa_id"]
    title = mask_pii(record.get("question_title") or "").strip() or "（无主题）"
    question = mask_pii(record.get("question") or "").strip()
    answer = mask_pii(record.get("answer") or "").strip() or None
    unit = Unit(id=f"{doc_id}:0", doc_id=doc_id, seq=0, kind=MESSAGE,
                text=f"{title}\n{question}".strip())
    return Document(
        id=doc_id, collection=MESSAGES, title=title, text=question, answer=answer,
        region=record.get("region"), topic=record.get("category_l1"),
        publish_date=normalize_date(record.get("question_time")),
        has_body=bool(question), source=source,
        extra={k: record[k] for k in _KEEP if record.get(k) is not None} | {"has_reply": bool(answer)},
        units=[unit])


class MessagesJsonlReader:
    """Reads `tipdm2020_message_board.jsonl.gz`-style JSONL into message Documents."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __iter__(self) -> Iterator[Document]:
        for number, record in read_jsonl(self.path, required=("qa_id",)):
            yield parse_message(record, f"{self.path}:{number}")
