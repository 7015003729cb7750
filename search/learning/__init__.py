"""Learning (学习): answered questions, the query adapter, cross-fitted fusion weights and re-ranker (`fagui learn`)."""
