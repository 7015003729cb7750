"""The citation check: only articles retrieved this turn may be cited."""
from assistant.answer import CitedArticle
from assistant.verify import CitationChecker
from search.query.citations import CitationParser

LABOR = "中华人民共和国劳动合同法"
PARSER = CitationParser({LABOR: LABOR, "劳动合同法": LABOR, "中华人民共和国刑法": "中华人民共和国刑法",
                         "刑法": "中华人民共和国刑法"})
SOURCES = [CitedArticle(LABOR, "第八十二条", "labor:81", "现行有效", number=1),
           CitedArticle(LABOR, "第十条", "labor:9", "现行有效", number=2)]


def check(text):
    return CitationChecker(PARSER).check(text, SOURCES)


def test_supported_citations_in_every_form():
    result = check("根据《中华人民共和国劳动合同法》第八十二条，应支付二倍工资[1]。另见劳动合同法第10条。")
    assert [c.article_id for c in result.supported] == ["labor:81", "labor:9"]
    assert result.removed == [] and result.grounded


def test_invented_citations_are_removed_and_reported():
    text = "依照《中华人民共和国刑法》第二百条和《劳动者保护条例》第五条，以及[7]，公司应赔偿。"
    result = check(text)
    assert result.removed == ["《中华人民共和国刑法》第二百条", "《劳动者保护条例》第五条", "[7]"]
    assert not result.grounded and "第二百条" not in result.text and "[7]" not in result.text
    assert result.text == "依照和，以及，公司应赔偿。"


def test_wrong_article_of_a_retrieved_law_is_removed():
    result = check("《劳动合同法》第八十三条规定……[2]")
    assert result.removed == ["《劳动合同法》第八十三条"]
    assert [c.article_id for c in result.supported] == ["labor:9"]  # the [2] marker stands
