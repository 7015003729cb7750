"""新旧对照: compare two versions of one law article by article.

Articles are matched BY TEXT, never by label: a revision that inserts one article renumbers
every later one, and 第十条 of the old law is then 第十一条 of the new. Matching works the
way a reviewer lays two versions side by side:

1. similarity of every old/new pair: cosine of IDF-weighted character-bigram sets (one sparse
   product; IDF so that 本法/应当/规定 weigh little and the distinctive words decide);
2. an order-preserving alignment: the chain of pairs, increasing in both versions, with the
   largest total similarity (identical texts weigh most, so they anchor it; one stray
   identical pair cannot displace many similar ones, as an LCS of identical texts first
   would). A pair enters only if it is not clearly worse than the best partner of either of
   its articles, so a weak neighbour never takes the place of a strong partner elsewhere;
3. articles left over are matched out of order (moved to another chapter), best pairs first,
   only when strong or each the other's best partner: the order no longer supports them;
4. articles left over again are aligned inside the gaps between in-order matches, where the
   order supports a weaker match (weakest where one old and one new article are left).

The thresholds (MATCH, MOVE, GAP, LONE) are levels that two different articles of one law
rarely reach, measured on the corpus. Matches are one-to-one: of an article split in two, one
part is the 修改 and the other 新增; of two merged, one is the 修改 and the other 删除.

Status of a pair: 新增 / 删除 (one side only); for a match, `changed` (wording differs;
whitespace and half-/full-width forms aside) and `moved` (label differs: 第十条 -> 第十一条)
are both reported, and the one status is 修改 whenever the wording changed (a renumbered and
reworded article is 修改, with both labels shown and moved = true), 移动 when only the label
changed, 未变 otherwise.
"""
from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from corpus.model import Document, Unit

ADDED, DELETED, CHANGED, UNCHANGED, MOVED = "新增", "删除", "修改", "未变", "移动"
STATUSES = (ADDED, DELETED, CHANGED, UNCHANGED, MOVED)

# Thresholds on the bigram cosine, from how similar two DIFFERENT articles of one law are
# (`python bench/diff.py --noise 400`: 400 laws, 0.7 M pairs of articles of one version):
# 1% of such pairs reach 0.21, 0.4% reach 0.30; the closest other article of an article
# reaches 0.40 for 9% of articles and 0.50 for 5% (法律责任 articles resemble each other).
MATCH = 0.40      # in order, or out of order when each article is the other's best partner
MOVE = 0.50       # out of order otherwise: the text alone must show it is the same article
GAP = 0.30        # left between two in-order matches: the order supports the match
LONE = 0.21       # the only old and the only new article left between the same two matches
MARGIN = 0.15     # an in-order pair may trail the best partner of either article by this much

