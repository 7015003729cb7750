"""Chinese numerals (中文数字) and article labels (第X条之Y).

Laws number their articles in Chinese numerals: 第一百三十三条之一 is article 133, suffix 之一.
Queries use both forms (第82条, 第八十二条), so every layer that handles citations goes through here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千万"


def cn_to_int(text: str) -> int:
    """Convert a Chinese numeral (一百三十三, 两千零一, 一〇八) or Arabic digits to an int.

    Raises ValueError for anything else, so callers never index a wrong article silently.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    if any(ch not in CN_NUMERAL_CHARS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if "万" in text:
        high, _, low = text.partition("万")
        return cn_to_int(high) * 10000 + (cn_to_int(low) if low else 0)
    if not any(ch in _UNITS for ch in text):  # digit-by-digit form such as 一〇八
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


_CN = "零一二三四五六七八九"


def int_to_cn(number: int) -> str:
    """Write a non-negative int the way statutes do: 十一, 一百一十, 一千零一, 一万零五."""
    if number < 0:
        raise ValueError("negative numbers are not article numbers")
    if number < 10:
        return _CN[number]
    if number >= 10000:
        high, low = divmod(number, 10000)
        tail = "" if low == 0 else ("零" if low < 1000 else "") + int_to_cn(low)
        return int_to_cn(high) + "万" + tail
    out, zero_pending = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            if zero_pending:
                out.append("零")
            out.append(_CN[digit] + unit)
            zero_pending = False
        elif out:
            zero_pending = True
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


ARTICLE_RE = re.compile(
    r"第\s*(?P<num>[0-9]+|[零〇○一二两三四五六七八九十百千]+)\s*条"
    r"(?:之\s*(?P<suffix>[0-9]+|[一二三四五六七八九十]+))?")


@dataclass(frozen=True)
class ArticleLabel:
    """An article label (条号): number plus optional 之X suffix, e.g. 第一百三十三条之一."""

    number: int
    suffix: int = 0

    @property
    def label(self) -> str:
        """Canonical Chinese form, as printed in the statute."""
        base = f"第{int_to_cn(self.number)}条"
        return base + (f"之{int_to_cn(self.suffix)}" if self.suffix else "")

    @property
    def suffix_label(self) -> str | None:
        return f"之{int_to_cn(self.suffix)}" if self.suffix else None

    @classmethod
    def parse(cls, text: str) -> "ArticleLabel":
        """Parse 第八十二条, 第82条, 第133条之1 or 第一百三十三条之一 (must be the whole text)."""
        match = ARTICLE_RE.fullmatch(text.strip())
        if not match:
            raise ValueError(f"not an article label: {text!r}")
        suffix = match.group("suffix")
        return cls(cn_to_int(match.group("num")), cn_to_int(suffix) if suffix else 0)


def canonical_article_label(text: str) -> str:
    """Normalise any article label spelling to the statute's Chinese form."""
    return ArticleLabel.parse(text).label
