"""Cross-references inside article text (条文引用), resolved to unit ids.

What is found: 本法第十条 (and 本条例 / 本办法 / 本规定 / 本解释 … 第十条), 第十条第二款 (the 款 and
项 kept as detail), 第十条至第十二条 (every article of the range), 第十条、第十一条 (each item of a
list keeps the law of the first), a bare 第十条 (this law), 前条 / 前两条 (the articles just
before), 前款 / 前两款 / 本条第二款 (the same article: recorded, never shown as links),
《中华人民共和国刑法》第二十条, 刑法第二十条 and 该法第二十条 (another law), 依照《…》的规定 (a
whole law). Nothing inside 《…》 is a reference of the citing text (《关于〈刑法〉第九章…的解释》).

Detection (`find_mentions`) reads one text and says what it mentions; `ReferenceResolver`
maps mentions to units, version-aware: 本法 is the citing version itself; another law is its
version in force on the citing version's date (施行, else 公布), the current one when undated.
"""
from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from corpus.model import CURRENT, LAWS
from corpus.numerals import ArticleLabel, cn_to_int
from corpus.versions import version_key

# Kinds of reference. Links are shown for all but SAME_ARTICLE (it points at its own text).
THIS_LAW = "this_law"            # 本法第十条, 本条例第十条 …
BARE = "bare"                    # 第十条 with no law named: this law
OTHER_LAW = "other_law"          # 《刑法》第二十条, 刑法第二十条, 该法第二十条
WHOLE_LAW = "whole_law"          # 依照《刑法》的规定: the law, no article
PREVIOUS = "previous_article"    # 前条, 前两条
SAME_ARTICLE = "same_article"    # 前款, 前两款, 本条第二款
KINDS = (THIS_LAW, BARE, OTHER_LAW, WHOLE_LAW, PREVIOUS, SAME_ARTICLE)
OWN_LAW_KINDS = (THIS_LAW, BARE, PREVIOUS, SAME_ARTICLE)  # need the citing law's own articles

_NUM = r"[0-9０-９]+|[零〇○一二两三四五六七八九十百千]+"
_PARA = rf"第\s*(?:{_NUM})\s*款"
_ITEM = rf"(?:第\s*)?[（(]\s*(?:{_NUM})\s*[）)]\s*项?|第\s*(?:{_NUM})\s*项"
_JOIN = r"\s*(?:、|和|或者|或|及|以及)\s*"
# 第十条之一第二款第（三）项、（四）项: the 款 and 项 lists after an article are its detail
ARTICLE = re.compile(
    rf"第\s*(?P<num>{_NUM})\s*条(?:\s*之\s*(?P<suf>[0-9]+|[一二三四五六七八九十]+))?"
    rf"(?P<detail>(?:\s*{_PARA}(?:{_JOIN}{_PARA})*)?(?:\s*(?:{_ITEM})(?:{_JOIN}(?:{_ITEM}))*)?)")
# 本法 / 本条例(规定) / 本暂行办法 / 本章 … right before 第X条. Not 本市…条例 (another law),
# not 基本法 (香港基本法).
_THIS = re.compile(r"(?<!基)本(?:暂行|试行|实施)?(?:法律|法典|法|条例|细则|办法|规定|解释|决定|规则|准则|章程"
                   r"|标准|意见|通知|规范|制度|分编|编|章|节)(?:规定)?\s*$")
# what a law's name ends with (《…许可证》, 《…通知》 are no laws of the store)
_LAW_NAME = re.compile(r"(?:法|法典|条例|规定|办法|细则|解释|决定|决议|规则|准则|章程|守则|安排|批复|修正案"
                       r"(?:[（(][一二三四五六七八九十]+[）)])?)(?:[（(][^（）()]{1,12}[）)])*$")
# a law name we do not know right before 第X条 (基本法第十八条): not this law
_UNKNOWN_LAW = re.compile(r"[\u4e00-\u9fff]{0,20}(?:法|法典|条例|规定|办法|细则|解释|决定|规则|准则|章程)\s*$")
_THAT = re.compile(r"该(?:法律|法典|法|条例|细则|办法|规定|解释|决定|规则)\s*$")
_CONTINUE = re.compile(r"\s*(?:(?P<range>至|到|—|－|-|～|~)|、|，|和|与|及|以及|或者|或)\s*")
# 前款 / 前两款 / 本条第二款 (this article), 前条 / 前两条 (the articles before it)
_OWN = re.compile(rf"前(?P<pc>[一二两三四五六七八九十]?)款|本条\s*(?P<para>{_PARA}|第\s*(?:{_NUM})\s*项)"
                  rf"|前(?P<ac>[两二三四五六七八九十]?)条(?![件款例文])")
