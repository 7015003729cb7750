"""Assistant acceptance (issue 5), extractive mode over the full index: on 100 STARD dev
questions, the share of cited articles that were retrieved, the share of answers citing at
least one gold article, refusals of 10 off-topic questions (written for this check, not the 30
used to set the relevance thresholds), and warm answer latency p50/p95.

METEOR (LeCoQA's metric) compares each answer with the legal team's answer to the same question
(../shared/data/lecoqa), on jieba tokens, nltk's implementation with exact matching only (no
WordNet: it holds no Chinese). Needs `pip install nltk`.

"Cited and retrieved" is 100% by construction in extractive mode: the composer only quotes the
top retrieved articles (assistant/extractive.py), so the figure is a consistency check of the
plumbing, not a measured quality. The quality figure is the share citing a gold article.

    python bench/assistant_eval.py [--home /tmp/full] [--examples 3]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.assistant import Assistant  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import load_queries, norm_title  # noqa: E402
from search.searcher import Searcher  # noqa: E402

OFF_TOPIC = ["今天上海会不会下雪", "糖醋排骨的做法", "怎么给手机换电池", "推荐一本好看的小说", "跑步膝盖疼怎么办",
             "火星上有没有水", "英语四级怎么准备", "狗狗掉毛严重怎么办", "怎么拍出好看的夜景照片", "油烟机怎么清洗"]


class _NoWordNet:
    """nltk's METEOR looks words up in WordNet for synonyms; Chinese words have none there."""

    def synsets(self, *args, **kwargs):
        return []


def meteor(answer: str, reference: str, tokens) -> float:
    from nltk.translate.meteor_score import meteor_score

    return float(meteor_score([tokens(reference)], tokens(answer), wordnet=_NoWordNet()))


def expert_answers(data_dir: Path) -> dict[str, str]:
    path = data_dir / "lecoqa/queries_with_answers.jsonl"
    if not path.exists():
        return {}
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {str(r["query_id"]): r["answer"] for r in rows if r.get("answer")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--no-decide", action="store_true", help="the first stage only (before issue 28)")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--examples", type=int, default=3)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    assistant = Assistant(Searcher.from_settings(settings), decide=not args.no_decide)
    dev = load_queries(settings.data_dir / "stard/queries.jsonl", "dev")[: args.n]
    assistant.ask(dev[0].question)  # warm
    experts, meteors = expert_answers(settings.data_dir), []
    import jieba

    def tokens(text: str) -> list[str]:
        return [t for t in jieba.lcut(text) if t.strip()]
    times, cited_total, cited_retrieved, gold_hits, grounded, examples = [], 0, 0, 0, 0, []
    for query in dev:
        started = time.perf_counter()
        events = list(assistant.ask_stream(query.question))
        times.append(time.perf_counter() - started)
        retrieved = {s["article_id"] for s in events[0]["sources"]}
        answer = events[-1]["answer"]
        cited_total += len(answer.citations)
        cited_retrieved += sum(c.article_id in retrieved for c in answer.citations)
        grounded += answer.grounded
        hit = any((norm_title(c.law_title), c.article_label) in query.gold for c in answer.citations)
        if query.qid in experts:
            meteors.append(meteor(answer.answer, experts[query.qid], tokens))
        gold_hits += hit
        if hit and len(examples) < args.examples:
            examples.append({"question": query.question, "answer": answer.answer,
                             "citations": [c.citation for c in answer.citations],
                             "similar_messages": [m.title for m in answer.similar_messages]})
    refusals = [not assistant.ask(q).grounded for q in OFF_TOPIC]
    ms = np.array(times) * 1000
    print(json.dumps({
        "questions": len(dev), "grounded": grounded,
        "cited_articles": cited_total, "cited_and_retrieved": round(cited_retrieved / max(1, cited_total), 4),
        "answers_citing_gold": round(gold_hits / len(dev), 4),
        "meteor_vs_expert": round(float(np.mean(meteors)), 4) if meteors else None, "meteor_n": len(meteors),
        "off_topic_refused": f"{sum(refusals)}/{len(OFF_TOPIC)}",
        "latency_p50_ms": round(float(np.percentile(ms, 50)), 1),
        "latency_p95_ms": round(float(np.percentile(ms, 95)), 1),
        "examples": examples}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
