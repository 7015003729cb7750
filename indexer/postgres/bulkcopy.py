"""Bulk loading index rows into PostgreSQL with COPY (units with vectors, postings)."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from indexer.postgres.index import FIELDS
from indexer.embedded.sparse import SparseTermIndex

_CHUNK = 1_000_000


def lengths_of(terms: SparseTermIndex) -> dict[str, np.ndarray]:
    """Tokens per unit and field (BM25's document lengths), in row order."""
    return {f: np.asarray(terms.counts[f].sum(axis=1)).ravel().astype(np.int64) for f in FIELDS}


def postings_of(terms: SparseTermIndex) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(term id, row, per-field counts) of every (term, unit) pair present in any field,
    ordered by term then row (the order they are stored in)."""
    rows = max(terms.rows, 1)
    coo = {f: terms.counts[f].tocoo() for f in FIELDS}
    keys = {f: m.col.astype(np.int64) * rows + m.row for f, m in coo.items()}
    pairs = np.unique(np.concatenate(list(keys.values())))
    tf = {}
    for f in FIELDS:
        tf[f] = np.zeros(len(pairs), dtype=np.int32)
        tf[f][np.searchsorted(pairs, keys[f])] = coo[f].data
    return (pairs // rows).astype(np.int64), (pairs % rows).astype(np.int64), tf


def copy_postings(conn, schema: str, term_ids: np.ndarray, row_ids: np.ndarray,
                  tf: dict[str, np.ndarray], lengths: dict[str, np.ndarray], first_row: int = 0) -> None:
    """COPY postings in text format, formatted by pandas' C writer (millions of rows).
    `row_ids` index `lengths`; stored as `first_row + row`."""
    frame = pd.DataFrame({"term_id": term_ids, "row_id": row_ids + first_row,
                          **{f"tf_{f}": tf[f] for f in FIELDS},
                          **{f"len_{f}": lengths[f][row_ids] for f in FIELDS}})
    columns = ", ".join(frame.columns)
    with conn.cursor().copy(f"COPY {schema}.postings ({columns}) FROM STDIN") as copy:
        for start in range(0, len(frame), _CHUNK):
            buffer = io.StringIO()
            frame.iloc[start:start + _CHUNK].to_csv(buffer, sep="\t", header=False, index=False)
            copy.write(buffer.getvalue())


def copy_units(conn, schema: str, records, terms: SparseTermIndex, vectors: np.ndarray,
               first_row: int) -> None:
    """COPY one row per unit (filters, field lengths, vector) in binary format."""
    lengths = lengths_of(terms)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    columns = ("row_id", "uid", "vid", "doc_id", "collection", "doc_type", "validity", "region",
               "issuer", "date", "len_text", "len_title", "len_chapter", "embedding")
    with conn.cursor().copy(f"COPY {schema}.units ({', '.join(columns)}) FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int4", "text", "int8", "text", "text", "text", "text", "text", "text", "text",
                        "int4", "int4", "int4", "vector"])
        for i, r in enumerate(records):
            copy.write_row((first_row + i, r.uid, r.vid, r.doc_id, r.collection, r.doc_type, r.validity,
                            r.region, r.issuer, r.date, int(lengths["text"][i]), int(lengths["title"][i]),
                            int(lengths["chapter"][i]), vectors[i]))
