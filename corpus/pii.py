"""Personal data masking (个人信息脱敏): 身份证号, phone numbers and bank-card numbers.

Applied when messages are parsed, so no unmasked number reaches the store, an index, a log or
a screen.
"""
from __future__ import annotations

import re

# 18-digit ID (last may be X) or the old 15-digit form; not part of a longer digit run.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(?:(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]|\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])")
# Mainland mobile numbers, optionally +86 and written 138-1234-5678 / 138 1234 5678.
_MOBILE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
# Bank cards: 16-19 digits, optionally in groups of 4, passing the Luhn check (so order
# numbers and dates are left alone).
_CARD = re.compile(r"(?<![0-9])((?:\d[ -]?){15,18}\d)(?![0-9])")
# Landlines with area code: 0731-88888888, (0731)8888888.
_LANDLINE = re.compile(r"(?<!\d)([(（]?0\d{2,3}[)）]?[- ]?)(\d{3,4})(\d{4})(?!\d)")


def mask_pii(text: str | None) -> str | None:
    """Replace ID-card and phone numbers with masked forms, keeping enough to read the text."""
    if not text:
        return text
    text = _CARD.sub(_mask_card, text)
    text = _ID_CARD.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 6), text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _mask_card(match: re.Match) -> str:
    digits = re.sub(r"[ -]", "", match.group(1))
    if not (16 <= len(digits) <= 19 and _luhn(digits)):
        return match.group(0)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
