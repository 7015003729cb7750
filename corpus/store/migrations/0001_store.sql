-- The document store (文档库) in PostgreSQL: the same tables and columns as the SQLite store.
-- Ids sort bytewise (COLLATE "C") as in SQLite, so both backends list documents alike.
CREATE TABLE documents (
    id TEXT COLLATE "C" PRIMARY KEY, collection TEXT, title TEXT, subtitle TEXT, short_name TEXT,
    doc_type TEXT, genre TEXT, category TEXT, issuer TEXT, doc_number TEXT, index_number TEXT,
    topic TEXT, region TEXT, written_date TEXT, publish_date TEXT, effective_date TEXT,
    validity TEXT, validity_source TEXT, version_key TEXT, has_body INTEGER, source TEXT,
    declared_validity TEXT, source_key TEXT, meta TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX documents_version ON documents(version_key);
CREATE INDEX documents_source ON documents(source_key);
CREATE INDEX documents_title ON documents(title);
CREATE INDEX documents_collection ON documents(collection);
CREATE TABLE units (
    id TEXT COLLATE "C" PRIMARY KEY, doc_id TEXT COLLATE "C" NOT NULL, seq INTEGER, kind TEXT,
    article_label TEXT, article_num INTEGER, article_suffix TEXT, text TEXT,
    chapter_path TEXT NOT NULL);
CREATE INDEX units_doc ON units(doc_id, seq);
CREATE TABLE sources (key TEXT COLLATE "C" PRIMARY KEY, kind TEXT, path TEXT, documents INTEGER,
    units INTEGER,
    ingested_at TEXT DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'));
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO meta (key, value) VALUES ('schema_version', '1'), ('corpus_version', '0');
