"""Hot issues (热点问题): messages about the same event grouped, groups ranked by a hotness index.

Same event = same place, same object, same complaint. Messages name their place and object with
rare strings (丽发新城, 搅拌站, 58车贷) that character n-grams with a high IDF catch whatever
jieba makes of them; so two messages are close when their titles (counted twice) and openings
share rare n-grams. Groups are average-linkage clusters inside the components of the "close
pairs" graph (average linkage does not chain like single linkage); two messages naming
different places (A3区 vs A5区, A市 vs B市) are never put together.

Hotness (documented in docs/analytics.md):
    hotness = (2·ln(1+users) + ln(1+min(messages, 3·users)) + 0.5·ln(1+votes) + 0.5·ln(1+span_weeks))
              · (0.5 + 0.5·exp(-age_days/180))
users = distinct users (keyed hashes), votes = 点赞 + 反对 (both say people care), span_weeks =
weeks between the first and the last message (an issue that keeps coming back), age_days =
days from the last message to the end of the window (recent issues first, old ones still shown).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from analytics.hot.names import issue_name, representatives, title_words
from analytics.messages import PLACE, Message


@dataclass
class HotIssue:
    """One hot issue (热点问题): its messages and the figures the hotness index reads."""

    name: str
    members: list[Message]
    titles: list[str] = field(default_factory=list)
    hotness: float = 0.0
    key: str | None = None  # the whole group's id, kept when a window shows part of it

    @property
    def message_ids(self) -> list[str]:
        return [m.message_id for m in self.members]

    @property
    def first(self) -> str | None:
        return min((m.asked for m in self.members if m.asked), default=None)

    @property
    def last(self) -> str | None:
        return max((m.asked for m in self.members if m.asked), default=None)

    @property
    def users(self) -> int:
        """Distinct users; a message without a user key counts as its own user."""
        return len({m.user or f"message:{m.doc_id}" for m in self.members})

    @property
    def votes(self) -> int:
        return sum(m.votes_for + m.votes_against for m in self.members)

    @property
    def id(self) -> str:
        """Stable while its earliest message stays in it: the first 留言编号 in id order."""
        return self.key or min(self.message_ids, key=lambda i: (len(i), i))

    def score(self, until: str | None) -> float:
        first, last = self.first, self.last
        span_weeks = (_day(last) - _day(first)).days / 7 if first and last else 0.0
        age = max(0, (_day(until) - _day(last)).days) if until and last else 0
        # messages count up to 3 per distinct user: one writer's 40 letters are not 40 voices
        base = (2 * math.log1p(self.users) + math.log1p(min(len(self.members), 3 * self.users))
                + 0.5 * math.log1p(self.votes) + 0.5 * math.log1p(span_weeks))
        return base * (0.5 + 0.5 * math.exp(-age / 180))

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "first": self.first, "last": self.last,
                "count": len(self.members), "users": self.users, "votes": self.votes,
                "hotness": round(self.hotness, 3), "titles": self.titles,
                "message_ids": self.message_ids}


def _district_conflicts(districts: list[str | None]) -> np.ndarray:
    """Pairs naming different places: A3区 vs A5区, A市 vs B市, A9市 vs A3区 (A市 and its own
    A3区 are compatible: one message names the city, the other the district)."""
    codes = np.array([d or "" for d in districts])
    parents = np.array([f"{d[0]}市" if d else "" for d in districts])
    known = codes != ""
    compatible = ((codes[:, None] == codes[None, :]) | (codes[:, None] == parents[None, :])
                  | (parents[:, None] == codes[None, :]))
    return known[:, None] & known[None, :] & ~compatible


def _day(iso: str) -> date:
    return date.fromisoformat(iso[:10])


class TfidfHotIssueFinder:
    """Groups messages about one event (char n-gram TF-IDF + average linkage) into HotIssues."""

    def __init__(self, edge_similarity: float = 0.25, merge_distance: float = 0.9,
                 ngram_range: tuple[int, int] = (2, 4), head_chars: int = 150, specificity: float = 1.5):
        self.edge_similarity, self.merge_distance = edge_similarity, merge_distance
        self.specificity = specificity
        self.ngram_range, self.head_chars = ngram_range, head_chars

    def _text(self, m: Message) -> str:
        # district codes (A3区) are shared by thousands: they decide nothing, the constraint does
        return PLACE.sub(" ", f"{m.title} {m.title} {m.title} {m.text[:self.head_chars]}")

    def find(self, messages: Sequence[Message]) -> list[HotIssue]:
        """Every group (singletons included), hottest first against the collection's last day."""
        if not messages:
            return []
        # n-grams in over 5% of messages are a topic's words, not an event's; a small store
        # (one district, one month) keeps strings up to 100 messages share: 丽发新城 may be 1 in 4
        vec = TfidfVectorizer(analyzer="char", ngram_range=self.ngram_range, min_df=2,
                              max_df=max(int(0.05 * len(messages)), min(100, len(messages))),
                              sublinear_tf=True, dtype=np.float32)
        try:
            x = vec.fit_transform([self._text(m) for m in messages])
        except ValueError:  # too few messages for min_df / max_df: each is its own issue
            x = None
        groups = self._cluster(x, [m.district for m in messages]) if x is not None else \
            [[i] for i in range(len(messages))]
        if x is not None:
            groups = self._events_only(messages, groups)
        until = max((m.asked for m in messages if m.asked), default=None)
        issues = []
        for group in groups:
            members = [messages[i] for i in group]
            reps = representatives(x[group] if x is not None else None, members)
            issue = HotIssue(issue_name(members, reps), members, [m.title for m in reps])
            issue.hotness = issue.score(until)
            issues.append(issue)
        return sorted(issues, key=lambda i: -i.hotness)

    def _cluster(self, x, districts: list[str | None]) -> list[list[int]]:
        sim = (x @ x.T).tocsr()
        sim.data[sim.data < self.edge_similarity] = 0
        sim.eliminate_zeros()
        _, component = connected_components(sim, directed=False)
        order = np.argsort(component, kind="stable")
        bounds = np.flatnonzero(np.diff(component[order])) + 1
        groups: list[list[int]] = []
        for part in np.split(order, bounds):
            if len(part) == 1:
                groups.append(part.tolist())
                continue
            groups.extend(self._split(x[part], part, [districts[i] for i in part]))
        return groups

    def _events_only(self, messages: Sequence[Message], groups: list[list[int]]) -> list[list[int]]:
        """Keep a group only if half its titles share a word concentrated in it (titles holding
        it: no more than `specificity` x the group's size): one estate, one site, one case.
        Groups held together by a topic's common words (公积金, 贷款) fall back to single
        messages: a topic is not an event."""
        titles = CountVectorizer(tokenizer=title_words, lowercase=False, binary=True,
                                 token_pattern=None, dtype=np.int32)
        try:
            present = titles.fit_transform([m.title for m in messages]).tocsr()
        except ValueError:  # no title has a word: nothing can be shown to be one event
            return [[i] for group in groups for i in group]
        df = np.asarray(present.sum(axis=0)).ravel()
        out: list[list[int]] = []
        for group in groups:
            if len(group) == 1:
                out.append(group)
                continue
            cover = np.asarray(present[group].sum(axis=0)).ravel()
            shared = ((cover >= max(2, 0.5 * len(group))) & (df <= self.specificity * len(group) + 2)
                      & (cover >= 0.5 * df))  # most messages holding the word are in this group
            out.extend([group] if shared.any() else [[i] for i in group])
        return out

    def _split(self, x, part: np.ndarray, districts: list[str | None]) -> list[list[int]]:
        dist = 1 - (x @ x.T).toarray()
        conflict = _district_conflicts(districts)
        dist = np.clip(dist, 0, 1)
        dist[conflict] = 4.0  # far beyond any merge: one conflicting pair outweighs the average
        np.fill_diagonal(dist, 0)
        tree = linkage(squareform(dist, checks=False), "average")
        labels = fcluster(tree, self.merge_distance, "distance")
        return [part[labels == c].tolist() for c in np.unique(labels)]
