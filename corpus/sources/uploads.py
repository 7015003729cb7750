"""Checks on uploaded files (上传检查) before anything is parsed or stored: size, a safe file
name, the type judged by content (not by name), zip-bomb and XML-entity guards for .docx and
.ofd (both ZIPs of XML), and a time limit on parsing (a separate process, killed when it
overruns)."""
from __future__ import annotations

import io
import multiprocessing
import re
import unicodedata
import zipfile
from pathlib import Path

from corpus.errors import IngestError
from corpus.sources.extract import SUPPORTED_SUFFIXES
from corpus.model import Document

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 2000
PARSE_SECONDS = 60.0
_FAMILY = {".pdf": "pdf", ".docx": "docx", ".ofd": "ofd", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text",
           ".markdown": "text"}
_ENTITY = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


class UploadError(IngestError):
    """An upload refused before parsing; nothing was stored."""


def safe_name(name: str | None) -> str:
    """The file's own name, or an error: no folders, no '..', no control characters."""
    raw = name or ""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    if (not base or base in (".", "..") or base != raw or base.startswith(".") or len(base) > 200
            or any(unicodedata.category(c).startswith("C") for c in base)):
        raise UploadError(raw[:80] or "(no name)", "unsafe file name: a plain name like 通知.docx is needed")
    if Path(base).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UploadError(base, "unsupported type: " + ", ".join(sorted(SUPPORTED_SUFFIXES)))
    return base


def sniff(data: bytes) -> str:
    """The file type by its bytes: pdf, docx, ofd, zip (other), html, text or binary."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "binary"
        if "word/document.xml" in names:
            return "docx"
        return "ofd" if "OFD.xml" in names else "zip"
    if b"\x00" in data[:4096]:
        return "binary"
    head = data[:2048].lower()
    return "html" if re.search(rb"<(!doctype html|html|body|head|p|div)[\s>]", head) else "text"


def check_zip(name: str, data: bytes) -> None:
    """Refuse zip bombs and XML with DTDs/entities (billion laughs, external entities)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadError(name, f"too many parts in the archive ({len(infos)})")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES or total > MAX_ZIP_RATIO * max(len(data), 1):
        raise UploadError(name, f"unpacks to {total:,} bytes from {len(data):,}: refused as a zip bomb")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as part:
                if _ENTITY.search(part.read(MAX_UNZIPPED_BYTES)):
                    raise UploadError(name, f"{info.filename} declares a DTD or entities: refused")


def check_upload(name: str | None, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """A safe name for an upload whose size, type and structure are acceptable."""
    base = safe_name(name)
    if not data:
        raise UploadError(base, "empty file")
    if len(data) > max_bytes:
        raise UploadError(base, f"{len(data):,} bytes is over the {max_bytes:,}-byte limit")
    expected, found = _FAMILY.get(Path(base).suffix.lower()), sniff(data)
    if found != expected and not (expected == "text" and found == "html") \
            and not (expected == "html" and found == "text"):
        raise UploadError(base, f"the content is {found}, not what {Path(base).suffix} promises")
    if found in ("docx", "ofd"):
        check_zip(base, data)
    return base


def _parse(path: str, out) -> None:
    from corpus.sources.importers import read_user_file
    try:
        out.send(("ok", read_user_file(Path(path))))
    except IngestError as exc:
        out.send(("error", exc.message))
    except Exception as exc:  # a parser bug must not look like success
        out.send(("error", f"could not be parsed ({type(exc).__name__}: {exc})"))


def parse_with_timeout(path: Path, seconds: float = PARSE_SECONDS) -> Document:
    """read_user_file in a spawned process, killed after `seconds`."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_parse, args=(str(path), send), daemon=True)
    proc.start()
    try:
        if not receive.poll(seconds):
            raise UploadError(path.name, f"parsing took longer than {seconds:.0f} s: refused")
        status, value = receive.recv()
    finally:
        proc.kill()
        proc.join(5)
    if status != "ok":
        raise UploadError(path.name, value)
    return value
