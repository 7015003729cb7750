"""The document store (文档库): SQLite by default, PostgreSQL for deployments; its factory, schema migrations and statistics."""
