"""Cross-references in article text: what is detected (and what is not), and how mentions
resolve to units — version-aware, across laws by full title, title without 中华人民共和国 and
short name, into the 编 of 民法典. Texts are taken from or modelled on real articles."""
from __future__ import annotations

import json

import pytest

from corpus.numerals import ArticleLabel
from corpus.references.mentions import (BARE, OTHER_LAW, PREVIOUS, SAME_ARTICLE, THIS_LAW, WHOLE_LAW,
                                        find_mentions)
from corpus.references.resolver import ReferenceResolver, ReferenceStats


def found(text, names=None, aliases=None):
    """(kind, text of the mention, article label, detail, law) of every mention."""
    return [(m.kind, text[m.start:m.end], m.label.label if m.label else None, m.detail, m.law)
            for m in find_mentions(text, names, aliases)]


def known(*names):
    """A name matcher knowing `names` (the resolver's is tested below)."""
    def match(text, end):
        for name in sorted(names, key=len, reverse=True):
            if text.endswith(name, 0, end):
                return end - len(name), name
        return None
    return match


# -- detection -----------------------------------------------------------------------------------
def test_this_law_with_paragraph_and_item_details():
    text = "当事人对合同条款的理解有争议的，应当依据本法第一百四十二条第一款的规定，确定争议条款的含义。"
    assert found(text) == [(THIS_LAW, "本法第一百四十二条第一款", "第一百四十二条", "第一款", None)]
    text = "违反本条例第二十二条第二款、第三款规定，有下列情形之一的；按照本规定第十五条第（五）项执行"
    assert found(text) == [(THIS_LAW, "本条例第二十二条第二款、第三款", "第二十二条", "第二款、第三款", None),
                           (THIS_LAW, "本规定第十五条第（五）项", "第十五条", "第（五）项", None)]


@pytest.mark.parametrize("prefix", ["本法", "本条例", "本办法", "本规定", "本解释", "本细则", "本暂行办法",
                                    "本章", "本条例规定"])
def test_every_kind_of_this_law(prefix):
    text = f"违反{prefix}第十条规定的，由有关部门责令改正。"
    assert found(text)[0][:3] == (THIS_LAW, f"{prefix}第十条", "第十条")


def test_lists_keep_the_law_of_their_first_item():
    text = "提供方违反本条例第六条、第七条和第八条规定，依照《中华人民共和国消费者权益保护法》第四十九条、第五十一条等法律规定赔偿损失。"
    assert [(k, t, law) for k, t, _, _, law in found(text)] == [
        (THIS_LAW, "本条例第六条", None), (THIS_LAW, "第七条", None), (THIS_LAW, "第八条", None),
        (OTHER_LAW, "《中华人民共和国消费者权益保护法》第四十九条", "中华人民共和国消费者权益保护法"),
        (OTHER_LAW, "第五十一条", "中华人民共和国消费者权益保护法")]
    assert [m.form for m in find_mentions(text)] == ["single", "list", "list", "single", "list"]


def test_a_range_marks_both_ends():
    text = "许可证的内容、有效期限，依照本条例第十三条至第十六条的规定执行。"
    first, last = find_mentions(text)
    assert (first.form, last.form, last.range_from) == ("range", "range", ArticleLabel(13))
    assert (text[last.start:last.end], last.label) == ("第十六条", ArticleLabel(16))
    backwards = find_mentions("依照本法第十条至第二条的规定")  # no range: two articles
    assert [m.form for m in backwards] == ["single", "list"] and backwards[1].range_from is None


def test_same_article_and_previous_articles():
    text = ("有前款行为，同时又构成本法第一百四十一条规定之罪的，依照处罚较重的规定定罪处罚。"
            "前两款规定的期限，依照本条第二款计算；违反前条规定的，适用前两条的规定。前提条件不变。")
    kinds = [(k, t, d) for k, t, _, d, _ in found(text)]
    assert kinds == [(SAME_ARTICLE, "前款", "前款"), (THIS_LAW, "本法第一百四十一条", None),
                     (SAME_ARTICLE, "前两款", "前两款"), (SAME_ARTICLE, "本条第二款", "第二款"),
                     (PREVIOUS, "前条", "前条"), (PREVIOUS, "前两条", "前两条")]  # 前提条件 is none
    assert [m.count for m in find_mentions(text)] == [1, 1, 2, 1, 1, 2]


