"""Searching inside a law (法内检索): what counts as naming a law in a keyword query."""
from __future__ import annotations

import pytest

from search.query.citations import CitationParser
from search.query.law_scope import LawScope, keyword_like
from search.query.parse import QueryError, make_filters, parse_query

ALIASES = {"中华人民共和国劳动合同法": "中华人民共和国劳动合同法", "劳动合同法": "中华人民共和国劳动合同法",
           "中华人民共和国劳动合同法实施条例": "中华人民共和国劳动合同法实施条例",
           "劳动合同法实施条例": "中华人民共和国劳动合同法实施条例", "劳动法": "中华人民共和国劳动法"}


class _NoStore:
    """`documents` is not called by these tests (no titles to look up)."""

    conn = None


@pytest.fixture()
def scope():
    return LawScope(_NoStore(), CitationParser(ALIASES))


def test_keyword_query_names_its_law_and_keeps_the_other_words(scope, monkeypatch):
    monkeypatch.setattr(scope, "documents", lambda titles: ("doc",))
    named = scope.named("劳动合同法实施条例 经济补偿 月工资")
    assert named.titles == ["中华人民共和国劳动合同法实施条例"] and named.rest == "经济补偿 月工资"
    assert scope.named("《劳动合同法》").rest == ""  # the title alone: the law itself


def test_a_question_told_in_sentences_keeps_its_ordinary_ranking(scope):
    # a citizen's 劳动法 often means the field; the answer is in 劳动合同法
    assert scope.named("用人单位违反劳动法规定不与劳动者订立无固定期限劳动合同，应承担何种责任？") is None
    assert not keyword_like("劳动法上的三期指的是什么？", "上的三期指的是什么？")
    assert scope.named("试用期 工资") is None


def test_unknown_law_is_a_clear_error(scope):
    assert scope.resolve(["劳动合同法", "中华人民共和国劳动合同法"]) == ["中华人民共和国劳动合同法"]
    with pytest.raises(QueryError, match="不存在法"):
        scope.resolve(["不存在法"])


def test_law_filter_from_arguments_and_query_text():
    assert make_filters(law="劳动合同法，劳动法").laws == ["劳动合同法", "劳动法"]
    parsed = parse_query("试用期 law:劳动合同法")
    assert parsed.text == "试用期" and parsed.filters.laws == ["劳动合同法"]
    assert parse_query("试用期 法规：劳动法").filters.laws == ["劳动法"]
