"""REST routes of the assistant, added to the /api/v1 application: POST /ask answers as JSON,
or as server-sent events when `stream` is true; history comes in the request or by id."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import FastAPI, HTTPException
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, StrictBool

from assistant.assistant import Assistant
from assistant.conversation import ConversationStore, Turn
from search.api import AS_OF, DATE, ErrorBody


class TurnIn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(..., max_length=10_000)


class AskRequest(BaseModel):
    question: str = Field(..., min_length=1, max_length=2_000, pattern=r"\S", description="问题")
    history: list[TurnIn] | None = Field(None, description="此前对话 (earlier turns); overrides conversation_id")
    conversation_id: str | None = Field(None, max_length=64, description="续接已有对话")
    stream: StrictBool = Field(False, description="true: text/event-stream (SSE)")
    as_of: str | None = Field(None, pattern=DATE, description=AS_OF)


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def add_ask_routes(api: FastAPI, assistant: Assistant, conversations: ConversationStore | None = None) -> None:
    """POST /ask on `api` (whose search lock the assistant must share)."""
    conversations = conversations or ConversationStore()
    on_query = getattr(api.state, "on_query", None)

    def history_of(req: AskRequest) -> list[Turn]:
        if req.history is not None:
            return [Turn(t.role, t.content) for t in req.history]
        return conversations.history(req.conversation_id)

    def events(req: AskRequest) -> Iterator[str]:
        try:
            for event in assistant.ask_stream(req.question, history_of(req), req.as_of):
                if event["event"] == "answer":
                    answer = event["answer"]
                    answer.conversation_id = conversations.append(req.conversation_id, req.question, answer.answer)
                    yield _sse("answer", answer.to_dict())
                else:
                    yield _sse(event["event"], {k: v for k, v in event.items() if k != "event"})
        except ValueError as exc:
            yield _sse("error", {"detail": str(exc)})

    @api.post("/ask", summary="智能问答 (grounded answer; SSE when stream=true)",
              responses={200: {"content": {"application/json": {}, "text/event-stream": {}}},
                         400: {"model": ErrorBody, "description": "body is not valid JSON or UTF-8"}})
    def ask(req: AskRequest):
        if not req.question.strip():
            raise HTTPException(422, "question: 问题为空 (empty question)")
        if on_query:
            on_query("ask", req.question)
        if req.stream:
            return StreamingResponse(events(req), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        answer = assistant.ask(req.question, history_of(req), req.as_of)
        answer.conversation_id = conversations.append(req.conversation_id, req.question, answer.answer)
        return answer.to_dict()
