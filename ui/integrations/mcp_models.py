"""What the MCP tools return, typed: the output schemas an agent reads (descriptions in Chinese)
and the SDK checks each result against."""
from __future__ import annotations

from pydantic import BaseModel, Field


class LawHit(BaseModel):
    citation: str = Field(..., description="引用：《法规全称》第X条（文件、留言为《标题》）")
    article_id: str = Field(..., description="条文 id：get_article 取原文")
    doc_id: str = Field(..., description="法规/文件 id：get_document 取全文、章节目录与版本")
    law_title: str = Field(..., description="法规全称或文件标题")
    article_label: str | None = Field(None, description="条号，如 第八十二条")
    type: str | None = Field(None, description="效力级别")
    validity: str | None = Field(None, description="时效性（给了 as_of 时为当日状态）")
    validity_today: str | None = Field(None, description="今日时效性（仅在给了 as_of 时）")
    collection: str = Field(..., description="laws | notices | messages")
    issuer: str | None = Field(None, description="制定机关/发文机关")
    region: str | None = Field(None, description="地区")
    doc_number: str | None = Field(None, description="发文字号")
    publish_date: str | None = Field(None, description="发布日期")
    effective_date: str | None = Field(None, description="施行日期")
    chapter_path: list[str] = Field(default_factory=list, description="所在编/章/节")
    score: float = Field(..., description="排序分（只用于比较同一次检索的结果）")
    text: str | None = Field(None, description="条文原文")


class SearchOutput(BaseModel):
    query: str
    results: list[LawHit] = Field(..., description="按相关性排序；引用某条的查询，该条在首位")
    citations_in_query: list[str] = Field(default_factory=list, description="查询中识别出的法条引用")
    notice: str | None = Field(None, description="提示，如查询过长已截断")


class CitedArticle(BaseModel):
    citation: str = Field(..., description="《法规全称》第X条")
    article_id: str
    law_title: str
    article_label: str | None = None
    validity: str | None = Field(None, description="时效性")
    quote: str | None = Field(None, description="回答所依据的原文摘录")


class AskOutput(BaseModel):
    answer: str = Field(..., description="回答；其中的引用都已核验存在于所检索的条文")
    grounded: bool = Field(..., description="true：回答有条文依据；false：未找到依据，如实说明")
    citations: list[CitedArticle] = Field(default_factory=list, description="回答引用的条文（已核验）")
    related: list[CitedArticle] = Field(default_factory=list, description="相关但未引用的条文")
    notice: str | None = None


class Message(BaseModel):
    message_id: str = Field(..., description="留言编号")
    title: str
    question: str = Field(..., description="留言内容（身份证号、电话已打码）")
    reply: str | None = Field(None, description="官方答复")
    date: str | None = None
    issuer: str | None = Field(None, description="答复单位")
    score: float


class MessagesOutput(BaseModel):
    messages: list[Message]
