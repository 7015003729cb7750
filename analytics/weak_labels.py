"""Weak labels for routing (弱标注): the department an official reply speaks for names the
一级分类 of the message it answers (市教育局 -> 教育文体, 区人社局 -> 劳动和社会保障 …). Only
unambiguous replies count: one class named in the reply's opening, none other."""
from __future__ import annotations

import re

# department words -> 一级分类, as the province's 问政 replies name them (read from the replies)
DEPARTMENTS = {
    "城乡建设": r"住房和城乡建设|住建|城乡建设|城乡规划|规划局|规划分局|城管|城市管理|国土|不动产|房产|房管|物业|市政|自然资源",
    "环境保护": r"环保|环境保护|生态环境|环境局",
    "交通运输": r"交通运输|交通局|公路|运管|公交|交警|轨道",
    "教育文体": r"教育局|教育部门|教育体育|学校|文化|体育|文体|旅游广电|新闻出版",
    "劳动和社会保障": r"人力资源和社会保障|人社|社保|社会保险|劳动监察|劳动保障|就业|医保|医疗保障",
    "商贸旅游": r"商务|市场监督|市场监管|工商|物价|发展和改革|旅游|食品药品",
    "卫生计生": r"卫生|卫计|卫健|计生|计划生育|医院",
}
_PATTERNS = {label: re.compile(words) for label, words in DEPARTMENTS.items()}
OPENING = 300  # characters of the reply where the answering department names itself


def department_label(reply: str | None) -> str | None:
    """The one class whose department words the reply's opening names, or None."""
    if not reply:
        return None
    opening = reply[:OPENING]
    found = [label for label, pattern in _PATTERNS.items() if pattern.search(opening)]
    return found[0] if len(found) == 1 else None
