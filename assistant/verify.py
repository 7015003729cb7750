"""Citation check (引用核验) of a generated answer: every 《title》第X条 and every [n] must point
to an article retrieved for this turn; anything else is taken out and reported."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer import CitedArticle
from search.query.citations import NUMERAL as _NUM
from search.query.citations import CitationParser
from search.evaluation.metrics import norm_title

# Any bracketed title followed by an article, known law or not (models invent laws too).
_BRACKETED = re.compile(rf"《[^《》\n]{{1,60}}》\s*第\s*(?:{_NUM})\s*条(?:\s*之\s*[一二三四五六七八九十0-9]+)?"
                        rf"(?:\s*第\s*(?:{_NUM})\s*款)?")
_MARKER = re.compile(r"\[(\d{1,3})\]|【(\d{1,3})】|［(\d{1,3})］")


@dataclass
class CheckResult:
    text: str
    supported: list[CitedArticle] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def grounded(self) -> bool:
        return bool(self.supported)


class CitationChecker:
    """Checks citations against this turn's numbered sources."""

    def __init__(self, parser: CitationParser):
        self.parser = parser

    def check(self, text: str, sources: list[CitedArticle]) -> CheckResult:
        by_key = {(norm_title(s.law_title), s.article_label): s for s in sources}
        supported: dict[str, CitedArticle] = {}
        removed: list[str] = []
        cuts: list[tuple[int, int]] = []
        known = {(c.start, c.end): c for c in self.parser.parse(text)}
        spans = [(m.start(), m.end()) for m in _BRACKETED.finditer(text)]
        for c in known.values():  # citations without 《》 (劳动合同法第八十二条) count too
            if not any(s <= c.start < e for s, e in spans):
                alias_at = text.rfind(c.alias, max(0, c.start - len(c.alias) - 3), c.start)
                spans.append((alias_at if alias_at >= 0 else c.start, c.end))
        for start, end in sorted(spans):
            hit = next((c for (s, e), c in known.items() if start <= s < end), None)
            source = by_key.get((norm_title(hit.title), hit.article_label)) if hit else None
            if source is not None:
                supported.setdefault(source.article_id, source)
            else:
                removed.append(text[start:end])
                cuts.append((start, end))
        for m in _MARKER.finditer(text):
            n = int(next(g for g in m.groups() if g))
            if 1 <= n <= len(sources):
                supported.setdefault(sources[n - 1].article_id, sources[n - 1])
            else:
                removed.append(m.group(0))
                cuts.append((m.start(), m.end()))
        for start, end in sorted(cuts, reverse=True):
            text = text[:start] + text[end:]
        return CheckResult(text, list(supported.values()), removed)
