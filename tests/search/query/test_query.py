"""Query parsing: filters in the text, validation, malformed input."""
from __future__ import annotations

import pytest

from corpus.model import CURRENT
from search.query.parse import MAX_QUERY_CHARS, QueryError, make_filters, parse_query


def test_filters_written_in_the_query():
    parsed = parse_query("type:行政法规 region:北京 养老保险 since:2020-01-01")
    assert parsed.text == "养老保险"
    assert parsed.filters.types == ["行政法规"] and parsed.filters.regions == ["北京"]
    assert parsed.filters.since == "2020-01-01" and parsed.filters.validity == [CURRENT]
    assert parse_query("效力级别：法律,司法解释 validity:all 离婚").filters.validity is None


def test_bad_values_and_empty_queries_are_clear_errors():
    with pytest.raises(QueryError, match="empty query"):
        parse_query("   ")
    with pytest.raises(QueryError, match="unknown 效力级别"):
        parse_query("type:法规 离婚")
    with pytest.raises(QueryError, match="not a date"):
        make_filters(since="去年")
    with pytest.raises(QueryError, match="unknown collection"):
        make_filters(collection="cases")


@pytest.mark.parametrize("raw", ['"unbalanced 劳动合同', "AND OR NOT ( ) * ? ~ ^ [ ]", "title:(a",
                                 "劳动\x00合同", "’‘“”《》〔〕"])
def test_odd_syntax_is_just_text(raw):
    assert parse_query(raw).text


def test_very_long_query_is_cut():
    parsed = parse_query("劳动合同" * 2500)
    assert parsed.truncated and len(parsed.text) == MAX_QUERY_CHARS
