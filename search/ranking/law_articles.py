"""What each article of a law is, read once per law (条文类型): whether it states a time limit, an
amount, a remedy (申请/仲裁/起诉), a consequence (法律责任), a rule (不得/应当/可以); whether it
sits in 总则, 附则 or the 法律责任 chapter; whether it only defines a term (本法所称…是指) or says
what the law is for (为了…制定本法); where it stands in the law and how long it is.

These are the question-independent half of the deciding-article features
(search/ranking/deciding_features.py); a law's rows are cached, a few hundred laws at most.
"""
from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from search.query.question_type import SENTENCE_PATTERNS

KINDS = ("time", "amount", "remedy", "consequence", "yes_no")
_LIABILITY = re.compile(r"法律责任|罚则|处罚")
_DEFINITION = re.compile(r"(本法|本条例|本规定|本办法|本解释)所称|是指")
_PURPOSE = re.compile(r"^为了.{0,80}(制定本|根据)|适用本(法|条例|规定|办法)|本(法|条例|规定|办法)适用于")
ARTICLE_PATTERNS = (_LIABILITY, _DEFINITION, _PURPOSE)  # what the stage's model learned them as (its digest)
STATIC = [f"art_{k}" for k in KINDS] + [
    "liability_chapter", "general_chapter", "final_chapter", "definition", "purpose",
    "position", "first_articles", "log_length", "log_law_articles"]
CACHED_LAWS = 256


@dataclass
class LawArticles:
    """The article units of one document, in order, with their static feature rows."""

    doc_id: str
    uids: list[str]
    texts: list[str]
    chapters: list[str]
    static: np.ndarray  # len(uids) x len(STATIC)


def static_rows(texts: list[str], chapters: list[str]) -> np.ndarray:
    n = len(texts)
    rows = []
    for i, (text, chapter) in enumerate(zip(texts, chapters)):
        rows.append([float(bool(SENTENCE_PATTERNS[k].search(text))) for k in KINDS] + [
            float(bool(_LIABILITY.search(chapter))), float("总则" in chapter), float("附则" in chapter),
            float(bool(_DEFINITION.search(text))), float(bool(_PURPOSE.search(text))),
            i / max(1, n - 1), float(i < 3), math.log1p(len(text)), math.log1p(n)])
    return np.asarray(rows, dtype=np.float32).reshape(n, len(STATIC))


class LawArticlesCache:
    """Reads a law's articles from the store once (LRU of CACHED_LAWS laws)."""

    def __init__(self, store):
        self.store = store
        self._laws: OrderedDict[str, LawArticles] = OrderedDict()

    def get(self, doc_id: str) -> LawArticles:
        if doc_id in self._laws:
            self._laws.move_to_end(doc_id)
            return self._laws[doc_id]
        units = [u for u in self.store.units(doc_id) if u.article_label]
        texts = [u.text or "" for u in units]
        chapters = [" ".join(u.chapter_path or []) for u in units]
        law = LawArticles(doc_id, [u.id for u in units], texts, chapters, static_rows(texts, chapters))
        self._laws[doc_id] = law
        if len(self._laws) > CACHED_LAWS:
            self._laws.popitem(last=False)
        return law

    def clear(self) -> None:
        self._laws.clear()
