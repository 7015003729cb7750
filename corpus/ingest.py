"""Ingest: all sources of one run go into the store in one transaction, or none do."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus.model import Document
from corpus.sources.resolve import Source
from corpus.store.base import DocumentStoreBase


@dataclass
class IngestReport:
    """What one ingest run stored."""

    sources: list[dict] = field(default_factory=list)
    validity_changes: int = 0
    references: dict = field(default_factory=dict)  # cross-references found and resolved
    seconds: float = 0.0


def ingest(store: DocumentStoreBase, sources: list[Source],
           on_document: Callable[[Source, Document], None] | None = None) -> IngestReport:
    """Parse and store every source; any error rolls the whole run back and is re-raised."""
    started = time.perf_counter()
    report = IngestReport()
    with store.transaction():
        for source in sources:
            callback = (lambda doc, s=source: on_document(s, doc)) if on_document else None
            docs, units = store.replace_source(source.key, source.kind, str(source.path),
                                               source.reader, callback)
            report.sources.append({"source": str(source.path), "kind": source.kind,
                                   "documents": docs, "units": units})
        report.validity_changes = store.resolve_versions()
        # after versions: another law's version in force on a date may have changed
        report.references = store.resolve_references()
    report.seconds = round(time.perf_counter() - started, 2)
    return report
