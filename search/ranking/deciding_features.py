"""Features of the deciding-article stage (判定条文): law first, then article.

The first-stage ranking (fused, re-ranked) names the laws a question is about: each law scores
Σ 1/(LAW_K + rank) over its articles in the first LAW_DEPTH results, and the best GOVERNING_LAWS
laws are opened whole. Candidates are every article of those laws plus the first TOP_KEEP results.
Each candidate's row says what the question asks (its types: 期限, 金额, 救济, 后果, 能不能), what
the article is (search/ranking/law_articles.py) and where they meet, how the first stage placed
it (overall and inside its law), its dense similarity (raw and adapted) and word coverage (the
question's words, the legal words they stand for, the chapter headings), each also ranked inside
its law, and how strongly its law leads.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from search.query.question_type import QUESTION_PATTERNS, SENTENCE_PATTERNS
from search.ranking.law_articles import ARTICLE_PATTERNS, KINDS, STATIC, LawArticlesCache

LAW_DEPTH, LAW_K, GOVERNING_LAWS, TOP_KEEP = 50, 5.0, 5, 30
TYPE_RANK = {"宪法": 0, "法律": 1, "行政法规": 2, "司法解释": 3, "部门规章": 4, "地方性法规": 5, "地方政府规章": 6}
STAGE1_SOURCES = ("keyword", "vector", "adapted", "questions", "neighbours")
Q_TYPES = (*QUESTION_PATTERNS, "other")
MISSING = 1000.0
FEATURES = [f"q_{t}" for t in Q_TYPES] + [f"match_{k}" for k in KINDS] + STATIC + [
    "s1_rank", "s1_gap", "s1_law_rank"] + [f"src_{s}" for s in STAGE1_SOURCES] + [
    "cos", "cos_adapted", "cos_gap_law", "cos_law_rank", "text_cover", "text_cover_law_rank",
    "expanded_cover", "concept_cover", "concept_law_rank", "chapter_cover", "law_rank", "law_score", "law_top10",
    "law_best_rank", "law_title_words", "law_title_concepts", "law_max_cos", "law_max_adapted", "law_top5_cos",
    "law_max_text_cover", "law_max_concept", "law_doc_type"]


def feature_digest() -> str:
    """A digest of what the stage's rows mean (feature names, the patterns that type questions and
    articles, the law-opening constants): a model learned under other definitions reads its
    columns wrongly, and session 14's unmeasured pattern change cost 1.5 points without any error."""
    spec = {"features": FEATURES, "static": STATIC,
            "question": {k: p.pattern for k, p in QUESTION_PATTERNS.items()},
            "sentence": {k: p.pattern for k, p in SENTENCE_PATTERNS.items()},
            "articles": [p.pattern for p in ARTICLE_PATTERNS],
            "laws": [LAW_DEPTH, LAW_K, GOVERNING_LAWS, TOP_KEEP]}
    return hashlib.sha256(json.dumps(spec, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def governing_laws(ranked: list[str], doc_of: Callable[[str], str | None]) -> list[tuple[str, float, int, int]]:
    """(doc id, score, articles in the top 10, best rank) of the laws, best first."""
    score, top10, best = defaultdict(float), defaultdict(int), {}
    for rank, uid in enumerate(ranked[:LAW_DEPTH], 1):
        doc = doc_of(uid)
        if doc is None:
            continue
        score[doc] += 1.0 / (LAW_K + rank)
        top10[doc] += rank <= 10
        best.setdefault(doc, rank)
    return sorted(((d, s, top10[d], best[d]) for d, s in score.items()), key=lambda x: -x[1])


def _rank_within(values: np.ndarray, groups: list[str]) -> np.ndarray:
    """1-based rank of each value (high first) among the rows of its group."""
    out = np.empty(len(values), dtype=np.float32)
    by: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        by[g].append(i)
    for rows in by.values():
        order = np.argsort(-values[rows], kind="stable")
        out[np.asarray(rows)[order]] = np.arange(1, len(rows) + 1)
    return out


class DecidingFeaturizer:
    """Candidate rows for one question; `cosines(qvecs, uids)` gives dense similarities (None:
    not available, e.g. the keyword stage), `cover(uids, words)` the idf-weighted share of
    `words` each article's text holds."""

    def __init__(self, store, meta, cover: Callable, cosines: Callable | None):
        self.laws = LawArticlesCache(store)
        self.meta, self.cover, self.cosines = meta, cover, cosines

    def features(self, question: str, tokens: list[str], expansions: list[str],
                 ranked: list[tuple[str, float]], parts: dict[str, dict], qvecs: np.ndarray | None,
                 concepts: list[str] = ()) -> tuple[list[str], np.ndarray]:
        """`expansions`: the first stage's term-map words; `concepts`: the legal words of the
        concept map (search/query/concepts.py)."""
        meta = self.meta
        words = [w for w in dict.fromkeys(tokens) if len(w) >= 2]
        order = [u for u, _ in ranked]
        laws = governing_laws(order, lambda u: meta.value(u, "doc_id"))
        top_laws = [d for d, *_ in laws[:GOVERNING_LAWS]]
        law_info = {d: (i, s, t, b) for i, (d, s, t, b) in enumerate(laws, 1)}
        ids, static, chapters = [], [], []
        for doc in top_laws:
            law = self.laws.get(doc)
            ids += law.uids
            static.append(law.static)
            chapters += law.chapters
        opened = set(ids)
        for uid in order[:TOP_KEEP]:
            if uid not in opened:
                law = self.laws.get(meta.value(uid, "doc_id"))
                if uid in law.uids:  # a whole-document unit (no 条) is not a deciding article
                    i = law.uids.index(uid)
                    ids.append(uid)
                    static.append(law.static[i:i + 1])
                    chapters.append(law.chapters[i])
        if not ids:
            return [], np.zeros((0, len(FEATURES)), dtype=np.float32)
        n = len(ids)
        static_x = np.vstack(static)
        docs = [meta.value(u, "doc_id") for u in ids]
        s1_rank = {u: r for r, u in enumerate(order, 1)}
        s1_score = dict(ranked)
        top_score = ranked[0][1] if ranked else 0.0
        floor = top_score - (ranked[-1][1] if ranked else 0.0) + 1.0
        rank = np.array([s1_rank.get(u, MISSING) for u in ids], dtype=np.float32)
        gap = np.array([top_score - s1_score[u] if u in s1_score else floor for u in ids], dtype=np.float32)
        law_rank1 = _rank_within(-rank, docs)
        law_rank1[rank >= MISSING] = MISSING
        sources = [[parts.get(s, {}).get(u, 0.0) for u in ids] for s in STAGE1_SOURCES]
        if qvecs is not None and self.cosines is not None:
            cos = self.cosines(qvecs, ids)
            raw, adapted = cos[0], cos[-1]
        else:
            raw = adapted = np.zeros(n, dtype=np.float32)
        law_max = defaultdict(lambda: -1.0)
        for d, c in zip(docs, raw.tolist()):
            law_max[d] = max(law_max[d], c)
        cos_gap = np.array([law_max[d] - c for d, c in zip(docs, raw.tolist())], dtype=np.float32)
        text_cover = self.cover(ids, tokens)
        expanded = self.cover(ids, expansions) if expansions else np.zeros(n, dtype=np.float32)
        concept = self.cover(ids, list(concepts)) if concepts else np.zeros(n, dtype=np.float32)
        chapter_cover = np.array([sum(len(w) for w in words if w in c) / (sum(len(w) for w in words) or 1)
                                  for c in chapters], dtype=np.float32)
        q = [float(bool(QUESTION_PATTERNS[t].search(question))) for t in QUESTION_PATTERNS]
        q.append(float(not any(q)))
        q_x = np.tile(np.asarray(q, dtype=np.float32), (n, 1))
        match = static_x[:, :len(KINDS)] * np.asarray(q[:len(KINDS)], dtype=np.float32)
        info = [law_info.get(d, (len(laws) + 1, 0.0, 0, MISSING)) for d in docs]
        law_x = self._law_columns(docs, words, list(concepts), raw, adapted, text_cover, concept)
        x = np.column_stack([
            q_x, match, static_x, rank, gap, law_rank1, *[np.asarray(s, dtype=np.float32) for s in sources],
            raw, adapted, cos_gap, _rank_within(raw, docs), text_cover, _rank_within(text_cover, docs),
            expanded, concept, _rank_within(concept, docs), chapter_cover,
            *[np.array([i[j] for i in info], dtype=np.float32) for j in range(4)], law_x])
        return ids, x.astype(np.float32)

    def _law_columns(self, docs: list[str], words: list[str], concepts: list[str], raw: np.ndarray,
                     adapted: np.ndarray, text_cover: np.ndarray, concept: np.ndarray) -> np.ndarray:
        """Per law, repeated on its rows: how much its title says of the question (its words,
        the legal words they stand for), its best dense similarity (raw, adapted, top-5 mean),
        its best word and concept coverage, its 效力级别: which law governs, not which article."""
        rows: dict[str, list[int]] = defaultdict(list)
        for i, d in enumerate(docs):
            rows[d].append(i)
        total = sum(len(w) for w in words) or 1
        out = np.zeros((len(docs), 8), dtype=np.float32)
        for doc, at in rows.items():
            first = self.laws.get(doc).uids[0]
            title, doc_type = self.meta.value(first, "title") or "", self.meta.value(first, "doc_type")
            out[at] = [sum(len(w) for w in words if w in title) / total, float(sum(1 for c in concepts if c in title)),
                       float(raw[at].max()), float(adapted[at].max()), float(np.sort(raw[at])[-5:].mean()),
                       float(text_cover[at].max()), float(concept[at].max()), TYPE_RANK.get(doc_type, 7)]
        return out