def test_other_laws_quoted_unquoted_and_that_law():
    text = ("依照刑法第二百八十七条之一第一款的规定定罪处罚；《中华人民共和国刑事诉讼法》第二十条所列情形，"
            "该法第二十一条另有规定的除外。")
    assert found(text, known("刑法")) == [
        (OTHER_LAW, "刑法第二百八十七条之一第一款", "第二百八十七条之一", "第一款", "刑法"),
        (OTHER_LAW, "《中华人民共和国刑事诉讼法》第二十条", "第二十条", None, "中华人民共和国刑事诉讼法"),
        (OTHER_LAW, "该法第二十一条", "第二十一条", None, "中华人民共和国刑事诉讼法")]


def test_whole_law_mentions_are_laws_not_certificates():
    text = ("违反本条例规定的，由公安机关依照《中华人民共和国治安管理处罚法》的规定给予处罚；"
            "未取得《医疗机构执业许可证》的，按照《中华人民共和国民办教育促进法》有关规定执行。")
    assert [(k, t) for k, t, *_ in found(text)] == [
        (WHOLE_LAW, "《中华人民共和国治安管理处罚法》"), (WHOLE_LAW, "《中华人民共和国民办教育促进法》")]


def test_nothing_inside_a_title_is_a_reference_of_the_text():
    text = ("依照《全国人民代表大会常务委员会关于〈中华人民共和国刑法〉第九章渎职罪主体适用问题的解释》的规定，"
            "参照《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百六十六条处理。")
    assert [(k, t, label) for k, t, label, *_ in found(text)] == [
        (WHOLE_LAW, "《全国人民代表大会常务委员会关于〈中华人民共和国刑法〉第九章渎职罪主体适用问题的解释》", None),
        (OTHER_LAW, "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第一百六十六条", "第一百六十六条")]


def test_traps_chapters_headings_suffixes_and_other_names():
    # chapters and sections are no articles; 之规定 is no 之一 suffix
    assert found("本法第三章第二节另有规定的，依照第十条之规定。") == [(BARE, "第十条", "第十条", None, None)]
    assert found("依照本法第一百三十三条之一的规定")[0][2] == "第一百三十三条之一"
    # an article heading left in the text is no reference
    assert found("办理犬只登记的具体办法由市人民政府制定。第四十二条本条例自2021年1月1日起施行。") == []
    assert found("组织。\n第十六条市人民代表大会会议设立秘书处") == []
    assert found("\n第十条至第十二条的规定适用于") != []  # at a line start, but a reference
    # 基本法 is not 本法; 本市…条例 is another law (unknown here); 构成本法 is 本法
    assert found("香港特别行政区基本法第十八条")[0][0] == OTHER_LAW
    assert found("依照本市道路交通管理条例第十条")[0][0] == OTHER_LAW
    assert found("同时又构成本法第二百三十六条规定之罪的")[0][0] == THIS_LAW
    # Arabic numerals and full-width digits
    assert found("依据《劳动合同法》第82条、第８７条")[1][2] == "第八十七条"


def test_short_names_a_document_defines():
    aliases: dict[str, str] = {}
    first = found("根据《河北省科学技术奖励办法》（以下简称《奖励办法》），制定本细则。", aliases=aliases)
    assert first == [(WHOLE_LAW, "《河北省科学技术奖励办法》", None, None, "河北省科学技术奖励办法")]
    later = found("《奖励办法》第十九条第四项所称的，及奖励办法第二十条", aliases=aliases)
    assert [(t, law) for _, t, _, _, law in later] == [
        ("《奖励办法》第十九条第四项", "河北省科学技术奖励办法"), ("奖励办法第二十条", "河北省科学技术奖励办法")]


