"""Learning colloquial -> legal words from answered questions."""
from search.query.termmap import learn_term_map


def test_learns_a_consistent_translation_and_ignores_chance():
    questions = [{"老板", "不给", "社保"}, {"老板", "拖欠", "工资"}, {"老板", "社保"}, {"老板", "开除"},
                 {"天气"}, {"房子", "离婚"}, {"离婚", "孩子"}, {"老婆", "离婚"}]
    answers = [{"用人单位", "社会保险"}, {"用人单位", "劳动报酬"}, {"用人单位", "社会保险"},
               {"用人单位", "解除"}, {"其他"}, {"夫妻", "财产"}, {"子女", "抚养"}, {"夫妻", "离婚"}]
    questions += [{f"问{i}"} for i in range(12)]  # unrelated questions: the base rate of each word
    answers += [{f"答{i}"} for i in range(12)]
    learned = learn_term_map(questions, answers)
    assert learned["老板"][0] == "用人单位"  # in every answer of a 老板 question
    assert "离婚" not in learned  # only 2 of its questions lack the word in the answer: not trusted
    assert "社保" not in learned  # seen in 2 questions only (< 3)
    assert all(len(v) <= 2 for v in learned.values())


def test_a_p_value_test_keeps_what_comes_together_often_and_drops_a_rare_pair():
    # 老板 -> 用人单位 in 4 of 4 questions; 家里 meets the rare 相邻 in 2 of its 3 questions
    questions = [{"老板", "工资"}, {"老板", "社保"}, {"老板", "开除"}, {"老板", "加班"},
                 {"家里", "困难"}, {"家里", "漏水"}, {"家里", "老人"}]
    answers = [{"用人单位"}, {"用人单位"}, {"用人单位"}, {"用人单位"}, {"相邻"}, {"相邻"}, {"赡养"}]
    questions += [{f"问{i}"} for i in range(40)]
    answers += [{f"答{i}"} for i in range(40)]
    assert learn_term_map(questions, answers)["家里"] == ["相邻"]  # the lift test trusts 2 of 3
    strict = learn_term_map(questions, answers, min_share=0.34, max_p=1e-4)
    assert strict["老板"] == ["用人单位"] and "家里" not in strict
