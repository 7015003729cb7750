"""The assistant facade (智能问答): retrieve with the search API, decide whether anything
answers the question, compose (extractive, or an LLM with the citation check and an
extractive fallback), and add similar citizen messages with the official reply."""
from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answer import Answer, CitedArticle, SimilarMessage
from search.query.question_type import question_type
from assistant.conversation import Turn, retrieval_query
from assistant.extractive import REFUSAL, ExtractiveComposer, best_quote
from assistant.llm import LLMConfig, LLMError, OpenAIChatComposer
from assistant.prompt import build_messages
from assistant.references import followed_articles
from assistant.relevance import RESCORED_MIN, RelevanceGate, coverage
from assistant.verify import CitationChecker
from corpus.model import DOC_TYPES
from corpus.pii import mask_pii
from search.query.parse import make_filters
from search.searcher import Searcher

FALLBACK_NOTICE = "大模型的回答没有可核实的引用，已改用摘录式回答。"
# A question that names no place is not answered from one place's rules: quoting 上海市劳动合同条例
# to a reader who may live anywhere is wrong, and local rules crowd out the law they implement.
# National law and documents of other kinds (规范性文件, an organisation's own uploads) stay.
LOCAL_TYPES = ("地方性法规", "自治条例和单行条例", "地方政府规章")
NOT_LOCAL = [t for t in DOC_TYPES if t not in LOCAL_TYPES]


@dataclass
class Retrieval:
    """What one turn found: numbered sources, their texts, the query words, the verdict."""

    query: str
    sources: list[CitedArticle]
    texts: dict[str, str]
    tokens: list[str]
    answerable: bool
    similar: list[SimilarMessage]


