"""Bulk loading index rows into PostgreSQL with COPY (units with vectors, postings)."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from indexer.pgindex import FIELDS
from indexer.sparse import SparseTermIndex

_CHUNK = 1_000_000


def postings_of(terms: SparseTermIndex) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """(term id, row, per-field counts) of every (term, unit) pair present in any field."""
    width = max(len(terms.vocab), 1)
    coo = {f: terms.counts[f].tocoo() for f in FIELDS}
    keys = {f: m.row.astype(np.int64) * width + m.col for f, m in coo.items()}
    pairs = np.unique(np.concatenate(list(keys.values())))
    tf = {}
    for f in FIELDS:
        tf[f] = np.zeros(len(pairs), dtype=np.int32)
        tf[f][np.searchsorted(pairs, keys[f])] = coo[f].data
    return (pairs % width).astype(np.int64), (pairs // width).astype(np.int64), tf


def copy_postings(conn, schema: str, term_ids: np.ndarray, row_ids: np.ndarray,
                  tf: dict[str, np.ndarray]) -> None:
    """COPY postings in text format, formatted by pandas' C writer (millions of rows)."""
    frame = pd.DataFrame({"term_id": term_ids, "row_id": row_ids, **{f"tf_{f}": tf[f] for f in FIELDS}})
    with conn.cursor().copy(f"COPY {schema}.postings (term_id, row_id, tf_text, tf_title, tf_chapter) "
                            "FROM STDIN") as copy:
        for start in range(0, len(frame), _CHUNK):
            buffer = io.StringIO()
            frame.iloc[start:start + _CHUNK].to_csv(buffer, sep="\t", header=False, index=False)
            copy.write(buffer.getvalue())


def copy_units(conn, schema: str, records, terms: SparseTermIndex, vectors: np.ndarray,
               first_row: int) -> None:
    """COPY one row per unit (filters, field lengths, vector) in binary format."""
    lengths = {f: np.asarray(terms.counts[f].sum(axis=1)).ravel() for f in FIELDS}
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
