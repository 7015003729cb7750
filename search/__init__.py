"""search: from a query to ranked units — query understanding (query/), keyword and vector
retrieval on either backend (retrieval/), fusion and the learned re-ranker (ranking/), the
`Searcher` facade and the REST retrieval API; what is learned (learning/) and how it is
measured (evaluation/) live beside it."""
