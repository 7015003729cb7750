"""Statute structure (编 > 分编 > 章 > 节 > 条 > 款 > 项) from lines of text.

Used for the LawRefBook markdown, for notices that are written in 条, and for user files.
Headings are recognised by what they say (第X章), not only by markdown level, because the
sources put 节 at `##` as often as at `###`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.model import ARTICLE, PARAGRAPH, Item, Paragraph, Unit
from corpus.numerals import ArticleLabel

_NUM = r"[零〇○一二两三四五六七八九十百千0-9]+"
# An article line: 第X条[之Y] then a separator (half/full-width space), as in official texts.
ARTICLE_LINE_RE = re.compile(rf"^(第{_NUM}条(?:之[一二三四五六七八九十]+)?)[ \t\u3000]+(.*)$")
# Lenient form for user files: 第X条 directly followed by text, accepted only in number order.
ARTICLE_LINE_LENIENT_RE = re.compile(rf"^(第{_NUM}条(?:之[一二三四五六七八九十]+)?)[ \t\u3000:：]*(\S.*)$")
HEADING_RE = re.compile(rf"^(第{_NUM}(编|分编|章|节))(?:[ \t\u3000]+(.*))?$")
ITEM_RE = re.compile(r"^\s*([（(][一二三四五六七八九十]+[）)])\s*(.*)$")
_RANKS = {"编": 0, "分编": 1, "章": 2, "节": 3}
_SPACES = re.compile(r"[\s\u3000]+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[\s\u3000]+(?=[\u4e00-\u9fff])")


def clean_heading(text: str) -> str:
    """`第一章　总　　则` -> `第一章 总则`: one space after the label, none inside words."""
    text = _SPACES.sub(" ", text.strip().lstrip("#").strip())
    match = HEADING_RE.match(text)
    if match:
        label, rest = match.group(1), _CJK_GAP.sub("", match.group(3) or "")
        return f"{label} {rest}".strip()
    return _CJK_GAP.sub("", text)


def heading_rank(line: str, plain_headings: bool = True) -> int | None:
    """Rank of a heading line (0 = 编 … 3 = 节, 4+ for other markdown headings), else None.

    `plain_headings`: also take an unmarked short `第X章 …` line as a heading (plain-text
    sources); markdown laws mark every heading, and a bare 第七节 line there is quoted text.
    """
    stripped = line.strip()
    hashes = len(stripped) - len(stripped.lstrip("#"))
    text = clean_heading(stripped)
    match = HEADING_RE.match(text)
    if match and (hashes or (plain_headings and len(text) <= 40)):
        return _RANKS[match.group(2)]
    if hashes >= 2:  # an unnumbered markdown heading (一、一般规定): rank it by its level
        return hashes
    return None


@dataclass
class ParsedBody:
    """Result of splitting a body: text before the first 条 and the 条 units."""

    preamble: list[str] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    loose_lines: list[str] = field(default_factory=list)  # every non-heading line, in order


def _new_unit(doc_id: str, seq: int, label_text: str, path: list[str]) -> Unit:
    label = ArticleLabel.parse(label_text)
    return Unit(id=f"{doc_id}:{seq}", doc_id=doc_id, seq=seq, kind=ARTICLE, text="",
                article_label=label.label, article_num=label.number,
                article_suffix=label.suffix_label, chapter_path=list(path))


def paragraphs_from_text(text: str) -> list[Paragraph]:
    """款 and 项 of a unit's text (one per line): the store keeps only the text."""
    unit = Unit(id="", doc_id="", seq=0, kind=ARTICLE, text="")
    for line in text.split("\n"):
        if line.strip():
            _add_line(unit, line.strip())
    return unit.paragraphs


def _add_line(unit: Unit, line: str) -> None:
    item = ITEM_RE.match(line)
    if item and unit.paragraphs:
        unit.paragraphs[-1].items.append(Item(item.group(1), item.group(2)))
    else:
        unit.paragraphs.append(Paragraph(line))
    unit.text = f"{unit.text}\n{line}" if unit.text else line


