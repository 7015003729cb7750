"""corpus: what a document is, how raw sources become one, and the document store."""