_SHORT = re.compile(r"\s*[（(]\s*以下(?:简称|称)\s*[“\"《]?(?P<alias>[^”\"》）)，,、。]{2,20})[”\"》]?\s*[）)]")
_HEADING_NEXT = set("规的至到、，和与或及第中所之（(")  # what follows a 第X条 that is a reference
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_NAME_NOISE = re.compile(r"[\s\u3000《》〈〉<>“”\"'·、]")
_VERSION_TAG = re.compile(r"[（(][^（）()]*(?:修正|修订|年)[^（）()]*[）)]$")
_PREFIX = "中华人民共和国"
_AMENDING = re.compile(r"修正案|关于修改|修改.*的决定|关于废止")
# History events (制定/修正/修订) that may renumber articles: a 修订, or a decision amending this
# law alone (关于修改〈民事诉讼法〉的决定). Package decisions (关于修改部分法律的决定, …等七部法律的
# 决定) change words, not numbers; 刑法修正案 add 之一 articles and keep the numbers.
_AMENDS = re.compile(r"修正|修订|修改")
_KEEPS_NUMBERS = re.compile(r"部分|等[^的》]{1,4}[部件]|修正案")


def _int(text: str) -> int:
    return cn_to_int(text.translate(_FULLWIDTH).replace(" ", ""))


@dataclass(frozen=True)
class Mention:
    """One reference as written: where it is, what kind, which article (if any)."""

    kind: str
    start: int
    end: int
    label: ArticleLabel | None = None       # the article; None for a whole law or 前款
    detail: str | None = None               # 第二款, 第（三）项, 前款 …
    law: str | None = None                  # another law's name (OTHER_LAW, WHOLE_LAW)
    form: str = "single"                    # single | list | range
    range_from: ArticleLabel | None = None  # on a range's last article: its first one
    count: int = 1                          # 前两条 / 前两款: 2


_BRACKETS = re.compile(r"[《〈》〉\n]")


def _quotes(text: str) -> list[tuple[int, int]]:
    """Top-level 《…》 spans (start, end past 》); 〈〉 and 《》 nest inside them."""
    if "《" not in text and "〈" not in text:
        return []
    spans, depth, start = [], 0, 0
    for match in _BRACKETS.finditer(text):  # only the brackets, not every character
        i, ch = match.start(), match.group()
        if ch in "《〈":
            if depth == 0:
                start = i
            depth += 1
        elif ch in "》〉" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
        elif ch == "\n":
            depth = 0  # an unclosed 《 does not swallow the next paragraph
    return spans


def _label(match: re.Match) -> ArticleLabel | None:
    try:
        suffix = match.group("suf")
        return ArticleLabel(_int(match.group("num")), _int(suffix) if suffix else 0)
    except ValueError:
        return None


def _is_heading(text: str, start: int, end: int) -> bool:
    """An article heading left in the text (articles merged into one unit): 第十六条 starting a
    line, a sentence or following a space, and not followed by what follows a reference
    (规定, 的, 至 …): 。第四十二条本条例自…施行, 　第五十条　国家保护…"""
    before = text[:start].rstrip(" \u3000\t")
    opens = not before or before[-1] in "\n。；：" or len(before) < start
    return opens and text[end:end + 1] not in _HEADING_NEXT


# names(text, end) -> (start, name) of a law name written without 《》 ending at `end`
NameMatcher = Callable[[str, int], "tuple[int, str] | None"]


