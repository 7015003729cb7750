"""User files (.txt, .md, .html, .docx, text-layer .pdf) -> one Document each, with units.

Users bring single regulations or notices they saved themselves, so there is no metadata
row: title, 发文字号, dates and 发文机关 are read from the text, and the structure (条 or
paragraph chunks) from `corpus.structure`, the same code the law sources go through.
"""
from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from corpus.dates import DATE_RE, find_date, normalize_date
from corpus.errors import IngestError
from corpus.model import CURRENT, LAWS, NOTICES, Document
from corpus.structure import ARTICLE_LINE_LENIENT_RE, HEADING_RE, ITEM_RE, SECTION_RE
from corpus.structure import chunk_paragraphs, split_articles
from corpus.versions import version_key

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"})
_CHINESE_ENCODINGS = {"gb18030", "gbk", "gb2312", "hz", "cp936"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # pdf text often carries NULs
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fa5]{1,12})[〔\[【(（](\d{4})[〕\]】)）](\d+)号")
_EFFECTIVE = re.compile(rf"自\s*({DATE_RE.pattern})\s*起\s*(?:施行|实施|执行|生效)")
_PUBLISH_MARKS = ("发布日期", "公布日期", "发布时间", "印发日期")
_STATUTE_FORMS = ("法", "条例", "规定", "办法", "细则", "规则", "解释", "决定")
_GENRES = ("实施细则", "通知", "通报", "通告", "公告", "公报", "意见", "决定", "决议", "命令",
           "批复", "复函", "函", "纪要", "报告", "办法", "规定", "条例", "细则", "规则", "解释",
           "方案", "规划", "计划", "指引", "指南", "标准")
_ISSUER_ENDS = ("人民政府", "政府", "办公厅", "办公室", "部", "委员会", "委", "局", "厅", "署", "院")
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[）)]$")  # （试行）, （2023年修订）
_BARE_ARTICLE = re.compile(r"^第[零〇一二两三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?$")
_HTML_BLOCKS = ["p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "br",
                "table", "section", "article", "pre", "blockquote", "dd", "dt"]
_PAGE_NUMBER = re.compile(r"^[\s\-—–]*\d{1,4}[\s\-—–]*$")  # "— 3 —" footers of printed 公文
_SENTENCE_END = ("。", "；", ";", "：", ":", "！", "？", "!", "?")


def _unsupported(path: Path) -> IngestError:
    return IngestError(path, f"unsupported file type '{path.suffix or '(none)'}': supported are "
                             + ", ".join(sorted(SUPPORTED_SUFFIXES)))


