"""LLM composer (大模型回答): any OpenAI-compatible chat-completions endpoint — vLLM, Ollama,
DeepSeek, Qwen (compatible mode), llama.cpp server — by base URL, key and model; streaming.
Uses the `openai` client: it handles SSE parsing, retries and error types for every such server."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from corpus.config import env_value


class LLMError(RuntimeError):
    """The model server could not be reached or answered with an error."""


@dataclass
class LLMConfig:
    """Where the model lives (FAGUI_LLM_BASE_URL, FAGUI_LLM_MODEL, FAGUI_LLM_API_KEY)."""

    base_url: str
    model: str
    api_key: str = "none"
    temperature: float = 0.2
    max_tokens: int = 512
    timeout: float = 60.0

    @classmethod
    def from_env(cls, base_url: str | None = None, model: str | None = None,
                 api_key: str | None = None) -> "LLMConfig | None":
        """Arguments first, then FAGUI_LLM_BASE_URL / FAGUI_LLM_MODEL / FAGUI_LLM_API_KEY;
        None when no base URL is given (extractive answers)."""
        base_url = base_url or env_value("FAGUI_LLM_BASE_URL")
        if not base_url:
            return None
        model = model or env_value("FAGUI_LLM_MODEL")
        if not model:
            raise ValueError("--llm-base-url needs --llm-model (or FAGUI_LLM_MODEL)")
        return cls(base_url, model, api_key or env_value("FAGUI_LLM_API_KEY") or "none")


class OpenAIChatComposer:
    """Streams a chat completion for prepared messages."""

    name = "llm"

    def __init__(self, config: LLMConfig):
        from openai import OpenAI

        self.config = config
        self.client = OpenAI(base_url=config.base_url, api_key=config.api_key or "none",
                             timeout=config.timeout, max_retries=1)

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        import openai

        try:
            chunks = self.client.chat.completions.create(
                model=self.config.model, messages=messages, stream=True,
                temperature=self.config.temperature, max_tokens=self.config.max_tokens)
            for chunk in chunks:
                if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except openai.OpenAIError as exc:
            raise LLMError(f"LLM server {self.config.base_url} failed: {exc}") from exc
