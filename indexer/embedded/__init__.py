"""The embedded index (嵌入式索引): generation folders beside the SQLite store — whoosh/in-memory keyword, faiss vectors, compact lookups, the manifest, reading and building."""
