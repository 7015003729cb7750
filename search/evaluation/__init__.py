"""Evaluation (评测): metrics, query sets built from the data, scores by kind and ranking stage (`fagui eval`)."""
