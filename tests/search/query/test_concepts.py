"""The concept map of the deciding stage: question words -> the legal words their answers use;
written answers are read for the asked (train) questions only."""
import json

from search.query.concepts import ConceptMap, fit_concepts, load_answers


def test_plain_words_map_to_the_legal_words_of_their_answers():
    asked = [{"老公", "打我"}, {"老公", "打我", "报警"}, {"老公", "打我", "离婚"}, {"房租", "押金"}, {"押金", "退"}]
    answered = [{"家庭暴力", "保护令"}, {"家庭暴力", "公安机关"}, {"家庭暴力", "离婚"}, {"租赁", "押金"}, {"押金", "租赁"}]
    other = [({f"问{i}"}, {f"答{i}"}) for i in range(8)]  # unrelated questions: the base rate
    words = fit_concepts(asked + [q for q, _ in other], answered + [a for _, a in other])
    assert "家庭暴力" in words["打我"] and "家庭暴力" in words["老公"]
    assert "押金" not in words  # a word the answers already use needs no translation
    assert ConceptMap(words).expand(["打我", "押金"]) == words["打我"]


def test_written_answers_of_other_questions_are_never_read(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(json.dumps({"query_id": q, "answer": a}, ensure_ascii=False)
                              for q, a in [("1", "可以申请保护令"), ("2", "dev 的答案"), ("3", ""), ("4", float("nan"))]), encoding="utf-8")
    assert load_answers(path, {"1", "3", "4"}) == {"1": "可以申请保护令"}  # no answer, or NaN: none
    assert load_answers(tmp_path / "missing.jsonl", {"1"}) == {}


def test_the_map_round_trips(tmp_path):
    ConceptMap({"打我": ["家庭暴力"]}).save(tmp_path)
    assert ConceptMap.load(tmp_path).expand(["打我"]) == ["家庭暴力"]
    assert ConceptMap.load(tmp_path / "none").expand(["打我"]) == []
