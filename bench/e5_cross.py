"""A cross-encoder on multilingual-e5-small (bench/e5_torch.py) for the deciding stage's leaders
(issue 28): the question and one article read together, a linear head on the mean of the last
layer, trained listwise on STARD train (each question's gold article against the stage's own
non-gold leaders), then fused with the stage's order like the e5 step (reciprocal ranks).

Choose the fusion weight on LawBench 3-2 (selection: out of distribution); report STARD dev and
the two everyday sets. Scratch files go to --work (groups, weights, scores), so each phase can be
rerun alone:

    python bench/e5_cross.py groups   [--home var]          # hard negatives of STARD train
    python bench/e5_cross.py train    [--epochs 1 --neg 5 --frozen 4]
    python bench/e5_cross.py evaluate [--home var --top 10] # P@1 / gold@3 / R@10 per weight
"""
from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.e5_torch import TorchE5  # noqa: E402

WEIGHTS = (0.0, 0.5, 1.0, 2.0, 4.0, 100.0)


class CrossE5(torch.nn.Module):
    """Scores (question, article) pairs: <s> query </s></s> passage </s> through the encoder,
    mean-pooled, one linear unit. The lowest `frozen` layers keep e5's weights (speed, and
    1,235 questions are too few to move them usefully)."""

    def __init__(self, frozen: int = 4, q_tokens: int = 64, p_tokens: int = 160):
        super().__init__()
        self.encoder = TorchE5()
        self.head = torch.nn.Linear(self.encoder.norm.weight.shape[0], 1)
        torch.nn.init.normal_(self.head.weight, std=0.02)
        torch.nn.init.zeros_(self.head.bias)
        self.q_tokens, self.p_tokens = q_tokens, p_tokens
        frozen_parts = [self.encoder.position, self.encoder.token_type, *self.encoder.norm.parameters()]
        for block in self.encoder.blocks[:frozen]:
            frozen_parts += list(block.parameters())
        for p in frozen_parts:
            p.requires_grad = False

    def pair_ids(self, question: str, passage: str) -> list[int]:
        tok = self.encoder.tokenizer
        q = tok.ids("query: " + question)[:self.q_tokens]
        p = tok.ids("passage: " + passage)[1:][:self.p_tokens]
        return q[:-1] + [tok.eos, tok.eos] + p[:-1] + [tok.eos]

    def forward(self, question: str, passages: list[str]) -> torch.Tensor:
        return self.head(self.encoder.pooled([self.pair_ids(question, p) for p in passages])).squeeze(-1)


def load_assistant(home):
    from assistant.assistant import Assistant
    from corpus.config import Settings
    from search.searcher import Searcher
    settings = Settings.from_env(home=home)
    return settings, Assistant(Searcher.from_settings(settings))


def leaders(assistant, question: str, k: int = 16):
    """The assistant's own order (deciding stage + e5 step): (key, uid, passage text) of the first k."""
    from search.evaluation.metrics import norm_title
    rescorer = assistant.searcher.deciding.rescorer
    found = assistant.searcher.search(question, k=k, filters=assistant.scope(question), with_facets=False,
                                      deep=True, decide=True).results
    return [((norm_title(r.law_title), r.article_label), r.article_id,
             rescorer.text_of(r.article_id)[:rescorer.chars]) for r in found]


