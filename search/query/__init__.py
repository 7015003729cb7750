"""Query understanding (查询理解): filters written in the query, citations (法条引用), colloquial -> legal wording."""
