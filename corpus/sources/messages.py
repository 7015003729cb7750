"""Citizen messages with official replies (留言 / 答复) from the 问政 platform data.

A separate collection: each message is a document (title = 留言主题) with one unit, the
question; the official reply travels with it. ID-card and phone numbers are masked here, at
parse time; user ids never reach the store: each is replaced by a keyed hash (HMAC-SHA256 with a
salt from FAGUI_USER_SALT, else a random salt per ingest) so analytics can count distinct users
without being able to name or re-identify one.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus.dates import normalize_date
from corpus.sources.jsonl import read_jsonl
from corpus.model import MESSAGE, MESSAGES, Document, Unit
from corpus.pii import mask_pii

_KEEP = ("message_id", "subset", "question_time", "answer_time", "category_l1", "votes_for",
         "votes_against", "source_dataset", "label_completeness", "label_interpretability")
_NONE = (None, "", "None", "nan")


def user_key(user_id: object, salt: bytes) -> str | None:
    """A pseudonym for a user id (留言用户): equal ids give equal keys under one salt; None if absent."""
    if user_id in _NONE:
        return None
    digest = hmac.new(salt, str(user_id).encode(), hashlib.sha256).digest()
    # base32 has no 0/1: a key can never look like a phone or ID-card number to the PII checks
    return base64.b32encode(digest[:10]).decode().lower()


def parse_message(record: dict[str, Any], source: str, salt: bytes | None = None) -> Document:
    """One message record -> a Document (never carrying `user_id`, only its keyed hash)."""
    doc_id = record["qa_id"]
    title = mask_pii(record.get("question_title") or "").strip() or "（无主题）"
    question = mask_pii(record.get("question") or "").strip()
    answer = mask_pii(record.get("answer") or "").strip() or None
    extra = {k: record[k] for k in _KEEP if record.get(k) not in _NONE} | {"has_reply": bool(answer)}
    if salt and (key := user_key(record.get("user_id"), salt)):
        extra["user"] = key
    unit = Unit(id=f"{doc_id}:0", doc_id=doc_id, seq=0, kind=MESSAGE,
                text=f"{title}\n{question}".strip())
    return Document(
        id=doc_id, collection=MESSAGES, title=title, text=question, answer=answer,
        region=record.get("region"), topic=record.get("category_l1"),
        publish_date=normalize_date(record.get("question_time")),
        has_body=bool(question), source=source,
        extra=extra,
        units=[unit])


class MessagesJsonlReader:
    """Reads `tipdm2020_message_board.jsonl.gz`-style JSONL into message Documents."""

    def __init__(self, path: str | Path, salt: bytes | None = None):
        self.path = Path(path)
        env = os.environ.get("FAGUI_USER_SALT")
        self.salt = salt or (env.encode() if env else secrets.token_bytes(16))

    def __iter__(self) -> Iterator[Document]:
        for number, record in read_jsonl(self.path, required=("qa_id",)):
            yield parse_message(record, f"{self.path}:{number}", self.salt)
