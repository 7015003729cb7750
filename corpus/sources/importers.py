"""User files (.txt, .md, .html, .docx, text-layer .pdf) -> one Document each, with units.

Users bring single regulations or notices they saved themselves, so there is no metadata
row: title, 发文字号, dates and 发文机关 are read from the text, and the structure (条 or
paragraph chunks) from `corpus.sources.structure`, the same code the law sources go through.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from corpus.dates import DATE_RE, find_date, normalize_date
from corpus.errors import IngestError
from corpus.sources.extract import SENTENCE_END, SUPPORTED_SUFFIXES, extract_lines, unsupported
from corpus.model import CURRENT, LAWS, NOTICES, Document
from corpus.sources.structure import ARTICLE_LINE_LENIENT_RE, HEADING_RE
from corpus.sources.structure import chunk_paragraphs, split_articles
from corpus.versions.validity import version_key

_DOC_NUMBER = re.compile(r"([\u4e00-\u9fa5]{1,12})[〔\[【(（](\d{4})[〕\]】)）](\d+)号")
_EFFECTIVE = re.compile(rf"自\s*({DATE_RE.pattern})\s*起\s*(?:施行|实施|执行|生效)")
_PUBLISH_MARKS = ("发布日期", "公布日期", "发布时间", "印发日期")
_STATUTE_FORMS = ("法", "条例", "规定", "办法", "细则", "规则", "解释", "决定")
_GENRES = ("实施细则", "通知", "通报", "通告", "公告", "公报", "意见", "决定", "决议", "命令",
           "批复", "复函", "函", "纪要", "报告", "办法", "规定", "条例", "细则", "规则", "解释",
           "方案", "规划", "计划", "指引", "指南", "标准")
_ISSUER_ENDS = ("人民政府", "政府", "办公厅", "办公室", "部", "委员会", "委", "局", "厅", "署", "院")
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]$")  # （试行）, （2023年修订）


def _date_line(line: str) -> str | None:
    """ISO date of a line that is only a date (2023年12月1日, （2023年12月1日）), else None."""
    iso, start, end = find_date(line)
    return iso if iso and len(line) - (end - start) <= 2 else None


def _is_meta_line(line: str) -> bool:
    """发文字号, a bare date, or a 版头 (某某市人民政府文件): never part of a title."""
    number = _DOC_NUMBER.search(line)
    if number and len(line) - len(number.group(0)) <= 4:
        return True
    return bool(_date_line(line)) or (line.endswith("文件") and len(line) <= 30)


def _core(title: str) -> str:
    """Title without a trailing note such as （试行）, so 办法（试行） still ends with 办法."""
    return _TRAILING_NOTE.sub("", title).strip()


def _find_title(lines: list[str], hint: str | None, stem: str) -> tuple[str, list[str]]:
    """(title, the other lines). The title is the hint or the first line that is not a 字号,
    date or 版头 line, joined with the next when that one completes it (…关于印发 / …的通知);
    a text that opens with 第一条 or 第一章 has no title line, so the file name is used."""
    squash = lambda s: re.sub(r"\s", "", s)  # noqa: E731 - titles are compared without spaces
    for i, line in enumerate(lines[:8]):
        if hint is not None:
            if squash(line) == squash(hint):
                return hint, lines[:i] + lines[i + 1:]
            if i + 1 < len(lines) and squash(line + lines[i + 1]) == squash(hint):
                return hint, lines[:i] + lines[i + 2:]
        elif ARTICLE_LINE_LENIENT_RE.match(line) or HEADING_RE.match(line):
            break
        elif not _is_meta_line(line):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if (nxt and not _core(line).endswith(_GENRES + _STATUTE_FORMS)
                    and not line.endswith(SENTENCE_END) and not _is_meta_line(nxt)
                    and _core(nxt).endswith(_GENRES + _STATUTE_FORMS) and len(nxt) <= 40):
                return line + nxt, lines[:i] + lines[i + 2:]
            return line, lines[:i] + lines[i + 1:]
    return hint or stem, lines


def _issuer(title: str, head: list[str]) -> str | None:
    before, found, _ = title.partition("关于")
    if found and before.endswith(_ISSUER_ENDS):
        return before.strip()
    # A 行政法规 names no issuer in its title but is 公布 by 国务院令.
    return "国务院" if any("国务院令" in line for line in head) else None


def _doc_type(title: str, issuer: str | None) -> str:
    core = _core(title)
    if core.startswith("中华人民共和国") and core.endswith("法"):
        return "法律"
    if issuer == "国务院" and core.endswith("条例"):
        return "行政法规"
    if title.startswith(("最高人民法院", "最高人民检察院")):
        return "司法解释"
    return "规范性文件"


def read_user_file(path: Path) -> Document:
    """One user file -> a Document: 条 units when the text has at least two 条, else
    paragraph chunks; metadata (字号, dates, 机关) read from the text."""
    path = Path(path)
    lines, hint = extract_lines(path)
    title, body_lines = _find_title(lines, hint, path.stem)
    if len(body_lines) > 2 and _date_line(body_lines[-1]):
        # The signature (机关 + 成文日期) closes the file; it is not part of the last 条.
        body_lines = body_lines[:-1]
        if len(body_lines[-1]) <= 30 and not body_lines[-1].endswith(SENTENCE_END) \
                and not ARTICLE_LINE_LENIENT_RE.match(body_lines[-1]):
            body_lines = body_lines[:-1]
    doc_id = "file-" + hashlib.sha1(path.read_bytes()).hexdigest()[:16]  # same bytes, same id
    body = split_articles(body_lines, doc_id, lenient=True)
    articles = len(body.units) >= 2
    units = body.units if articles else chunk_paragraphs(body_lines, doc_id)
    if not units:
        raise IngestError(path, f"no text: only the title '{title}' was found")
    head = lines[:10]
    # A 字号 on its own line beats one cited inside a sentence (根据某政发〔2020〕1号…).
    number = next((m for line in sorted(head, key=lambda line: not _is_meta_line(line))
                   for m in [_DOC_NUMBER.search(line)] if m), None)
    # 发布日期：… on a web page, or the （…公布） note under a statute's title; a date in a
    # sentence that merely mentions 公布 is not this document's.
    publish = next((iso for line in lines[:15] for iso in [normalize_date(line)] if iso and (
        any(mark in line for mark in _PUBLISH_MARKS) or ("公布" in line and line[0] in "（("))),
        None)
    # 成文日期: the signature date, a bare date line among the last lines.
    written = next((iso for line in reversed(lines[-5:]) for iso in [_date_line(line)] if iso),
                   None)
    effective = [m.group(1) for m in _EFFECTIVE.finditer("\n".join(lines))]
    issuer = _issuer(title, head)
    core = _core(title)
    law = articles and core.endswith(_STATUTE_FORMS)
    return Document(
        id=doc_id, collection=LAWS if law else NOTICES, title=title, text="\n".join(lines),
        doc_type=_doc_type(title, issuer), issuer=issuer,
        genre=next((genre for genre in _GENRES if core.endswith(genre)), None),
        doc_number=f"{number[1]}〔{number[2]}〕{number[3]}号" if number else None,  # 〔〕 brackets
        written_date=written, publish_date=publish,
        effective_date=normalize_date(effective[-1]) if effective else None,  # final provisions
        validity=CURRENT, version_key=version_key(LAWS, title) if law else None,
        preamble=("\n".join(body.preamble) or None) if articles else None, has_body=True,
        source=str(path), extra={"file_name": path.name, "format": path.suffix.lower()},
        units=units)


class UserFileReader:
    """Reads one user file, or every supported file under a folder (sorted, recursive), into
    Documents. The whole folder is checked before the first Document is yielded."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _files(self) -> list[Path]:
        if self.path.is_file():
            return [self.path]
        if not self.path.is_dir():
            raise IngestError(self.path, "no such file or folder")
        files = []
        for file in sorted(p for p in self.path.rglob("*") if p.is_file()):
            parts = file.relative_to(self.path).parts
            if any(p.startswith((".", "~$")) for p in parts):  # hidden files, Word lock files
                continue
            if file.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise unsupported(file)
            files.append(file)
        if not files:
            raise IngestError(self.path, "no supported files in the folder ("
                                         + ", ".join(sorted(SUPPORTED_SUFFIXES)) + ")")
        return files

    def __iter__(self) -> Iterator[Document]:
        for file in self._files():
            yield read_user_file(file)
