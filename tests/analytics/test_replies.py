"""Reply quality (答复评价) on the real 问政 replies: every reply is assessed, a reply fits its own
message better than another's, a letter without salutation or ending is incomplete, a reply
that cites the rule and says what to do is explained, and odd records do not crash it."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from analytics.messages import Message, from_documents
from analytics.replies import FLAGS, FORMAL_PARTS, ReplyQualityAssessor, delay_summary
from corpus.sources.messages import MessagesJsonlReader


@pytest.fixture(scope="module")
def messages(data_dir):
    return from_documents(MessagesJsonlReader(data_dir / "govqa/tipdm2020_message_board.jsonl.gz"))


@pytest.fixture(scope="module")
def replied(messages):
    return [m for m in messages if m.answer]


@pytest.fixture(scope="module")
def assessed(messages):
    return ReplyQualityAssessor().assess(messages)


def message(answer: str | None, asked: str | None = "2019-05-06", answered: str | None = "2019-05-10T10:00:00",
            title: str = "A3区某小区物业乱收停车费", doc_id: str = "t-1") -> Message:
    return Message(doc_id, doc_id, title, "小区物业每月收取停车费，业主不知道收费依据，请求查处。", answer,
                   None, None, asked, answered, 0, 0)


def test_every_replied_message_gets_one_assessment(replied, assessed):
    assert len(replied) == 2816
    assert [a.doc_id for a in assessed] == [m.doc_id for m in replied]
    for a in assessed:
        assert 0 <= a.relevance <= 1 and 0 <= a.completeness <= 1 and 0 <= a.interpretability <= 1
        assert set(a.flags) <= set(FLAGS) and a.delay_days is not None and a.delay_days >= 0
        assert sorted(a.parts_found + a.parts_missing) == sorted(name for name, _, _ in FORMAL_PARTS)
    counts = {flag: sum(flag in a.flags for a in assessed) for flag in FLAGS}
    assert all(0 < n < len(assessed) / 2 for n in counts.values()), counts  # flags single out, not everyone


def test_a_reply_fits_its_own_message_better_than_an_unrelated_one(replied):
    sample = replied[::7]  # 403 real replies, every period of the data
    others = [dataclasses.replace(m, answer=sample[(i + len(sample) // 2) % len(sample)].answer)
              for i, m in enumerate(sample)]
    assessor = ReplyQualityAssessor()
    own = np.array([a.relevance for a in assessor.assess(sample)])
    moved = np.array([a.relevance for a in assessor.assess(others)])
    assert roc_auc_score(np.r_[np.ones(len(own)), np.zeros(len(moved))], np.r_[own, moved]) >= 0.9
    assert np.median(own) >= 0.8 and np.median(moved) <= 0.2
    # one reply, two messages: its own and one about something else entirely
    reply = next(m for m in sample if "物业" in m.title and len(m.answer) > 300)
    unrelated = next(m for m in sample if "公交" in m.title)
    pair = assessor.assess([reply, dataclasses.replace(unrelated, answer=reply.answer)])
    assert pair[0].relevance > pair[1].relevance and "irrelevant" in pair[1].flags


def test_a_letter_without_salutation_or_ending_is_incomplete(replied, assessed):
    assessor = ReplyQualityAssessor()
    original, assessment = next((m, a) for m, a in zip(replied, assessed) if "incomplete" not in a.flags
                                and "回复如下：" in m.answer and "感谢您对我们工作" in m.answer)
    body = original.answer.split("回复如下：", 1)[1].split("感谢您对我们工作", 1)[0]
    stripped = assessor.assess([dataclasses.replace(original, answer=body)])[0]
    assert "incomplete" in stripped.flags
    assert {"salutation", "closing", "date_signature"} <= set(stripped.parts_missing)
    assert stripped.completeness < assessment.completeness


def test_a_brush_off_is_incomplete_and_unexplained():
    out = ReplyQualityAssessor().assess([message("网友“UU0001”您好！您的留言已收悉。您的建议已收集，我局将认真研究。"
                                                 "感谢您对我们工作的支持、理解与监督！2019年5月9日")])[0]
    assert {"incomplete", "unexplained"} <= set(out.flags)
    assert "salutation" in out.parts_found and "closing" in out.parts_found


def test_a_reply_citing_the_regulation_with_a_way_forward_is_explained():
    reply = ("网友“UU0001”您好！您的留言已收悉。现将有关情况回复如下：根据《西地省物业服务收费管理办法》第十七条规定，"
             "停车服务费标准须经业主大会同意并公示。建议您向街道物业办反映，也可拨打市住建局咨询电话0000-****0000。"
             "感谢您对我们工作的支持、理解与监督！2019年5月9日")
    out = ReplyQualityAssessor().assess([message(reply)])[0]
    assert "unexplained" not in out.flags
    assert {"cites_policy", "way_forward"} <= set(out.explanation_found)


def test_labelled_replies_score_in_the_labels_direction(replied, assessed):
    rows = [(a, m) for a, m in zip(assessed, replied) if m.label_completeness is not None]
    assert len(rows) == 100
    for key in ("completeness", "interpretability"):
        truth = [getattr(m, f"label_{key}") for _, m in rows]
        assert roc_auc_score(truth, [getattr(a, key) for a, _ in rows]) >= 0.75  # bench: 0.86-0.90


def test_late_replies_are_counted_in_working_days():
    assessor = ReplyQualityAssessor()
    late, on_time = assessor.assess([message("网友您好！已处理。", "2019-09-02", "2019-10-08T09:00:00", doc_id="a"),
                                     message("网友您好！已处理。", "2019-09-27", "2019-10-08T09:00:00", doc_id="b")])
    # 9-03..06, 9-09..12 (中秋 9-13 off), 9-16..20, 9-23..27, 9-29 (Sun, 调休), 9-30, 10-08
    assert late.delay_days == 21 and "late" in late.flags
    assert on_time.delay_days == 3 and "late" not in on_time.flags


def test_odd_records_do_not_crash():
    batch = [message("网友您好！已处理。", answered=None, doc_id="no-answer-time"),
             message("网友您好！已处理。", asked="2019-06-01", answered="2019-05-01T09:00:00", doc_id="answered-first"),
             message("网友您好！已处理。", asked=None, doc_id="no-ask-date"),
             message("网友您好！已处理。", answered="昨天", doc_id="bad-date"),
             message("好", title="（无主题）", doc_id="one-char"),
             message("   ", doc_id="blank-answer"), message(None, doc_id="no-answer")]
    out = ReplyQualityAssessor().assess(batch)
    assert [a.doc_id for a in out] == ["no-answer-time", "answered-first", "no-ask-date", "bad-date", "one-char"]
    assert [a.delay_days for a in out] == [None, None, None, None, 4]
    assert ReplyQualityAssessor().assess([]) == [] and ReplyQualityAssessor().assess(batch[-2:]) == []
    summary = delay_summary(out, batch)
    assert summary["overall"]["unknown"] == 4 and summary["overall"]["count"] == 1


def test_delay_summary_by_month(messages, assessed):
    summary = delay_summary(assessed, messages)
    overall, months = summary["overall"], summary["per_month"]
    assert overall["count"] == len(assessed) and overall["unknown"] == 0
    assert 0 <= overall["median"] <= overall["p90"] and 0 < overall["share_late"] < 1
    assert sum(m["count"] for m in months.values()) == overall["count"]
    assert all(len(k) == 7 and k[4] == "-" for k in months) and "2019-09" in months
    small = delay_summary([dataclasses.replace(assessed[0], doc_id=d, delay_days=n) for d, n in
                           (("x", 1), ("y", 3), ("z", 20))],
                          [message("r", doc_id="x"), message("r", doc_id="y"), message("r", asked="2019-06-03", doc_id="z")])
    assert small["overall"]["median"] == 3 and small["overall"]["share_late"] == pytest.approx(1 / 3, abs=1e-4)
    assert small["per_month"]["2019-05"] == {"count": 2, "median": 2.0, "p90": 2.8}
