"""Retrieval (召回): keyword and vector retrievers over either backend, per-unit metadata for filtering, 时点检索."""