def make_groups(args) -> None:
    from search.evaluation.metrics import norm_title
    settings, assistant = load_assistant(args.home)
    rescorer = assistant.searcher.deciding.rescorer
    groups = []
    for line in (settings.data_dir / "stard/queries.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q["split"] != "train":
            continue
        gold = {(norm_title(g["law_name"]), g["article_label"]) for g in q["gold"]}
        hard = [text for key, _, text in leaders(assistant, q["question"]) if key not in gold]
        pos = [rescorer.text_of(g["lawref_article_id"])[:rescorer.chars] for g in q["gold"] if g.get("lawref_article_id")]
        if pos and hard:
            groups.append({"q": q["question"], "pos": pos, "hard": hard})
    (args.work / "groups.pkl").write_bytes(pickle.dumps(groups))
    print(f"{len(groups)} groups", file=sys.stderr)


def train(args) -> None:
    torch.manual_seed(0)
    rng = random.Random(0)
    groups = pickle.loads((args.work / "groups.pkl").read_bytes())
    model = CrossE5(frozen=args.frozen).train()
    body = [p for p in model.encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW([{"params": body, "lr": args.lr},
                                   {"params": model.head.parameters(), "lr": args.head_lr}], weight_decay=0.01)
    total = args.epochs * len(groups) // args.batch
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, (s + 1) / 30) * max(0.0, 1 - s / total))
    started, seen, losses = time.perf_counter(), 0, []
    for epoch in range(args.epochs):
        order = list(range(len(groups)))
        rng.shuffle(order)
        for step in range(len(order) // args.batch):
            loss = 0.0
            for i in order[step * args.batch:(step + 1) * args.batch]:
                g = groups[i]
                # the stage's leaders are the negatives that matter: the first ones mostly
                negatives = g["hard"][:max(args.neg, 8)]
                texts = [rng.choice(g["pos"])] + rng.sample(negatives, min(args.neg, len(negatives)))
                scores = model(g["q"], texts)
                loss = loss + torch.nn.functional.cross_entropy(scores[None], torch.zeros(1, dtype=torch.long))
            loss = loss / args.batch
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            seen += 1
            losses.append(loss.item())
            if seen % 20 == 0:
                print(f"epoch {epoch} step {seen}/{total} loss {sum(losses[-20:]) / 20:.3f} "
                      f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    trained = {n: p for n, p in model.state_dict().items() if n.startswith("head") or
               any(n.startswith(f"encoder.blocks.{i}.") for i in range(args.frozen, len(model.encoder.blocks)))}
    torch.save({"frozen": args.frozen, "state": trained}, args.work / "cross.pt")


def evaluate(args) -> None:
    from bench.e5_finetune import evaluation_sets
    settings, assistant = load_assistant(args.home)
    saved = torch.load(args.work / "cross.pt")
    model = CrossE5(frozen=saved["frozen"]).eval()
    model.load_state_dict(saved["state"], strict=False)
    report = {}
    for name, questions in evaluation_sets(settings.data_dir, args.sets.split(",")).items():
        rows = []
        for text, gold in questions[:args.limit]:
            found = leaders(assistant, text)[:args.top]
            with torch.no_grad():
                cross = model(text, [t for _, _, t in found]).tolist() if found else []
            rows.append(([key for key, _, _ in found], cross, gold))
        report[name] = {w: fused_scores(rows, w) for w in WEIGHTS}
        print(name, json.dumps(report[name]), file=sys.stderr, flush=True)
    print(json.dumps(report, ensure_ascii=False))


def fused_scores(rows, weight: float, k: float = 2.0) -> dict:
    p1 = g3 = r10 = 0.0
    for keys, cross, gold in rows:
        rank = {i: r for r, i in enumerate(sorted(range(len(keys)), key=lambda i: -cross[i]), 1)}
        order = sorted(range(len(keys)), key=lambda i: -(1 / (k + i + 1) + weight / (k + rank[i])))
        ranked = [keys[i] for i in order]
        p1 += bool(ranked and ranked[0] in gold)
        g3 += bool(gold & set(ranked[:3]))
        r10 += len(gold & set(ranked)) / len(gold)
    n = len(rows)
    return {"p@1": round(p1 / n, 4), "gold@3": round(g3 / n, 4), "r@10": round(r10 / n, 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", choices=("groups", "train", "evaluate"))
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=Path("/tmp/cross"))
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=2, help="questions per step")
    parser.add_argument("--neg", type=int, default=5, help="negatives per question and step")
    parser.add_argument("--frozen", type=int, default=4)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--top", type=int, default=10, help="leaders re-ordered")
    parser.add_argument("--sets", default="lawbench,dev,everyday")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(2)
    args.work.mkdir(parents=True, exist_ok=True)
    {"groups": make_groups, "train": train, "evaluate": evaluate}[args.phase](args)


if __name__ == "__main__":
    main()
