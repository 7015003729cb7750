"""Index generations and their manifest (索引清单).

`index_dir/CURRENT` names the live generation folder. A build or update writes a new folder
beside it and switches CURRENT with an atomic rename, so a reader sees the old index or the
new one, never half of one; a killed build leaves only an unreferenced folder to clean up.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1
POINTER = "CURRENT"


class IndexError_(Exception):
    """No usable index, or an index that does not fit the request (wrong embedder...)."""


@dataclass
class Manifest:
    """What an index generation holds and how it was made."""

    corpus_version: int
    store: str
    analyzer: str
    embedder: str
    embedder_key: str
    dim: int
    vector_index: dict[str, Any]
    counts: dict[str, int]
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S"))
    format: int = FORMAT
    # "keyword": built without vectors so a fresh install answers in minutes (issue 17); the
    # full generation ("full") follows from a background build
    stage: str = "full"

    @property
    def has_vectors(self) -> bool:
        return self.stage == "full"

    def save(self, folder: Path) -> None:
        _write_atomic(folder / "manifest.json", json.dumps(asdict(self), ensure_ascii=False, indent=2))

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise IndexError_(f"{folder}: index format {data.get('format')}, this fagui reads {FORMAT}: rebuild it")
        return cls(**data)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def current_generation(index_dir: Path) -> Path | None:
    """The live generation folder, or None when no index was ever published."""
    pointer = index_dir / POINTER
    if not pointer.exists():
        return None
    folder = index_dir / pointer.read_text(encoding="utf-8").strip()
    if not (folder / "manifest.json").exists():
        raise IndexError_(f"{pointer} names {folder.name}, which is incomplete: rebuild the index")
    return folder


def new_generation(index_dir: Path) -> Path:
    """A fresh folder for the next generation (not yet visible to readers)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    folder = index_dir / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder.mkdir()
    return folder


def publish(index_dir: Path, folder: Path) -> None:
    """Make `folder` the live generation (fsync its files first), then drop older ones."""
    for file in folder.rglob("*"):
        if file.is_file():
            with open(file, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)
    _write_atomic(index_dir / POINTER, folder.name)
    cleanup(index_dir)


def cleanup(index_dir: Path) -> None:
    """Remove generation folders other than the live one (older or left by a killed build)."""
    live = current_generation(index_dir)
    for folder in index_dir.glob("gen-*"):
        if folder.is_dir() and folder != live:
            shutil.rmtree(folder, ignore_errors=True)
