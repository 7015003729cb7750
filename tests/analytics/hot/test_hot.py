"""Hot issues (热点问题) on the real collection: obvious duplicates land in one issue, a topic
is not an event, districts are never mixed, and the window/region selection keeps the contract."""
from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from analytics.hot.groups import TfidfHotIssueFinder
from analytics.messages import from_documents
from analytics.hot.selection import in_region, select_issues
from corpus.sources.messages import MessagesJsonlReader


@pytest.fixture(scope="module")
def messages(data_dir):
    return from_documents(MessagesJsonlReader(data_dir / "govqa/tipdm2020_message_board.jsonl.gz"))


@pytest.fixture(scope="module")
def issues(messages):
    return TfidfHotIssueFinder().find(messages)


def _largest_share(issues, ids: set[str]) -> float:
    """The share of `ids` that the issue holding most of them holds."""
    best = max(len(ids & set(i.message_ids)) for i in issues)
    return best / len(ids)


@pytest.mark.parametrize("place,problem", [("伊景园", "车位"), ("丽发新城", "搅拌"), ("58车贷", "")])
def test_messages_about_one_event_are_one_issue(messages, issues, place, problem):
    """Same place, same object, same complaint (the same estate's water cut-off is another)."""
    ids = {m.message_id for m in messages if place in m.title and problem in m.title}
    assert len(ids) >= 10
    assert _largest_share(issues, ids) >= 0.7, place


def test_every_message_is_in_exactly_one_issue(messages, issues):
    counts = Counter(id(m) for issue in issues for m in issue.members)  # the data repeats one qa_id
    assert len(counts) == len(messages) and max(counts.values()) == 1


def test_a_topic_is_not_an_event(messages, issues):
    """Dozens ask about 公积金 loans: no issue gathers them as if they were one event."""
    ids = {m.message_id for m in messages if "公积金" in m.title}
    assert len(ids) >= 30
    assert max(len(ids & set(i.message_ids)) for i in issues) <= 0.1 * len(ids)


def test_two_named_places_never_share_an_issue(issues):
    for issue in issues:
        places = {m.district for m in issue.members if m.district}
        specific = {d for d in places if not d.endswith("市") or d[1:-1]}  # A3区, K8县, A9市
        cities = {d[0] for d in places}
        assert len(specific) <= 1 and len(cities) <= 1, (issue.name, places)


def test_hottest_first_with_the_documented_fields(issues):
    top = select_issues(issues, top=20)
    assert len(top) == 20 and [i.hotness for i in top] == sorted((i.hotness for i in top), reverse=True)
    best = top[0].to_dict()
    assert {"name", "first", "last", "count", "votes", "message_ids", "titles", "users"} <= set(best)
    assert best["count"] >= 10 and all(isinstance(i, str) for i in best["message_ids"])
    assert best["first"] <= best["last"] and len(best["titles"]) == 2


def test_a_window_keeps_only_its_messages(messages, issues):
    since, until = date(2019, 8, 1), date(2019, 8, 31)
    by_id = {m.message_id: m for m in messages}
    chosen = select_issues(issues, since, until, top=10)
    assert chosen
    for issue in chosen:
        assert all("2019-08-01" <= by_id[i].asked <= "2019-08-31" for i in issue.message_ids)
    assert select_issues(issues, date(2030, 1, 1), None) == []


def test_a_region_keeps_its_districts(messages, issues):
    chosen = select_issues(issues, region="A7县", top=10)
    assert chosen and all(in_region(m, "A7县") for i in chosen for m in i.members)
    city = select_issues(issues, region="A市", top=50)
    assert {m.district for i in city for m in i.members} - {None} <= {
        d for d in {m.district for m in messages} if d and d.startswith("A")}