def _decode_text(path: Path, raw: bytes) -> str:
    """UTF-8 first; GB18030 only when the bytes look Chinese-encoded, so bad UTF-8 is an error
    with a line number rather than silent mojibake."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows Notepad's "Unicode" (UTF-16)
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass  # a BOM-like start by chance: fall through to UTF-8 and its error line
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        error = exc
    guess = from_bytes(raw).best()
    if guess is not None and guess.encoding.replace("_", "") in _CHINESE_ENCODINGS:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            error = exc
    line = raw[: error.start].count(b"\n") + 1
    raise IngestError(path, f"not valid UTF-8/GB18030 text (bad byte {raw[error.start]:#04x}); "
                            "save the file as UTF-8", line=line)


def _html_lines(raw: bytes) -> tuple[str, str | None]:
    from bs4 import BeautifulSoup  # imported lazily: only html files pay for it

    soup = BeautifulSoup(raw, "lxml")  # bytes: bs4 honours <meta charset> (GBK pages)
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    title = re.split(r"\s*(?:_|\||｜| - | — )\s*", title)[0]  # drop "_某某市人民政府" site suffix
    if not title and soup.h1:
        title = soup.h1.get_text("", strip=True)
    # Break around block elements only, so <b>/<span> inside a paragraph stay on its line.
    for block in soup.find_all(_HTML_BLOCKS):
        cell = block.name in ("td", "th")  # cells of one row stay on one line
        if not cell:
            block.insert_before("\n")
        block.append(" " if cell else "\n")
    return (soup.body or soup).get_text(), title or None


def _docx_lines(path: Path) -> tuple[str, str | None]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(str(path))
        parts, title = [], None
        for block in document.iter_inner_content():  # paragraphs and tables in page order
            if isinstance(block, Table):  # one line per row; a merged cell repeats its text
                parts += [" ".join(dict.fromkeys(c.text.strip() for c in row.cells))
                          for row in block.rows]
                continue
            parts.append(block.text)
            if title is None and block.style is not None and block.style.name == "Title":
                title = block.text.strip() or None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            XMLSyntaxError) as exc:
        raise IngestError(path, f"not a readable .docx file (corrupt, or an old .doc renamed?): "
                                f"{exc}") from exc
    return "\n".join(parts), title


def _width(line: str) -> float:
    """Printed width in CJK characters: digits and Latin letters are half as wide."""
    return sum(1 if ord(ch) > 0x2000 else 0.5 for ch in line)


def _reflow(lines: list[str]) -> list[str]:
    """Join pdf lines that were wrapped at the right margin: a line as long as the longest
    one that ends without punctuation continues on the next, unless that starts a 条/项/章."""
    width = max(map(_width, lines), default=0)
    out: list[str] = []
    for line in lines:
        starts_unit = any(r.match(line) for r in (ARTICLE_LINE_LENIENT_RE, HEADING_RE,
                                                  ITEM_RE, SECTION_RE))
        if out and _BARE_ARTICLE.match(out[-1]) and not starts_unit:
            out[-1] += " " + line  # a label wrapped away from its text
        elif (out and not starts_unit and _width(out[-1]) >= 0.85 * width and width >= 15
                and not out[-1].endswith(_SENTENCE_END)):
            out[-1] += line
        else:
            out.append(line)
    return out


def _pdf_lines(path: Path) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "encrypted PDF: remove the password first")
        pages = [_CONTROL.sub("", page.extract_text() or "") for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise IngestError(path, f"not a readable PDF (corrupt or truncated?): {exc}") from exc
    if sum(len(re.sub(r"\s", "", text)) for text in pages) < 20:
        raise IngestError(path, "scanned PDF without a text layer: run OCR first "
                                f"(no text found on {len(pages)} pages)")
    return [line for text in pages for line in _reflow(
        [s.strip() for s in text.splitlines() if s.strip() and not _PAGE_NUMBER.match(s)])]


def extract_lines(path: Path) -> tuple[list[str], str | None]:
    """Text lines of the file and a title hint from the format (html <title>/<h1>, md '# ',
    docx Title style) or None. Lines are stripped; blank lines are dropped."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _unsupported(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise IngestError(path, "empty file: no text")
    title = None
    if suffix == ".pdf":
        text = "\n".join(_pdf_lines(path))
    elif suffix == ".docx":
        text, title = _docx_lines(path)
    elif suffix in (".html", ".htm"):
        text, title = _html_lines(raw)
    else:
        text = _decode_text(path, raw)
    lines = [_CONTROL.sub("", line).strip() for line in text.splitlines()]
    if suffix in (".md", ".markdown"):
        title = next((line[2:].strip() for line in lines if line.startswith("# ")), None)
        # Heading marks and bold are markup, not text; 第X章 headings are still recognised.
        lines = [re.sub(r"^#+\s*", "", line).replace("**", "").strip() for line in lines]
    lines = [line for line in lines if line]
    if not lines:
        raise IngestError(path, "empty file: no text")
    return lines, title or None


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
                    and not line.endswith(_SENTENCE_END) and not _is_meta_line(nxt)
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
        if len(body_lines[-1]) <= 30 and not body_lines[-1].endswith(_SENTENCE_END) \
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
                raise _unsupported(file)
            files.append(file)
        if not files:
            raise IngestError(self.path, "no supported files in the folder ("
                                         + ", ".join(sorted(SUPPORTED_SUFFIXES)) + ")")
        return files

    def __iter__(self) -> Iterator[Document]:
        for file in self._files():
            yield read_user_file(file)
