"""Retrievers that run inside PostgreSQL (same interfaces as search/retrieval/embedded.py): BM25 over
the postings table with scores equal to the in-memory keyword index's, and nearest vectors
through pgvector's HNSW index with the filters applied during the index scan."""
from __future__ import annotations

import numpy as np

from indexer.postgres.index import FIELDS, LIVE, PostgresIndexReader
from indexer.embedded.sparse import B, K1
from search.query.parse import SearchFilters
from search.retrieval.embedded import DEFAULT_BOOSTS, LRU
from search.retrieval.unitmeta import UnitMeta

_FILTER_COLUMNS = (("collection", "collections"), ("doc_type", "types"), ("validity", "validity"),
                   ("region", "regions"), ("issuer", "issuers"))


def filter_sql(filters: SearchFilters, alias: str = "u") -> tuple[str, list]:
    """`filters` as an SQL condition on the index's units table (same rules as UnitMeta.mask)."""
    clauses, params = ["TRUE"], []
    for column, name in _FILTER_COLUMNS:
        values = getattr(filters, name)
        if values:
            clauses.append(f"{alias}.{column} = ANY(?)")
            params.append(list(values))
    if filters.exclude_docs:
        clauses.append(f"{alias}.doc_id <> ALL(?)")
        params.append(list(filters.exclude_docs))
    if filters.include_docs is not None:
        clauses.append(f"{alias}.doc_id = ANY(?)")
        params.append(list(filters.include_docs))
    if filters.since:
        clauses.append(f"{alias}.date >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"{alias}.date <= ? AND {alias}.date <> ''")
        params.append(filters.until)
    return " AND ".join(clauses), params


class PostgresKeywordRetriever:
    """BM25 (k1 1.2, b 0.75) per field summed with boosts, computed in SQL from the postings
    and the units' field lengths; the `max_terms` rarest query terms, as in memory."""

    def __init__(self, reader: PostgresIndexReader, boosts: dict[str, float] | None = None,
                 max_terms: int = 12):
        self.reader, self.conn, self.max_terms = reader, reader.conn, max_terms
        self.boosts = boosts or DEFAULT_BOOSTS
        self.min_depth = 2000  # units the fast path scores before filtering (see retrieve)

    def _terms(self, tokens: list[str]) -> list[tuple]:
        order = list(dict.fromkeys(tokens))
        found = {r[0]: tuple(r) for r in self.conn.execute(
            f"SELECT term, term_id, df_any, df_text, df_title, df_chapter FROM {LIVE}.terms "
            "WHERE term = ANY(?) AND df_any > 0", (order,))}
        known = [found[t] for t in order if t in found]
        return sorted(known, key=lambda r: r[2])[: self.max_terms]

    def retrieve(self, tokens: list[str], filters: SearchFilters, limit: int = 100) -> list[tuple[str, float]]:
        terms = self._terms(tokens)
        if not terms:
            return []
        scored, params = self._scored(terms)
        where, filter_params = filter_sql(filters)
        depth = max(limit, self.min_depth)
        # Fast path: score the postings alone (lengths are stored with them), keep the best
        # `depth` units, then filter those. Exact whenever `limit` of them pass the filter, or
        # all candidates fit in `depth`: any unit left out scores below all that were kept.
        rows = self.conn.execute(
            f"WITH s AS (SELECT row_id, score, COUNT(*) OVER () AS n FROM ({scored}) a "
            f"ORDER BY score DESC, row_id LIMIT ?) SELECT u.uid, s.score, s.n FROM s "
            f"JOIN {LIVE}.units u ON u.row_id = s.row_id WHERE {where} ORDER BY s.score DESC, s.row_id LIMIT ?",
            [*params, depth, *filter_params, int(limit)]).fetchall()
        complete = rows[0][2] <= depth if rows else not self._more_than(scored, params, depth)
        if len(rows) == limit or complete:
            return [(r[0], float(r[1])) for r in rows]
        # Slow path (a selective filter): filter every posting's unit first.
        rows = self.conn.execute(
            f"SELECT u.uid, s.score FROM ({scored} HAVING p.row_id IN (SELECT row_id FROM {LIVE}.units u "
            f"WHERE {where})) s JOIN {LIVE}.units u ON u.row_id = s.row_id ORDER BY s.score DESC, s.row_id LIMIT ?",
            [*params, *filter_params, int(limit)]).fetchall()
        return [(r[0], float(r[1])) for r in rows]

    def _more_than(self, scored: str, params: list, depth: int) -> bool:
        """Whether more than `depth` units hold any of the terms (the fast path saw only some)."""
        found = self.conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM ({scored}) a LIMIT ?) b",
                                  [*params, depth + 1]).fetchone()[0]
        return found > depth

    def _scored(self, terms: list[tuple]) -> tuple[str, list]:
        """SQL of (row_id, score): BM25 per field from the postings, boosts folded into idf."""
        stats = self.reader.field_stats
        n = int(stats["n"])
        idf, parts = {}, []
        for k, field in enumerate(FIELDS):
            boost = self.boosts.get(field, 0.0)
            if boost <= 0:
                continue
            df = np.array([t[3 + k] for t in terms], dtype=np.float64)
            idf[field] = (boost * np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)).tolist()
            avg = max(stats[f"sum_{field}"] / max(n, 1), 1e-9)
            parts.append(f"w.idf_{field} * p.tf_{field} * {K1 + 1!r}::float8 / (p.tf_{field} + "
                         f"{K1!r}::float8 * ({1 - B!r}::float8 + {B!r}::float8 * p.len_{field} / {avg!r}::float8))")
        columns = ", ".join("?::float8[]" for _ in idf)
        names = ", ".join(f"idf_{f}" for f in idf)
        sql = (f"SELECT p.row_id, SUM({' + '.join(parts)}) AS score "
               f"FROM unnest(?::int[], {columns}) AS w(term_id, {names}) "
               f"JOIN {LIVE}.postings p ON p.term_id = w.term_id GROUP BY p.row_id")
        return sql, [[t[1] for t in terms], *idf.values()]


