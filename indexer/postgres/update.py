"""One index update inside PostgreSQL (增量更新): remove the units of changed and deleted
documents, add the new units, keep document frequencies and field lengths exact (deltas), all
inside the caller's transaction."""
from __future__ import annotations

import json

import numpy as np

from indexer.postgres.bulkcopy import copy_postings, copy_units, lengths_of, postings_of
from indexer.postgres.index import FIELDS, LIVE
from indexer.embedded.sparse import SparseTermIndex


def _removed_units(conn, gone: list[str]) -> tuple[list[int], dict[str, int]]:
    rows = conn.execute(f"SELECT row_id, len_text, len_title, len_chapter FROM {LIVE}.units "
                        "WHERE doc_id = ANY(%s)", (gone,)).fetchall()
    return [r[0] for r in rows], {f: sum(r[i + 1] for r in rows) for i, f in enumerate(FIELDS)}


def _term_ids(conn, vocab: list[str]) -> np.ndarray:
    """Global ids of a local vocabulary; terms never seen get new ids (df 0, raised below)."""
    known = dict(conn.execute(f"SELECT term, term_id FROM {LIVE}.terms WHERE term = ANY(%s)",
                              (vocab,)).fetchall())
    fresh = [t for t in vocab if t not in known]
    if fresh:
        start = conn.execute(f"SELECT COALESCE(MAX(term_id), -1) + 1 FROM {LIVE}.terms").fetchone()[0]
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {LIVE}.terms (term_id, term, df_text, df_title, df_chapter, df_any) "
                            "VALUES (%s, %s, 0, 0, 0, 0)", [(start + i, t) for i, t in enumerate(fresh)])
        known.update({t: start + i for i, t in enumerate(fresh)})
    return np.array([known[t] for t in vocab], dtype=np.int64)


def _apply_df(conn, term_ids: np.ndarray, tf: dict[str, np.ndarray], sign: int) -> None:
    if not len(term_ids):
        return
    ids, slot = np.unique(term_ids, return_inverse=True)
    deltas = {f: sign * np.bincount(slot, weights=(tf[f] > 0), minlength=len(ids)).astype(np.int64)
              for f in FIELDS}
    any_ = sign * np.bincount(slot, minlength=len(ids)).astype(np.int64)
    conn.execute(
        f"UPDATE {LIVE}.terms t SET df_text = t.df_text + d.dt, df_title = t.df_title + d.dl, "
        "df_chapter = t.df_chapter + d.dc, df_any = t.df_any + d.da "
        "FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[]) AS d(id, dt, dl, dc, da) "
        "WHERE t.term_id = d.id",
        (ids.tolist(), deltas["text"].tolist(), deltas["title"].tolist(), deltas["chapter"].tolist(),
         any_.tolist()))


def apply_update(conn, records, rows, vectors: np.ndarray, gone: list[str]) -> None:
    """Replace the units of documents `gone` by `records` (their token rows and vectors)."""
    stats = json.loads(conn.execute(f"SELECT value FROM {LIVE}.meta WHERE key = 'field_stats'").fetchone()[0])
    old_rows, old_lengths = _removed_units(conn, gone)
    if old_rows:
        old = conn.execute(f"SELECT term_id, tf_text, tf_title, tf_chapter FROM {LIVE}.postings "
                           "WHERE row_id = ANY(%s)", (old_rows,)).fetchall()
        arr = np.array(old, dtype=np.int64).reshape(-1, 4)
        _apply_df(conn, arr[:, 0], {f: arr[:, i + 1] for i, f in enumerate(FIELDS)}, -1)
        conn.execute(f"DELETE FROM {LIVE}.postings WHERE row_id = ANY(%s)", (old_rows,))
        conn.execute(f"DELETE FROM {LIVE}.units WHERE row_id = ANY(%s)", (old_rows,))
    stats["n"] -= len(old_rows)
    for f in FIELDS:
        stats[f"sum_{f}"] -= old_lengths[f]
    if records:
        terms = SparseTermIndex.build([row[1:] for row in rows])
        global_ids = _term_ids(conn, terms.vocab)
        first = conn.execute(f"SELECT COALESCE(MAX(row_id), -1) + 1 FROM {LIVE}.units").fetchone()[0]
        copy_units(conn, LIVE, records, terms, vectors, first_row=first)
        local_terms, local_rows, tf = postings_of(terms)
        copy_postings(conn, LIVE, global_ids[local_terms], local_rows, tf, lengths_of(terms), first)
        _apply_df(conn, global_ids[local_terms], tf, +1)
        stats["n"] += len(records)
        for f in FIELDS:
            stats[f"sum_{f}"] += int(terms.counts[f].sum())
    conn.execute(f"UPDATE {LIVE}.meta SET value = %s WHERE key = 'field_stats'", (json.dumps(stats),))
