"""Where to turn (求助途径): for a 怎么办 question, the bodies the retrieved articles themselves
name and what one does there — 向劳动争议仲裁委员会申请仲裁, 向人民法院提起诉讼, 向市场监督管理部门
投诉 — each with the article it comes from. Nothing is added that an article does not say."""
from __future__ import annotations

import re

from assistant.answer import CitedArticle

# 向 + a body (2-30 characters, no clause break) + a remedy one seeks there
_ROUTE = re.compile(r"向([^，。；：、（）\n]{2,30}?)(申请仲裁|申请行政复议|申请复议|申请调解|申请支付令|申请|提起诉讼|"
                    r"提起行政诉讼|起诉|投诉|举报|控告|申诉|请求)")
_COURT = re.compile(r"(人民法院|仲裁委员会|仲裁机构)$")  # where a bare 申请/请求 is a remedy
_BODY = re.compile(r"(委员会|人民法院|部门|机关|机构|协会|政府|组织|单位|仲裁庭)$")
_SKIP = re.compile(r"^(对方|另一方|其|他人|当事人|用人单位|劳动者|出租人|承租人|经营者|债务人|对方当事人)")
MAX_ROUTES = 4


def routes(articles: list[CitedArticle], texts: dict[str, str]) -> list[tuple[str, CitedArticle]]:
    """("向X申请仲裁", source article) pairs in the articles' order, one per body, at most MAX_ROUTES."""
    out, seen = [], set()
    for article in articles:
        for match in _ROUTE.finditer(texts.get(article.article_id, "")):
            body, action = match.group(1).removeprefix("有关").strip(), match.group(2)
            if not _BODY.search(body) or _SKIP.match(body) or body in seen \
                    or (action in ("申请", "请求") and not _COURT.search(body)):
                continue  # a permit application or a report is not a remedy
            seen.add(body)
            out.append((f"向{body}{action}", article))
            if len(out) == MAX_ROUTES:
                return out
    return out


def routes_line(articles: list[CitedArticle], texts: dict[str, str]) -> str | None:
    """One line for the answer, e.g. 可以求助：向人民法院提起诉讼（[2]《…》第X条）。 or None."""
    found = routes(articles, texts)
    if not found:
        return None
    return "可以求助：" + "；".join(f"{route}（{a.citation}）" for route, a in found) + "。"
