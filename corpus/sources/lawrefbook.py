"""LawRefBook laws (法律法规): the raw markdown tree plus its db.sqlite3 metadata -> Documents.

Reads `lawrefbook_markdown.tar.gz` (or the unpacked folder). Each markdown file holds one dated
version of one law: `# title`, an optional `# subtitle` (民法典 parts), history lines
(`2007年6月29日 …通过`), `<!-- INFO END -->`, then headings and 第X条 lines.
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
import tarfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from corpus.dates import effective_from_text, find_date
from corpus.errors import IngestError
from corpus.model import (AMENDED, CURRENT, LAWS, WHOLE_DOCUMENT, Document, HistoryEvent,
                          Paragraph, Unit)
from corpus.sources.structure import split_articles

INFO_END = "<!-- INFO END -->"
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")
_FOLDER_TYPES = {"宪法": "宪法", "行政法规": "行政法规", "司法解释": "司法解释", "部门规章": "部门规章",
                 "DLC": "地方性法规"}
_ORDER_NO = re.compile(r"((?:中华人民共和国)?(?:主席令|国务院令)(?:（?第?[0-9零〇一二三四五六七八九十百千]+号）?)?)")
_CONGRESS = re.compile(r"^(\S*?)(?:第[一二三四五六七八九十]+届)(全国人民代表大会|人民代表大会)(常务委员会)?")


def law_doc_id(db_id: str | None, source_path: str) -> str:
    """The db's uuid where it has a row, else md5 of the path: stable across runs."""
    return db_id or hashlib.md5(source_path.encode("utf-8")).hexdigest()


def _load_tree(path: Path) -> dict[str, bytes]:
    """All files of the tree as {relative posix path: bytes}; a corrupt archive names itself."""
    files: dict[str, bytes] = {}
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.is_file():
                files[file.relative_to(path).as_posix()] = file.read_bytes()
        return files
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                if member.isfile():
                    name = member.name[2:] if member.name.startswith("./") else member.name
                    files[name] = tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise IngestError(path, f"cannot read the archive (truncated or corrupt?): {exc}") from exc
    return files


class _Metadata:
    """db.sqlite3 rows of the main tree and each DLC province, keyed by (db folder, category)."""

    def __init__(self, files: dict[str, bytes], archive: Path):
        self.rows: dict[tuple[str, str], list[dict]] = {}
        for name, blob in files.items():
            if PurePosixPath(name).name != "db.sqlite3":
                continue
            root = str(PurePosixPath(name).parent).replace(".", "", 1) if name == "db.sqlite3" else str(PurePosixPath(name).parent)
            conn = sqlite3.connect(":memory:")
            try:
                conn.deserialize(blob)
                conn.row_factory = sqlite3.Row
                query = ("SELECT law.*, category.folder AS folder FROM law "
                         "JOIN category ON law.category_id = category.id")
                for row in conn.execute(query):
                    self.rows.setdefault((root, row["folder"]), []).append(dict(row))
            except sqlite3.DatabaseError as exc:
                raise IngestError(f"{archive}:{name}", f"not a readable SQLite db: {exc}") from exc
            finally:
                conn.close()
        self.used: set[str] = set()
        self.files = set(files)
        self.roots = sorted({root for root, _ in self.rows}, key=len, reverse=True)

    def match(self, source_path: str) -> tuple[str, dict | None]:
        """(category folder, db row or None) for a markdown file."""
        parent = str(PurePosixPath(source_path).parent)
        root = next((r for r in self.roots if r and (parent + "/").startswith(r + "/")), "")
        folder = parent[len(root) + 1:] if root else parent
        stem = PurePosixPath(source_path).stem
        dated = _FILE_DATE.search(stem)
        name = stem[: dated.start()] if dated else stem
        rows = [r for r in self.rows.get((root, folder), [])
                if r.get("filename") == stem or r["name"] == name]
        if dated:  # a dated file is that version: the row must carry the same date
            rows = [r for r in rows if r.get("publish") == dated.group(1)]
            if not rows:  # some rows sit under another category without a file of their own
                rows = [r for (db, cat), group in self.rows.items() if db == root for r in group
                        if r["name"] == name and r.get("publish") == dated.group(1)
                        and f"{root + '/' if root else ''}{cat}/{stem}.md" not in self.files]
        elif len(rows) > 1:  # an undated file is the row without a date (or named for it)
            rows = ([r for r in rows if r.get("filename") == stem]
                    or [r for r in rows if not r.get("publish")])
        row = rows[0] if len(rows) == 1 and rows[0]["id"] not in self.used else None
        if row:  # one row describes one file: a second file of that name gets its own id
            self.used.add(row["id"])
        return folder, row


