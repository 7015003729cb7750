"""Lookups kept in numpy arrays instead of Python dicts and string objects (紧凑索引).

Why: `fagui serve --workers N` forks after loading and the workers share the loaded pages
copy-on-write. A request that reads a Python object writes its reference count and so copies
the object's page into the worker; numpy arrays of numbers and fixed-width strings have no
per-item objects, so reading them keeps the pages shared (bench/RESULTS.md, issue 14).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


def compact_strings(values: Iterable[str]) -> np.ndarray:
    """Fixed-width unicode array (items read back as `str`)."""
    return np.array(list(values), dtype=str)


class SortedIndex:
    """key -> position, like a dict, over sorted keys (strings or integers)."""

    def __init__(self, keys: Sequence):
        keys = np.asarray(keys) if not isinstance(keys, np.ndarray) else keys
        self.order = np.argsort(keys, kind="stable")
        self.sorted = keys[self.order]

    def __len__(self) -> int:
        return len(self.sorted)

    def _find(self, key) -> int:
        i = int(np.searchsorted(self.sorted, key))
        return int(self.order[i]) if i < len(self.sorted) and self.sorted[i] == key else -1

    def get(self, key, default=None):
        found = self._find(key)
        return default if found < 0 else found

    def __getitem__(self, key) -> int:
        found = self._find(key)
        if found < 0:
            raise KeyError(key)
        return found

    def __contains__(self, key) -> bool:
        return self._find(key) >= 0

    def positions(self, keys: Sequence) -> np.ndarray:
        """Positions of many keys at once (-1 where absent)."""
        keys = np.asarray(keys, dtype=self.sorted.dtype) if len(keys) else np.asarray([], self.sorted.dtype)
        at = np.minimum(np.searchsorted(self.sorted, keys), max(len(self.sorted) - 1, 0))
        if not len(self.sorted):
            return np.full(len(keys), -1, dtype=np.int64)
        return np.where(self.sorted[at] == keys, self.order[at], -1).astype(np.int64)


class ValueMap:
    """key -> value through a SortedIndex over `keys` and an aligned `values` array."""

    def __init__(self, keys: Sequence, values: np.ndarray):
        self.index, self.values = SortedIndex(keys), values

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, key) -> bool:
        return key in self.index

    def __getitem__(self, key):
        return self.values[self.index[key]]

    def get(self, key, default=None):
        at = self.index.get(key)
        return default if at is None else self.values[at]

    def pairs(self, keys: Sequence, scores: Sequence) -> list[tuple]:
        """[(value, float(score))] for the keys present, in order (one vectorised lookup)."""
        at = self.index.positions(keys)
        return [(str(self.values[i]), float(s)) for i, s in zip(at.tolist(), scores) if i >= 0]


class CategoricalColumn:
    """A column of repeated strings as int32 codes into a small array of distinct values:
    indexing, iteration, `isin` and comparisons, like the object array it replaces."""

    def __init__(self, values: Sequence):
        self.categories, codes = np.unique(np.array(list(values), dtype=object), return_inverse=True)
        self.codes = codes.astype(np.int32)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index):
        return self.categories[self.codes[index]]

    def __iter__(self):
        return iter(self.categories[self.codes])

    def unique(self) -> set:
        return set(self.categories[np.unique(self.codes)])

    def isin(self, values: Sequence) -> np.ndarray:
        return np.isin(self.categories, list(values))[self.codes]

    def _compare(self, result: np.ndarray) -> np.ndarray:
        return np.asarray(result, dtype=bool)[self.codes]

    def __ge__(self, other):
        return self._compare(self.categories >= other)

    def __le__(self, other):
        return self._compare(self.categories <= other)

    def __ne__(self, other):  # type: ignore[override]
        return self._compare(self.categories != other)

    def __eq__(self, other):  # type: ignore[override]
        return self._compare(self.categories == other)

    __hash__ = None  # type: ignore[assignment]
