"""新旧对照 figures: counts per status and time per diff (median of `--runs`) for version pairs
of real laws in the store ($FAGUI_HOME/store.sqlite3 or FAGUI_STORE, opened read-only).

`compare_ms` times the comparison of two loaded documents (corpus.versions.compare.compare_documents);
`total_ms` the whole `diff_versions` as the API runs it (store reads included); `*_cpu_ms`
the same in CPU time of this process (all threads).

    python bench/diff.py [--home /work/main/var] [--runs 10] [--pairs 公司法:2018:2023,...]
    python bench/diff.py --noise 400   # the similarity levels behind compare.py's thresholds
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from corpus.versions.compare import compare_documents, similarity_matrix  # noqa: E402
from corpus.versions.pairs import diff_versions, find_law  # noqa: E402
from corpus.config import Settings  # noqa: E402
from corpus.store.factory import open_store  # noqa: E402

# the four of the task, and the largest renumbering in the corpus (548 -> 651 articles)
PAIRS = ("公司法:2018:2023,民事诉讼法:2021:2023,反垄断法:2007:2022,立法法:2015:2023,"
         "最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释:2012:2021")


def by_year(versions: list[dict], year: str) -> dict:
    """The version published in `year` (the task names versions by their year)."""
    found = [v for v in versions if (v["publish_date"] or "").startswith(year)]
    if len(found) != 1:
        raise SystemExit(f"{len(found)} versions published in {year}: {versions}")
    return found[0]


def median_ms(run, runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds (CPU too: this machine is shared, wall time wanders)."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return round(statistics.median(wall) * 1000, 1), round(statistics.median(cpu) * 1000, 1)


def noise(store, laws: int, seed: int = 0) -> dict:
    """How similar two DIFFERENT articles of one law are (the levels behind the thresholds in
    corpus/versions/compare.py): bigram cosine over the article pairs of `laws` random laws."""
    ids = [r[0] for r in store.conn.execute(
        "SELECT d.id FROM documents d WHERE collection = 'laws' AND (SELECT COUNT(*) FROM units u "
        "WHERE u.doc_id = d.id AND u.kind = 'article') >= 20 ORDER BY d.id")]
    pairs, closest = [], []
    for doc_id in random.Random(seed).sample(ids, min(laws, len(ids))):
        texts = [u.text for u in store.units(doc_id)]
        sim = similarity_matrix(texts, texts)
        np.fill_diagonal(sim, 0)
        pairs.append(sim[np.triu_indices(len(texts), 1)])
        closest.append(sim.max(axis=1))
    every, best = np.concatenate(pairs), np.concatenate(closest)
    levels = (0.21, 0.30, 0.40, 0.50)
    return {"laws": len(pairs), "pairs": len(every),
            "share_of_pairs_at_or_above": {t: round(float((every >= t).mean()), 4) for t in levels},
            "share_of_articles_whose_closest_other_is_at_or_above": {
                t: round(float((best >= t).mean()), 3) for t in levels}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--pairs", default=PAIRS, help="title:from_year:to_year,...")
    parser.add_argument("--noise", type=int, default=0, metavar="LAWS",
                        help="instead: similarity of different articles of LAWS random laws")
    args = parser.parse_args()
    store = open_store(Settings.from_env(home=args.home), readonly=True)
    if args.noise:
        print(json.dumps(noise(store, args.noise)))
        return
    report = []
    for spec in args.pairs.split(","):
        title, old_year, new_year = spec.split(":")
        versions = store.versions(find_law(store, title))
        old_id, new_id = by_year(versions, old_year)["id"], by_year(versions, new_year)["id"]
        old, new = store.get(old_id), store.get(new_id)
        result = compare_documents(old, new)  # warm-up, and the counts
        report.append({
            "law": title, "from": old_id, "to": new_id, "articles": [len(old.units), len(new.units)],
            "counts": result["counts"], "reordered": sum(p["reordered"] for p in result["pairs"]),
            "compare_ms": median_ms(lambda: compare_documents(old, new), args.runs),
            "total_ms": median_ms(lambda: diff_versions(store, new_id, old_id, new_id), args.runs)})
        report[-1]["compare_ms"], report[-1]["compare_cpu_ms"] = report[-1]["compare_ms"]
        report[-1]["total_ms"], report[-1]["total_cpu_ms"] = report[-1]["total_ms"]
    for row in report:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
