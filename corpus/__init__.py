"""corpus: what a document is (model), how raw sources become one (sources/), the document
store on SQLite or PostgreSQL (store/), versions of a law (versions/) and the
cross-references inside its articles (references/); settings every layer reads (config)."""