def _continues_heading(line: str) -> bool:
    """A short unpunctuated line right under a heading is the heading's wrapped second line."""
    return (len(line) <= 30 and not line.endswith(_END_PUNCT) and not ITEM_RE.match(line)
            and not _ENUMERATED.match(line))


_ENUMERATED = re.compile(r"^(?:[一二三四五六七八九十百]+、|\d+[．.、])")

_END_PUNCT = ("。", "；", "：", "，", ".", ";", ":", "！", "？")


def split_articles(lines: list[str], doc_id: str, lenient: bool = False,
                   plain_headings: bool = True) -> ParsedBody:
    """Split body lines into 条 units with chapter paths, 款 and 项.

    Article numbers must increase; a line that looks like 第X条 out of order is body text
    (a cross-reference at the start of a line), which keeps ids and labels trustworthy. Text
    between a heading and the next 条 stays with the article before it (annexes, malformed
    labels), so nothing is dropped.
    """
    pattern = ARTICLE_LINE_LENIENT_RE if lenient else ARTICLE_LINE_RE
    body = ParsedBody()
    stack: list[tuple[int, str]] = []
    current: Unit | None = None
    last: tuple[int, int] = (0, -1)
    after_heading = False
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("<!--") or line == "\u200b":
            continue
        rank = heading_rank(line, plain_headings)
        if rank is not None:
            while stack and stack[-1][0] >= rank:
                stack.pop()
            stack.append((rank, clean_heading(line)))
            body.loose_lines.append(clean_heading(line))
            after_heading = True
            continue
        match = pattern.match(line)
        label = None
        if match:
            try:
                label = ArticleLabel.parse(match.group(1))
            except ValueError:
                label = None
        if label and (label.number, label.suffix) > last:
            last = (label.number, label.suffix)
            current = _new_unit(doc_id, len(body.units), match.group(1), [h for _, h in stack])
            body.units.append(current)
            if match.group(2).strip():
                _add_line(current, match.group(2).strip())
        elif after_heading and stack and _continues_heading(line):
            rank, heading = stack[-1]
            stack[-1] = (rank, heading + line)
        elif current is not None:
            _add_line(current, line)
        else:
            body.preamble.append(line)
        after_heading = False
        body.loose_lines.append(line)
    return body


# A short line opening a section of a notice: 一、总体要求 / （二）工作目标 / 二是…
SECTION_RE = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])\s*(\S.{0,30})$")


_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def _sentences_of_long_lines(lines: list[str], max_chars: int) -> list[str]:
    """Non-empty lines; a line far over the limit (a flattened table) is cut at sentence ends,
    and a sentence still over the limit is cut hard, so no unit outgrows an embedder's window."""
    out: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("<!--"):
            continue
        if len(line) <= 2 * max_chars:
            out.append(line)
            continue
        for sentence in filter(None, (s.strip() for s in _SENTENCE_END.split(line))):
            out.extend(sentence[i:i + max_chars] for i in range(0, len(sentence), max_chars))
    return out


def chunk_paragraphs(lines: list[str], doc_id: str, max_chars: int = 500,
                     start_seq: int = 0) -> list[Unit]:
    """Split text without 条 into paragraph units of at most ~`max_chars`.

    Paragraphs are never cut inside; short section headings (一、总体要求) become the unit's
    chapter path so a hit still says where in the document it sits.
    """
    units: list[Unit] = []
    path: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            seq = start_seq + len(units)
            units.append(Unit(id=f"{doc_id}:{seq}", doc_id=doc_id, seq=seq, kind=PARAGRAPH,
                              text="\n".join(buffer), chapter_path=list(path),
                              paragraphs=[Paragraph(line) for line in buffer]))
            buffer.clear()

    for line in _sentences_of_long_lines(lines, max_chars):
        section = SECTION_RE.match(line)
        if section and not line.endswith(("。", "；", ";")):
            flush()
            path = [line] if line[0] != "（" and line[0] != "(" else path[:1] + [line]
            continue
        if buffer and sum(len(b) for b in buffer) + len(line) > max_chars:
            flush()
        buffer.append(line)
    flush()
    return units
