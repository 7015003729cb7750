"""Errors raised while reading sources: always name the file, and the line where one applies."""
from __future__ import annotations


class IngestError(Exception):
    """A source could not be read; nothing from the run is stored."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path, self.line, self.message = str(path), line, message
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
