"""Citizen messages on the real data: replies kept, PII masked, user ids never stored."""
from __future__ import annotations

import json
import re

import pytest

from corpus.sources.messages import MessagesJsonlReader, parse_message
from corpus.model import MESSAGES

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture(scope="module")
def messages(data_dir):
    return list(MessagesJsonlReader(data_dir / "govqa/tipdm2020_message_board.jsonl.gz"))


def test_messages_with_replies(messages):
    assert len(messages) == 7637  # one qa_id occurs twice in the data; the store keeps one
    assert sum(d.answer is not None for d in messages) == 2816
    assert all(d.collection == MESSAGES and len(d.units) == 1 for d in messages)


def test_no_pii_or_user_id_anywhere(messages):
    for doc in messages:
        blob = json.dumps(doc.metadata() | {"text": doc.text}, ensure_ascii=False)
        assert not PHONE.search(blob) and not ID_CARD.search(blob), doc.id
        assert "user_id" not in blob


def test_masking_applies_to_question_title_and_answer():
    doc = parse_message({"qa_id": "t1", "user_id": "A000123", "question_title": "电话13912345678",
                         "question": "我的身份证号是430102199003071234。",
                         "answer": "请拨打13812345678联系。"}, "test")
    assert doc.title == "电话139****5678"
    assert "430102************" in doc.text and "138****5678" in doc.answer
    assert "A000123" not in json.dumps(doc.metadata(), ensure_ascii=False)


def test_users_are_counted_by_a_keyed_hash_never_by_id(messages):
    users = [d.extra.get("user") for d in messages]
    assert all(users) and len(set(users)) == 6303  # distinct user_id values in the data
    same = [parse_message({"qa_id": f"t{i}", "user_id": "A000123"}, "t", b"salt").extra["user"]
            for i in range(2)]
    other = parse_message({"qa_id": "t3", "user_id": "A000123"}, "t", b"pepper").extra["user"]
    assert same[0] == same[1] != other and "A000123" not in same[0]
