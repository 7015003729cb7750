"""Short names and representative titles for hot issues (热点问题): 地点/人群 + 问题."""
from __future__ import annotations

from collections import Counter

import jieba
import numpy as np

from analytics.messages import PLACE, Message

# words every complaint uses: they name no place, object or problem
_FILLER = set("关于 对于 请问 问问 咨询 反映 投诉 举报 建议 希望 请求 恳请 强烈 要求 问题 情况 一些 "
              "有关 相关 及 和 与 的 了 吗 呢 啊 在 是 我 我们 你们 请 为何 为什么 何时 什么 如何 "
              "怎么 能否 可否 是否 能 还 又 再次 一下 领导 书记 市长 政府 部门".split())
_PUNCT = set("，。！？、；：“”‘’（）()《》!?,.;:\"' 　…-—~～·")


def representatives(x, members: list[Message], n: int = 2) -> list[Message]:
    """The `n` members nearest the group's centroid, with different titles where there are."""
    if x is None or len(members) <= n:
        order = list(range(len(members)))
    else:
        centroid = np.asarray(x.mean(axis=0)).ravel()
        order = list(np.argsort(-(x @ centroid)))
    out: list[Message] = []
    for i in order:
        if all(members[i].title != m.title for m in out):
            out.append(members[i])
        if len(out) == n:
            break
    return out or members[:1]


def issue_name(members: list[Message], reps: list[Message], max_chars: int = 24) -> str:
    """District + the words most titles share, in the order the best title uses them.

    A single message keeps its own title (cut to `max_chars`)."""
    districts = Counter(m.district for m in members if m.district)
    district = districts.most_common(1)[0][0] if districts else ""
    head = reps[0].title if reps else members[0].title
    if len(members) == 1:
        return head[:max_chars]
    words_per_title = [set(title_words(m.title)) for m in members]
    need = max(2, int(0.4 * len(members) + 0.5))
    shared = [w for w in dict.fromkeys(title_words(head))
              if sum(w in ws for ws in words_per_title) >= need]
    if not shared:  # titles share no word: the most common words of the whole group
        counts = Counter(w for ws in words_per_title for w in ws)
        shared = [w for w, c in counts.most_common(3) if c >= 2]
    body = "".join(shared) or head
    name = body if district and district in body else f"{district}{body}"
    return name[:max_chars]


def title_words(title: str) -> list[str]:
    """The words of a title that can name a place, object or problem (no fillers, no A3区)."""
    title = PLACE.sub(" ", title)
    return [w for w in jieba.lcut(title) if w.strip() and w not in _FILLER and not set(w) <= _PUNCT]
