"""Resolving mentions to units (引用解析), version-aware: 本法 is the citing version itself;
another law is its version in force on the citing version's date (施行, else 公布), the current
one when undated. Counts of what resolved (ReferenceStats) go to `fagui corpus stats`.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from corpus.model import CURRENT, LAWS
from corpus.references.mentions import (BARE, KINDS, OTHER_LAW, OWN_LAW_KINDS, PREVIOUS, SAME_ARTICLE,
                                        THIS_LAW, WHOLE_LAW, Mention, find_mentions, is_amending,
                                        name_key, parse_number)
from corpus.versions.validity import version_key

_VERSION_TAG = re.compile(r"[（(][^（）()]*(?:修正|修订|年)[^（）()]*[）)]$")
_PREFIX = "中华人民共和国"
# History events (制定/修正/修订) that may renumber articles: a 修订, or a decision amending this
# law alone (关于修改〈民事诉讼法〉的决定). Package decisions (关于修改部分法律的决定, …等七部法律的
# 决定) change words, not numbers; 刑法修正案 add 之一 articles and keep the numbers.
_AMENDS = re.compile(r"修正|修订|修改")
_KEEPS_NUMBERS = re.compile(r"部分|等[^的》]{1,4}[部件]|修正案")


@dataclass(frozen=True)
class Reference:
    """A resolved reference: from a unit to a unit (or to a whole document when `to_unit`
    is None). `start`/`end` locate the citing text in the unit (None inside a range)."""

    to_doc: str
    to_unit: str | None
    kind: str
    detail: str | None
    start: int | None
    end: int | None
    later: bool = False  # the version in force then is not stored: a later one (numbering may differ)


@dataclass
class _Doc:
    id: str
    collection: str
    law: str | None           # laws: the key shared by all versions and parts (编) of one law
    part: str                 # the 编 of a split code (民法典·合同编), else ""
    region: str
    start: str | None         # in force from: 施行 date, else 公布 date
    publish: str | None
    current: bool
    amending: bool
    events: list[tuple[str, str]] = field(default_factory=list)         # history: (date, event)
    labels: dict[str, str] = field(default_factory=dict)                 # 第十条 -> unit id
    ordered: list[tuple[int, int, str]] = field(default_factory=list)    # (number, suffix, id)


@dataclass
class ReferenceStats:
    """Mentions found and resolved, by kind and by form, and rows written."""

    detected: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)
    collections: dict[str, list[int]] = field(default_factory=dict)  # citing collection -> [found, resolved]
    skipped: dict[str, int] = field(default_factory=dict)  # own-law mentions with no own articles
    later_version: int = 0  # resolved mentions whose law's version then is not stored
    to_law: int = 0         # article mentions resolved to the law only (renumbered since, no articles)
    forms: dict[str, list[int]] = field(default_factory=dict)  # form -> [detected, resolved]
    rows: int = 0
    seconds: float = 0.0

    def add(self, mention: Mention, resolved: bool, collection: str) -> None:
        self.detected[mention.kind] = self.detected.get(mention.kind, 0) + 1
        self.resolved[mention.kind] = self.resolved.get(mention.kind, 0) + int(resolved)
        for pair in (self.forms.setdefault(mention.form, [0, 0]),
                     self.collections.setdefault(collection, [0, 0])):
            pair[0] += 1
            pair[1] += int(resolved)

    def as_dict(self) -> dict[str, Any]:
        detected, resolved = sum(self.detected.values()), sum(self.resolved.values())
        return {"detected": detected, "resolved": resolved,
                "coverage": round(resolved / detected, 4) if detected else None,
                "by_kind": {k: {"detected": self.detected[k], "resolved": self.resolved[k],
                                "coverage": round(self.resolved[k] / self.detected[k], 4)}
                            for k in KINDS if self.detected.get(k)},
                "by_form": {f: {"detected": d, "resolved": r, "coverage": round(r / d, 4)}
                            for f, (d, r) in self.forms.items()},
                "by_collection": {c: {"detected": d, "resolved": r, "coverage": round(r / d, 4)}
                                  for c, (d, r) in sorted(self.collections.items())},
                "later_version": self.later_version, "article_to_law": self.to_law,
                "skipped": self.skipped, "rows": self.rows, "seconds": self.seconds}


class ReferenceResolver:
    """Knows every document's dates and articles and every law's names; resolves mentions."""

    def __init__(self, documents: Iterable[Any], articles: Iterable[Any]):
        """`documents`: rows with id, collection, title, subtitle, short_name, region,
        publish_date, effective_date, validity and (for laws) meta; `articles`: rows with id,
        doc_id, article_label, article_num, article_suffix in document order."""
        self.docs: dict[str, _Doc] = {}
        self.laws: dict[str, dict[str, list[_Doc]]] = {}   # law -> part -> versions
        names: dict[str, list[tuple[int, str]]] = {}      # name key -> (priority, law)
        for row in documents:
            is_law = row["collection"] == LAWS
            law = version_key(LAWS, row["title"], None, row["region"]) if is_law else None
            doc = _Doc(row["id"], row["collection"], law, row["subtitle"] or "", row["region"] or "",
                       row["effective_date"] or row["publish_date"], row["publish_date"],
                       row["validity"] == CURRENT, is_amending(row["title"]))
            self.docs[doc.id] = doc
            if law is None:
                continue
            history = json.loads(row["meta"] or "{}").get("history") or []
            doc.events = [(h["date"], h["event"]) for h in history if h.get("date")]
            self.laws.setdefault(law, {}).setdefault(doc.part, []).append(doc)
            # full title before the title without 中华人民共和国 before the short name
            for priority, name in enumerate((row["title"], row["title"].removeprefix(_PREFIX),
                                             row["short_name"])):
                if name and len(name) >= 2:
                    names.setdefault(name_key(name), []).append((priority, law))
        for row in articles:
            doc = self.docs.get(row["doc_id"])
            if doc is None or row["article_label"] in doc.labels:
                continue
            doc.labels[row["article_label"]] = row["id"]
            suffix = parse_number(row["article_suffix"].removeprefix("之")) if row["article_suffix"] else 0
            doc.ordered.append((row["article_num"] or 0, suffix, row["id"]))
        self.names = {key: sorted(set(found)) for key, found in names.items()}
        self._enacted: dict[str, str] = {}  # when each law was made: its earliest history event
        for law, parts in self.laws.items():  # ("" without history: unknown)
            self._enacted[law] = min((day for versions in parts.values() for doc in versions
                                      for day, _ in doc.events), default="")
        self._position = {uid: (doc, i) for doc in self.docs.values()
                          for i, (_, _, uid) in enumerate(doc.ordered)}
        # Unquoted names (刑法第二十条) are matched as written, by the longest tail of a known
        # name: 调解仲裁法 is the tail of 劳动争议调解仲裁法 (and of 农村土地承包经营纠纷调解仲裁法),
        # so it is not 仲裁法. tail -> {law: its title}
        self._tails: dict[str, dict[str, str]] = {}
        for key, found in self.names.items():
            if "(" in key:
                continue
            for size in range(2, len(key) + 1):
                self._tails.setdefault(key[-size:], {}).update((law, key) for _, law in found)
        self._tail_ends = {k[-1] for k in self._tails}
        self._tail_max = min(30, max((len(k) for k in self._tails), default=0))

    # -- names ---------------------------------------------------------------------------------
    def unquoted_name(self, text: str, end: int, region: str = "") -> tuple[int, str] | None:
        """A law name without 《》 ending at `end`: (start, name). The longest tail of known names
        written there decides: a whole name, or the tail of one law's name (of one law of the
        citing region, or of one national law); a tail shared by several laws is no name."""
        if end == 0 or text[end - 1] not in self._tail_ends:
            return None
        for size in range(min(self._tail_max, end), 1, -1):
            tail = text[end - size:end]
            laws = self._tails.get(tail)
            if laws is None:
                continue
            if tail in self.names:
                return end - size, tail
            for wanted in (f"{LAWS}|{region}|", f"{LAWS}||"):
                local = [law for law in laws if law.startswith(wanted)]
                if local:
                    return (end - size, laws[local[0]]) if len(local) == 1 else None
            return (end - size, next(iter(laws.values()))) if len(laws) == 1 else None
        return None

    def law_named(self, name: str, region: str) -> str | None:
        """The law a name means: best kind of name first (title, title without 中华人民共和国,
        short name); among laws of that kind, the citing region's, then the national one."""
        found = self.names.get(name_key(name)) or self.names.get(name_key(name).removeprefix(_PREFIX))
        if not found and _VERSION_TAG.search(name):  # 《公司法（2018年修正）》
            return self.law_named(_VERSION_TAG.sub("", name), region)
        if not found:
            return None
        best = [law for priority, law in found if priority == found[0][0]]
        for wanted in (f"{LAWS}|{region}|", f"{LAWS}||"):
            local = [law for law in best if law.startswith(wanted)]
            if local:
                return local[0]
        return best[0] if len(set(best)) == 1 else None

    # -- versions ------------------------------------------------------------------------------
    @staticmethod
    def version_at(versions: list[_Doc], date: str | None, before: bool = False) -> _Doc:
        """The version in force on `date` (the day before it when `before`): the newest one
        started by then; the earliest when all started later; the current one when undated."""
        dated = [v for v in versions if v.start]
        if date is None or not dated:
            return max(versions, key=lambda v: (v.current, v.start or "", v.id))
        started = [v for v in dated if (v.start < date if before else v.start <= date)]
        if started:
            return max(started, key=lambda v: (v.start, v.current, v.id))
        return min(dated, key=lambda v: (v.start, not v.current, v.id))

    def _law_docs(self, law: str, citing: _Doc) -> list[_Doc]:
        """The law's parts as in force when `citing` was: the citing version itself for its
        own law (本法 is this version), the part with the lowest articles first."""
        date = citing.publish if citing.amending else citing.start
        docs = [citing if citing.law == law and part == citing.part
                else self.version_at(versions, date, before=citing.amending)
                for part, versions in self.laws[law].items()]
        return sorted(docs, key=lambda d: (d.ordered[0][:2] if d.ordered else (0, 0), d.part))

    @staticmethod
    def _renumbered(doc: _Doc, since: str) -> bool:
        """Whether `doc` may be numbered otherwise than the law was on `since`: its history
        after then has a 修订 or a decision amending this law alone, or records no amendment
        at all (the change that made this version is unknown)."""
        until = doc.publish or doc.start or ""
        amendments = [event for day, event in doc.events if since < day <= until and _AMENDS.search(event)]
        return not amendments or any(not _KEEPS_NUMBERS.search(event) for event in amendments)

    def _own_docs(self, citing: _Doc) -> list[_Doc]:
        return self._law_docs(citing.law, citing) if citing.law else [citing]

    # -- resolving -----------------------------------------------------------------------------
    def resolve(self, doc_id: str, units: Iterable[tuple[str, str]],
                stats: ReferenceStats | None = None) -> Iterator[tuple[str, Reference]]:
        """(citing unit id, reference) for every resolved reference in one document's units
        (given in order: short names defined early hold for the rest)."""
        citing = self.docs[doc_id]
        own = bool(citing.ordered) and not citing.amending
        aliases: dict[str, str] = {}

        def names(text: str, end: int) -> tuple[int, str] | None:
            return self.unquoted_name(text, end, citing.region)
        for unit_id, text in units:
            if not text or not ("第" in text or "《" in text or "前" in text):
                continue
            for mention in find_mentions(text, names, aliases):
                if mention.kind in OWN_LAW_KINDS and not own:
                    reason = "amending" if citing.amending else "no_articles"
                    if stats is not None:
                        stats.skipped[reason] = stats.skipped.get(reason, 0) + 1
                    continue
                refs = self.resolve_mention(citing, unit_id, mention)
                if refs is None:  # the document naming itself: no cross-reference
                    if stats is not None:
                        stats.skipped["self"] = stats.skipped.get("self", 0) + 1
                    continue
                if stats is not None:
                    stats.add(mention, bool(refs), citing.collection)
                    stats.later_version += any(r.later for r in refs)
                    stats.to_law += bool(refs) and mention.label is not None and refs[-1].to_unit is None
                for ref in refs:
                    yield unit_id, ref

    def resolve_mention(self, citing: _Doc, unit_id: str, mention: Mention) -> list[Reference] | None:
        """The references one mention makes ([] when unresolved; None when a document names
        itself as a whole: 《本条例的标题》 is no cross-reference)."""
        span = (mention.start, mention.end)
        date = citing.publish if citing.amending else citing.start

        def later(doc: _Doc) -> bool:
            # the store lacks the version in force then: this is a later one
            return doc.law != citing.law and bool(date and doc.start and doc.start > date)

        def ref(doc: _Doc, uid: str | None, kind: str, detail: str | None, start: int | None,
                end: int | None) -> Reference:
            return Reference(doc.id, uid, kind, detail, start, end, later(doc))

        if mention.kind == SAME_ARTICLE:
            return [ref(citing, unit_id, SAME_ARTICLE, mention.detail, *span)]
        if mention.kind == PREVIOUS:
            doc, i = self._position.get(unit_id, (None, 0))
            if doc is None or i < mention.count:
                return []
            return [ref(citing, uid, PREVIOUS, mention.detail, *span) for _, _, uid in doc.ordered[i - mention.count:i]]
        if mention.kind in (THIS_LAW, BARE):
            docs = self._own_docs(citing)
        else:
            law = self.law_named(mention.law or "", citing.region)
            if law is None or (date and self._enacted[law] > date):
                return []  # unknown, or a law made after the citing text: it cites another one
            docs = self._own_docs(citing) if law == citing.law else self._law_docs(law, citing)
        if mention.kind == OTHER_LAW and any(later(d) and self._renumbered(d, date) for d in docs):
            # amended since in ways that may renumber: the article number may now mean another
            # article, so the reference goes to the law, the article as cited kept as detail
            return [ref(docs[0], None, OTHER_LAW, mention.label.label + (mention.detail or ""), *span)]
        if mention.kind == WHOLE_LAW:
            target = next((d for d in docs if d.id == citing.id), docs[0])
            return None if target.id == citing.id else [ref(target, None, WHOLE_LAW, None, *span)]
        out = []
        if mention.range_from is not None:  # the articles strictly inside the range, no span
            low, high = mention.range_from, mention.label
            if high.number - low.number <= 200:
                out = [ref(d, uid, mention.kind, None, None, None) for d in docs
                       for num, suffix, uid in d.ordered if (low.number, low.suffix) < (num, suffix)
                       < (high.number, high.suffix)]
        target = next((d for d in docs if mention.label.label in d.labels), None)
        if target is None and not any(d.ordered for d in docs):
            # the law is stored as one text (修正案, 决定): the reference goes to the document
            return [ref(docs[0], None, mention.kind, mention.label.label + (mention.detail or ""), *span)]
        if target is not None:
            uid = target.labels[mention.label.label]
            # an article citing itself (本法第十条 in 第十条) is no cross-reference
            out.append(ref(target, uid, SAME_ARTICLE if uid == unit_id else mention.kind, mention.detail, *span))
        return out
