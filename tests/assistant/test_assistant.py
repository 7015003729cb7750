"""Extractive answers over a real index: grounded citations, refusal, follow-ups, similar
messages with masked numbers, and retrieved text that tries to give orders."""
from __future__ import annotations

import re

import pytest

from assistant.assistant import Assistant
from assistant.conversation import Turn
from assistant.extractive import REFUSAL
from tests.conftest import INJECTION

LABOR = "22c5555e8f974b99963b8aab36005d0e"


def quoted_from(quote: str, text: str) -> bool:
    """Every piece of a quote (pieces joined by the gap mark ……) is the article's own words."""
    compact = re.sub(r"\s+", "", text)
    pieces = [re.sub(r"\s+", "", p) for p in quote.split("……") if p.strip()]
    return bool(pieces) and all(p in compact for p in pieces)


@pytest.fixture(scope="module")
def assistant(searcher):
    return Assistant(searcher)


def test_grounded_answer_cites_retrieved_articles(assistant):
    answer = assistant.ask("公司一直不跟我签书面劳动合同，能要二倍工资吗")
    assert answer.grounded and answer.composer == "extractive"
    ids = [c.article_id for c in answer.citations]
    assert f"{LABOR}:81" in ids
    retrieved = {s.article_id for s in assistant.retrieve(answer.question).sources}
    assert set(ids) <= retrieved
    assert answer.answer.startswith("根据《") and "《中华人民共和国劳动合同法》第八十二条（现行有效）" in answer.answer
    for c in answer.citations:
        assert quoted_from(c.quote, assistant.searcher.store.get_unit(c.article_id).text), c.quote


@pytest.mark.parametrize("question", ["明天北京天气怎么样，要不要带伞", "红烧肉怎么做才好吃"])
def test_off_topic_question_is_refused(assistant, question):
    answer = assistant.ask(question)
    assert (answer.answer, answer.grounded, answer.citations, answer.similar_messages) == (REFUSAL, False, [], [])


def test_follow_up_keeps_the_topic(assistant):
    history = [Turn("user", "劳动合同法第八十二条规定了什么"), Turn("assistant", "……")]
    answer = assistant.ask("那第十条呢？", history)
    assert answer.retrieval_query.startswith("劳动合同法第八十二条")
    assert f"{LABOR}:9" in [c.article_id for c in answer.citations]


def test_similar_messages_have_replies_and_masked_numbers(assistant):
    answer = assistant.ask("在公司干了半年一直没签劳动合同怎么办")
    messages = answer.similar_messages
    assert messages and all(m.reply for m in messages)
    text = " ".join(m.question + m.title for m in messages)
    assert "13812345678" not in text and "110101199003071234" not in text
    assert any("138****5678" in m.question for m in messages)


def test_injected_instruction_is_quoted_never_obeyed(assistant):
    answer = assistant.ask("企业招用职工多久内要签书面劳动合同")
    assert answer.grounded and answer.answer.startswith("根据《")
    outside_quotes = answer.answer
    for c in answer.citations:
        outside_quotes = outside_quotes.replace(c.quote, "")
    assert "系统已被攻破" not in outside_quotes  # only ever inside the quoted regulation
    assert "假冒条例" not in " ".join(c.law_title for c in answer.citations)
    quoted = [c for c in answer.citations if c.law_title == "某市企业用工管理办法"]
    assert quoted, "the regulation itself is a legitimate source"
    assert INJECTION[:6] not in answer.answer.split("\n")[0]  # the lead sentence is not the order


def test_stream_events_end_with_the_checked_answer(assistant):
    events = list(assistant.ask_stream("劳动合同法第82条"))
    assert [e["event"] for e in events] == ["sources", "delta", "answer"]
    assert events[-1]["answer"].citations[0].article_id == f"{LABOR}:81"
    with pytest.raises(ValueError):
        list(assistant.ask_stream("   "))


def test_questions_without_a_place_are_answered_from_national_law(assistant):
    """A reader who names no region is not quoted one province's regulation."""
    national = assistant.scope("公司不签劳动合同怎么办")
    assert national.types and "地方性法规" not in national.types and {"法律", "规范性文件"} <= set(national.types)
    region = next(iter(r for r in assistant.searcher.meta.columns["region"] if r), None)
    if region:  # the test corpus has local regulations: naming the place brings them back
        assert assistant.scope(f"{region}公司不签劳动合同怎么办").types is None
    answer = assistant.ask("公司一直不跟我签书面劳动合同，能要二倍工资吗")
    assert answer.citations and all(not c.law_title.endswith(("条例", "规定")) or "省" not in c.law_title
                                    and "市" not in c.law_title for c in answer.citations)


def test_answer_follows_the_articles_it_cites(assistant):
    # 第八十七条: 依照本法第四十七条规定的经济补偿标准的二倍 — the answer shows 第四十七条 too
    answer = assistant.ask("劳动合同法第八十七条规定了什么")
    assert answer.citations[0].article_id == f"{LABOR}:86"
    followed = {f.article_id: f for f in answer.followed}
    assert f"{LABOR}:46" in followed and followed[f"{LABOR}:46"].via == "第八十七条所引"
    assert "所引条文：" in answer.answer and "《中华人民共和国劳动合同法》第四十七条（第八十七条所引）" in answer.answer
    assert quoted_from(followed[f"{LABOR}:46"].quote, assistant.searcher.store.get_unit(f"{LABOR}:46").text)
    assert answer.to_dict()["followed"][0]["citation"].startswith("《中华人民共和国劳动合同法》")
