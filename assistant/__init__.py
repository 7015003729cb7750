"""assistant: grounded answers (智能问答) from the search results — relevance, question type,
an extractive or LLM composer, citations verified against the store; multi-turn follow-ups."""
