-- The search index in PostgreSQL (索引), one generation per schema: a build fills a fresh
-- schema and renames it to fagui_index in one transaction, so readers see the old index or the
-- new one. {schema} and {dim} are filled in by indexer/postgres/build.py.
CREATE SCHEMA {schema};
-- one row per unit: the filter columns, per-field token counts (BM25 lengths), the vector
CREATE TABLE {schema}.units (
    row_id INTEGER PRIMARY KEY, uid TEXT COLLATE "C" NOT NULL UNIQUE, vid BIGINT NOT NULL,
    doc_id TEXT COLLATE "C" NOT NULL, collection TEXT NOT NULL, doc_type TEXT NOT NULL,
    validity TEXT NOT NULL, region TEXT NOT NULL, issuer TEXT NOT NULL, date TEXT NOT NULL,
    len_text INTEGER NOT NULL, len_title INTEGER NOT NULL, len_chapter INTEGER NOT NULL,
    embedding vector({dim}) NOT NULL);
-- the vocabulary with per-field document frequencies (df_any: units holding it in any field)
CREATE TABLE {schema}.terms (
    term_id INTEGER PRIMARY KEY, term TEXT COLLATE "C" NOT NULL UNIQUE,
    df_text INTEGER NOT NULL, df_title INTEGER NOT NULL, df_chapter INTEGER NOT NULL,
    df_any INTEGER NOT NULL);
-- postings: the same jieba token counts the embedded index keeps, one row per (term, unit),
-- with the unit's field lengths beside them so BM25 is scored without visiting the units
-- table; loaded in term order, so one term's postings sit on neighbouring pages
CREATE TABLE {schema}.postings (
    term_id INTEGER NOT NULL, row_id INTEGER NOT NULL, tf_text INTEGER NOT NULL,
    tf_title INTEGER NOT NULL, tf_chapter INTEGER NOT NULL, len_text INTEGER NOT NULL,
    len_title SMALLINT NOT NULL, len_chapter SMALLINT NOT NULL);
-- what each indexed document looked like (fingerprint) and the index's own settings
CREATE TABLE {schema}.docs (doc_id TEXT COLLATE "C" PRIMARY KEY, fingerprint TEXT NOT NULL);
CREATE TABLE {schema}.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