# -- resolution ----------------------------------------------------------------------------------
def law(doc_id, title, labels, publish, effective=None, region=None, short=None, subtitle=None,
        history=(), collection="laws", validity="现行有效"):
    """A document row and its article rows (labels in order; 第十条之一 allowed)."""
    meta = json.dumps({"history": [{"date": d, "event": e} for d, e in history]}, ensure_ascii=False)
    doc = {"id": doc_id, "collection": collection, "title": title, "subtitle": subtitle, "short_name": short,
           "region": region, "publish_date": publish, "effective_date": effective, "validity": validity,
           "meta": meta}
    articles = []
    for seq, text in enumerate(labels):
        label = ArticleLabel.parse(text)
        articles.append({"id": f"{doc_id}:{seq}", "doc_id": doc_id, "article_label": label.label,
                         "article_num": label.number, "article_suffix": label.suffix_label})
    return doc, articles


def labels(n, extra=()):
    return [ArticleLabel(i).label for i in range(1, n + 1)] + list(extra)


def resolver(*laws):
    return ReferenceResolver([d for d, _ in laws], [a for _, arts in laws for a in arts])


def refs(res, doc_id, text, unit=None):
    """(to_doc, to_unit, kind, detail, later) of each reference in one text of `doc_id`."""
    unit = unit or f"{doc_id}:0"
    return [(r.to_doc, r.to_unit, r.kind, r.detail, r.later) for _, r in res.resolve(doc_id, [(unit, text)])]


COMPANY_OLD = law("co2018", "中华人民共和国公司法", labels(218), "2018-10-26", "2018-10-26", short="公司法",
                  validity="已修改", history=[("1993-12-29", "通过")])
COMPANY_NEW = law("co2023", "中华人民共和国公司法", labels(266), "2023-12-29", "2024-07-01", short="公司法",
                  history=[("1993-12-29", "通过"), ("2023-12-29", "第十四届全国人民代表大会常务委员会第七次会议修订")])


def test_this_law_is_this_version():
    res = resolver(COMPANY_OLD, COMPANY_NEW)
    assert refs(res, "co2018", "依照本法第五十条的规定", "co2018:43") == [
        ("co2018", "co2018:49", THIS_LAW, None, False)]
    assert refs(res, "co2023", "依照本法第五十条的规定", "co2023:43") == [
        ("co2023", "co2023:49", THIS_LAW, None, False)]
    # an article citing itself is no cross-reference: recorded as the same article
    assert refs(res, "co2023", "本法第五十条", "co2023:49")[0][2] == SAME_ARTICLE


def test_another_law_is_its_version_in_force_on_the_citing_date():
    rule_2020 = law("r2020", "某某登记管理办法", labels(5), "2020-01-01", "2020-03-01")
    rule_2024 = law("r2024", "某某登记管理办法实施细则", labels(5), "2024-09-01")
    res = resolver(COMPANY_OLD, COMPANY_NEW, rule_2020, rule_2024)
    text = "依照《中华人民共和国公司法》第五十条、公司法第五十一条的规定"
    assert [r[:2] for r in refs(res, "r2020", text)] == [("co2018", "co2018:49"), ("co2018", "co2018:50")]
    assert [r[:2] for r in refs(res, "r2024", text)] == [("co2023", "co2023:49"), ("co2023", "co2023:50")]
    # the title without 中华人民共和国 and the short name, quoted or not, name the same law
    for name in ("《公司法》", "公司法", "中华人民共和国公司法"):
        assert refs(res, "r2024", f"依照{name}第一条")[0][:2] == ("co2023", "co2023:0")
    # 依照《…》的规定: the whole law, in its version of the date
    assert refs(res, "r2020", "依照《中华人民共和国公司法》的规定办理")[0][:3] == ("co2018", None, WHOLE_LAW)