class Assistant:
    """Answers from retrieved articles only; `llm` None means extractive answers."""

    def __init__(self, searcher: Searcher, llm: LLMConfig | None = None, k: int = 8,
                 similar: int = 3, lock: Any = None, decide: bool = True):
        """`decide`: order the articles by the deciding-article stage (law first, then article;
        search/ranking/deciding.py) once `fagui learn` has fitted it."""
        self.searcher, self.k, self.similar, self.decide = searcher, k, similar, decide
        self.extractive = ExtractiveComposer()
        self.llm = OpenAIChatComposer(llm) if llm else None
        self.lock = lock or contextlib.nullcontext()  # the searcher is not thread-safe
        self.refresh()

    def refresh(self) -> None:
        """Re-read what is derived from the index (after `Searcher.reload`)."""
        searcher = self.searcher
        self.checker = CitationChecker(searcher.citations)
        self.gate = RelevanceGate(searcher.answered_vectors,
                                  rescored_min=RESCORED_MIN.get(searcher.config.rescore_embedder or ""))
        self._regions: set[str] | None = None
        self._stats = searcher.term_stats

    def weight(self, token: str) -> float:
        """idf of a query word (rare words decide which sentence answers); a word the corpus
        never uses weighs most — it is what the corpus cannot answer (天气, 红烧肉)."""
        if self._stats is None:
            return 1.0
        return math.log(self._stats.n / (1 + self._stats.doc_freq([token]).get(token, 0)))

    def scope(self, query: str, as_of: str | None = None):
        """All but local rules, or all current laws when the question names a region the corpus
        has; with `as_of`, the versions in force on that day (时点)."""
        if self._regions is None:
            self._regions = self.searcher.regions()
        named = any(region in query for region in self._regions)
        return make_filters("laws", None if named else NOT_LOCAL, as_of=as_of)

    def retrieve(self, question: str, history: list[Turn] | None = None, as_of: str | None = None) -> Retrieval:
        query = retrieval_query(question, history)
        scope = self.scope(query, as_of)
        with self.lock:
            response = self.searcher.search(query, k=self.k, filters=scope, with_facets=False, deep=True,
                                            decide=self.decide)
            tokens = self.searcher.query_tokens(query)
            words = self.searcher.words(query)  # the question's own words
            vector = nearest = None  # keyword stage (vectors still building): words decide alone
            if self.searcher.ready["vectors"]:
                vector = self.searcher.embed_query(query)  # computed by the search just above
                nearest = self.searcher.nearest_article(vector, scope)
        sources = [CitedArticle(r.law_title, r.article_label, r.article_id, r.validity, number=i)
                   for i, r in enumerate(response.results, start=1)]
        texts = {r.article_id: r.text or "" for r in response.results}
        with self.lock:
            followed, followed_texts = followed_articles(response.results, self.searcher.library, len(sources) + 1)
        sources, texts = sources + followed, texts | followed_texts
        best = max((coverage(words, f"{r.law_title}{r.text}", self.weight) for r in response.results[:3]),
                   default=0.0)
        answerable = bool(sources) and self.gate.answerable(
            cited=bool(response.citations), vector=None if vector is None else np.asarray(vector),
            nearest_article=nearest, best_coverage=best,
            best_rescored=max((r.scores["rescore"] for r in response.results if "rescore" in r.scores), default=None))
        similar = self.similar_messages(query) if answerable else []
        return Retrieval(query, sources, texts, tokens, answerable, similar)

    def similar_messages(self, query: str, k: int | None = None) -> list[SimilarMessage]:
        """Past citizen messages on the same matter that have an official reply (`k`, default
        the assistant's own number)."""
        k = k or self.similar
        out = []
        with self.lock:
            # fusion order: the re-ranker learned on law articles and notices, not on messages
            results = self.searcher.search(query, k=k * 3, with_facets=False, rerank=False,
                                           filters=make_filters("messages", validity="all")).results
            for r in results:
                doc = self.searcher.library.document(r.doc_id, with_units=False)
                if doc is None or not doc.answer:
                    continue
                out.append(SimilarMessage(doc.id, mask_pii(doc.title) or "", mask_pii(doc.text) or "",
                                          mask_pii(doc.answer), doc.publish_date or doc.written_date,
                                          doc.issuer, round(r.score, 4)))
                if len(out) == k:
                    break
        return out

    def _extractive(self, question: str, found: Retrieval, **extra) -> Answer:
        if not found.answerable:
            extra.setdefault("notice", "没有找到相关条文")
            return Answer(question, REFUSAL, grounded=False, retrieval_query=found.query, **extra)
        text, cited, related, followed = self.extractive.compose(
            found.sources, found.texts, found.tokens, self.weight, question_type(question))
        return Answer(question, text, cited, bool(cited), related, followed, found.similar,
                      retrieval_query=found.query, **extra)

    def ask(self, question: str, history: list[Turn] | None = None, as_of: str | None = None) -> Answer:
        answer = None
        for event in self.ask_stream(question, history, as_of):
            if event["event"] == "answer":
                answer = event["answer"]
        return answer

    def ask_stream(self, question: str, history: list[Turn] | None = None,
                   as_of: str | None = None) -> Iterator[dict[str, Any]]:
        """Events: `sources` (what was retrieved), `delta` (answer text as it comes), and last
        `answer` (the checked Answer: citations verified, unsupported ones removed). `as_of`:
        answer from the versions in force on that day (时点)."""
        started = time.perf_counter()
        question = (question or "").strip()
        if not question:
            raise ValueError("问题为空 (empty question)")
        found = self.retrieve(question, history, as_of)
        yield {"event": "sources", "sources": [s.__dict__ | {"citation": s.citation} for s in found.sources],
               "answerable": found.answerable}
        if self.llm is None or not found.answerable:
            answer = self._extractive(question, found)
            yield {"event": "delta", "text": answer.answer}
        else:
            answer = yield from self._llm_answer(question, found, history)
        if as_of and not answer.notice:
            answer.notice = f"依据 {as_of} 时施行的版本 (versions in force on {as_of})"
        answer.took_ms = round((time.perf_counter() - started) * 1000, 1)
        yield {"event": "answer", "answer": answer}

    def _llm_answer(self, question: str, found: Retrieval, history: list[Turn] | None):
        messages = build_messages(question, found.sources, found.texts, history)
        parts: list[str] = []
        try:
            for piece in self.llm.stream(messages):
                parts.append(piece)
                yield {"event": "delta", "text": piece}
        except LLMError as exc:
            return self._extractive(question, found, notice=f"大模型服务不可用（{exc}），已改用摘录式回答。")
        check = self.checker.check("".join(parts), found.sources)
        if not check.grounded:
            return self._extractive(question, found, notice=FALLBACK_NOTICE,
                                    removed_citations=check.removed, composer="extractive (fallback)")
        for cited in check.supported:
            cited.quote = best_quote(found.texts[cited.article_id], found.tokens, self.weight,
                                     question_type(question))
        cited_ids = {c.article_id for c in check.supported}
        related = [s for s in found.sources if s.article_id not in cited_ids and s.article_label
                   and not s.via][:3]
        notice = f"已删除 {len(check.removed)} 处无法核实的引用。" if check.removed else None
        return Answer(question, check.text.strip(), check.supported, True, related,
                      similar_messages=found.similar,
                      composer="llm", retrieval_query=found.query, removed_citations=check.removed,
                      notice=notice)