def vector_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32).tolist()) + "]"


class PgvectorRetriever:
    """Nearest units by inner product (normalised vectors: cosine) through the HNSW index;
    pgvector's iterative scan keeps going until `limit` units pass the filters."""

    def __init__(self, reader: PostgresIndexReader, embedder, meta: UnitMeta, ef_search: int = 100):
        self.reader, self.conn, self.embedder, self.meta = reader, reader.conn, embedder, meta
        self.settings = {"hnsw.ef_search": ef_search, "hnsw.iterative_scan": "relaxed_order"}
        self._masks = LRU()

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """Row mask (UnitMeta rows) of the units passing `filters`: for the searcher's neighbours."""
        return self._masks.remember(filters.cache_key(), lambda: self.meta.mask(filters))

    def retrieve_vectors(self, vectors: np.ndarray, filters: SearchFilters,
                         limit: int = 100) -> list[list[tuple[str, float]]]:
        where, params = filter_sql(filters)
        out = []
        for vector in np.atleast_2d(vectors):
            literal = vector_literal(vector)
            rows = self.conn.execute(
                f"SELECT u.uid, -(u.embedding <#> ?::vector) AS score FROM {LIVE}.units u WHERE {where} "
                "ORDER BY u.embedding <#> ?::vector LIMIT ?", [literal, *params, literal, int(limit)],
                settings=self.settings).fetchall()
            # relaxed order: the iterative scan may return near-ties slightly out of order
            out.append(sorted(((r[0], float(r[1])) for r in rows), key=lambda x: -x[1]))
        return out

    def retrieve_vector(self, vector: np.ndarray, filters: SearchFilters, limit: int = 100) -> list[tuple[str, float]]:
        return self.retrieve_vectors(vector[None, :], filters, limit)[0]

    def retrieve(self, text: str, filters: SearchFilters, limit: int = 100) -> list[tuple[str, float]]:
        return self.retrieve_vector(self.embedder.embed_queries([text])[0], filters, limit)
