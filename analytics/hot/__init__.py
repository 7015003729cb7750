"""Hot issues (热点问题): messages about one event grouped, ranked by hotness, named, and selected per window and region."""
