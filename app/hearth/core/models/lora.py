"""Does a LoRA adapter belong to a base model? Checked from both headers, before llama.cpp.

llama.cpp refuses a mismatched adapter only when the model is loaded, with a message about
tensor shapes that means nothing to the person who picked the file. The same checks, made
here when the adapter is attached, say which model it was made for instead.
"""

from __future__ import annotations

from hearth.core.errors import ModelFileError
from hearth.core.models.gguf_header import GGUFHeader, TensorInfo

_A, _B = ".lora_a", ".lora_b"


def check_is_lora(adapter: GGUFHeader) -> None:
    if adapter.is_lora:
        return
    what = (
        f"an adapter of type {adapter.adapter_type!r}"
        if adapter.file_kind == "adapter"
        else "a model, not an adapter"
    )
    raise ModelFileError(
        f"{adapter.path.name} is {what}. Choose a LoRA adapter in GGUF format (llama.cpp's "
        "convert_lora_to_gguf.py makes one from a PEFT adapter)."
    )


def check_adapter_matches(adapter: GGUFHeader, base: GGUFHeader) -> None:
    """Raise `ModelFileError` unless `adapter` is a LoRA made for `base`'s architecture/shape."""
    check_is_lora(adapter)
    if base.file_kind == "adapter":
        raise ModelFileError(f"{base.path.name} is an adapter itself; attach to a model.")
    if adapter.architecture != base.architecture:
        raise ModelFileError(
            f"The adapter {adapter.path.name} was made for {adapter.architecture or 'an unknown'} "
            f"models, but {base.path.name} is a {base.architecture or 'model of unknown kind'} "
            "model. Attach it to the model it was trained on."
        )
    tensors = {t.name: t for t in base.tensors}
    pairs = _pairs(adapter)
    if not pairs:
        raise ModelFileError(f"The adapter {adapter.path.name} holds no LoRA weights.")
    for target, (a, b) in sorted(pairs.items()):
        weight = tensors.get(target)
        if weight is None:
            raise ModelFileError(
                f"The adapter {adapter.path.name} changes the layer {target!r}, which "
                f"{base.path.name} does not have: it was made for a different size of model."
            )
        if len(weight.shape) < 2 or len(a.shape) < 2 or len(b.shape) < 2:
            raise ModelFileError(f"The adapter {adapter.path.name} has a malformed {target!r}.")
        if weight.shape[0] != a.shape[0] or weight.shape[1] != b.shape[1]:
            raise ModelFileError(
                f"The adapter {adapter.path.name} does not fit {base.path.name}: its "
                f"{target!r} is for a {a.shape[0]}×{b.shape[1]} layer, the model's is "
                f"{weight.shape[0]}×{weight.shape[1]}. It was made for a different model."
            )
        if a.shape[1] != b.shape[0]:
            raise ModelFileError(
                f"The adapter {adapter.path.name} is damaged or in an old format: the two "
                f"halves of {target!r} do not have the same rank."
            )


def _pairs(adapter: GGUFHeader) -> dict[str, tuple[TensorInfo, TensorInfo]]:
    halves: dict[str, dict[str, TensorInfo]] = {}
    for tensor in adapter.tensors:
        for suffix in (_A, _B):
            if tensor.name.endswith(suffix):
                halves.setdefault(tensor.name[: -len(suffix)], {})[suffix] = tensor
    pairs = {}
    for target, found in halves.items():
        if set(found) != {_A, _B}:
            raise ModelFileError(
                f"The adapter {adapter.path.name} has only one half of {target!r}: it is damaged."
            )
        pairs[target] = (found[_A], found[_B])
    return pairs
