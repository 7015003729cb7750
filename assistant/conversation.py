"""Multi-turn conversations (多轮对话): forming the retrieval query of a follow-up turn from
the conversation so far, and keeping conversations by id for the API."""
from __future__ import annotations

import re
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass

# A follow-up leans on the previous question: "那试用期呢？", "如果是公务员呢", "这种情况怎么办".
_FOLLOW_UP = re.compile(r"^(那|那么|那如果|如果|要是|还有|另外|此外|同样|这|这种|这个|该|它|他|她|上述|刚才|然后)"
                        r"|(呢|吗)[？?。！!]*$")
SHORT_QUESTION = 12  # characters: shorter questions rarely stand alone


@dataclass
class Turn:
    """One message of a conversation: role `user` or `assistant`."""

    role: str
    content: str


def is_follow_up(question: str) -> bool:
    text = question.strip()
    return len(text) <= SHORT_QUESTION or (bool(_FOLLOW_UP.search(text)) and len(text) <= 30)


def retrieval_query(question: str, history: list[Turn] | None) -> str:
    """The text to search with: the question itself, or — for a follow-up — the previous user
    question first (its topic) and then this one."""
    previous = [t.content for t in history or [] if t.role == "user" and t.content.strip()]
    if not previous or not is_follow_up(question):
        return question
    return f"{previous[-1].strip()} {question.strip()}"


class ConversationStore:
    """Conversations by id, in memory, the oldest forgotten beyond `capacity` (thread-safe)."""

    def __init__(self, capacity: int = 1000, max_turns: int = 20):
        self.capacity, self.max_turns = capacity, max_turns
        self._items: OrderedDict[str, list[Turn]] = OrderedDict()
        self._lock = threading.Lock()

    def history(self, conversation_id: str | None) -> list[Turn]:
        with self._lock:
            return list(self._items.get(conversation_id or "", []))

    def append(self, conversation_id: str | None, question: str, answer: str) -> str:
        conversation_id = conversation_id or uuid.uuid4().hex
        with self._lock:
            turns = self._items.setdefault(conversation_id, [])
            turns += [Turn("user", question), Turn("assistant", answer)]
            del turns[:-self.max_turns]
            self._items.move_to_end(conversation_id)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return conversation_id
