"""The deciding articles (决定性条文): which of the retrieved articles an answer should rest on.

The first retrieved article is often related but not the one that answers (a citizen dismissed
without compensation is shown the employee's own resignation article). A small logistic model
scores each of the top candidates from features that hold for any question — its retrieval
rank and score, how much of the question's weight the article and its best sentence carry,
whether a sentence gives what the question's type asks for (a time, an amount, a remedy, a
consequence, a 应当/不得), whether it is a general provision (总则/附则, 立法目的, 定义), how much
of the candidate list its law holds. Trained by `fagui learn` on which articles the legal
team's answers to the STARD/LeCoQA train questions rest on, with retrieval cross-fitted so no
question sees learned parts built from itself; saved as plain JSON coefficients.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.answer_types import answers_type
from assistant.relevance import coverage

FEATURES = ("inv_rank", "score_gap", "cover", "title_cover", "best_sentence_cover", "type_any",
            "type_best", "general", "opening", "law_share", "same_law_as_first", "log_length")
MODEL_FILE = "deciding.json"
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_GENERAL = re.compile(r"为了.{0,60}制定本(法|条例|规定|办法)|本(法|条例|规定|办法)所称|适用本(法|条例)|"
                      r"本(法|条例|规定|办法)自.{0,20}(施行|生效)")
_OPENING = re.compile(r"^第[一二三]条$")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def candidate_features(results, words: list[str], kind: str, weight: Callable[[str], float]) -> np.ndarray:
    """One row of FEATURES per result (search results of law articles, best first)."""
    if not results:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    laws = Counter(r.law_title for r in results)
    top = results[0].score
    rows = []
    for rank, r in enumerate(results, 1):
        text = r.text or ""
        parts = _sentences(text) or [text]
        covers = [coverage(words, s, weight) for s in parts]
        best = parts[int(np.argmax(covers))]
        chapter = " ".join(r.chapter_path or [])
        rows.append([
            1.0 / rank, r.score - top, coverage(words, text, weight), coverage(words, r.law_title, weight),
            max(covers), float(any(answers_type(s, kind) for s in parts)), float(answers_type(best, kind)),
            float(bool(_GENERAL.search(text)) or "总则" in chapter or "附则" in chapter),
            float(bool(_OPENING.match(r.article_label or ""))), laws[r.law_title] / len(results),
            float(r.law_title == results[0].law_title), math.log1p(len(text))])
    return np.asarray(rows, dtype=np.float32)


class DecidingArticleModel:
    """Logistic scores over FEATURES (standardised); `order` ranks candidates by them."""

    def __init__(self, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, intercept: float):
        self.mean, self.scale, self.coef, self.intercept = mean, scale, coef, intercept

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, c: float = 1.0) -> "DecidingArticleModel":
        from sklearn.linear_model import LogisticRegression

        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
        model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y)
        return cls(mean, scale, model.coef_[0], float(model.intercept_[0]))

    def scores(self, x: np.ndarray) -> np.ndarray:
        if not len(x):
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-(((x - self.mean) / self.scale) @ self.coef + self.intercept)))

    def order(self, x: np.ndarray) -> list[int]:
        """Candidate indices, most likely deciding first (ties keep retrieval order)."""
        s = self.scores(x)
        return sorted(range(len(s)), key=lambda i: (-s[i], i))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"features": FEATURES, "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                                   "coef": self.coef.tolist(), "intercept": self.intercept}, indent=1))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "DecidingArticleModel | None":
        """The saved model, or None when absent or made for other features."""
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        if tuple(data.get("features", ())) != FEATURES:
            return None
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]), data["intercept"])