def _split_header(text: str, source: str) -> tuple[list[str], list[str], list[str]]:
    """(H1 lines, history lines, body lines). Front matter is dropped."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        lines = lines[end + 1:]
    marker = next((i for i, line in enumerate(lines) if line.strip() == INFO_END), None)
    if marker is None:  # no marker: the header ends at the first heading or article
        marker = next((i for i, line in enumerate(lines)
                       if line.startswith("##") or line.startswith("第")), len(lines))
        head, body = lines[:marker], lines[marker:]
    else:
        head, body = lines[:marker], lines[marker + 1:]
    titles = [line.lstrip("#").strip() for line in head if line.startswith("# ")]
    if not titles:
        raise IngestError(source, "no '# title' line before the body", line=1)
    history = [line.strip() for line in head if line.strip() and not line.startswith("#")
               and not line.strip().startswith("<!--")]
    return titles, history, body


def _history(lines: list[str]) -> list[HistoryEvent]:
    events = []
    for line in lines:
        iso, start, end = find_date(line)
        events.append(HistoryEvent(iso, line[end:].strip() if iso and start == 0 else line))
    return events


def _issuer(doc_type: str, folder: str, title: str, events: list[HistoryEvent]) -> str | None:
    """A best guess at the 制定机关 from the history lines (not authoritative)."""
    if doc_type == "部门规章":
        return folder.split("/")[-1]
    for event in events:
        match = _CONGRESS.match(event.event)
        if match:
            return f"{match.group(1)}{match.group(2)}{match.group(3) or ''}"
        if "国务院" in event.event:
            return "国务院"
        courts = [b for b in ("最高人民法院", "最高人民检察院") if b in event.event]
        if courts:
            return "、".join(courts)
    courts = [b for b in ("最高人民法院", "最高人民检察院") if title.startswith(b) or f"、{b}" in title[:20]]
    return "、".join(courts) or None


def parse_law_file(text: str, source_path: str, folder: str, row: dict | None,
                   source: str) -> Document:
    """One markdown file (one version of one law) -> a Document with its 条 units."""
    titles, history_lines, body_lines = _split_header(text, source)
    doc_id = law_doc_id(row["id"] if row else None, source_path)
    top = folder.split("/")[0]
    doc_type = (row["level"] if row and row["level"] != "其他" else None) or _FOLDER_TYPES.get(
        source_path.split("/")[0], _FOLDER_TYPES.get(top, "法律"))
    history = _history(history_lines)
    dated = _FILE_DATE.search(PurePosixPath(source_path).stem)
    publish = (row or {}).get("publish") or (dated.group(1) if dated else None) or next(
        (e.date for e in reversed(history) if e.date), None)
    effective = (row or {}).get("valid_from") or next(
        (e.date for e in history if e.date and e.event.endswith("施行")), None)
    body = split_articles(body_lines, doc_id, plain_headings=False)
    units = body.units
    # the final provisions date a new or revised version (the 2023 公司法: 2024-07-01)
    effective = effective or effective_from_text([u.text for u in units[-5:]], publish)
    if not units and body.loose_lines:  # 决定 / 修正案 written as 一、二、…: one whole unit
        units = [Unit(id=f"{doc_id}:0", doc_id=doc_id, seq=0, kind=WHOLE_DOCUMENT,
                      text="\n".join(body.loose_lines),
                      paragraphs=[Paragraph(line) for line in body.loose_lines])]
    region = folder.split("/")[1] if doc_type == "地方性法规" and "/" in folder else None
    title, subtitle = titles[0], (titles[1] if len(titles) > 1 else None)
    short = _FILE_DATE.sub("", row["name"] if row else PurePosixPath(source_path).stem)
    if subtitle and short.endswith(" " + subtitle):  # db names 民法典 parts "民法典 合同编"
        short = short[: -len(subtitle) - 1]
    order_no = next((m.group(1) for e in history for m in [_ORDER_NO.search(e.event)] if m), None)
    expired = bool(row and row.get("expired"))
    return Document(
        id=doc_id, collection=LAWS, title=title, subtitle=subtitle, short_name=short,
        doc_type=doc_type, category=folder, region=region,
        issuer=_issuer(doc_type, folder, title, history), doc_number=order_no,
        publish_date=publish, effective_date=effective,
        validity=AMENDED if expired else CURRENT,
        validity_source="lawrefbook-db" if row else None,
        version_key=f"{LAWS}|{region or ''}|{title}|{subtitle or ''}",
        history=history, preamble="\n".join(body.preamble) or None,
        text="\n".join(line.rstrip() for line in body_lines).strip(),
        source=source, units=units)


class LawRefBookReader:
    """Reads the LawRefBook markdown tree (tar.gz or folder) into law Documents."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.total: int | None = None  # markdown files, known once the archive is read

    def __iter__(self) -> Iterator[Document]:
        files = _load_tree(self.path)
        meta = _Metadata(files, self.path)
        self.total = sum(1 for n in files if n.endswith(".md") and not n.endswith("_index.md")) - 1
        for name in sorted(files):
            if not name.endswith(".md") or PurePosixPath(name).name == "_index.md":
                continue
            source = f"{self.path}:{name}"
            try:
                text = files[name].decode("utf-8")
            except UnicodeDecodeError as exc:
                line = files[name][: exc.start].count(b"\n") + 1
                raise IngestError(source, "not valid UTF-8", line=line) from exc
            if text.startswith("---") and "bookHidden: true" in text.split("---")[1]:
                continue  # the repository's template page, not a law
            folder, row = meta.match(name)
            yield parse_law_file(text, name, folder, row, source)
