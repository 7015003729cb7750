-- pgvector for the search index's vectors (indexer/postgres/pgschema.sql). Creating an extension needs
-- a role allowed to: on a managed PostgreSQL a DBA may run this line once beforehand.
CREATE EXTENSION IF NOT EXISTS vector;