def find_mentions(text: str, names: NameMatcher | None = None,
                  aliases: dict[str, str] | None = None) -> list[Mention]:
    """Every reference in `text`, in order. `names` recognises law names written without 《》
    (刑法第二十条); `aliases` maps a document's own short names (（以下简称《奖励办法》）) to
    titles and learns new ones from this text."""
    aliases = {} if aliases is None else aliases
    quotes = _quotes(text)
    starts = [s for s, _ in quotes]

    def inside(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and quotes[i][0] < pos < quotes[i][1]

    def quoted_name(start: int, end: int) -> str:
        name = text[start + 1:end - 1].strip()
        return aliases.get(name, name)

    used: set[int] = set()  # ends of quotes that are no whole-law mention of their own
    for start, end in quotes:  # （以下简称…）: a short name for the rest of the document
        short = _SHORT.match(text, end)
        if short:
            aliases[short.group("alias").strip()] = quoted_name(start, end)
            used.update(e for s, e in quotes if short.start() < s < short.end())
    quote_end = {e: s for s, e in quotes}
    found: list[Mention] = []
    last_law: str | None = None
    prev: Mention | None = None
    for match in ARTICLE.finditer(text):
        start, end = match.span()
        label = _label(match)
        if label is None or inside(start):
            continue
        detail = re.sub(r"\s+", "", match.group("detail")) or None
        head = start
        while head and text[head - 1] in " \u3000":
            head -= 1
        before = text[max(0, head - 12):head]
        mention: Mention | None = None
        if this := _THIS.search(before):
            mention = Mention(THIS_LAW, head - len(this.group(0)), end, label, detail)
        elif head in quote_end and text[quote_end[head] - 1:quote_end[head]] == "本":  # 本《办法》第十条
            used.add(head)
            mention = Mention(THIS_LAW, quote_end[head] - 1, end, label, detail)
        elif head in quote_end:
            used.add(head)
            last_law = quoted_name(quote_end[head], head)
            mention = Mention(OTHER_LAW, quote_end[head], end, label, detail, last_law)
        elif that := _THAT.search(before):  # 该法第十条: the law named last (none: unknown)
            if last_law:
                mention = Mention(OTHER_LAW, head - len(that.group(0)), end, label, detail, last_law)
        elif named := _local_name(text, head, aliases) or (names(text, head) if names else None):
            last_law = named[1]
            mention = Mention(OTHER_LAW, named[0], end, label, detail, last_law)
        elif prev is not None and (join := _CONTINUE.fullmatch(text, prev.end, start)):
            ranged = bool(join.group("range")) and prev.label is not None \
                and (prev.label.number, prev.label.suffix) < (label.number, label.suffix)
            mention = Mention(prev.kind, start, end, label, detail, prev.law, "range" if ranged else "list",
                              prev.label if ranged else None)
            if ranged and prev.form == "single":
                found[-1] = Mention(prev.kind, prev.start, prev.end, prev.label, prev.detail, prev.law,
                                    "range", None, prev.count)
        elif unknown := _UNKNOWN_LAW.search(before):
            mention = Mention(OTHER_LAW, head - len(unknown.group(0)), end, label, detail, unknown.group(0))
        elif not _is_heading(text, start, end):
            mention = Mention(BARE, start, end, label, detail)
        if mention is not None:
            found.append(mention)
        prev = mention
    for start, end in quotes:
        if end not in used and _LAW_NAME.search(text, start + 1, end - 1):
            found.append(Mention(WHOLE_LAW, start, end, law=quoted_name(start, end)))
    for match in _OWN.finditer(text):
        if inside(match.start()):
            continue
        if match.group("ac") is not None and match.group(0).endswith("条"):
            count = _int(match.group("ac")) if match.group("ac") else 1
            found.append(Mention(PREVIOUS, *match.span(), detail=match.group(0), count=count))
        else:
            para = match.group("para")
            count = _int(match.group("pc")) if match.group("pc") else 1
            found.append(Mention(SAME_ARTICLE, *match.span(), detail=re.sub(r"\s+", "", para or match.group(0)),
                                 count=count))
    return sorted(found, key=lambda m: (m.start, m.end))


def _local_name(text: str, end: int, aliases: dict[str, str]) -> tuple[int, str] | None:
    """A document's own short name (以下简称) written right before `end`, longest first."""
    for alias in sorted(aliases, key=len, reverse=True):
        if text.endswith(alias, 0, end):
            return end - len(alias), aliases[alias]
    return None


def name_key(name: str) -> str:
    """How law names are compared: no spaces, quotes or 、, half-width brackets."""
    return _NAME_NOISE.sub("", name).replace("（", "(").replace("）", ")")


def is_amending(title: str) -> bool:
    """修正案 / 关于修改…的决定: its 第X条 are the amended law's, not its own."""
    return bool(_AMENDING.search(title))


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
            suffix = _int(row["article_suffix"].removeprefix("之")) if row["article_suffix"] else 0
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
