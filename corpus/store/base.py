"""What both document stores (文档库) share: the table layout, turning rows into documents and
units, and every read and write written once in SQL both SQLite and PostgreSQL accept (`?`
placeholders; the PostgreSQL connection translates them). A backend supplies `conn` (with
`execute` / `executemany`), `transaction()`, `state_dir` and `reopen()`.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from dataclasses import asdict
from pathlib import Path
from typing import Any

from corpus.versions.asof import DatedVersion, repeal_date
from corpus.model import REPEALED, Document, Unit
from corpus.sources.structure import paragraphs_from_text
from corpus.versions.validity import VersionInfo, resolve_versions

DOC_COLUMNS = ("id", "collection", "title", "subtitle", "short_name", "doc_type", "genre",
               "category", "issuer", "doc_number", "index_number", "topic", "region",
               "written_date", "publish_date", "effective_date", "validity", "validity_source",
               "version_key", "has_body", "source")
DOC_JSON = ("history", "preamble", "answer", "extra")
UNIT_COLUMNS = ("id", "doc_id", "seq", "kind", "article_label", "article_num",
                "article_suffix", "text")
REF_COLUMNS = ("from_doc", "from_unit", "pos", "to_doc", "to_unit", "kind", "detail",
               "span_start", "span_end", "later_version")
# Bumped when reference detection changes: an index build then recomputes the references of a
# store resolved by an older fagui (every ingest and delete recomputes them anyway).
REFERENCES_VERSION = "1"
CITED_BY_LIMIT = 20


class StoreError(Exception):
    """The store is missing, unreachable, unreadable or of another schema."""


class StoreUnavailable(StoreError):
    """The database that takes writes is not reachable now (retry later: HTTP 503)."""


class DocumentStoreBase:
    """Documents and units; the SQL here runs unchanged on both backends."""

    conn: Any
    path: Path  # where the store lives (SQLite file; for PostgreSQL a label under FAGUI_HOME)

    @property
    def state_dir(self) -> Path:
        """Folder for what the app keeps beside the store (audit log, uploads, analytics)."""
        return self.path.parent

    def _rows(self, sql: str, params: tuple | list = ()) -> Iterable[Any]:
        """Rows of a possibly large query (streamed where the backend can)."""
        return self.conn.execute(sql, params)

    # -- writing ---------------------------------------------------------------------------
    def put(self, doc: Document, source_key: str) -> None:
        """Insert or replace a document and all its units (same id -> replaced, idempotent)."""
        values = [getattr(doc, c) for c in DOC_COLUMNS]
        values[DOC_COLUMNS.index("has_body")] = int(doc.has_body)
        meta = {k: getattr(doc, k) for k in DOC_JSON}
        meta["history"] = [asdict(h) for h in doc.history]
        meta = json.dumps(meta, ensure_ascii=False)
        self.conn.execute("DELETE FROM unit_refs WHERE from_doc = ?", (doc.id,))
        self.conn.execute("DELETE FROM units WHERE doc_id = ?", (doc.id,))
        self.conn.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
        self.conn.execute(
            f"INSERT INTO documents ({', '.join(DOC_COLUMNS)}, declared_validity, "
            f"source_key, meta, body) VALUES ({', '.join('?' * (len(DOC_COLUMNS) + 4))})",
            (*values, doc.validity, source_key, meta, doc.text))
        self.conn.executemany(
            f"INSERT INTO units ({', '.join(UNIT_COLUMNS)}, chapter_path) "
            f"VALUES ({', '.join('?' * (len(UNIT_COLUMNS) + 1))})",
            [(*(getattr(u, c) for c in UNIT_COLUMNS),
              json.dumps(u.chapter_path, ensure_ascii=False)) for u in doc.units])

    def replace_source(self, key: str, kind: str, path: str, docs: Iterable[Document],
                       on_document: Callable[[Document], None] | None = None) -> tuple[int, int]:
        """Store every document of one source; documents it no longer yields are removed."""
        seen: set[str] = set()
        n_units = 0
        for doc in docs:
            self.put(doc, key)
            seen.add(doc.id)
            n_units += len(doc.units)
            if on_document:
                on_document(doc)
        stale = [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE source_key = ?", (key,)) if r[0] not in seen]
        self.delete(stale)
        self.conn.execute("DELETE FROM sources WHERE key = ?", (key,))
        self.conn.execute("INSERT INTO sources (key, kind, path, documents, units) "
                          "VALUES (?, ?, ?, ?, ?)", (key, kind, path, len(seen), n_units))
        return len(seen), n_units

    def delete(self, doc_ids: Iterable[str]) -> None:
        for doc_id in doc_ids:
            self.conn.execute("DELETE FROM unit_refs WHERE from_doc = ?", (doc_id,))
            self.conn.execute("DELETE FROM units WHERE doc_id = ?", (doc_id,))
            self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def resolve_versions(self) -> int:
        """Recompute 时效性 of every versioned document from its group; returns changes."""
        groups: dict[str, list[VersionInfo]] = {}
        current: dict[str, str] = {}
        for row in self.conn.execute(
                "SELECT id, version_key, publish_date, effective_date, declared_validity, "
                "validity, validity_source FROM documents WHERE version_key IS NOT NULL"):
            groups.setdefault(row["version_key"], []).append(VersionInfo(
                row["id"], row["publish_date"], row["effective_date"],
                row["declared_validity"] if row["validity_source"] else None,
                bool(row["validity_source"])))
            current[row["id"]] = row["validity"]
        changes = [(validity, doc_id) for group in groups.values()
                   for doc_id, validity in resolve_versions(group).items()
                   if current[doc_id] != validity]
        self.conn.executemany("UPDATE documents SET validity = ? WHERE id = ?", changes)
        return len(changes)

    def compute_references(self, progress: Callable[[str, int | None], Callable[[int], None]] | None = None
                           ) -> tuple[list[tuple], Any]:
        """Every cross-reference (条文引用) between units as unit_refs rows, and the counts of
        what was found and resolved (corpus.references.resolver.ReferenceStats); nothing is written."""
        from corpus.references.resolver import ReferenceResolver, ReferenceStats

        started = time.perf_counter()
        resolver = ReferenceResolver(
            self.conn.execute("SELECT id, collection, title, subtitle, short_name, region, publish_date, "
                              "effective_date, validity, CASE WHEN collection = 'laws' THEN meta END AS meta "
                              "FROM documents").fetchall(),
            self.conn.execute("SELECT id, doc_id, article_label, article_num, article_suffix FROM units "
                              "WHERE article_label IS NOT NULL ORDER BY doc_id, seq").fetchall())
        advance = progress("条文引用 references", self.count()) if progress else (lambda n: None)
        stats, rows = ReferenceStats(), []
        units = self._rows("SELECT id, doc_id, text FROM units ORDER BY doc_id, seq")
        for doc_id, group in groupby(units, key=lambda r: r["doc_id"]):
            pos: dict[str, int] = {}
            for unit_id, ref in resolver.resolve(doc_id, ((r["id"], r["text"]) for r in group), stats):
                pos[unit_id] = pos.get(unit_id, -1) + 1
                rows.append((doc_id, unit_id, pos[unit_id], ref.to_doc, ref.to_unit, ref.kind, ref.detail,
                             ref.start, ref.end, int(ref.later)))
            advance(1)
        stats.rows, stats.seconds = len(rows), round(time.perf_counter() - started, 2)
        return rows, stats

    def resolve_references(self, progress: Callable[[str, int | None], Callable[[int], None]] | None = None
                           ) -> dict[str, Any]:
        """Recompute every cross-reference between units: all rows deleted and written again,
        inside the caller's transaction (as `resolve_versions`). Returns the counts by kind."""
        started = time.perf_counter()
        rows, stats = self.compute_references(progress)
        self.conn.execute("DELETE FROM unit_refs")
        self.conn.executemany(f"INSERT INTO unit_refs ({', '.join(REF_COLUMNS)}) "
                              f"VALUES ({', '.join('?' * len(REF_COLUMNS))})", rows)
        self._set_meta("references_version", REFERENCES_VERSION)
        stats.seconds = round(time.perf_counter() - started, 2)
        return stats.as_dict()

    @property
    def references_outdated(self) -> bool:
        """True when the references were never resolved, or by an older detection."""
        return self.meta("references_version") != REFERENCES_VERSION

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _set_meta_default(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta (key, value) SELECT ?, ? WHERE NOT EXISTS "
                          "(SELECT 1 FROM meta WHERE key = ?)", (key, value, key))

    # -- reading ---------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def corpus_version(self) -> int:
        """Increments on every committed change: indexes record it to know they are stale."""
        return int(self.meta("corpus_version") or 0)

    def _document(self, row: Any, with_units: bool) -> Document:
        data = {c: row[c] for c in DOC_COLUMNS}
        data["has_body"] = bool(data["has_body"])
        data.update(json.loads(row["meta"]))
        units = self.units(row["id"]) if with_units else []
        return Document.from_row(data, row["body"], units)

    def get(self, doc_id: str, with_units: bool = True) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return self._document(row, with_units) if row else None

    def units(self, doc_id: str) -> list[Unit]:
        rows = self.conn.execute("SELECT * FROM units WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return [unit_from_row(r) for r in rows]

    def get_unit(self, unit_id: str) -> Unit | None:
        row = self.conn.execute("SELECT * FROM units WHERE id = ?", (unit_id,)).fetchone()
        return unit_from_row(row) if row else None

    def documents(self, where: str = "1 = 1", params: tuple[Any, ...] = (),
                  with_units: bool = False, limit: int | None = None) -> Iterator[Document]:
        """Documents matching an SQL condition on the documents table, in id order."""
        tail = f" LIMIT {int(limit)}" if limit else ""
        for row in self._rows(f"SELECT * FROM documents WHERE {where} ORDER BY id{tail}", params):
            yield self._document(row, with_units)

    def versions(self, doc_id: str) -> list[dict[str, Any]]:
        """All versions of the law `doc_id` belongs to, newest first (版本历史)."""
        return [dict(r) for r in self.conn.execute(
            "SELECT id, publish_date, effective_date, validity FROM documents WHERE version_key = "
            "(SELECT version_key FROM documents WHERE id = ?) ORDER BY publish_date DESC NULLS LAST",
            (doc_id,))]

    def dated_versions(self, doc_id: str | None = None) -> list[DatedVersion]:
        """Dates and 时效性 of every document, or of the versions of `doc_id`'s law (时点检索)."""
        where, params = ("1 = 1", ()) if doc_id is None else (
            "COALESCE(version_key, id) = (SELECT COALESCE(version_key, id) FROM documents WHERE id = ?)",
            (doc_id,))
        rows = self.conn.execute(
            "SELECT id, version_key, publish_date, effective_date, validity, "
            f"CASE WHEN validity = ? THEN meta END AS meta FROM documents WHERE {where}",
            (REPEALED, *params)).fetchall()
        return [DatedVersion(r["id"], r["version_key"] or r["id"], r["publish_date"], r["effective_date"],
                             r["validity"], repeal_date(json.loads(r["meta"])["history"]) if r["meta"] else None)
                for r in rows]

    # -- cross-references -------------------------------------------------------------------
    def _has_table(self, name: str) -> bool:
        raise NotImplementedError

    def _ref_rows(self, sql: str, unit_ids: list[str]) -> list[Any]:
        """Rows of a reference query over `unit_ids` (one query; none on a store that predates
        references and was only opened read-only since)."""
        if not unit_ids:
            return []
        if getattr(self, "_refs_table", None) is None:
            self._refs_table = self._has_table("unit_refs")
        if not self._refs_table:
            return []
        marks = ", ".join("?" * len(unit_ids))
        return self.conn.execute(sql.replace("(?*)", f"({marks})"), list(unit_ids)).fetchall()

    def references(self, unit_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """What each unit cites, in text order, one entry per target: {article_id (None for
        a whole law), doc_id, law_title, article_label, validity, kind, detail,
        later_version (the version cited is not stored: this later one may be numbered
        otherwise)}. References to the unit's own text (前款, 本条第二款) are left out."""
        ids = list(dict.fromkeys(unit_ids))
        rows = self._ref_rows(
            "SELECT r.from_unit, r.to_doc, r.to_unit, r.kind, r.detail, r.later_version, d.title, "
            "d.validity, u.article_label FROM unit_refs r JOIN documents d ON d.id = r.to_doc "
            "LEFT JOIN units u ON u.id = r.to_unit WHERE r.from_unit IN (?*) AND r.kind != 'same_article' "
            "AND (r.to_unit IS NULL OR u.id IS NOT NULL) ORDER BY r.from_unit, r.pos", ids)
        out: dict[str, list[dict[str, Any]]] = {uid: [] for uid in ids}
        seen: dict[tuple[str, str, str | None], dict[str, Any]] = {}
        for row in rows:
            key = (row["from_unit"], row["to_doc"], row["to_unit"])
            if key in seen:  # 第十条第一款 … 第十条第二款: one target, both details
                entry = seen[key]
                if row["detail"] and row["detail"] not in (entry["detail"] or "").split("；"):
                    entry["detail"] = "；".join(filter(None, (entry["detail"], row["detail"])))
                continue
            seen[key] = entry = {"article_id": row["to_unit"], "doc_id": row["to_doc"],
                                 "law_title": row["title"], "article_label": row["article_label"],
                                 "validity": row["validity"], "kind": row["kind"], "detail": row["detail"],
                                 "later_version": bool(row["later_version"])}
            out[row["from_unit"]].append(entry)
        return out

    def cited_by(self, unit_ids: Iterable[str], limit: int | None = CITED_BY_LIMIT
                 ) -> dict[str, tuple[list[dict[str, Any]], int]]:
        """The units citing each unit ({article_id, doc_id, law_title, article_label,
        validity, collection, kind, detail, later_version}; laws first, those in force first,
        then policy documents, then citizen messages) — at most `limit` each — and how many."""
        ids = list(dict.fromkeys(unit_ids))
        rows = self._ref_rows(
            "SELECT r.to_unit, r.from_unit, r.from_doc, r.kind, r.detail, r.later_version, d.title, "
            "d.validity, d.collection, u.article_label FROM unit_refs r JOIN documents d ON d.id = r.from_doc "
            "JOIN units u ON u.id = r.from_unit WHERE r.to_unit IN (?*) AND r.kind != 'same_article' "
            "ORDER BY r.to_unit, d.collection = 'messages', d.collection != 'laws', d.validity != '现行有效', "
            "r.from_unit, r.pos", ids)
        found: dict[str, dict[str, dict[str, Any]]] = {uid: {} for uid in ids}
        for row in rows:
            citing = found[row["to_unit"]]
            if row["from_unit"] not in citing:  # one entry per citing unit
                citing[row["from_unit"]] = {
                    "article_id": row["from_unit"], "doc_id": row["from_doc"], "law_title": row["title"],
                    "article_label": row["article_label"], "validity": row["validity"],
                    "collection": row["collection"], "kind": row["kind"], "detail": row["detail"],
                    "later_version": bool(row["later_version"])}
        return {uid: (list(citing.values())[:limit], len(citing)) for uid, citing in found.items()}

    def reference_spans(self, unit_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Where each unit's text cites something, for links: {start, end, doc_id, article_id,
        law_title, article_label} in text order; references to the unit's own text left out."""
        rows = self._ref_rows(
            "SELECT r.from_unit, r.span_start, r.span_end, r.to_doc, r.to_unit, d.title, u.article_label "
            "FROM unit_refs r JOIN documents d ON d.id = r.to_doc LEFT JOIN units u ON u.id = r.to_unit "
            "WHERE r.from_unit IN (?*) AND r.kind != 'same_article' AND r.span_start IS NOT NULL "
            "AND (r.to_unit IS NULL OR u.id IS NOT NULL) ORDER BY r.from_unit, r.span_start",
            list(dict.fromkeys(unit_ids)))
        out: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            out.setdefault(row["from_unit"], []).append(
                {"start": row["span_start"], "end": row["span_end"], "doc_id": row["to_doc"],
                 "article_id": row["to_unit"], "law_title": row["title"], "article_label": row["article_label"]})
        return out

    def count(self, table: str = "documents") -> int:
        if table not in ("documents", "units", "sources", "unit_refs"):
            raise ValueError(f"no table {table!r} in the store")
        return self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def unit_from_row(row: Any) -> Unit:
    data = {c: row[c] for c in UNIT_COLUMNS}
    data["chapter_path"] = json.loads(row["chapter_path"])
    return Unit(**data, paragraphs=paragraphs_from_text(row["text"]))
