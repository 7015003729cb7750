"""Chinese text analysis (分词): normalisation, jieba precise mode with a legal dictionary,
stopwords. The same analyzer serves documents and queries, so their tokens meet.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba

from corpus.numerals import int_to_cn

RESOURCES = Path(__file__).parent / "resources"
ANALYZER_VERSION = "1"
_ARABIC_ARTICLE = re.compile(r"第\s*(\d+)\s*(条|款|项|章|节|编)")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters that only traditional script uses (zhconv's TRADONLY table)."""
    from zhconv import zhconv as table

    table.loaddict()
    return frozenset(ch for ch in table.zhcdicts["TRADONLY"] if len(ch) == 1)


def _to_simplified(text: str) -> str:
    from zhconv import convert

    return convert(text, "zh-cn")


def normalize(text: str) -> str:
    """Full-width -> half-width (NFKC), traditional -> simplified when present, lower case,
    Arabic article numbers -> Chinese (第82条 -> 第八十二条) so citations match the statutes."""
    text = unicodedata.normalize("NFKC", text)
    trad = _traditional_chars()
    if trad and not trad.isdisjoint(text):
        text = _to_simplified(text)
    text = _ARABIC_ARTICLE.sub(lambda m: f"第{int_to_cn(int(m.group(1)))}{m.group(2)}", text)
    return text.lower()


def load_word_list(path: Path) -> list[str]:
    """One entry per line; `#` starts a comment line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


class JiebaAnalyzer:
    """jieba precise-mode tokenizer with a user dictionary and stopwords (分词器).

    `words` are kept whole (law names such as 劳动合同法, terms such as 社会保险). A private
    jieba.Tokenizer per analyzer, so two indexes with different dictionaries can coexist.
    """

    WORD_FREQ = 20000  # high enough that a listed word beats the split into its parts

    def __init__(self, words: Iterable[str] = (), stopwords: Iterable[str] | None = None):
        self.words = sorted({normalize(w) for w in words if len(w.strip()) >= 2})
        if stopwords is None:
            stopwords = load_word_list(RESOURCES / "stopwords.txt")
        self.stopwords = frozenset(normalize(w) for w in stopwords)
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word in self.words:
            self._jieba.add_word(word, self.WORD_FREQ)

    @property
    def fingerprint(self) -> str:
        """Changes whenever the tokens could change: version, dictionary, stopwords."""
        digest = hashlib.sha1(ANALYZER_VERSION.encode())
        for item in (*self.words, "\x00", *sorted(self.stopwords)):
            digest.update(item.encode("utf-8") + b"\n")
        return digest.hexdigest()[:16]

    def tokens(self, text: str) -> list[str]:
        """Normalised tokens without stopwords, punctuation or whitespace."""
        out = []
        for token in self._jieba.cut(normalize(text), HMM=True):
            token = token.strip()
            if token and token not in self.stopwords and not _PUNCT_ONLY.match(token):
                out.append(token)
        return out

    def __call__(self, text: str) -> str:
        """Tokens joined by spaces: the form the keyword index stores."""
        return " ".join(self.tokens(text))


_TITLE_SUFFIX = re.compile(r"(实施细则|实施条例|暂行条例|条例|暂行办法|办法|暂行规定|规定|决定|解释|法)$")


@lru_cache(maxsize=1)
def plain_analyzer() -> JiebaAnalyzer:
    """jieba without a legal dictionary: the index keeps 行政复议法 whole (citations need it),
    a topic search needs its words 行政复议."""
    return JiebaAnalyzer()


def title_words(title: str) -> list[str]:
    """The topic words of a law title: 中华人民共和国 and 法/条例/办法… dropped, then split
    (中华人民共和国行政复议法 -> 行政复议; 机动车交通事故责任强制保险条例 -> 机动车, 交通事故 …)."""
    core = _TITLE_SUFFIX.sub("", normalize(title or "").removeprefix("中华人民共和国"))
    return [w for w in plain_analyzer().tokens(core) if len(w) >= 2]


class TitleAnalyzer:
    """The title field's tokens: the analyzer's (the whole title, for citations and names)
    plus the title's topic words, so 行政复议 期限 meets 中华人民共和国行政复议法."""

    VERSION = "title-words-1"

    def __init__(self, analyzer: JiebaAnalyzer):
        self.analyzer = analyzer
        self.fingerprint = f"{analyzer.fingerprint}:{self.VERSION}"

    def __call__(self, title: str) -> str:
        whole = self.analyzer.tokens(title)
        return " ".join(dict.fromkeys(whole + [w for w in title_words(title) if w not in whole]))
