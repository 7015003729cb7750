"""Colloquial -> legal wording learned from answered questions (口语-法言法语映射): a question
word that the answering articles do not use, mapped to the article words that come with it
far more often than chance. Fitted on STARD train only (inside `fagui learn`)."""
from __future__ import annotations

from collections import Counter, defaultdict

MIN_QUESTIONS = 3   # a question word seen in fewer answered questions is not trusted
MIN_SHARE = 0.5     # the legal word appears in the answers of ≥ half of those questions
MIN_LIFT = 4.0      # ... and ≥ 4x as often as in the answers of all questions
PER_WORD = 2
MIN_TOGETHER = 3    # with a p-value test: seen together in at least this many questions


def content_words(question_tokens: list[set[str]], answer_tokens: list[set[str]], min_len: int = 2,
                  max_question_share: float = 0.05, max_answer_share: float = 1.0
                  ) -> tuple[list[set[str]], list[set[str]]]:
    """Keep the words that can carry a concept: one-character words (好, 用, 打) and words found in
    more than `max_question_share` of the questions (法律, 保护, 通过) co-occur with every area's
    legal words and were mapped to unrelated ones (保护 -> 舞蹈/科学, 好 -> 明显/您); on the answer
    side, words in more than `max_answer_share` of the answers (之日起, 予以, 有效) say nothing of an area."""
    def shares(token_sets: list[set[str]]) -> Counter[str]:
        return Counter(w for words in token_sets for w in words)

    n, m = max(len(question_tokens), 1), max(len(answer_tokens), 1)
    asked, answered = shares(question_tokens), shares(answer_tokens)
    questions = [{w for w in q if len(w) >= min_len and asked[w] / n <= max_question_share} for q in question_tokens]
    answers = [{w for w in a if len(w) >= min_len and answered[w] / m <= max_answer_share} for a in answer_tokens]
    return questions, answers


def learn_term_map(question_tokens: list[set[str]], answer_tokens: list[set[str]], min_questions: int = MIN_QUESTIONS,
                   min_share: float = MIN_SHARE, min_lift: float = MIN_LIFT, per_word: int = PER_WORD,
                   max_p: float | None = None) -> dict[str, list[str]]:
    """`question_tokens[i]`: words of question i; `answer_tokens[i]`: words of its gold articles.
    `max_p`: instead of the lift test, a legal word must come with the question word in at least
    MIN_TOGETHER questions and more often than chance would give with probability `max_p`
    (binomial tail at the legal word's base rate): few co-occurrences of a rare word are chance."""
    n = len(question_tokens)
    asked: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    together: dict[str, Counter[str]] = defaultdict(Counter)
    for q, a in zip(question_tokens, answer_tokens):
        answered.update(a)
        for word in q - a:  # only words the articles do not already use need a translation
            asked[word] += 1
            together[word].update(a - q)
    out: dict[str, list[str]] = {}
    for word, count in asked.items():
        if count < min_questions:
            continue
        ranked = []
        for legal, c in together[word].items():
            share = c / count
            lift = share / (answered[legal] / n)
            if max_p is not None:
                from scipy.stats import binom  # scipy.stats costs ~0.5 s to import: only when asked

                p_value = float(binom.sf(c - 1, count, answered[legal] / n))
                if c >= MIN_TOGETHER and share >= min_share and p_value < max_p:
                    ranked.append((-p_value, legal))
            elif share >= min_share and lift >= min_lift:
                ranked.append((lift * share, legal))
        if ranked:
            out[word] = [legal for _, legal in sorted(ranked, reverse=True)[:per_word]]
    return dict(sorted(out.items()))  # the words came in set order, which changes with the hash seed