def test_undated_citing_documents_cite_the_current_version():
    notice = law("n1", "关于公司登记的通知", [], None, collection="notices")
    res = resolver(COMPANY_OLD, COMPANY_NEW, notice)
    assert refs(res, "n1", "依照《公司法》第五条")[0][:2] == ("co2023", "co2023:4")
    assert refs(res, "n1", "依照本法第五条") == []  # a notice has no articles of its own


def test_a_later_version_renumbered_since_gives_the_law_not_a_wrong_article():
    old_rule = law("rule", "某某实施条例", labels(3), "2013-01-01")
    package = law("ipo", "中华人民共和国证券法", labels(90), "2015-04-24", short="证券法", history=[
        ("2005-10-27", "修订"), ("2014-08-31", "《关于修改〈中华人民共和国保险法〉等五部法律的决定》修正")])
    alone = law("cpl", "中华人民共和国刑事诉讼法", labels(300), "2018-10-26", short="刑事诉讼法", history=[
        ("1979-07-01", "通过"), ("2018-10-26", "《关于修改〈中华人民共和国刑事诉讼法〉的决定》第三次修正")])
    later = law("bankruptcy", "中华人民共和国企业破产法", labels(130), "2006-08-27", short="企业破产法",
                history=[("2006-08-27", "通过")])
    old_cite = law("old", "关于审理企业破产案件的规定", labels(3), "2002-09-01")
    res = resolver(old_rule, package, alone, later, old_cite)
    # package amendments keep the numbers: the article, flagged as a later version
    assert refs(res, "rule", "依照证券法第五十条") == [("ipo", "ipo:49", OTHER_LAW, None, True)]
    # a decision amending this law alone may renumber: the law, the article as cited kept
    assert refs(res, "rule", "符合刑事诉讼法第七十九条第一款") == [("cpl", None, OTHER_LAW, "第七十九条第一款", True)]
    # a law made after the citing text is not what it cites (企业破产法（试行）)
    assert refs(res, "old", "有企业破产法第三十五条所列行为") == []


def test_names_are_matched_by_the_longest_tail_of_known_names():
    arbitration = law("arb", "中华人民共和国仲裁法", labels(80), "1994-08-31", "1995-09-01", short="仲裁法")
    labour = law("lab", "中华人民共和国劳动争议调解仲裁法", labels(54), "2008-05-01", short="劳动争议调解仲裁法")
    rural = law("rur", "中华人民共和国农村土地承包经营纠纷调解仲裁法", labels(53), "2010-01-01")
    ruling = law("sj", "最高人民法院关于审理劳动争议案件适用法律若干问题的解释（三）", labels(3), "2010-09-14")
    res = resolver(arbitration, labour, ruling)
    assert refs(res, "sj", "劳动者依据调解仲裁法第四十七条第（一）项规定")[0][:2] == ("lab", "lab:46")
    assert refs(res, "sj", "依照仲裁法第十六条")[0][:2] == ("arb", "arb:15")
    # a tail two laws share names neither (and never the shorter 仲裁法)
    assert refs(resolver(arbitration, labour, rural, ruling), "sj", "依据调解仲裁法第四十七条") == []


def test_the_citing_region_decides_between_laws_of_one_name():
    national = law("nat", "物业管理条例", labels(70), "2018-03-19")
    beijing = law("bj", "北京市物业管理条例", labels(90), "2020-05-01", region="北京")
    shanghai = law("sh", "上海市物业管理条例", labels(90), "2019-01-01", region="上海")
    citing = law("bjrule", "北京市住宅专项维修资金管理办法", labels(3), "2021-01-01", region="北京")
    res = resolver(national, beijing, shanghai, citing)
    assert refs(res, "bjrule", "依照《物业管理条例》第五条")[0][:2] == ("nat", "nat:4")
    assert refs(res, "bjrule", "依照本市物业管理条例第五条")[0][:2] == ("bj", "bj:4")


