"""Citations in queries (法条引用): 《劳动合同法》第八十二条, 劳动合同法第82条, 刑法第一百三十三条之一,
民法典1062条 — short names resolved to full titles, numerals to the statute's form.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.model import LAWS
from corpus.numerals import ArticleLabel, cn_to_int
from corpus.store.base import DocumentStoreBase

NUMERAL = r"[0-9０-９]+|[零〇○一二两三四五六七八九十百千]+"  # Arabic or Chinese numerals
_NUM = NUMERAL
ARTICLE_REF = re.compile(
    rf"(?:第\s*(?P<n1>{_NUM})\s*条|(?P<n2>[0-9０-９]+)\s*条)(?:\s*之\s*(?P<suf>[0-9]+|[一二三四五六七八九十]+))?"
    rf"(?:\s*第\s*(?P<para>{_NUM})\s*款)?(?:\s*第?\s*[（(]?(?P<item>[一二三四五六七八九十]+|[0-9]+)[）)]?\s*项)?")
_PREFIX = "中华人民共和国"
NAME_GAP = " \u3000《》<>〈〉\"“”'"  # what may stand between a law's name and its article


@dataclass(frozen=True)
class NamedLaw:
    """A law named in a query without an article (劳动合同法 经济补偿): full title and where."""

    title: str
    alias: str
    start: int
    end: int


@dataclass(frozen=True)
class Citation:
    """A resolved reference to one article: full law title, canonical label, where it was."""

    title: str
    article_label: str
    alias: str
    start: int
    end: int
    paragraph: int | None = None   # 第X款
    item: int | None = None        # 第(X)项

    @property
    def text(self) -> str:
        out = f"《{self.title}》{self.article_label}"
        if self.paragraph:
            out += f"第{ArticleLabel(self.paragraph).label[1:-1]}款"
        if self.item:
            out += f"第（{ArticleLabel(self.item).label[1:-1]}）项"
        return out


def _variants(name: str | None) -> list[str]:
    """A name as written and as a query may carry it: （）as () (parse_query normalises
    them), and without the 《》 of a title that quotes another (…适用《公司法》若干问题的规定)."""
    if not name:
        return []
    half = name.replace("（", "(").replace("）", ")")
    return [name, half, half.replace("《", "").replace("》", "")]


def _to_int(text: str | None) -> int | None:
    if not text:
        return None
    return cn_to_int(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


class CitationParser:
    """Finds article citations in text, knowing every law name and alias in the store."""

    def __init__(self, titles_by_alias: dict[str, str]):
        self.titles_by_alias = titles_by_alias
        self.max_alias = max((len(a) for a in titles_by_alias), default=0)
        # alias lengths by first character, longest first: a query is scanned once for names
        lengths: dict[str, set[int]] = {}
        for alias in titles_by_alias:
            lengths.setdefault(alias[0], set()).add(len(alias))
        self._lengths = {c: sorted(v, reverse=True) for c, v in lengths.items()}

    @classmethod
    def from_store(cls, store: DocumentStoreBase) -> "CitationParser":
        """Aliases: full title, title without 中华人民共和国, the db's short name. Where one
        alias names several laws, the national law (shortest full title) wins."""
        aliases: dict[str, str] = {}
        rows = store.conn.execute(
            "SELECT title, short_name, region FROM (SELECT DISTINCT title, short_name, region "
            "FROM documents WHERE collection = ?) d ORDER BY region IS NOT NULL, LENGTH(title), title",
            (LAWS,))
        for title, short, _region in rows:
            for alias in {v for name in (title, title.removeprefix(_PREFIX), short) for v in _variants(name)}:
                if alias and len(alias) >= 2:
                    aliases.setdefault(alias, title)
        return cls(aliases)

    def resolve_title(self, name: str) -> str | None:
        name = name.strip(NAME_GAP)
        return self.titles_by_alias.get(name) or self.titles_by_alias.get(name.removeprefix(_PREFIX))

    def parse(self, text: str) -> list[Citation]:
        """Every 'law name + article' in `text`; an article with no law name before it is
        attributed to the last law named (刑法第二十条和第二十一条)."""
        out: list[Citation] = []
        last: tuple[str, str] | None = None
        for match in ARTICLE_REF.finditer(text):
            before = text[:match.start()].rstrip(NAME_GAP)
            found = None
            for size in range(min(self.max_alias, len(before)), 1, -1):
                alias = before[-size:]
                if alias in self.titles_by_alias:
                    found = (self.titles_by_alias[alias], alias)
                    break
            if found is None and match.group("n1") is None:
                continue  # a bare "82条" needs a law name right before it
            found = found or last
            if found is None:
                continue
            try:
                label = ArticleLabel(_to_int(match.group("n1") or match.group("n2")),
                                     _to_int(match.group("suf")) or 0).label
            except (ValueError, TypeError):
                continue
            last = found
            out.append(Citation(found[0], label, found[1], match.start(), match.end(),
                                _to_int(match.group("para")), _to_int(match.group("item"))))
        return out

    def named_laws(self, text: str) -> list[NamedLaw]:
        """Laws named in `text` with no article right after them (those are citations): the
        longest name at each place, left to right (劳动合同法实施条例 before 劳动合同法)."""
        out: list[NamedLaw] = []
        i = 0
        while i < len(text):
            alias = next((text[i:i + n] for n in self._lengths.get(text[i], ())
                          if text[i:i + n] in self.titles_by_alias), None)
            if alias is None:
                i += 1
                continue
            end = i + len(alias)
            rest = text[end:].lstrip(NAME_GAP)
            if not ARTICLE_REF.match(rest) and not rest.startswith("第"):
                out.append(NamedLaw(self.titles_by_alias[alias], alias, i, end))
            i = end
        return out
