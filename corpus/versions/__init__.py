"""Versions of a law (版本): 时效性 per version, which version was in force on a date (时点), and 新旧对照."""
