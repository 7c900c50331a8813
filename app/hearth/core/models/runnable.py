"""Can llama.cpp run this model? Values a sound GGUF header may still get wrong.

`read_gguf_header` proves the file is a well-formed GGUF whose tensors lie inside it. A
well-formed file can still describe a model nobody can run: no attention heads, a rope of
width 0, a layer without one of its weights, a vocabulary of another size than the matrices
that embed it. llama.cpp refuses most of these with an anonymous "failed to load model"; this
module says which value is wrong, in pure Python, before llama.cpp sees the file. What only
running the model shows (NaN weights) is the trial load's (`trial_load`).
"""

from __future__ import annotations

import re
from collections import defaultdict

from hearth.core.errors import ModelFileError
from hearth.core.models.gguf_header import GGUFHeader

_BLOCK_TENSOR = re.compile(r"^blk\.(\d+)\.(.+)$")
_CONVERTED_WRONGLY = "The file was converted wrongly; download another conversion of this model."


def check_runnable(header: GGUFHeader) -> None:
    """Raise `ModelFileError` naming the value that makes this model impossible to run.

    Only for models: a LoRA adapter has no heads or vocabulary of its own."""
    if header.is_lora or header.file_kind != "model":
        return
    _check_heads(header)
    _check_rope(header)
    _check_blocks(header)
    _check_vocabulary(header)


def _refuse(header: GGUFHeader, what: str) -> ModelFileError:
    return ModelFileError(f"{header.path.name} cannot be run: {what}. {_CONVERTED_WRONGLY}")


def _arch_value(header: GGUFHeader, suffix: str) -> object:
    arch = header.architecture
    return None if arch is None else header.metadata.get(f"{arch}.{suffix}")


def _ints(value: object) -> tuple[int, ...]:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, tuple) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return tuple(value)
    return ()


def _check_heads(header: GGUFHeader) -> None:
    heads = _ints(_arch_value(header, "attention.head_count"))
    # Per-layer lists may hold 0 for layers without attention (hybrid models); a single count
    # of 0, or a list of zeros, means no attention anywhere, which no llama.cpp model runs.
    if heads and not any(heads):
        raise _refuse(header, "its header says it has 0 attention heads")


def _check_rope(header: GGUFHeader) -> None:
    rope = _ints(_arch_value(header, "rope.dimension_count"))
    if rope and not any(rope):
        raise _refuse(header, "its header gives the rope (position encoding) a dimension of 0")


def _check_blocks(header: GGUFHeader) -> None:
    """Every layer holds the same kinds of weight as the others, and every layer is there."""
    blocks: dict[int, set[str]] = defaultdict(set)
    for tensor in header.tensors:
        match = _BLOCK_TENSOR.match(tensor.name)
        if match is not None:
            blocks[int(match.group(1))].add(match.group(2))
    if not blocks:
        return
    count = header.block_count
    if count is not None and 0 < count <= 100_000:
        absent = [i for i in range(count) if i not in blocks]
        if absent:
            raise _refuse(
                header,
                f"its header says {count} layers, but layer {absent[0]} has no weights",
            )
    # Hybrid models differ from layer to layer, but a kind of weight that all but one or
    # two layers have is one that those layers are missing.
    kinds: dict[str, int] = defaultdict(int)
    for names in blocks.values():
        for name in names:
            kinds[name] += 1
    layers = len(blocks)
    if layers < 3:
        common = set.union(*blocks.values())
    else:
        common = {name for name, n in kinds.items() if n >= layers - max(1, layers // 10)}
    for index in sorted(blocks):
        missing = sorted(common - blocks[index])
        if missing:
            raise _refuse(header, f"the weight blk.{index}.{missing[0]} is missing")


def _check_vocabulary(header: GGUFHeader) -> None:
    tokens = header.vocab_size
    embedding = next((t for t in header.tensors if t.name == "token_embd.weight"), None)
    if not tokens or embedding is None or len(embedding.shape) != 2:
        return
    rows = embedding.shape[1]  # ggml order: (width, rows)
    if rows != tokens:
        raise _refuse(
            header,
            f"its vocabulary lists {tokens} tokens but its embedding matrix has {rows} rows",
        )
