"""Reply quality (答复评价) over the whole message collection: flag counts, the delay distribution
in working days, relevance of a reply to its own message vs. another message's (AUC), and
agreement with the 100 labelled replies (completeness / interpretability, 0/1).

Thresholds on the labels are cross-validated: 5 stratified folds, the threshold maximising
macro-F1 on 4 folds scores the 5th; figures are out-of-fold, beside the majority-class
baseline (its class also taken from the 4 training folds). Repeated over 3 fold seeds.

    python bench/replies.py [--data /work/shared/data] [--seeds 3]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.messages import from_documents  # noqa: E402
from analytics.replies import (FLAGS, ReplyQualityAssessor, completeness_score, delay_summary,  # noqa: E402
                               interpretability_score)
from corpus.config import default_data_dir  # noqa: E402
from corpus.sources.messages import MessagesJsonlReader  # noqa: E402


def best_threshold(labels: np.ndarray, predict) -> tuple[float, float]:
    """The cut with the best macro-F1 on these rows, and that F1; cuts are midpoints between
    sorted scores, ties -> the middle one of the tied cuts (not hugging one labelled row)."""
    values = np.unique(predict(None))
    cuts = np.r_[values[0] - 1e-6, (values[:-1] + values[1:]) / 2, values[-1] + 1e-6]
    f1s = np.array([f1_score(labels, predict(t), average="macro", zero_division=0) for t in cuts])
    best = cuts[np.flatnonzero(f1s >= f1s.max() - 1e-12)]
    return float(best[len(best) // 2]), float(f1s.max())


def cross_validate(labels: np.ndarray, predict, weights, seed: int):
    """Out-of-fold predictions of the assessor (weight and threshold chosen on the 4 training
    folds) and of the majority class; the (weight, threshold) chosen per fold.
    predict(rows, weight, cut) -> 0/1 per row; cut None -> the scores themselves."""
    pred, base, chosen = np.zeros_like(labels), np.zeros_like(labels), []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(labels, labels):
        options = []
        for w in weights:  # the first weight listed wins a tie
            cut, f1 = best_threshold(labels[train], lambda t, w=w: predict(train, w, t))
            options.append((f1, -weights.index(w), w, cut))
        _, _, weight, cut = max(options)
        chosen.append((weight, cut))
        pred[test] = predict(test, weight, cut)
        base[test] = Counter(labels[train].tolist()).most_common(1)[0][0]
    return pred, base, chosen


def figures(truth, pred) -> str:
    macro = f1_score(truth, pred, average="macro", zero_division=0)
    f1_one = f1_score(truth, pred, zero_division=0)
    return f"acc {accuracy_score(truth, pred):.3f}  macro-F1 {macro:.3f}  F1(1) {f1_one:.3f}"


def shuffled(messages, keys) -> list:
    """Each reply moved to another message (rotation by half the group, so never its own),
    within groups of equal key: all messages, or the same district (a harder negative)."""
    groups: dict = {}
    for i, m in enumerate(messages):
        groups.setdefault(keys[i], []).append(i)
    out = list(messages)
    for rows in groups.values():
        if len(rows) < 2:
            continue
        for i, j in zip(rows, np.roll(rows, len(rows) // 2)):
            out[i] = dataclasses.replace(messages[i], answer=messages[j].answer)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    messages = from_documents(MessagesJsonlReader(args.data / "govqa/tipdm2020_message_board.jsonl.gz"))
    loaded = time.perf_counter()
    assessor = ReplyQualityAssessor()
    out = assessor.assess(messages)
    assessed = time.perf_counter()
    replied = [m for m in messages if m.answer and m.answer.strip()]
    delays = [assessor.delay(m) for m in replied]  # also done inside assess: timed alone here
    counted = time.perf_counter()
    summary = delay_summary(out, messages)
    summarised = time.perf_counter()
    print(f"messages {len(messages)}, replied {len(replied)}, assessed {len(out)}")
    print(f"time: load {loaded - started:.1f}s, assess (all scores) {assessed - loaded:.1f}s, "
          f"{len(delays)} working-day delays {1000 * (counted - assessed):.0f} ms, "
          f"delay summary {1000 * (summarised - counted):.0f} ms")
    counts = Counter(f for a in out for f in a.flags)
    print("flags:", ", ".join(f"{f} {counts[f]} ({counts[f] / len(out):.1%})" for f in FLAGS),
          f"| none {sum(not a.flags for a in out)}")
    o = summary["overall"]
    print(f"delay (working days): median {o['median']}, P90 {o['p90']}, share > 15 {o['share_late']:.1%}, "
          f"known {o['count']}, unknown {o['unknown']}")
    months = summary["per_month"]
    busiest = sorted(months, key=lambda k: -months[k]["count"])[:6]
    print("  busiest months:", "; ".join(f"{k} n={months[k]['count']} med {months[k]['median']} "
                                         f"P90 {months[k]['p90']}" for k in sorted(busiest)))

    report_relevance(assessor, out, replied)
    report_labels(out, replied, args.seeds)


def report_relevance(assessor: ReplyQualityAssessor, out: list, replied: list) -> None:
    own = np.array([a.relevance for a in out])
    cut = assessor.irrelevant_below
    for name, keys in (("random message", [0] * len(replied)),
                       ("same-district message", [m.district for m in replied])):
        pairs = shuffled(replied, keys)
        moved = np.array([p.answer != m.answer for p, m in zip(pairs, replied)])  # singletons stay
        neg = np.array([a.relevance for a in assessor.assess(pairs)])[moved]
        auc = roc_auc_score(np.r_[np.ones(len(own)), np.zeros(len(neg))], np.r_[own, neg])
        print(f"relevance own vs {name}: AUC {auc:.3f}; own < {cut}: {np.mean(own < cut):.1%}, "
              f"other >= {cut}: {np.mean(neg >= cut):.1%} (n={len(neg)})")


FORMAL_WEIGHTS = [0.5, 0.35, 0.2]  # share of completeness from formal parts (>= 0.2: parts always count)
DETAIL_WEIGHTS = [0.4, 0.6, 0.8]  # share of interpretability from substance (<= 0.8: parts always count)


def report_labels(out: list, replied: list, seeds: int) -> None:
    rows = [(a, m) for a, m in zip(out, replied) if m.label_completeness is not None]
    labelled = [a for a, _ in rows]
    print(f"labelled replies: {len(rows)}")
    for key, weights in (("completeness", FORMAL_WEIGHTS), ("interpretability", DETAIL_WEIGHTS)):
        truth = np.array([getattr(m, f"label_{key}") for _, m in rows])
        predict = predictor(key, labelled)
        auc = roc_auc_score(truth, [getattr(a, key) for a in labelled])
        auc_substance = roc_auc_score(truth, [a.substance for a in labelled])
        print(f"{key}: labels {dict(sorted(Counter(truth.tolist()).items()))}; AUC of the score with default "
              f"weights {auc:.3f}, of substance alone {auc_substance:.3f}")
        chosen_all = []
        for seed in range(seeds):
            pred, base, chosen = cross_validate(truth, predict, weights, seed)
            chosen_all += chosen
            print(f"  seed {seed}: assessor {figures(truth, pred)} | majority {figures(truth, base)}")
            print(f"          chosen (weight, threshold) per fold: {' '.join(f'({w}, {c:.3f})' for w, c in chosen)}")
        weight = Counter(w for w, _ in chosen_all).most_common(1)[0][0]
        cut = float(np.median([c for w, c in chosen_all if w == weight]))
        times = sum(w == weight for w, _ in chosen_all)
        print(f"  -> default: weight {weight} (chosen in {times}/{len(chosen_all)} folds), "
              f"median threshold there {cut:.3f}")


def predictor(key: str, labelled: list):
    """predict(rows, weight, cut): the assessor's 0/1 judgement of labelled rows under that weight
    and threshold, by the same rules as its flags (is_incomplete / is_unexplained); cut None ->
    the scores themselves."""
    def predict(rows, weight, cut):
        judge = ReplyQualityAssessor(incomplete_below=cut or 0, unexplained_below=cut or 0)
        out = []
        for a in (labelled if rows is None else [labelled[i] for i in rows]):
            if key == "completeness":
                score = completeness_score(a.parts_found, a.substance, weight)
                flagged = judge.is_incomplete(score, a.parts_missing)
            else:
                score = interpretability_score(a.explanation_found, a.substance, weight)
                flagged = judge.is_unexplained(score, a.explanation_found)
            out.append(score if cut is None else 0 if flagged else 1)
        return np.array(out)
    return predict


if __name__ == "__main__":
    main()
