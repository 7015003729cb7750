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
