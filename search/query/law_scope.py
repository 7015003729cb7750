"""Searching inside a law (法内检索): `law:劳动合同法` (or the `law` filter) keeps only that
law's articles; a law named in the query without an article (行政处罚法 听证) puts that law's
matching articles first, searched with the query's other words. Officials type queries this way
and expect the named law's own articles, not every law whose text mentions it."""
from __future__ import annotations

from dataclasses import dataclass, replace

from corpus.store.base import DocumentStoreBase
from search.query.citations import NAME_GAP, CitationParser, NamedLaw
from search.query.parse import QueryError, SearchFilters

_GAP = NAME_GAP + "，,、。；;：:和及与"  # and what joins two names or a name and the words
_SENTENCE = "，。？！?!,;；"
KEYWORD_QUERY_CHARS = 24  # of words besides the law names


def keyword_like(text: str, rest: str) -> bool:
    """Keywords as officials type them (行政处罚法 听证), not a question told in sentences: a
    citizen's 劳动法 or 著作权法 often means the field, and the answer sits in another law
    (劳动合同法, the 实施条例), so a question keeps its ordinary ranking."""
    return len(rest) <= KEYWORD_QUERY_CHARS and not any(mark in text for mark in _SENTENCE)


@dataclass
class NamedScope:
    """The laws a query names, their documents (every version) and the query's other words."""

    titles: list[str]
    docs: tuple[str, ...]
    rest: str


class LawScope:
    """Resolves law names (full titles, short names) to titles and their documents."""

    def __init__(self, store: DocumentStoreBase, citations: CitationParser):
        self.store, self.citations = store, citations

    def resolve(self, names: list[str]) -> list[str]:
        """Full titles of `names`; a name the store does not know is a QueryError that says so."""
        titles = []
        for name in names:
            title = self.citations.resolve_title(name)
            if title is None:
                raise QueryError(f"law: unknown law {name!r} (give its title or short name, e.g. 劳动合同法)")
            titles.append(title)
        return list(dict.fromkeys(titles))

    def resolved(self, filters: SearchFilters) -> SearchFilters:
        """`filters` with their `laws` as full titles (unknown names are a QueryError)."""
        return replace(filters, laws=self.resolve(filters.laws)) if filters.laws else filters

    def restricted(self, filters: SearchFilters) -> SearchFilters:
        """`filters` (their `laws` resolved) narrowed to those laws' documents."""
        return replace(filters, include_docs=self.documents(filters.laws)) if filters.laws else filters

    def documents(self, titles: list[str]) -> tuple[str, ...]:
        """Ids of every version of these laws (the validity and 时点 filters pick among them)."""
        if not titles:
            return ()
        rows = self.store.conn.execute(
            f"SELECT id FROM documents WHERE title IN ({','.join('?' * len(titles))}) ORDER BY id",
            tuple(titles)).fetchall()
        return tuple(r[0] for r in rows)

    def named(self, text: str) -> NamedScope | None:
        """The laws a keyword query names without an article, and the query without those names
        (empty when it is just a title); None when it names none, or when it is a question."""
        found: list[NamedLaw] = self.citations.named_laws(text)
        if not found:
            return None
        rest, last = [], 0
        for law in found:
            rest.append(text[last:law.start])
            last = law.end
        rest.append(text[last:])
        words = " ".join(part.strip(_GAP) for part in rest if part.strip(_GAP))
        if not keyword_like(text, words):
            return None
        titles = list(dict.fromkeys(law.title for law in found))
        return NamedScope(titles, self.documents(titles), words)
