"""jieba analysis: the legal dictionary keeps names and terms whole; normalisation; stopwords."""
from __future__ import annotations

import pytest

from corpus.model import LAWS, Document, Unit
from indexer.analysis import JiebaAnalyzer, normalize
from indexer.dictionary import dictionary_words


@pytest.fixture(scope="module")
def analyzer():
    law = Document(id="x", collection=LAWS, title="中华人民共和国劳动合同法", short_name="劳动合同法",
                   units=[Unit(id="x:0", doc_id="x", seq=0, kind="article",
                               text="本法所称劳务派遣单位，是指依法设立的单位。")])
    return JiebaAnalyzer(dictionary_words([law]))


def test_dictionary_keeps_law_names_and_terms_whole(analyzer):
    tokens = analyzer.tokens("公司不给交社会保险，违反了劳动合同法第八十二条吗")
    assert "劳动合同法" in tokens and "社会保险" in tokens
    assert "劳务派遣单位" in analyzer.tokens("劳务派遣单位应当履行用人单位对劳动者的义务")


def test_without_the_dictionary_jieba_splits_them():
    plain = JiebaAnalyzer([])
    assert "劳动合同法" not in plain.tokens("违反了劳动合同法")


def test_question_filler_is_dropped(analyzer):
    tokens = analyzer.tokens("请问入职半年公司不签合同怎么办？")
    assert not {"请问", "怎么办", "？", "?"} & set(tokens)
    assert "入职" in tokens and "公司" in tokens


def test_normalisation():
    assert normalize("勞動合同法第82條") == "劳动合同法第八十二条"
    assert normalize("ＡＢＣ１２３（全角）") == "abc123(全角)"
    assert normalize("国发〔2019〕5号") == "国发〔2019〕5号"


def test_fingerprint_follows_the_dictionary(analyzer):
    assert analyzer.fingerprint != JiebaAnalyzer([]).fingerprint
    assert analyzer.fingerprint == JiebaAnalyzer(analyzer.words).fingerprint


def test_title_field_carries_the_topic_words():
    from indexer.analysis import JiebaAnalyzer, TitleAnalyzer
    analyzer = JiebaAnalyzer(["中华人民共和国行政复议法", "居住证暂行条例"])
    title = TitleAnalyzer(analyzer)
    assert analyzer.tokens("中华人民共和国行政复议法") == ["中华人民共和国行政复议法"]  # whole, for citations
    assert title("中华人民共和国行政复议法").split() == ["中华人民共和国行政复议法", "行政复议"]
    assert "居住证" in title("居住证暂行条例").split()
    assert title.fingerprint != analyzer.fingerprint  # cached title tokens are not mixed up
