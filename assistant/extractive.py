"""Extractive answers (摘录式回答), the default composer: no model, no network. It quotes the
sentences of the decisive articles that carry the question's words, cites each as
《full title》第X条 with its validity, and leads with the one sentence among them that answers
what the question asks (a time for 多久, an amount for 多少, the remedy and where to turn for
怎么办, the consequence for 怎么罚; search/query/question_type.py); a 怎么办 answer also says where
to turn, as the articles name it (assistant/remedies.py); then lists related articles."""
from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answer import CitedArticle
from search.query.question_type import answers_type
from assistant.caveats import caveat_line
from assistant.remedies import routes_line
from assistant.relevance import overlap

_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_INTRO = re.compile(r"[：:][。\s]*$")  # a sentence that only introduces a list of items
WHOLE_ARTICLE = 120   # characters: shorter articles are quoted whole
MAX_QUOTE = 220
TYPE_BONUS = 1.0

REFUSAL = ("抱歉，法规库中没有找到能回答这个问题的条文，无法给出有依据的回答。"
           "建议换用法律用语描述问题（如“劳动合同”“社会保险”“离婚财产分割”），"
           "或在“法规检索”中按法规标题、制定机关查找。")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def sentence_scores(parts: list[str], tokens: list[str], weight: Callable[[str], float],
                    kind: str = "other") -> list[float]:
    """The query weight each sentence carries; a sentence on the question's matter (some weight)
    that gives what its type asks for gains the best sentence's weight: it answers, where the
    others only match."""
    score = [overlap(tokens, part, weight) for part in parts]
    bonus = TYPE_BONUS * max(score, default=0.0)
    return [s + (bonus if s > 0 and answers_type(part, kind) else 0.0) for s, part in zip(score, parts)]


def best_quote(text: str, tokens: list[str], weight: Callable[[str], float], kind: str = "other") -> str:
    """The article whole when short, else its sentences holding most of the query's weight
    (the best, and a second one if it carries at least half as much; in the article's order)."""
    text = re.sub(r"\s*\n\s*", "\n", text.strip())
    if len(text) <= WHOLE_ARTICLE:
        return text
    parts = sentences(text)
    score = sentence_scores(parts, tokens, weight, kind)
    order = sorted(range(len(parts)), key=lambda i: -score[i])
    chosen = sorted(i for i in order[:2] if i == order[0] or score[i] >= score[order[0]] / 2 > 0)
    if any(_ITEM.match(parts[i]) for i in chosen) and 0 not in chosen:
        chosen = [0, *chosen]  # an item（三）… means nothing without the sentence that lists it
    # "……" marks a gap between quoted sentences, so a quote never reads as continuous when it is not
    quote = "".join(parts[i] if k == 0 or chosen[k - 1] == i - 1 else "……" + parts[i]
                    for k, i in enumerate(chosen))
    return quote if len(quote) <= MAX_QUOTE else quote[:MAX_QUOTE] + "……"


def _plain(sentence: str) -> str:
    return re.sub(r"^第[零〇一二三四五六七八九十百千]+条(之[一二三四五六七八九十]+)?\s*", "", sentence.strip())


def lead_sentence(cited: list[CitedArticle], tokens: list[str] | None = None,
                  weight: Callable[[str], float] | None = None, kind: str = "other") -> tuple[str, CitedArticle]:
    """One plain sentence that answers, with its source: from the first cited article (the
    deciding stage's first), the sentence carrying most of the question's weight and what its
    type asks for; returns (lead, its source article). A later article whose sentence gives the
    type (a time, an amount) led in 61% of sampled STARD train answers with a gold article, the
    first cited in 70% (bench/RESULTS.md, session 13)."""
    weight = weight or (lambda t: 1.0)
    source = cited[0]
    candidates = [p for p in sentences(source.quote.replace("……", "。")) if _plain(p)]
    score = sentence_scores(candidates, tokens or [], weight, kind)
    best = candidates[max(range(len(score)), key=lambda i: (score[i], -i))] if candidates else ""
    items = [i for i, p in enumerate(candidates) if _ITEM.match(_plain(p))]
    if _INTRO.search(best) and items:  # "有下列情形之一的：" says nothing alone: lead with its best item
        best = candidates[max(items, key=lambda i: (score[i], -i))]
    body = _plain(best) if best else ""
    if _ITEM.match(body):  # an item needs the sentence that introduces it
        intro = candidates[0] if candidates else ""
        body = f"{_plain(intro).rstrip('：:；;。')}：{body}" if intro and intro != best else body
    body = body.rstrip("；;，,")
    lead = f"根据{source.citation}，{body}".rstrip("，") + ("" if body.endswith(("。", "？", "！")) else "。")
    return lead, source


def render(cited: list[CitedArticle], related: list[CitedArticle], lead: str, notes: list[str] = (),
           followed: list[CitedArticle] | None = None) -> str:
    """The lead, its notes (what it depends on, where to turn), the quotes, related articles."""
    lines = [lead, *notes, "", "依据："]
    for c in cited:
        validity = f"（{c.validity}）" if c.validity else ""
        lines.append(f"[{c.number}] {c.citation}{validity}：“{c.quote}”")
    if followed:
        lines += ["", "所引条文："]
        lines += [f"[{f.number}] {f.citation}（{f.via}）：“{f.quote}”" for f in followed]
    if related:
        lines += ["", "相关条文：" + "；".join(r.citation for r in related)]
    return "\n".join(lines)


class ExtractiveComposer:
    """Quotes and cites the top `max_cited` law articles among the sources; the next
    `max_related` become related articles."""

    name = "extractive"

    def __init__(self, max_cited: int = 3, max_related: int = 3):
        self.max_cited, self.max_related = max_cited, max_related

    def compose(self, sources: list[CitedArticle], texts: dict[str, str], tokens: list[str],
                weight: Callable[[str], float], kind: str = "other",
                ) -> tuple[str, list[CitedArticle], list[CitedArticle], list[CitedArticle]]:
        """`sources`: numbered candidate articles, deciding first, then those they refer to
        (`via` set); `texts`: their full text by id; `kind`: the question's answer type
        (search.query.question_type). Returns (text, cited, related, followed references)."""
        articles = [s for s in sources if s.article_label and not s.via]
        cited = []
        for source in articles[: self.max_cited]:
            source.quote = best_quote(texts[source.article_id], tokens, weight, kind)
            cited.append(source)
        related = articles[self.max_cited: self.max_cited + self.max_related]
        if not cited:
            return REFUSAL, cited, related, []
        labels = {f"{c.article_label}所引" for c in cited}
        followed = [s for s in sources if s.via in labels]
        for source in followed:
            source.quote = best_quote(texts[source.article_id], tokens, weight, kind)
        route = routes_line(cited + related, texts) if kind == "remedy" else None
        lead, source = lead_sentence(cited, tokens, weight, kind)
        notes = [line for line in (caveat_line(source.quote), route) if line]
        text = render(cited, related, lead, notes, followed)
        return text, cited, related, followed
