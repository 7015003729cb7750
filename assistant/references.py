"""Following references (援引条文): an answer quoting 第八十二条 also shows the 第十条 it applies
(依照本法第十条) — the articles the deciding results cite, added as sources of their own."""
from __future__ import annotations

from search.library import LawLibrary
from search.results import SearchResult

from assistant.answer import CitedArticle

MAX_FOLLOWED = 3


def followed_articles(results: list[SearchResult], library: LawLibrary, first_number: int,
                      deciding: int = 3, limit: int = MAX_FOLLOWED) -> tuple[list[CitedArticle], dict[str, str]]:
    """Articles cited by the first `deciding` results that are not results themselves, as
    numbered sources (from `first_number`) marked with the article citing them; and their texts."""
    have = {r.article_id for r in results}
    followed: list[CitedArticle] = []
    texts: dict[str, str] = {}
    for result in results[:deciding]:
        for ref in result.references:
            target = ref.get("article_id")
            if not target or target in have or len(followed) == limit:
                continue
            unit = library.unit(target)
            if unit is None:
                continue
            have.add(target)
            texts[target] = unit.text
            followed.append(CitedArticle(ref["law_title"], ref["article_label"], target, ref.get("validity"),
                                         number=first_number + len(followed),
                                         via=f"{result.article_label or ''}所引"))
    return followed, texts
