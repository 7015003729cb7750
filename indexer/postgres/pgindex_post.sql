-- Indexes created after the bulk load (faster than maintaining them row by row).
ALTER TABLE {schema}.postings ADD PRIMARY KEY (term_id, row_id);
CREATE INDEX ON {schema}.postings (row_id);
CREATE INDEX ON {schema}.units (doc_id);
CREATE INDEX ON {schema}.units USING hnsw (embedding vector_ip_ops) WITH (m = 16, ef_construction = 64);
ANALYZE {schema}.units;
ANALYZE {schema}.terms;
ANALYZE {schema}.postings;
