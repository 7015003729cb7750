"""Corpus statistics (`fagui corpus stats`): counts by collection, 效力级别 and 时效性."""
from __future__ import annotations

from typing import Any

from corpus.store.base import DocumentStoreBase


def _grouped(store: DocumentStoreBase, column: str, collection: str) -> dict[str, dict[str, int]]:
    rows = store.conn.execute(
        f"SELECT COALESCE(d.{column}, '(none)') AS k, COUNT(DISTINCT d.id) AS docs, COUNT(u.id) AS units "
        f"FROM documents d LEFT JOIN units u ON u.doc_id = d.id WHERE d.collection = ? "
        f"GROUP BY k ORDER BY docs DESC", (collection,))
    return {r["k"]: {"documents": r["docs"], "units": r["units"]} for r in rows}


def corpus_stats(store: DocumentStoreBase) -> dict[str, Any]:
    """Counts of documents and units, overall and per collection by type and validity."""
    collections: dict[str, Any] = {}
    for row in store.conn.execute(
            "SELECT collection, COUNT(*) AS docs, SUM(CASE WHEN has_body = 0 THEN 1 ELSE 0 END) AS no_body FROM documents "
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
        "store": store.describe(),
        "corpus_version": store.corpus_version,
        "documents": store.count("documents"),
        "units": store.count("units"),
        "collections": collections,
        "sources": [dict(r) for r in store.conn.execute(
            "SELECT key, kind, path, documents, units, ingested_at FROM sources ORDER BY key")],
    }


def overview_counts(store: DocumentStoreBase, top: int = 15) -> dict[str, list[tuple[str, int]]]:
    """What a decision-maker plots (统计): laws by 效力级别 and by year, documents by region,
    the most active issuers; current versions only, so amended laws count once."""
    def rows(sql: str) -> list[tuple[str, int]]:
        return [(str(k), int(v)) for k, v in store.conn.execute(sql).fetchall()]

    current = "validity = '现行有效'"
    return {
        "laws_by_type": rows(f"SELECT doc_type, COUNT(*) FROM documents WHERE collection = 'laws' AND {current} "
                             "GROUP BY doc_type ORDER BY 2 DESC"),
        "laws_by_year": rows(f"SELECT SUBSTR(publish_date, 1, 4) y, COUNT(*) FROM documents WHERE collection = 'laws' "
                             f"AND {current} AND publish_date IS NOT NULL AND SUBSTR(publish_date, 1, 4) >= '1980' "
                             "GROUP BY y ORDER BY y"),
        "by_region": rows("SELECT COALESCE(region, '全国'), COUNT(*) FROM documents WHERE collection != 'messages' "
                          f"AND {current} GROUP BY 1 ORDER BY 2 DESC LIMIT {int(top)}"),
        "top_issuers": rows("SELECT issuer, COUNT(*) FROM documents WHERE issuer IS NOT NULL AND issuer != '' "
                            f"AND collection != 'messages' GROUP BY issuer ORDER BY 2 DESC LIMIT {int(top)}"),
    }


def find_notices(store: DocumentStoreBase, issuer: str | None = None, doc_number: str | None = None,
                 since: str | None = None, until: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Policy notices (政策文件) by 发文机关 (substring), 发文字号 (substring) and date, newest first."""
    where, params = ["collection = 'notices'"], []
    for column, value in (("issuer", issuer), ("doc_number", doc_number)):
        if value and value.strip():
            where.append(f"{column} LIKE ?")
            params.append(f"%{value.strip()}%")
    date = "COALESCE(publish_date, written_date)"
    if since:
        where.append(f"{date} >= ?")
        params.append(since)
    if until:
        where.append(f"{date} <= ?")
        params.append(until)
    sql = (f"SELECT id, title, issuer, doc_number, written_date, publish_date FROM documents "
           f"WHERE {' AND '.join(where)} ORDER BY {date} DESC NULLS LAST, id LIMIT {int(limit)}")
    return [dict(r) for r in store.conn.execute(sql, params)]
