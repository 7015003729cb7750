"""Property tests (hypothesis) of the citation parser and the query parser: any text is
handled without an exception, and generated citations are found exactly."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.numerals import ArticleLabel, cn_to_int, int_to_cn
from search.query.citations import CitationParser
from search.query.parse import MAX_QUERY_CHARS, QueryError, make_filters, parse_query

LAWS = {"中华人民共和国劳动合同法": ["劳动合同法", "中华人民共和国劳动合同法"],
        "中华人民共和国刑法": ["刑法", "中华人民共和国刑法"],
        "中华人民共和国民法典": ["民法典", "中华人民共和国民法典"]}
PARSER = CitationParser({alias: title for title, aliases in LAWS.items() for alias in aliases})
EXAMPLES = 300
LEGALISH = st.text(alphabet=st.sampled_from(list("第条之款项一二三四五六七八九十百千零0123456789《》（）()法刑民典劳动合同 ，。：")),
                   max_size=60)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(st.text(max_size=200), LEGALISH))
def test_citation_parser_never_raises_and_labels_are_canonical(text):
    for citation in PARSER.parse(text):
        assert citation.title in LAWS
        assert citation.article_label.startswith("第") and "条" in citation.article_label
        number = citation.article_label[1:citation.article_label.index("条")]
        assert int_to_cn(cn_to_int(number)) == number


@settings(max_examples=EXAMPLES, deadline=None)
@given(title=st.sampled_from(sorted(LAWS)), alias_index=st.integers(0, 1), number=st.integers(1, 1999),
       suffix=st.integers(0, 9), arabic=st.booleans(), brackets=st.booleans(),
       before=st.sampled_from(["", "请问", "根据"]), after=st.sampled_from(["", "的规定是什么", "怎么理解？"]))
def test_generated_citations_are_found_exactly(title, alias_index, number, suffix, arabic, brackets, before, after):
    alias = LAWS[title][alias_index]
    name = f"《{alias}》" if brackets else alias
    written = f"第{number}条" if arabic else f"第{int_to_cn(number)}条"
    if suffix:
        written += f"之{int_to_cn(suffix)}"
    found = PARSER.parse(f"{before}{name}{written}{after}")
    assert [(c.title, c.article_label) for c in found] == [(title, ArticleLabel(number, suffix).label)]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(max_size=3000))
def test_query_parser_never_raises_but_on_empty_text(text):
    try:
        parsed = parse_query(text)
    except QueryError as exc:  # only when nothing is left to search with, or a filter is invalid
        visible = "".join(ch for ch in text if ch.isprintable() and not ch.isspace())
        assert not visible or ":" in text or "：" in text, (text, exc)
        return
    assert len(parsed.text) <= MAX_QUERY_CHARS
    if len(text) <= MAX_QUERY_CHARS:
        assert not parsed.truncated


@settings(max_examples=EXAMPLES, deadline=None)
@given(collection=st.text(max_size=20), types=st.text(max_size=20), validity=st.text(max_size=20),
       since=st.text(max_size=12))
def test_filters_are_valid_or_a_clear_error(collection, types, validity, since):
    try:
        make_filters(collection, types, validity, None, None, since, None)
    except QueryError as exc:
        assert str(exc)  # a message for the user, not a crash
