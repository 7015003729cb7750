"""Corpus statistics (`fagui corpus stats`): counts by collection, 效力级别 and 时效性."""
from __future__ import annotations

from typing import Any

from corpus.store import SQLiteDocumentStore


def _grouped(store: SQLiteDocumentStore, column: str, collection: str) -> dict[str, dict[str, int]]:
    rows = store.conn.execute(
        f"SELECT COALESCE(d.{column}, '(none)') AS k, COUNT(DISTINCT d.id) AS docs, COUNT(u.id) AS units "
        f"FROM documents d LEFT JOIN units u ON u.doc_id = d.id WHERE d.collection = ? "
        f"GROUP BY k ORDER BY docs DESC", (collection,))
    return {r["k"]: {"documents": r["docs"], "units": r["units"]} for r in rows}


def corpus_stats(store: SQLiteDocumentStore) -> dict[str, Any]:
    """Counts of documents and units, overall and per collection by type and validity."""
    collections: dict[str, Any] = {}
    for row in store.conn.execute(
            "SELECT collection, COUNT(*) AS docs, SUM(has_body = 0) AS no_body FROM documents "
            "GROUP BY collection ORDER BY collection"):
        name = row["collection"]
        units = store.conn.execute(
            "SELECT COUNT(*) FROM units u JOIN documents d ON u.doc_id = d.id "
            "WHERE d.collection = ?", (name,)).fetchone()[0]
        kinds = dict(store.conn.execute(
            "SELECT u.kind, COUNT(*) FROM units u JOIN documents d ON u.doc_id = d.id "
            "WHERE d.collection = ? GROUP BY u.kind", (name,)).fetchall())
        collections[name] = {
            "documents": row["docs"], "units": units, "documents_without_body": row["no_body"],
            "units_by_kind": kinds, "by_type": _grouped(store, "doc_type", name),
            "by_validity": _grouped(store, "validity", name),
        }
    return {
        "store": str(store.path),
        "corpus_version": store.corpus_version,
        "documents": store.count("documents"),
        "units": store.count("units"),
        "collections": collections,
        "sources": [dict(r) for r in store.conn.execute(
            "SELECT key, kind, path, documents, units, ingested_at FROM sources ORDER BY key")],
    }
