"""Cross-references inside article text (条文引用): mentions found in a text (mentions), resolved
to unit ids version by version (resolver)."""
