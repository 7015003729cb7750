"""What kind of answer a question wants (问题类型): defined in search.query.question_type, where
the deciding-article ranker reads it too; the assistant's composer picks sentences with it."""
from search.query.question_type import ANSWER_TYPES, QUESTION_PATTERNS, SENTENCE_PATTERNS, answers_type, question_type

__all__ = ["ANSWER_TYPES", "QUESTION_PATTERNS", "SENTENCE_PATTERNS", "answers_type", "question_type"]