_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    """Text compared for equality and similarity: whitespace is layout and a half-width
    ":" the same as a full-width "：" (NFKC), neither is wording."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def similarity_matrix(old: Sequence[str], new: Sequence[str]) -> np.ndarray:
    """Cosine similarity of IDF-weighted character-bigram sets, shape (len(old), len(new))."""
    return _cosine([_plain(t) for t in old], [_plain(t) for t in new])


def _cosine(old: list[str], new: list[str]) -> np.ndarray:
    """`similarity_matrix` of texts already `_plain`."""
    # All texts at once, each followed by a NUL: one integer per bigram (two code points),
    # bigrams across a text end dropped; a one-character text keeps "X\0" as its only gram.
    texts = [*old, *new]
    cp = np.frombuffer("".join(t + "\0" for t in texts).encode("utf-32-le"), np.uint32).astype(np.int64)
    lengths = np.array([len(t) + 1 for t in texts])
    row = np.repeat(np.arange(len(texts)), lengths)[:-1]
    grams = cp[:-1] * 0x200000 + cp[1:]
    ok = (cp[:-1] != 0) & ((cp[1:] != 0) | (lengths[row] == 2))
    key = np.unique(row[ok] * (1 << 42) + grams[ok])  # each bigram once per text
    rows_a, codes_a = key >> 42, key & ((1 << 42) - 1)
    vocab, col = np.unique(codes_a, return_inverse=True)
    df = np.bincount(col, minlength=len(vocab))
    idf = np.log((len(texts) + 1) / (df + 1)) + 1.0
    weight = idf[col]
    norms = np.sqrt(np.bincount(rows_a, weights=weight ** 2, minlength=len(texts)))
    norms[norms == 0] = 1.0
    # sparse, not dense: ~3 ms for 300 x 300 articles, and no BLAS threads (on a shared
    # machine two BLAS threads made the dense product 10x slower than one)
    mat = sparse.csr_matrix((weight / norms[rows_a], (rows_a, col)), shape=(len(texts), len(vocab)))
    return (mat[:len(old)] @ mat[len(old):].T).toarray()


def _chain(cands: list[tuple[int, int, float]], n_new: int) -> list[tuple[int, int, float]]:
    """Heaviest chain of pairs strictly increasing in both indexes (weighted LCS over the
    candidates, O(k log n) with a Fenwick tree of prefix maxima over new indexes)."""
    tree = [(0.0, -1)] * (n_new + 1)  # (best total, candidate index ending it)
    back = [-1] * len(cands)
    best_end = (0.0, -1)
    cands = sorted(cands)
    start = 0
    while start < len(cands):  # one old index at a time: query all, then update
        end = start
        while end < len(cands) and cands[end][0] == cands[start][0]:
            end += 1
        found = []
        for k in range(start, end):
            _, j, w = cands[k]
            total, prev, pos = 0.0, -1, j  # prefix max over new indexes < j
            while pos > 0:
                if tree[pos][0] > total:
                    total, prev = tree[pos]
                pos -= pos & -pos
            back[k] = prev
            found.append((total + w, k, j))
        for total, k, j in found:
            best_end = max(best_end, (total, k))
            pos = j + 1
            while pos <= n_new:
                if total > tree[pos][0]:
                    tree[pos] = (total, k)
                pos += pos & -pos
        start = end
    chain, k = [], best_end[1]
    while k >= 0:
        chain.append(cands[k])
        k = back[k]
    return chain[::-1]


def _gaps(pairs: dict[int, tuple[int, bool]], n_old: int, n_new: int) -> tuple[np.ndarray, np.ndarray]:
    """Gap number of every old and new article: how many in-order matches precede it."""
    anchors = sorted((i, j) for i, (j, ordered) in pairs.items() if ordered)
    return (np.searchsorted([i for i, _ in anchors], np.arange(n_old)),
            np.searchsorted([j for _, j in anchors], np.arange(n_new)))


def match_articles(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int, float, bool]]:
    """Matched (old index, new index, similarity, in_order) by text, sorted by new index."""
    return _match([_plain(t) for t in old], [_plain(t) for t in new])


def _match(plain_old: list[str], plain_new: list[str]) -> list[tuple[int, int, float, bool]]:
    """`match_articles` of texts already `_plain`."""
    if not plain_old or not plain_new:
        return []
    sim = _cosine(plain_old, plain_new)
    n_old, n_new = sim.shape
    best_old, best_new = sim.max(axis=1), sim.max(axis=0)
    # 1. order-preserving alignment of pairs near the best partner of both their articles
    i_s, j_s = np.nonzero((sim >= MATCH) & (sim >= best_old[:, None] - MARGIN)
                          & (sim >= best_new[None, :] - MARGIN))
    # identical texts weigh a little more than a 1.0 cosine of reordered words
    cands = [(i, j, float(sim[i, j]) + (0.01 if plain_old[i] == plain_new[j] else 0.0))
             for i, j in zip(i_s.tolist(), j_s.tolist())]
    pairs = {i: (j, True) for i, j, _ in _chain(cands, n_new)}
    taken = {j for j, _ in pairs.values()}
    # 2. out of order: a strong pair, or each article the other's best partner in the law
    mutual = (sim >= best_old[:, None]) & (sim >= best_new[None, :]) & (sim >= MATCH)
    i_s, j_s = np.nonzero((sim >= MOVE) | mutual)
    for _, i, j in sorted(((sim[i, j], i, j) for i, j in zip(i_s.tolist(), j_s.tolist())), reverse=True):
        if i not in pairs and j not in taken:
            pairs[i] = (j, False)
            taken.add(j)
    # 3. what is left between two in-order matches: the order supports a weaker match, and
    # more so where one old and one new article are all that is left between the two
    for threshold, lone in ((GAP, False), (LONE, True)):
        gap_old, gap_new = _gaps(pairs, n_old, n_new)
        free_old = np.array([i for i in range(n_old) if i not in pairs], dtype=int)
        free_new = np.array([j for j in range(n_new) if j not in taken], dtype=int)
        g_old, g_new = gap_old[free_old], gap_new[free_new]
        ok = (sim[np.ix_(free_old, free_new)] >= threshold) & (g_old[:, None] == g_new[None, :])
        if lone:
            alone = lambda g: np.bincount(g, minlength=len(pairs) + 1)[g] == 1  # noqa: E731
            ok &= alone(g_old)[:, None] & alone(g_new)[None, :]
        rows, cols = np.nonzero(ok)
        rest = [(int(free_old[r]), int(free_new[c]), float(sim[free_old[r], free_new[c]]))
                for r, c in zip(rows, cols)]
        for i, j, _ in _chain(rest, n_new):
            pairs[i] = (j, True)
            taken.add(j)
    return sorted(((i, j, round(float(sim[i, j]), 3), ordered) for i, (j, ordered) in pairs.items()),
                  key=lambda p: p[1])


def char_ops(old: str, new: str) -> list[list[str]]:
    """Character-level edit script: [["equal"|"delete"|"insert", text], ...]; a replacement
    is a delete followed by an insert (what a redline shows)."""
    # the common head and tail are cut first: most revisions touch a few places, and
    # difflib's cost grows with the text it indexes
    head = len(os.path.commonprefix([old, new]))
    tail = len(os.path.commonprefix([old[head:][::-1], new[head:][::-1]]))
    mid_old, mid_new = old[head:len(old) - tail], new[head:len(new) - tail]
    ops: list[list[str]] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1][0] == kind:
            ops[-1][1] += text
        else:
            ops.append([kind, text])

    add("equal", old[:head])
    # autojunk off: in Chinese text 的/，/公司 are frequent and must still align
    matcher = difflib.SequenceMatcher(None, mid_old, mid_new, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            add("delete", mid_old[a0:a1])
        if tag in ("insert", "replace"):
            add("insert", mid_new[b0:b1])
        if tag == "equal":
            add("equal", mid_old[a0:a1])
    add("equal", old[len(old) - tail:])
    return ops


def _side(unit: Unit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"article_id": unit.id, "article_label": unit.article_label, "text": unit.text,
            "chapter": " / ".join(unit.chapter_path)}


def _pair(old: Unit | None, new: Unit | None, similarity: float = 0.0, in_order: bool = True,
          changed: bool = True) -> dict[str, Any]:
    if old is None or new is None:
        status = ADDED if old is None else DELETED
        kind = "insert" if old is None else "delete"
        return {"status": status, "old": _side(old), "new": _side(new), "similarity": 0.0,
                "changed": True, "moved": False, "reordered": False,
                "ops": [[kind, (new or old).text]]}
    moved = old.article_label != new.article_label
    status = CHANGED if changed else MOVED if moved else UNCHANGED
    return {"status": status, "old": _side(old), "new": _side(new), "similarity": similarity,
            "changed": changed, "moved": moved, "reordered": not in_order,
            "ops": char_ops(old.text, new.text) if changed else [["equal", new.text]]}


def compare_documents(old: Document, new: Document) -> dict[str, Any]:
    """新旧对照 of two versions of one law: {"counts", "pairs"}.

    counts: {"新增", "删除", "修改", "未变", "移动"} -> number of pairs.
    pairs, in the new version's order (a deleted article comes right after the pair of the
    nearest earlier old article that was kept), each:
      status      新增 (only in new) | 删除 (only in old) | 修改 (wording changed) |
                  移动 (same wording, other label) | 未变 (same wording, same label)
      old, new    {"article_id", "article_label", "text", "chapter"} or null (新增 / 删除)
      similarity  bigram cosine the match was made on (1.0 same text; 0.0 unmatched)
      changed     wording differs (whitespace, half-/full-width aside): true for 修改, 新增, 删除
      moved       label differs, e.g. 第十条 -> 第十一条 (a 修改 may be moved too)
      reordered   matched out of sequence (moved against its neighbours, e.g. to another 章)
      ops         [[op, text], ...] with op equal | delete | insert: concatenating equal +
                  delete gives the old text, equal + insert the new one (highlight these)
    """
    plain_old, plain_new = [_plain(u.text) for u in old.units], [_plain(u.text) for u in new.units]
    matches = _match(plain_old, plain_new)
    by_old = {i: j for i, j, _, _ in matches}
    keyed: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
    paired = {j: (i, sim, in_order) for i, j, sim, in_order in matches}
    for j, unit in enumerate(new.units):
        if j in paired:
            i, sim, in_order = paired[j]
            pair = _pair(old.units[i], unit, sim, in_order, plain_old[i] != plain_new[j])
        else:
            pair = _pair(None, unit)
        keyed.append(((j, 0, 0), pair))
    anchor = -1  # new index of the last kept old article seen so far
    for i, unit in enumerate(old.units):
        if i in by_old:
            anchor = by_old[i]
        else:
            keyed.append(((anchor, 1, i), _pair(unit, None)))
    pairs = [p for _, p in sorted(keyed, key=lambda kp: kp[0])]
    counts = {s: 0 for s in STATUSES}
    for p in pairs:
        counts[p["status"]] += 1
    return {"counts": counts, "pairs": pairs}
