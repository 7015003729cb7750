"""The corpus model: documents (法律法规, 政策文件, 留言) and their retrieval units (条 / 段).

Everything downstream (indexer, search, assistant) reads these types from the store; nothing
else knows how a raw source looked.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# 集合 (collection): which kind of source a document came from.
LAWS, NOTICES, MESSAGES = "laws", "notices", "messages"
COLLECTIONS = (LAWS, NOTICES, MESSAGES)

# 效力级别 (document level), highest first; 司法解释 and 规范性文件 stand beside the hierarchy.
DOC_TYPES = ("宪法", "法律", "行政法规", "监察法规", "地方性法规", "自治条例和单行条例",
             "部门规章", "地方政府规章", "司法解释", "规范性文件", "其他")

# 时效性 (validity).
CURRENT, AMENDED, REPEALED, NOT_YET = "现行有效", "已修改", "已废止", "尚未生效"
VALIDITIES = (CURRENT, AMENDED, REPEALED, NOT_YET)

# Unit kinds: an article 条, a paragraph chunk of a notice without 条, a whole document that has
# no 条 at all (决定/修正案), a title-only record, a citizen message.
ARTICLE, PARAGRAPH, WHOLE_DOCUMENT, TITLE_ONLY, MESSAGE = (
    "article", "paragraph", "whole_document", "title_only", "message")


@dataclass
class HistoryEvent:
    """One line of a law's history (制定/修正/修订/施行), e.g. 2012-12-28 …修正."""

    date: str | None
    event: str


@dataclass
class Item:
    """A 项 inside a 款: label such as （一） and its text."""

    label: str
    text: str


@dataclass
class Paragraph:
    """A 款 (paragraph of an article) with the 项 items listed under it."""

    text: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Unit:
    """A retrieval unit: one 条 with its chapter path (编/章/节), 款 and 项; or a text chunk."""

    id: str
    doc_id: str
    seq: int
    kind: str
    text: str
    article_label: str | None = None      # 条号, e.g. 第一百三十三条之一
    article_num: int | None = None
    article_suffix: str | None = None     # 之一
    chapter_path: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Document:
    """A whole law, notice (政策文件/公告) or citizen message (留言) with its metadata.

    `doc_type` is the 效力级别; `genre` the 文种 of a notice (通知, 意见, 办法 …).
    `version_key` groups the dated versions of one law; the store derives `validity` from it.
    """

    id: str
    collection: str
    title: str
    text: str = ""
    short_name: str | None = None
    subtitle: str | None = None
    doc_type: str | None = None
    genre: str | None = None
    category: str | None = None
    issuer: str | None = None             # 制定机关 / 发文机关
    doc_number: str | None = None         # 发文字号, e.g. 国发〔2019〕5号
    index_number: str | None = None       # 索引号
    topic: str | None = None              # 主题分类
    region: str | None = None
    written_date: str | None = None       # 成文日期
    publish_date: str | None = None       # 公布/发布日期
    effective_date: str | None = None     # 施行日期
    validity: str = CURRENT               # 时效性
    validity_source: str | None = None    # where the validity came from (db flag, site, dates)
    version_key: str | None = None
    history: list[HistoryEvent] = field(default_factory=list)
    preamble: str | None = None
    has_body: bool = True
    answer: str | None = None             # official reply (答复意见) of a citizen message
    source: str | None = None             # source file (and member path) it was parsed from
    extra: dict[str, Any] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)

    @property
    def display_title(self) -> str:
        """Title with the 编 of a split code, e.g. 中华人民共和国民法典·合同编."""
        return f"{self.title}·{self.subtitle}" if self.subtitle else self.title

    def metadata(self) -> dict[str, Any]:
        """All fields but the body and units, as plain JSON-able data."""
        data = asdict(self)
        data.pop("units")
        data.pop("text")
        return data

    @classmethod
    def from_row(cls, data: dict[str, Any], text: str, units: list[Unit]) -> "Document":
        data = dict(data)
        data["history"] = [HistoryEvent(**h) for h in data.get("history", [])]
        return cls(text=text, units=units, **data)
