"""Random-weight GGUF models at the real shapes of Llama 3.2 1B / 3B, quantized by llama.cpp.

Decode speed depends on shape and quantization, not on the weight values, so these stand in
for the real models where no model hub can be reached. Cached: made once per shape and quant.

Token counts depend on the tokenizer, and prompt processing, time to first token and
classification scale with them. So the model gets Llama 3's own tokenizer (its 128,256 tokens
and 280,147 merges, pre-tokenizer "llama-bpe", and the Llama 3 chat format) when llama.cpp's
vocabulary file for it can be found: llama.cpp ships it for its tokenizer tests as
`models/ggml-vocab-llama-bpe.gguf`, and llama-cpp-python's source distribution, which uv
unpacks into its cache to compile it, carries it (`HEARTH_BENCH_VOCAB` names it explicitly).
Without it the byte-level test vocabulary is used (~1 token per character instead of ~4
characters per token) and the report says so.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.gguf_factory import ModelSpec, Tokenizer, write_model

VOCAB_ENV = "HEARTH_BENCH_VOCAB"
VOCAB_FILE = "ggml-vocab-llama-bpe.gguf"
LLAMA3_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "<|start_header_id|>{{ message['role'] }}<|end_header_id|>\n\n"
    "{{ message['content'] | trim }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)

SHAPES = {
    "llama32-1b": ModelSpec(
        width=2048,
        layers=16,
        heads=32,
        kv_heads=8,
        ffn=8192,
        context_length=131072,
        vocab_size=128256,
        name="Llama-3.2-1B shape",
    ),
    "llama32-3b": ModelSpec(
        width=3072,
        layers=28,
        heads=24,
        kv_heads=8,
        ffn=8192,
        context_length=131072,
        vocab_size=128256,
        name="Llama-3.2-3B shape",
    ),
}
QUANTS = {"Q4_K_M": 15, "Q4_0": 2}
FORMAT = 3  # bump when the generated model changes, so caches are remade


@functools.cache
def llama3_vocab_file() -> Path | None:
    """llama.cpp's Llama 3 vocabulary file: $HEARTH_BENCH_VOCAB, else in uv's cache.

    Looked up once per process: the file's name and its making both ask, and the search may
    start `uv` and walk its cache."""
    named = os.environ.get(VOCAB_ENV, "").strip()
    if named:
        path = Path(named)
        if not path.is_file():
            raise SystemExit(f"{VOCAB_ENV}={named}: no such file")
        return path
    roots = []
    uv = shutil.which("uv")
    if uv is not None:
        try:
            found = subprocess.run(
                [uv, "cache", "dir"], capture_output=True, text=True, timeout=30, check=True
            )
            roots.append(Path(found.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    roots.append(Path.home() / ".cache" / "uv")
    for root in roots:
        sdists = root / "sdists-v11" / "pypi" / "llama-cpp-python"
        candidates = sorted(sdists.glob(f"*/*/src/vendor/llama.cpp/models/{VOCAB_FILE}"))
        if candidates:
            return candidates[-1]
        candidates = sorted(root.glob(f"**/vendor/llama.cpp/models/{VOCAB_FILE}"))
        if candidates:
            return candidates[-1]
    return None


def tokenizer_kind() -> str:
    """ "llama3" when Llama 3's tokenizer can be used, else "byte-level"."""
    return "llama3" if llama3_vocab_file() is not None else "byte-level"


def llama3_tokenizer(path: Path) -> Tokenizer:
    from gguf import GGUFReader

    fields = GGUFReader(path).fields

    def value(key: str) -> object:
        return fields[key].contents()

    tokens = value("tokenizer.ggml.tokens")
    assert isinstance(tokens, list)
    return Tokenizer(
        tokens=[str(t) for t in tokens],
        types=[int(t) for t in value("tokenizer.ggml.token_type")],  # type: ignore[attr-defined]
        merges=[str(m) for m in value("tokenizer.ggml.merges")],  # type: ignore[attr-defined]
        pre=str(value("tokenizer.ggml.pre")),
        bos_id=tokens.index("<|begin_of_text|>"),
        eos_id=tokens.index("<|eot_id|>"),  # what Llama 3.2 Instruct stops on
        add_bos=True,
    )


def cached_path(cache_dir: Path, shape: str, quant: str) -> Path:
    """Where the model of this shape and quantization is (or will be) cached."""
    return cache_dir / f"{shape}-{quant}-{tokenizer_kind()}-v{FORMAT}.gguf"


def real_shape_model(cache_dir: Path, shape: str = "llama32-1b", quant: str = "Q4_K_M") -> Path:
    """The quantized model file, made and cached on first use (minutes; gigabytes of disk)."""
    target = cached_path(cache_dir, shape, quant)
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    f16 = cache_dir / f"{shape}-F16.gguf.tmp"
    spec = SHAPES[shape]
    vocab = llama3_vocab_file()
    if vocab is not None:
        spec = dataclasses.replace(
            spec, tokenizer=llama3_tokenizer(vocab), chat_template=LLAMA3_TEMPLATE
        )
    write_model(f16, spec)
    import llama_cpp  # the benchmark process may load llama.cpp: it is not the app

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = QUANTS[quant]
    partial = target.with_suffix(".partial")
    rc = llama_cpp.llama_model_quantize(str(f16).encode(), str(partial).encode(), params)
    f16.unlink()
    if rc != 0:
        raise RuntimeError(f"quantizing failed with status {rc}")
    partial.rename(target)
    return target


if __name__ == "__main__":
    print(real_shape_model(Path(sys.argv[1]), *sys.argv[2:]))
