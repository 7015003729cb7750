"""The search index inside PostgreSQL (pgvector + postings): building, bulk loading, reading and updating it."""
