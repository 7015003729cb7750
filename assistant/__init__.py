"""assistant: grounded answers with verified citations (issue 5)."""
