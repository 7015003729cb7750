"""indexer: jieba analysis and embedders shared by both backends, and the indexes built from
the document store — generation folders beside the SQLite store (embedded/: whoosh or
in-memory keyword, faiss vectors) or tables inside PostgreSQL (postgres/)."""
