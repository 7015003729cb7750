"""The relevance gate: when is there something to answer with."""
from assistant.relevance import RelevanceGate


def test_rare_words_meeting_by_chance_do_not_make_a_question_answerable():
    gate = RelevanceGate()
    # 英语四级怎么准备: both words occur in one regulation, nothing in the law is alike
    assert not gate.answerable(cited=False, vector=None, nearest_article=0.34, best_coverage=0.67)
    assert gate.answerable(cited=False, vector=None, nearest_article=0.45, best_coverage=0.67)
    assert gate.answerable(cited=False, vector=None, nearest_article=0.55, best_coverage=0.0)
    assert gate.answerable(cited=True, vector=None, nearest_article=0.0, best_coverage=0.0)
