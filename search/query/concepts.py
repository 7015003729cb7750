"""Colloquial -> legal concepts (口语-法律概念词表) for the deciding-article stage: a question
word mapped to the legal words that come with it in the *answers* to past questions — the gold
articles and the legal team's written answer (LeCoQA), which restates a plain question in the
law's terms (老公打我 -> 家庭暴力, 人身安全保护令). Learned from STARD train questions only (the
LeCoQA answers of train questions; dev answers are never read), cross-fitted in `fagui learn`,
saved as learned/concepts.json.
"""
from __future__ import annotations

import json
from pathlib import Path

from search.query.termmap import learn_term_map

CONCEPTS_FILE = "concepts.json"
# looser than the first stage's term map (which changes what search retrieves): here the words
# only describe candidates, and a wrong one costs little
MIN_QUESTIONS, MIN_SHARE, MIN_LIFT, PER_WORD = 3, 0.34, 3.0, 4


def load_answers(path: Path, qids: set[str]) -> dict[str, str]:
    """LeCoQA's written answers of the questions `qids` (empty when the file is missing)."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if str(row.get("query_id")) in qids and isinstance(row.get("answer"), str) and row["answer"].strip():
                out[str(row["query_id"])] = row["answer"]
    return out


def fit_concepts(question_tokens: list[set[str]], answer_tokens: list[set[str]]) -> dict[str, list[str]]:
    return learn_term_map(question_tokens, answer_tokens, MIN_QUESTIONS, MIN_SHARE, MIN_LIFT, PER_WORD)


class ConceptMap:
    """question word -> legal words."""

    def __init__(self, words: dict[str, list[str]] | None = None):
        self.words = words or {}

    def expand(self, tokens: list[str]) -> list[str]:
        return list(dict.fromkeys(legal for t in tokens for legal in self.words.get(t, [])))

    def save(self, folder: Path) -> None:
        (folder / CONCEPTS_FILE).write_text(json.dumps(self.words, ensure_ascii=False, indent=0), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "ConceptMap":
        path = folder / CONCEPTS_FILE
        return cls(json.loads(path.read_text(encoding="utf-8")) if path.exists() else None)
