"""Citation parsing: Chinese and Arabic numerals, 之一 suffixes, short names, 款/项."""
from __future__ import annotations

import pytest

from search.query.citations import CitationParser

TITLES = {"中华人民共和国劳动合同法": ["劳动合同法"], "中华人民共和国刑法": ["刑法"],
          "中华人民共和国民法典": ["民法典"], "中华人民共和国行政许可法": ["行政许可法"],
          "中华人民共和国农民专业合作社法": ["农民专业合作社法"]}


@pytest.fixture(scope="module")
def parser():
    aliases = {alias: title for title, shorts in TITLES.items()
               for alias in (title, title.removeprefix("中华人民共和国"), *shorts)}
    return CitationParser(aliases)


@pytest.mark.parametrize("text,expected", [
    ("《劳动合同法》第八十二条", "《中华人民共和国劳动合同法》第八十二条"),
    ("劳动合同法第82条怎么规定的", "《中华人民共和国劳动合同法》第八十二条"),
    ("《中华人民共和国劳动合同法》第８２条", "《中华人民共和国劳动合同法》第八十二条"),
    ("刑法第一百三十三条之一", "《中华人民共和国刑法》第一百三十三条之一"),
    ("刑法第133条之1", "《中华人民共和国刑法》第一百三十三条之一"),
    ("民法典1062条", "《中华人民共和国民法典》第一千零六十二条"),
    ("行政许可法第四十二条第二款", "《中华人民共和国行政许可法》第四十二条第二款"),
    ("民法商法农民专业合作社法第三十三条的内容是什么？", "《中华人民共和国农民专业合作社法》第三十三条"),
])
def test_single_citation(parser, text, expected):
    assert [c.text for c in parser.parse(text)] == [expected]


def test_following_articles_keep_the_law(parser):
    assert [c.article_label for c in parser.parse("刑法第二十条和第二十一条")] == ["第二十条", "第二十一条"]


def test_no_law_no_citation(parser):
    assert parser.parse("第八十二条") == []
    assert parser.parse("工作了82条鱼") == []
    assert parser.parse("公司不签合同怎么办") == []


def test_from_store_resolves_short_names(law_store):
    parser = CitationParser.from_store(law_store)
    assert parser.resolve_title("劳动合同法") == "中华人民共和国劳动合同法"
    assert parser.resolve_title("《公司法》") == "中华人民共和国公司法"


def test_titles_quoting_another_law_are_cited_as_queries_carry_them():
    title = "最高人民法院关于适用《中华人民共和国公司法》若干问题的规定（三）"
    from search.query.citations import _variants
    from search.query.parse import parse_query
    short = "最高人民法院关于适用《公司法》若干问题的规定（三）"  # the db's short name
    parser = CitationParser({v: title for name in (title, short) for v in _variants(name)})  # as from_store
    for query in ("最高人民法院关于适用《公司法》若干问题的规定（三）第二十六条是怎么规定的",
                  f"{title}第二十六条的内容"):
        found = parser.parse(parse_query(query).text)
        assert [(c.title, c.article_label) for c in found] == [(title, "第二十六条")], query


def test_named_laws_take_the_longest_name_and_leave_citations_out(parser):
    named = parser.named_laws("劳动合同法 经济补偿 和 刑法第二十条")
    assert [(n.title, n.alias) for n in named] == [("中华人民共和国劳动合同法", "劳动合同法")]
    assert [n.title for n in parser.named_laws("《中华人民共和国民法典》 居住权")] == ["中华人民共和国民法典"]
    assert parser.named_laws("公司一直不跟我签合同怎么办") == []
    assert parser.named_laws("劳动合同法第82条") == [] and parser.named_laws("刑法 第二十条") == []
