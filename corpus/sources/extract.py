"""Text out of user files: .txt/.md (UTF-8, GB18030, UTF-16), .html, .docx, text-layer .pdf
and .ofd (`corpus.sources.ofd`).

Only the text and a title hint from the format; what the text means (title, 字号, dates, 条)
is `corpus.sources.importers`' job.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from charset_normalizer import from_bytes

from corpus.errors import IngestError
from corpus.sources.structure import ARTICLE_LINE_LENIENT_RE, HEADING_RE, ITEM_RE, SECTION_RE

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf", ".ofd"})
SENTENCE_END = ("。", "；", ";", "：", ":", "！", "？", "!", "?")
_CHINESE_ENCODINGS = {"gb18030", "gbk", "gb2312", "hz", "cp936"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # pdf text often carries NULs
_BARE_ARTICLE = re.compile(r"^第[零〇一二两三四五六七八九十百千0-9]+条(?:之[一二三四五六七八九十]+)?$")
_HTML_BLOCKS = ["p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "br",
                "table", "section", "article", "pre", "blockquote", "dd", "dt"]
_PAGE_NUMBER = re.compile(r"^[\s\-—–]*\d{1,4}[\s\-—–]*$")  # "— 3 —" footers of printed 公文


def unsupported(path: Path) -> IngestError:
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
                and not out[-1].endswith(SENTENCE_END)):
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
    return _page_lines(path, "PDF", [text.splitlines() for text in pages])


def _page_lines(path: Path, kind: str, pages: list[list[str]]) -> list[str]:
    """Lines of a fixed-layout file (pdf, ofd), page by page: page-number footers dropped,
    lines wrapped at the right margin joined. Too little text means a scan."""
    if sum(len(re.sub(r"\s", "", line)) for page in pages for line in page) < 20:
        raise IngestError(path, f"scanned {kind} without a text layer: run OCR first "
                                f"(no text found on {len(pages)} pages)")
    return [line for page in pages for line in _reflow(
        [s.strip() for s in page if s.strip() and not _PAGE_NUMBER.match(s)])]


def extract_lines(path: Path) -> tuple[list[str], str | None]:
    """Text lines of the file and a title hint from the format (html <title>/<h1>, md '# ',
    docx Title style, ofd DocInfo Title) or None. Lines are stripped; blank lines are dropped."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise unsupported(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise IngestError(path, "empty file: no text")
    title = None
    if suffix == ".pdf":
        text = "\n".join(_pdf_lines(path))
    elif suffix == ".docx":
        text, title = _docx_lines(path)
    elif suffix == ".ofd":
        from corpus.sources.ofd import OfdReader  # lazily, like bs4/docx/pypdf: only .ofd pays for lxml

        ofd = OfdReader(path, raw)
        text = "\n".join(_page_lines(path, "OFD", ofd.pages()))
        title = ofd.title_hint(text.splitlines())
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
