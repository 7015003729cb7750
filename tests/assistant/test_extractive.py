"""Quotes, lead sentence and rendering of extractive answers."""
from assistant.answer import CitedArticle
from assistant.extractive import REFUSAL, ExtractiveComposer, best_quote

LONG = ("用人单位自用工之日起即与劳动者建立劳动关系。用人单位应当建立职工名册备查。"
        "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。"
        "本条所称工资，不包括加班费；劳动者可以向劳动行政部门投诉。其他事项依照有关规定执行，由劳动行政部门另行规定。")


def test_quote_picks_the_sentences_with_the_question_words():
    quote = best_quote(LONG, ["二倍", "工资", "书面劳动合同"], lambda t: 1.0)
    assert quote.startswith("用人单位自用工之日起超过一个月不满一年") and "二倍的工资" in quote
    assert "职工名册" not in quote
    assert best_quote("第一条 短条文。", ["x"], lambda t: 1.0) == "第一条 短条文。"


def test_answer_cites_quotes_and_lists_related():
    sources = [CitedArticle("中华人民共和国劳动合同法", f"第{n}条", f"a:{i}", "现行有效", number=i + 1)
               for i, n in enumerate("八十二 十 十四 十一 六".split())]
    texts = {s.article_id: "第" + s.article_label[1:] + " 用人单位应当订立书面劳动合同。" for s in sources}
    text, cited, related, _ = ExtractiveComposer(max_cited=2, max_related=2).compose(
        sources, texts, ["书面劳动合同"], lambda t: 1.0)
    assert text.startswith("根据《中华人民共和国劳动合同法》第八十二条，用人单位应当订立书面劳动合同。")
    assert "[1] 《中华人民共和国劳动合同法》第八十二条（现行有效）：“第八十二条 用人单位" in text
    assert [c.article_label for c in cited] == ["第八十二条", "第十条"]
    assert [c.article_label for c in related] == ["第十四条", "第十一条"]
    assert "相关条文：《中华人民共和国劳动合同法》第十四条；《中华人民共和国劳动合同法》第十一条" in text


def test_nothing_to_cite_is_a_refusal():
    text, cited, _, _ = ExtractiveComposer().compose([], {}, ["天气"], lambda t: 1.0)
    assert text == REFUSAL and cited == []


def test_an_item_is_quoted_with_the_sentence_that_lists_it():
    article = ("用人单位有下列情形之一的，劳动者可以解除劳动合同：\n（一）未按照劳动合同约定提供劳动保护或者劳动条件的；\n"
               "（二）未及时足额支付劳动报酬的；\n（三）未依法为劳动者缴纳社会保险费的；\n"
               "（四）用人单位的规章制度违反法律、法规的规定，损害劳动者权益的；\n（五）因本法第二十六条第一款规定的情形致使劳动合同无效的。")
    quote = best_quote(article, ["社会保险费", "缴纳"], lambda t: 1.0)
    assert quote.startswith("用人单位有下列情形之一的，劳动者可以解除劳动合同：")
    assert quote.endswith("……（三）未依法为劳动者缴纳社会保险费的；")


def test_a_list_introduction_never_leads_alone():
    """"有下列情形之一的：" answers nothing by itself: the lead names the item it introduces
    (the README's own question once led with "…可以解除劳动合同:。")."""
    article = ("用人单位有下列情形之一的，劳动者可以解除劳动合同:\n（一）未按照劳动合同约定提供劳动保护或者劳动条件的；\n"
               "（二）未及时足额支付劳动报酬的；\n（三）未依法为劳动者缴纳社会保险费的；")
    source = CitedArticle("中华人民共和国劳动合同法", "第三十八条", "a:1", "现行有效", number=1)
    tokens = ["用人单位", "劳动者", "解除", "劳动报酬", "足额"]
    text, _, _, _ = ExtractiveComposer().compose([source], {"a:1": article}, tokens, lambda t: 1.0, kind="remedy")
    lead = text.split("\n", 1)[0]
    assert lead == ("根据《中华人民共和国劳动合同法》第三十八条，用人单位有下列情形之一的，劳动者可以解除劳动合同："
                    "（二）未及时足额支付劳动报酬的。"), lead


DEADLINE = ("劳动争议申请仲裁的时效期间为一年。仲裁时效期间从当事人知道或者应当知道其权利被侵害之日起计算。"
            "前款规定的仲裁时效，因当事人一方向对方当事人主张权利，或者向有关部门请求权利救济，或者对方当事人同意履行义务而中断。"
            "劳动关系存续期间因拖欠劳动报酬发生争议的，劳动者申请仲裁不受本条第一款规定的仲裁时效期间的限制；"
            "但是，劳动关系终止的，应当自劳动关系终止之日起一年内提出。")


def test_a_how_long_question_leads_with_the_time_limit():
    """The lead gives what the question asks (a time), not the article's first sentence."""
    source = CitedArticle("中华人民共和国劳动争议调解仲裁法", "第二十七条", "a:1", "现行有效", number=1)
    tokens = ["拖欠", "劳动报酬", "劳动关系", "申请仲裁"]
    text, _, _, _ = ExtractiveComposer().compose([source], {"a:1": DEADLINE}, tokens, lambda t: 1.0, kind="time")
    lead = text.split("\n", 1)[0]
    assert lead.startswith("根据《中华人民共和国劳动争议调解仲裁法》第二十七条，")
    assert "一年" in lead, lead
    plain, _, _, _ = ExtractiveComposer().compose([CitedArticle(**{**source.__dict__, "quote": ""})],
                                               {"a:1": DEADLINE}, tokens, lambda t: 1.0)
    assert "一年" not in plain.split("\n", 1)[0]  # without the type the best-covered sentence leads


