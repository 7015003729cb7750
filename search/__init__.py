"""search: query understanding, hybrid retrieval and the REST retrieval API (issue 4)."""
