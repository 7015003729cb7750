"""Text out of OFD files (GB/T 33190, the fixed-layout format of government documents).

An OFD is a ZIP of XML: OFD.xml -> DocBody/DocRoot -> Document.xml -> Pages/Page@BaseLoc ->
Content.xml, whose Layer/TextObject/TextCode place the text (`corpus.sources.ofdlayout` turns them
into lines in reading order). Only the first DocBody is read; templates (headers, footers)
and PageBlocks are, CompositeObjects, images and annotations (seals) are not. What the lines
mean (title, 字号, dates, 条) is `corpus.sources.importers`' job, as for every other format.

Why zipfile + lxml, not a library: easyofd, the best-known reader on PyPI, needs PyMuPDF
(AGPL: an Apache-2.0 app cannot ship it), reportlab, fontTools and loguru, and unzips every
member to the working directory without limits; ofdkit (Apache-2.0, stdlib only) is careful
but an alpha from one maintainer whose API "may still change". The text objects are all we
need, lxml is already a dependency, and our own reader keeps the limits and errors ours.

Safety: caps per member, in all, on the compression ratio and on member and page counts
(counted on the bytes inflated, not only the sizes declared); XML is parsed without DTDs,
entities or network, and a DOCTYPE is refused outright.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from corpus.errors import IngestError
from corpus.sources.ofdlayout import Glyph, lines_of, page_glyphs

MAX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed; only past RATIO_FLOOR: a small XML may well pack 100x
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 5000
MAX_PAGES = 2000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False, remove_comments=True)


class OfdReader:
    """Reads one .ofd file: `pages()` gives each page's lines, `title` the DocInfo title.
    Every problem is an IngestError naming the file and the member at fault."""

    def __init__(self, path: str | Path, data: bytes | None = None):
        self.path = Path(path)
        data = self.path.read_bytes() if data is None else data
        self._read_bytes = 0
        try:  # in memory: the caller has read the bytes anyway, and no handle is left open
            self._zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError) as exc:
            raise self._error(f"not an OFD file (not a zip: {exc})") from exc
        infos = [i for i in self._zip.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise self._error(f"too many members in the archive ({len(infos):,})")
        self._names = {i.filename.lstrip("/"): i for i in infos}
        total = sum(i.file_size for i in infos)
        big = next((i for i in infos if i.file_size > MAX_MEMBER_BYTES), None)
        if big is not None:  # declared sizes first: a bomb is refused before it is inflated
            raise self._bomb(f"{big.filename} unpacks to {big.file_size:,} bytes")
        archive = max(len(data), 1)
        if total > MAX_TOTAL_BYTES or (total > RATIO_FLOOR and total > MAX_RATIO * archive):
            raise self._bomb(f"the archive unpacks to {total:,} bytes from {archive:,}")
        if "OFD.xml" not in self._names:
            raise self._error("not an OFD file (no OFD.xml in the archive)")
        root = self._xml("OFD.xml")
        self.title = (root.findtext("DocBody/DocInfo/Title") or "").strip() or None
        doc_root = (root.findtext("DocBody/DocRoot") or "").strip()
        if not doc_root:
            raise self._error("OFD.xml names no DocBody/DocRoot")
        self._doc_path = self._resolve("", doc_root)
        self._document = self._xml(self._doc_path)

    def _error(self, message: str) -> IngestError:
        return IngestError(self.path, message)

    def _bomb(self, what: str) -> IngestError:
        return self._error(f"{what}: over the limits ({MAX_MEMBER_BYTES:,} per member, "
                           f"{MAX_TOTAL_BYTES:,} in all, ratio {MAX_RATIO}), refused as a zip bomb")

    def _resolve(self, base: str, location: str) -> str:
        """A member name for a location written in member `base`: absolute from the root,
        else relative to base's folder; producers often write root-relative paths, so the
        root is tried second. '..' may not leave the archive."""
        location = location.strip().replace("\\", "/")
        tries = [location] if location.startswith("/") else [
            posixpath.join(posixpath.dirname(base), location), location]
        for candidate in tries:
            name = posixpath.normpath(candidate).lstrip("/")
            if not name.startswith("..") and name in self._names:
                return name
        return posixpath.normpath(tries[0]).lstrip("/")  # _xml reports it missing

    def _xml(self, name: str) -> etree._Element:
        info = self._names.get(name)
        if info is None:
            raise self._error(f"{name} missing")
        try:
            with self._zip.open(info) as member:
                data = member.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError,
                OSError) as exc:  # RuntimeError: encrypted; NotImplementedError: compression
            raise self._error(f"{name} cannot be read ({exc})") from exc
        self._read_bytes += len(data)
        if len(data) > MAX_MEMBER_BYTES or self._read_bytes > MAX_TOTAL_BYTES:
            raise self._bomb(f"{name} inflates past the limit")
        try:
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise self._error(f"{name} is not well-formed XML ({exc})") from exc
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise self._error(f"{name} declares a DTD or entities: refused")
        for element in root.iter():  # namespaces vary by producer (ofd:, none, 2016 URI)
            if isinstance(element.tag, str):
                element.tag = etree.QName(element).localname
        return root

    def pages(self) -> list[list[str]]:
        """Each page's text lines, pages in document order."""
        pages = self._document.findall("Pages/Page")
        if len(pages) > MAX_PAGES:
            raise self._error(f"{len(pages):,} pages: over the limit of {MAX_PAGES:,}")
        templates = {t.get("ID"): t.get("BaseLoc", "") for t in
                     self._document.findall("CommonData/TemplatePage")}
        cache: dict[str, list[Glyph]] = {}  # a template (header, footer) is read once
        out = []
        for number, page in enumerate(pages, 1):
            if not page.get("BaseLoc", "").strip():
                raise self._error(f"{self._doc_path}: page {number} has no BaseLoc")
            content = self._xml(self._resolve(self._doc_path, page.get("BaseLoc", "")))
            glyphs: list[Glyph] = []
            for ref in content.findall("Template"):
                loc = templates.get(ref.get("TemplateID"))
                if loc and loc not in cache:
                    cache[loc] = page_glyphs(
                        self._xml(self._resolve(self._doc_path, loc)).findall("Content/Layer"))
                glyphs += cache.get(loc or "", [])
            page_glyphs(content.findall("Content/Layer"), glyphs)
            out.append(lines_of(glyphs))
        return out

    def title_hint(self, lines: list[str]) -> str | None:
        """DocInfo/Title when the first lines spell it out; often it is a file name or a
        converter's default, which must not replace the title read from the text."""
        squash = "".join("".join(lines[:8]).split())
        title = "".join((self.title or "").split())
        return self.title if len(title) >= 4 and title in squash else None