CIVIL_CODE = [law(doc_id, "中华人民共和国民法典", labels(last)[first - 1:], "2020-05-28", "2021-01-01",
                  short="民法典", subtitle=part)
              for doc_id, part, first, last in (("zz", "总则", 1, 204), ("wq", "物权编", 205, 462),
                                                ("ht", "合同编", 463, 988))]


def test_the_civil_code_is_one_law_in_several_documents():
    ruling = law("jsgc", "最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）", labels(3), "2021-01-01")
    res = resolver(*CIVIL_CODE, ruling)
    # 本法 in 合同编 means the whole code
    assert refs(res, "ht", "应当依据本法第一百四十二条第一款的规定", "ht:3") == [
        ("zz", "zz:141", THIS_LAW, "第一款", False)]
    assert refs(res, "jsgc", "实际施工人依据民法典第五百三十五条规定")[0][:2] == ("ht", "ht:72")
    assert refs(res, "jsgc", "依照《中华人民共和国民法典》的规定")[0][:3] == ("zz", None, WHOLE_LAW)
    # a range across the 编 holds every article in it
    spanning = refs(res, "jsgc", "民法典第二百零三条至第二百零六条")
    assert [r[1] for r in spanning] == ["zz:202", "zz:203", "wq:0", "wq:1"]


def test_ranges_lists_suffix_articles_and_previous_articles():
    criminal = law("xf", "中华人民共和国刑法", labels(133, ["第一百三十三条之一", "第一百三十三条之二",
                                                       "第一百三十四条"]), "2020-12-26", "2021-03-01", short="刑法")
    res = resolver(criminal)
    got = refs(res, "xf", "依照本法第一百三十二条至第一百三十四条的规定", "xf:0")
    assert [r[1] for r in got] == ["xf:131", "xf:132", "xf:133", "xf:134", "xf:135"]
    spans = [(r.start, r.end) for _, r in res.resolve("xf", [("xf:0", "依照本法第一百三十二条至第一百三十四条")])]
    assert spans[0] == (2, 11) and (None, None) in spans  # the inside of a range has no text of its own
    assert refs(res, "xf", "醉酒驾驶，依照本法第一百三十三条之一的规定", "xf:0")[0][1] == "xf:133"
    assert refs(res, "xf", "违反前两条规定的", "xf:10") == [("xf", "xf:8", PREVIOUS, "前两条", False),
                                                           ("xf", "xf:9", PREVIOUS, "前两条", False)]
    assert refs(res, "xf", "前款规定的", "xf:10") == [("xf", "xf:10", SAME_ARTICLE, "前款", False)]


def test_amending_documents_cite_the_version_they_amend():
    amendment = law("amend", "中华人民共和国刑法修正案（十二）", [], "2023-12-29", "2024-03-01")
    old = law("xf2020", "中华人民共和国刑法", labels(300), "2020-12-26", "2021-03-01", short="刑法", validity="已修改")
    new = law("xf2023", "中华人民共和国刑法", labels(300), "2023-12-29", "2024-03-01", short="刑法")
    res = resolver(amendment, old, new)
    stats = ReferenceStats()
    text = "一、将刑法第二百二十三条修改为：“本法第十条……”；将第十一条删去。"
    got = [(r.to_doc, r.to_unit) for _, r in res.resolve("amend", [("amend:0", text)], stats)]
    assert got == [("xf2020", "xf2020:222")]  # the version in force before the amendment
    assert stats.skipped == {"amending": 2}  # its 本法 / bare articles are the amended law's


def test_unresolved_mentions_are_counted_not_stored():
    res = resolver(COMPANY_NEW)
    stats = ReferenceStats()
    out = list(res.resolve("co2023", [("co2023:0", "依照本法第九百条和《某省不存在条例》第三条，前款除外")], stats))
    assert [r.kind for _, r in out] == [SAME_ARTICLE]
    summary = stats.as_dict()
    assert (summary["detected"], summary["resolved"]) == (3, 1)
    assert summary["by_kind"][THIS_LAW] == {"detected": 1, "resolved": 0, "coverage": 0.0}
