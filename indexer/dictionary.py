"""The legal user dictionary (法律词典) jieba needs, built from the corpus itself plus a
curated list: law titles and short names (劳动合同法), issuers, and terms the laws define
(本法所称X，是指…)."""
from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.model import LAWS, Document
from indexer.analysis import RESOURCES, load_word_list

_DEFINED = re.compile(r"(?:本法|本条例|本规定|本办法|本细则|本解释)所称(?:的)?[“\"]?([\u4e00-\u9fa5]{2,10}?)[”\"]?(?:，|,)?是指")
_PREFIX = "中华人民共和国"


def dictionary_words(docs: Iterable[Document]) -> list[str]:
    """Curated terms plus titles, short names, issuers and defined terms of the documents."""
    words = set(load_word_list(RESOURCES / "legal_terms.txt"))
    for doc in docs:
        if doc.collection != LAWS and not (doc.title.startswith(_PREFIX) and doc.title.endswith("法")):
            if doc.issuer and len(doc.issuer) <= 20:
                words.add(doc.issuer)
            continue
        for name in (doc.title, doc.short_name):
            if name and len(name) <= 30 and "《" not in name:
                words.add(name)
                if name.startswith(_PREFIX) and len(name) > len(_PREFIX) + 1:
                    words.add(name[len(_PREFIX):])
        if doc.issuer and len(doc.issuer) <= 20:
            words.add(doc.issuer)
        for unit in doc.units:
            if "所称" in unit.text:
                words.update(m.group(1) for m in _DEFINED.finditer(unit.text))
    return sorted(w for w in words if 2 <= len(w))
