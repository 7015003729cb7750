"""Finding cross-references in article text (条文引用): what a text mentions.

What is found: 本法第十条 (and 本条例 / 本办法 / 本规定 / 本解释 … 第十条), 第十条第二款 (the 款 and
项 kept as detail), 第十条至第十二条 (every article of the range), 第十条、第十一条 (each item of a
list keeps the law of the first), a bare 第十条 (this law), 前条 / 前两条 (the articles just
before), 前款 / 前两款 / 本条第二款 (the same article: recorded, never shown as links),
《中华人民共和国刑法》第二十条, 刑法第二十条 and 该法第二十条 (another law), 依照《…》的规定 (a
whole law). Nothing inside 《…》 is a reference of the citing text (《关于〈刑法〉第九章…的解释》).

Detection (`find_mentions`, here) reads one text and says what it mentions;
`corpus.references.resolver.ReferenceResolver` maps mentions to units.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from corpus.numerals import ArticleLabel, cn_to_int

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
_AMENDING = re.compile(r"修正案|关于修改|修改.*的决定|关于废止")


def parse_number(text: str) -> int:
    """A 条/款/项 number, Chinese or (full-width) Arabic: 二十 -> 20, ２０ -> 20."""
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
        return ArticleLabel(parse_number(match.group("num")), parse_number(suffix) if suffix else 0)
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
            count = parse_number(match.group("ac")) if match.group("ac") else 1
            found.append(Mention(PREVIOUS, *match.span(), detail=match.group(0), count=count))
        else:
            para = match.group("para")
            count = parse_number(match.group("pc")) if match.group("pc") else 1
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
