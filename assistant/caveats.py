"""When the answer depends on facts (视具体情况而定): the conditions an article puts on its
rule — 明知, 约定, 连续, 情节, 过错, 但是/除外, 经…同意 — named in one line after the lead, so a
citizen does not read a conditional rule as an unconditional one."""
from __future__ import annotations

import re

CONDITIONS = (
    (re.compile(r"明知|应当知道|应知"), "是否明知"),
    (re.compile(r"另有约定|约定"), "双方有无约定"),
    (re.compile(r"连续"), "是否连续"),
    (re.compile(r"情节(严重|恶劣|较重|轻微|特别)"), "情节轻重"),
    (re.compile(r"过错|故意|重大过失"), "各方有无过错"),
    (re.compile(r"经[^，。；]{0,12}同意"), "是否经过同意"),
    (re.compile(r"但是|除外|不在此限"), "是否属于条文中的例外情形"),
)


def conditions(text: str) -> list[str]:
    """The facts `text` makes its rule depend on, in CONDITIONS order."""
    return [label for pattern, label in CONDITIONS if pattern.search(text)]


def caveat_line(quote: str) -> str | None:
    """One line naming what the lead article's rule depends on, or None."""
    found = conditions(quote)
    return f"提示：结论取决于具体事实（{'、'.join(found)}），请对照下面的条文原文。" if found else None
