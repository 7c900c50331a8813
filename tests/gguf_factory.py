"""Make small but real GGUF models for tests: llama architecture, random F16 weights.

Their text is gibberish; they load, tokenize, chat, stream and cancel like any model, which is
what the tests check. The recipe is design.md's: a GPT-2 style byte-level BPE vocabulary with a
few merges and ChatML control tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import gguf
import numpy as np

CHATML_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

_MERGES = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("i", "n"), ("Ġ", "a"), ("e", "r"), ("o", "n")]
CONTROL_TOKENS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]


def _bytes_to_unicode() -> list[str]:
    """GPT-2's printable stand-ins for the 256 byte values, in byte order."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    mapping = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return [mapping[b] for b in range(256)]


@dataclass(frozen=True)
class Tokenizer:
    """A complete BPE vocabulary taken from elsewhere (e.g. Llama 3's, for the benchmarks)."""

    tokens: list[str]
    types: list[int]
    merges: list[str]
    pre: str
    bos_id: int
    eos_id: int
    add_bos: bool


@dataclass
class ModelSpec:
    width: int = 64
    layers: int = 2
    heads: int = 4
    kv_heads: int = 2
    ffn: int = 128
    context_length: int = 4096
    chat_template: str | None = CHATML_TEMPLATE
    name: str = "Hearth Test Tiny"
    seed: int = 0
    control_tokens: bool = True  # False: a vocabulary with no chat markers at all
    vocab_size: int | None = None  # pad the vocabulary to this size (real-shape models)
    tied_embeddings: bool = False  # no output.weight: the output reuses token_embd (Llama 3.2)
    tokenizer: Tokenizer | None = None  # instead of the byte-level test vocabulary
    extra_kv: dict[str, int | str] = field(default_factory=dict)


def vocabulary(control_tokens: bool = True) -> tuple[list[str], list[int], list[str]]:
    tokens = _bytes_to_unicode()
    types = [gguf.TokenType.NORMAL] * len(tokens)
    for left, right in _MERGES:
        tokens.append(left + right)
        types.append(gguf.TokenType.NORMAL)
    for control in CONTROL_TOKENS if control_tokens else []:
        tokens.append(control)
        types.append(gguf.TokenType.CONTROL)
    return tokens, [int(t) for t in types], [f"{a} {b}" for a, b in _MERGES]


def write_model(path: Path, spec: ModelSpec | None = None) -> Path:
    spec = spec or ModelSpec()
    rng = np.random.default_rng(spec.seed)
    tokens, types, merges = vocabulary(spec.control_tokens)
    if spec.tokenizer is not None:
        tokens, types = list(spec.tokenizer.tokens), list(spec.tokenizer.types)
        merges = list(spec.tokenizer.merges)
    if spec.vocab_size is not None:
        # Filler tokens give the output layer the real model's width. Normal tokens, so
        # that what a random model samples from them still streams as (gibberish) text.
        for i in range(spec.vocab_size - len(tokens)):
            tokens.append(f"~f{i}")
            types.append(int(gguf.TokenType.NORMAL))
    n_vocab = len(tokens)
    head_dim = spec.width // spec.heads

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(spec.name)
    writer.add_context_length(spec.context_length)
    writer.add_embedding_length(spec.width)
    writer.add_block_count(spec.layers)
    writer.add_feed_forward_length(spec.ffn)
    writer.add_head_count(spec.heads)
    writer.add_head_count_kv(spec.kv_heads)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(n_vocab)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(spec.tokenizer.pre if spec.tokenizer is not None else "default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    if spec.tokenizer is not None:
        writer.add_bos_token_id(spec.tokenizer.bos_id)
        writer.add_eos_token_id(spec.tokenizer.eos_id)
    elif spec.control_tokens:
        writer.add_bos_token_id(tokens.index("<|endoftext|>"))
        writer.add_eos_token_id(tokens.index("<|im_end|>"))
    else:
        writer.add_bos_token_id(0)
        writer.add_eos_token_id(1)
    writer.add_add_bos_token(spec.tokenizer.add_bos if spec.tokenizer is not None else False)
    if spec.chat_template is not None:
        writer.add_chat_template(spec.chat_template)
    for key, value in spec.extra_kv.items():
        if isinstance(value, str):
            writer.add_string(key, value)
        else:
            writer.add_uint32(key, value)

    def matrix(rows: int, cols: int) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * 0.2).astype(np.float16)

    def norm() -> np.ndarray:
        return np.ones(spec.width, dtype=np.float32)

    writer.add_tensor("token_embd.weight", matrix(n_vocab, spec.width))
    writer.add_tensor("output_norm.weight", norm())
    if not spec.tied_embeddings:
        writer.add_tensor("output.weight", matrix(n_vocab, spec.width))
    kv_width = spec.kv_heads * head_dim
    for i in range(spec.layers):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", norm())
        writer.add_tensor(f"blk.{i}.attn_q.weight", matrix(spec.width, spec.width))
        writer.add_tensor(f"blk.{i}.attn_k.weight", matrix(kv_width, spec.width))
        writer.add_tensor(f"blk.{i}.attn_v.weight", matrix(kv_width, spec.width))
        writer.add_tensor(f"blk.{i}.attn_output.weight", matrix(spec.width, spec.width))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", norm())
        writer.add_tensor(f"blk.{i}.ffn_gate.weight", matrix(spec.ffn, spec.width))
        writer.add_tensor(f"blk.{i}.ffn_up.weight", matrix(spec.ffn, spec.width))
        writer.add_tensor(f"blk.{i}.ffn_down.weight", matrix(spec.width, spec.ffn))

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
