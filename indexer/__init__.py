"""indexer: jieba analysis, whoosh keyword index, embeddings and the faiss vector index (issue 3)."""