def test_the_lead_comes_from_the_first_cited_article():
    """The lead and [1] are the same article, even when a later one states what the question's
    type asks for (the deciding order decides; a type match alone led to wrong articles)."""
    first = CitedArticle("中华人民共和国社会保险法", "第五十八条", "a:1", "现行有效", number=1)
    second = CitedArticle("中华人民共和国社会保险法", "第八十二条", "a:2", "现行有效", number=2)
    texts = {"a:1": "用人单位应当自用工之日起三十日内为其职工向社会保险经办机构申报办理社会保险登记。",
             "a:2": "任何组织或者个人有权对违反社会保险法律、法规的行为进行举报、投诉。"}
    text, _, _, _ = ExtractiveComposer().compose([first, second], texts, ["社会保险", "投诉"], lambda t: 1.0,
                                              kind="remedy")
    assert text.startswith("根据《中华人民共和国社会保险法》第五十八条，用人单位应当自用工之日起三十日内")
    assert "[1] 《中华人民共和国社会保险法》第五十八条" in text


def test_a_what_to_do_answer_says_where_to_turn_as_the_articles_name_it():
    first = CitedArticle("中华人民共和国劳动争议调解仲裁法", "第五条", "a:1", "现行有效", number=1)
    other = CitedArticle("中华人民共和国劳动合同法", "第七十七条", "a:2", "现行有效", number=2)
    texts = {"a:1": "发生劳动争议，当事人不愿协商、协商不成或者达成和解协议后不履行的，可以向调解组织申请调解；"
                    "不愿调解、调解不成或者达成调解协议后不履行的，可以向劳动争议仲裁委员会申请仲裁；"
                    "对仲裁裁决不服的，除本法另有规定的外，可以向人民法院提起诉讼。",
             "a:2": "劳动者合法权益受到侵害的，有权要求有关部门依法处理，或者依法申请仲裁、提起诉讼。"}
    text, _, _, _ = ExtractiveComposer(max_cited=1).compose([first, other], texts, ["劳动争议"], lambda t: 1.0,
                                                         kind="remedy")
    route = text.split("\n")[1]
    assert route.startswith("可以求助：向调解组织申请调解（《中华人民共和国劳动争议调解仲裁法》第五条）；")
    assert "向劳动争议仲裁委员会申请仲裁" in route and "向人民法院提起诉讼" in route
    plain, _, _, _ = ExtractiveComposer(max_cited=1).compose([first, other], texts, ["劳动争议"], lambda t: 1.0,
                                                          kind="time")
    assert "可以求助" not in plain


def test_a_number_in_an_unrelated_later_article_does_not_lead():
    first = CitedArticle("中华人民共和国劳动争议调解仲裁法", "第二条", "a:1", "现行有效", number=1)
    later = CitedArticle("中华人民共和国劳动合同法", "第四十七条", "a:2", "现行有效", number=2)
    texts = {"a:1": "因拖欠劳动报酬发生的劳动争议，劳动者可以申请劳动仲裁。",
             "a:2": "向其支付经济补偿的年限最高不超过十二年。"}
    tokens = ["拖欠", "劳动报酬", "劳动仲裁", "年"]
    text, _, _, _ = ExtractiveComposer().compose([first, later], texts, tokens, lambda t: 1.0, kind="time")
    assert text.startswith("根据《中华人民共和国劳动争议调解仲裁法》第二条，因拖欠劳动报酬"), text.split("\n")[0]


def test_a_conditional_rule_says_what_the_answer_depends_on():
    article = ("第一千二百零九条 因租赁、借用等情形机动车所有人、管理人与使用人不是同一人时，发生交通事故造成损害，"
               "属于该机动车一方责任的，由机动车使用人承担赔偿责任；机动车所有人、管理人对损害的发生有过错的，"
               "承担相应的赔偿责任。")
    source = CitedArticle("中华人民共和国民法典", "第一千二百零九条", "m:1209", "现行有效", number=1)
    text, _, _, _ = ExtractiveComposer().compose([source], {"m:1209": article}, ["借", "车", "赔偿"], lambda t: 1.0)
    lines = text.split("\n")
    assert lines[0].startswith("根据《中华人民共和国民法典》第一千二百零九条，")
    assert lines[1] == "提示：结论取决于具体事实（各方有无过错），请对照下面的条文原文。"
    plain = CitedArticle("中华人民共和国民法典", "第一千零七十七条", "m:1077", "现行有效", number=1)
    text, _, _, _ = ExtractiveComposer().compose(
        [plain], {"m:1077": "自婚姻登记机关收到离婚登记申请之日起三十日内，任何一方不愿意离婚的，可以撤回申请。"},
        ["离婚", "多久"], lambda t: 1.0, "time")
    assert "提示" not in text  # an unconditional time limit needs no caveat
