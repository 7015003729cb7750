"""Turning `fagui ingest SOURCE...` arguments into readers.

A SOURCE is a collection name of the shared data (`laws`, `notices`, `messages`, `all`), the
LawRefBook archive or folder, a notices/messages JSONL(.gz), or user files / folders.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import IngestError
from corpus.sources.jsonl import read_jsonl
from corpus.sources.extract import SUPPORTED_SUFFIXES
from corpus.sources.importers import UserFileReader
from corpus.sources.lawrefbook import LawRefBookReader
from corpus.sources.messages import MessagesJsonlReader
from corpus.sources.notices import NoticesJsonlReader

DATASET_PATHS = {
    "laws": "laws/lawrefbook_markdown.tar.gz",
    "notices": "notices/notices.jsonl.gz",
    "messages": "govqa/tipdm2020_message_board.jsonl.gz",
}


@dataclass
class Source:
    """One thing to ingest: a stable key (re-ingest replaces), its kind and a reader."""

    key: str
    kind: str
    path: Path
    reader: Iterable


def _jsonl_kind(path: Path) -> str:
    """`messages` or `notices`, from the first record (read_jsonl names any fault in it)."""
    _, record = next(iter(read_jsonl(path)))
    if "qa_id" in record:
        return "messages"
    if "doc_id" in record:
        return "notices"
    raise IngestError(path, "unknown JSONL: expected notices (doc_id) or messages (qa_id) records",
                      line=1)


def resolve_source(arg: str, data_dir: Path | None) -> list[Source]:
    """Sources named by one command-line argument."""
    if arg in DATASET_PATHS or arg == "all":
        if data_dir is None:
            raise IngestError(arg, "no data folder: set FAGUI_DATA_DIR")
        names = list(DATASET_PATHS) if arg == "all" else [arg]
        return [s for name in names for s in resolve_source(str(data_dir / DATASET_PATHS[name]), None)]
    path = Path(arg)
    if not path.exists():
        raise IngestError(path, "no such file or folder")
    name = path.name
    if name.endswith((".tar.gz", ".tgz", ".tar")) or (path.is_dir() and (path / "db.sqlite3").exists()):
        return [Source(f"lawrefbook:{name}", "laws", path, LawRefBookReader(path))]
    if name.endswith((".jsonl", ".jsonl.gz")):
        kind = _jsonl_kind(path)
        reader = MessagesJsonlReader(path) if kind == "messages" else NoticesJsonlReader(path)
        return [Source(f"{kind}:{name}", kind, path, reader)]
    if path.is_dir() or path.suffix.lower() in SUPPORTED_SUFFIXES:
        return [Source(f"file:{path.resolve()}", "files", path, UserFileReader(path))]
    raise IngestError(path, f"unsupported source type {path.suffix or '(no suffix)'}: use a "
                      f"LawRefBook archive, notices/messages JSONL or {', '.join(sorted(SUPPORTED_SUFFIXES))}")
