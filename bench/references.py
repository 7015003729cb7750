"""Cross-references inside article text (条文引用): how many are found and resolved (coverage,
overall, by kind, by form, by citing collection), how long resolving takes, and a fixed random
sample of resolved references printed for reading (citing sentence -> target law, article,
first 60 characters of its text).

    python bench/references.py [--home /tmp/full | --store FILE] [--sample 50] [--seed 7]
                               [--later-sample 30] [--write]

Reads the store read-only unless `--write`, which also times `resolve_references` writing the
rows in one transaction: point that at a copy of the store (FAGUI_HOME / --store).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from corpus.references.mentions import SAME_ARTICLE  # noqa: E402
from corpus.store.factory import open_store  # noqa: E402

SENTENCE_END = "。；\n"


def sentence(text: str, start: int, end: int, width: int = 70) -> str:
    """The sentence around text[start:end], the reference marked 【】."""
    left = max((text.rfind(c, 0, start) for c in SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in SENTENCE_END) if i >= 0]
    right = min(rights, default=len(text)) + 1
    left, right = max(left, start - width), min(right, end + width)
    return (text[left:start] + "【" + text[start:end] + "】" + text[end:right]).replace("\n", " ")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--later-sample", type=int, default=0,
                        help="also sample references resolved to a later version than the cited one")
    parser.add_argument("--write", action="store_true", help="also time writing them (use a copy)")
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home, store_path=args.store)
    store = open_store(settings, readonly=not args.write)
    started = time.perf_counter()
    rows, stats = store.compute_references()
    figures = {"store": store.describe(), "compute_seconds": round(time.perf_counter() - started, 2),
               **stats.as_dict()}
    if args.write:
        with store.transaction():
            written = store.resolve_references()
        figures["resolve_and_write_seconds"] = written["seconds"]
    print(json.dumps(figures, ensure_ascii=False, indent=2))

    # rows: (from_doc, from_unit, pos, to_doc, to_unit, kind, detail, span_start, span_end, later)
    shown = [r for r in rows if r[5] != SAME_ARTICLE and r[7] is not None]
    show(store, shown, args.sample, args.seed, "resolved references")
    if args.later_sample:  # the references to a later version than the one cited (not stored)
        show(store, [r for r in shown if r[9] and r[4]], args.later_sample, args.seed,
             "article references resolved to a later version")


def show(store, rows: list[tuple], size: int, seed: int, what: str) -> None:
    """Print a fixed random sample of unit_refs rows for reading."""
    sample = random.Random(seed).sample(rows, min(size, len(rows)))
    print(f"\n{len(sample)} {what} of {len(rows)} (seed {seed}):")
    for n, (from_doc, from_unit, _, to_doc, to_unit, kind, detail, start, end, later) in enumerate(sample, 1):
        citing, unit = store.get(from_doc, with_units=False), store.get_unit(from_unit)
        target = store.get(to_doc, with_units=False)
        label, text = "（全文 whole law）", ""
        if to_unit:
            article = store.get_unit(to_unit)
            label, text = article.article_label or to_unit, article.text[:60].replace("\n", " ")
        print(f"\n{n:2d}. [{kind}] {citing.display_title} {unit.article_label or ''} "
              f"({citing.effective_date or citing.publish_date or '无日期'})\n"
              f"    {sentence(unit.text, start, end)}\n"
              f"    -> {target.display_title} ({target.effective_date or target.publish_date or '无日期'}, "
              f"{target.validity}{', LATER VERSION' if later else ''}) {label}{' ' + detail if detail else ''}: "
              f"{text}")


if __name__ == "__main__":
    main()
