"""Tests for the GGUF header reader: valid files, and every way a side-loaded file can be bad."""

from __future__ import annotations

import os
import random
import struct
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gguf
import numpy as np
import pytest

from hearth.core.errors import ModelFileError
from hearth.core.models import gguf_header
from hearth.core.models.gguf_header import (
    GGML_TYPE_SIZES,
    LLAMA_FILE_TYPES,
    GGUFHeader,
    read_gguf_header,
)

CHAT_TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}"
VOCAB_SIZE = 150_000


# --- building files ---------------------------------------------------------------------------


def write_model(
    path: Path,
    *,
    heads: int | Sequence[int] = 4,
    kv_heads: int | Sequence[int] = 2,
    embedding: int = 16,
    vocab_size: int = 300,
    extra: Callable[[gguf.GGUFWriter], None] | None = None,
) -> Path:
    """Write a small but complete llama-style GGUF with gguf's own writer."""
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("Tiny Test Llama")
    writer.add_context_length(4096)
    writer.add_block_count(2)
    writer.add_embedding_length(embedding)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_chat_template(CHAT_TEMPLATE)
    writer.add_file_type(15)  # Q4_K_M
    writer.add_array("test.small_ints", [1, 2, 3])
    writer.add_uint32("test.aaaa", 1)
    writer.add_uint32("test.bbbb", 2)
    writer.add_token_list([f"tok{i}" for i in range(vocab_size)])
    writer.add_token_scores([0.0] * vocab_size)
    if extra is not None:
        extra(writer)
    writer.add_tensor("token_embd.weight", np.ones((8, 16), dtype=np.float32))
    writer.add_tensor("blk.0.attn_q.weight", np.ones((16, 32), dtype=np.float16))
    writer.add_tensor("output_norm.weight", np.ones(32, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


SCALAR_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}


@dataclass
class KVLayout:
    start: int  # the key's u64 length
    type_at: int  # the u32 value type
    value_at: int  # the value (for an array: its u32 element type, then its u64 count)


@dataclass
class TensorLayout:
    start: int  # the name's u64 length
    n_dims_at: int
    dims_at: int
    type_at: int
    offset_at: int


@dataclass
class Layout:
    kvs: dict[str, KVLayout]
    tensors: dict[str, TensorLayout]
    header_end: int


def layout(data: bytes) -> Layout:
    """Find where each field of a well-formed GGUF lies, so tests can damage it precisely."""
    pos = 24
    tensor_count, kv_count = struct.unpack_from("<QQ", data, 8)

    def string() -> str:
        nonlocal pos
        (length,) = struct.unpack_from("<Q", data, pos)
        pos += 8 + length
        return data[pos - length : pos].decode()

    def skip_value(value_type: int) -> None:
        nonlocal pos
        if value_type == 8:
            string()
        elif value_type == 9:
            element_type, count = struct.unpack_from("<IQ", data, pos)
            pos += 12
            for _ in range(count):
                skip_value(element_type)
        else:
            pos += SCALAR_SIZES[value_type]

    kvs = {}
    for _ in range(kv_count):
        start = pos
        key = string()
        (value_type,) = struct.unpack_from("<I", data, pos)
        kvs[key] = KVLayout(start, pos, pos + 4)
        pos += 4
        skip_value(value_type)
    tensors = {}
    for _ in range(tensor_count):
        start = pos
        name = string()
        (n_dims,) = struct.unpack_from("<I", data, pos)
        dims_at = pos + 4
        type_at = dims_at + 8 * n_dims
        tensors[name] = TensorLayout(start, pos, dims_at, type_at, type_at + 4)
        pos = type_at + 12
    return Layout(kvs, tensors, pos)


@pytest.fixture
def model(tmp_path: Path) -> Path:
    return write_model(tmp_path / "tiny-llama.Q4_K_M.gguf")


@pytest.fixture
def model_bytes(model: Path) -> bytes:
    return model.read_bytes()


def damaged(path: Path, data: bytes | bytearray) -> Path:
    bad = path.with_name("damaged.gguf")
    bad.write_bytes(bytes(data))
    return bad


def patched(path: Path, data: bytes, fmt: str, offset: int, *values: Any) -> Path:
    buffer = bytearray(data)
    struct.pack_into(fmt, buffer, offset, *values)
    return damaged(path, buffer)


def refuse(path: Path, pattern: str) -> ModelFileError:
    """Assert the file is refused with a message naming it and matching `pattern`."""
    with pytest.raises(ModelFileError, match=pattern) as caught:
        read_gguf_header(path)
    assert str(path) in str(caught.value)
    return caught.value


# --- valid files ------------------------------------------------------------------------------


def test_reads_a_valid_file(model: Path) -> None:
    header = read_gguf_header(model)

    assert isinstance(header, GGUFHeader)
    assert header.path == model
    assert header.version == 3
    assert header.file_size == model.stat().st_size
    assert header.architecture == "llama"
    assert header.name == "Tiny Test Llama"
    assert header.context_length == 4096
    assert header.block_count == 2
    assert header.embedding_length == 16
    assert header.head_count == 4
    assert header.head_count_kv == 2
    assert header.chat_template == CHAT_TEMPLATE
    assert header.file_type == 15
    assert header.quantization == "Q4_K_M"
    assert header.parameter_count == 8 * 16 + 16 * 32 + 32
    assert header.data_offset % 32 == 0


def test_tensor_shapes_are_in_ggml_order(model: Path) -> None:
    tensors = {tensor.name: tensor for tensor in read_gguf_header(model).tensors}

    assert tensors["token_embd.weight"].shape == (16, 8)
    assert tensors["token_embd.weight"].ggml_type == 0
    assert tensors["token_embd.weight"].nbytes == 8 * 16 * 4
    assert tensors["blk.0.attn_q.weight"].shape == (32, 16)
    assert tensors["blk.0.attn_q.weight"].ggml_type == 1
    assert tensors["blk.0.attn_q.weight"].nbytes == 16 * 32 * 2
    assert tensors["output_norm.weight"].shape == (32,)
    assert tensors["token_embd.weight"].offset == 0


def test_keeps_small_arrays_and_only_the_length_of_big_ones(model: Path) -> None:
    header = read_gguf_header(model)

    assert header.metadata["test.small_ints"] == (1, 2, 3)
    assert header.array_lengths["test.small_ints"] == 3
    assert "tokenizer.ggml.tokens" not in header.metadata
    assert "tokenizer.ggml.scores" not in header.metadata
    assert header.array_lengths["tokenizer.ggml.tokens"] == 300
    assert header.array_lengths["tokenizer.ggml.scores"] == 300


def test_metadata_cannot_be_changed(model: Path) -> None:
    header = read_gguf_header(model)

    with pytest.raises(TypeError):
        header.metadata["general.name"] = "other"  # type: ignore[index]


def test_parses_a_150k_token_vocabulary(tmp_path: Path) -> None:
    # Not timed: the CI machines are shared and noisy. It must parse, and quickly in practice.
    path = write_model(tmp_path / "big-vocab.gguf", vocab_size=VOCAB_SIZE)

    header = read_gguf_header(path)

    assert header.array_lengths["tokenizer.ggml.tokens"] == VOCAB_SIZE
    assert "tokenizer.ggml.tokens" not in header.metadata
    assert header.context_length == 4096


def test_accepts_a_custom_alignment(tmp_path: Path) -> None:
    path = write_model(tmp_path / "aligned.gguf", extra=lambda w: w.add_custom_alignment(64))

    header = read_gguf_header(path)

    assert header.metadata["general.alignment"] == 64
    assert header.data_offset % 64 == 0


def test_accepts_a_file_without_tensors(tmp_path: Path) -> None:
    writer = gguf.GGUFWriter(tmp_path / "vocab-only.gguf", "llama")
    writer.add_token_list(["a", "b"])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    header = read_gguf_header(tmp_path / "vocab-only.gguf")

    assert header.tensors == ()
    assert header.parameter_count == 0
    assert header.metadata["tokenizer.ggml.tokens"] == ("a", "b")


def test_accepts_per_layer_head_counts(tmp_path: Path) -> None:
    path = write_model(tmp_path / "per-layer.gguf", heads=[4, 8], kv_heads=[2, 0])

    header = read_gguf_header(path)

    assert header.head_count == 8
    assert header.head_count_kv == 2


def test_keeps_small_nested_arrays(tmp_path: Path) -> None:
    path = write_model(
        tmp_path / "nested.gguf", extra=lambda w: w.add_array("test.nested", [[1, 2], [3]])
    )

    assert read_gguf_header(path).metadata["test.nested"] == ((1, 2), (3,))


def test_an_unknown_tensor_type_is_not_refused(model: Path, model_bytes: bytes) -> None:
    where = layout(model_bytes).tensors["output_norm.weight"]
    path = patched(model, model_bytes, "<I", where.type_at, 200)

    tensor = read_gguf_header(path).tensors[-1]

    assert tensor.ggml_type == 200
    assert tensor.nbytes is None


def test_accepts_a_str_path(model: Path) -> None:
    assert read_gguf_header(str(model)).path == model


# --- the tables agree with gguf-py ------------------------------------------------------------


def test_type_sizes_match_gguf() -> None:
    # gguf-py still lists Q8_1 with the float scales of 2023 (40 bytes); ggml has used two
    # halves (36 bytes) since. Q8_1 is an activation-only type that no model file contains.
    stale = {gguf.GGMLQuantizationType.Q8_1}
    for code, sizes in GGML_TYPE_SIZES.items():
        if code in stale:
            continue
        assert gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(code)] == sizes, code


def test_file_type_names_match_gguf() -> None:
    for code, name in LLAMA_FILE_TYPES.items():
        member = gguf.LlamaFileType(code).name
        assert member in {f"MOSTLY_{name}", f"ALL_{name}"}, (code, name, member)


# --- not a GGUF at all ------------------------------------------------------------------------


def test_refuses_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.write_bytes(b"")

    refuse(path, r"is empty \(0 bytes\)")


def test_refuses_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "model.zip.gguf"
    path.write_bytes(b"PK\x03\x04" + bytes(100))

    refuse(path, "ZIP archive")


def test_refuses_unknown_bytes(tmp_path: Path) -> None:
    path = tmp_path / "random.gguf"
    path.write_bytes(b"\x7fELF" + bytes(100))

    refuse(path, r"is not a GGUF model file \(it starts with b'\\x7fELF'\)\. Choose a \.gguf")


def test_refuses_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.gguf"
    path.write_text("These are my notes, not a model.\n")

    refuse(path, r"is not a GGUF model file \(it starts with b'Thes'\)")


def test_refuses_a_web_page(tmp_path: Path) -> None:
    path = tmp_path / "download.gguf"
    path.write_text("<!DOCTYPE html><html><body>Sign in</body></html>")

    refuse(path, "web page")


def test_refuses_a_git_lfs_pointer(tmp_path: Path) -> None:
    path = tmp_path / "pointer.gguf"
    path.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n")

    refuse(path, "Git LFS pointer")


# --- versions ---------------------------------------------------------------------------------


def test_refuses_version_1(model: Path, model_bytes: bytes) -> None:
    refuse(patched(model, model_bytes, "<I", 4, 1), "GGUF version 1, an obsolete format")


def test_refuses_a_newer_version(model: Path, model_bytes: bytes) -> None:
    refuse(patched(model, model_bytes, "<I", 4, 99), "version 99, a newer format than this Hearth")


def test_refuses_version_0(model: Path, model_bytes: bytes) -> None:
    refuse(patched(model, model_bytes, "<I", 4, 0), "version 0")


def test_refuses_a_big_endian_file(model: Path, model_bytes: bytes) -> None:
    refuse(patched(model, model_bytes, ">I", 4, 3), "big-endian")


def test_accepts_version_2(model: Path, model_bytes: bytes) -> None:
    assert read_gguf_header(patched(model, model_bytes, "<I", 4, 2)).version == 2


# --- truncation -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 4, 10, 23])
def test_refuses_a_file_cut_in_the_fixed_header(model: Path, model_bytes: bytes, size: int) -> None:
    refuse(
        damaged(model, model_bytes[:size]), "is truncated: .* the fixed header. Download it again"
    )


def test_refuses_a_file_cut_so_early_its_counts_cannot_fit(model: Path, model_bytes: bytes) -> None:
    cut = layout(model_bytes).kvs["general.name"].start + 8 + 3

    refuse(damaged(model, model_bytes[:cut]), "claims 14 metadata entries, .* truncated or damaged")


def test_refuses_a_file_cut_inside_a_key(model: Path, model_bytes: bytes) -> None:
    cut = layout(model_bytes).kvs["test.bbbb"].start + 8 + 3

    refuse(damaged(model, model_bytes[:cut]), r"is truncated: .* metadata entry \d+ of \d+\.")


def test_refuses_a_file_cut_inside_a_string_value(model: Path, model_bytes: bytes) -> None:
    cut = layout(model_bytes).kvs["tokenizer.chat_template"].value_at + 8 + 10

    refuse(damaged(model, model_bytes[:cut]), "is truncated: .*'tokenizer.chat_template'")


def test_refuses_a_file_cut_inside_a_big_array(model: Path, model_bytes: bytes) -> None:
    cut = layout(model_bytes).kvs["tokenizer.ggml.scores"].value_at + 100

    refuse(damaged(model, model_bytes[:cut]), "truncated.*'tokenizer.ggml.scores'")


def test_refuses_a_file_cut_inside_a_tensor_info(model: Path, model_bytes: bytes) -> None:
    cut = layout(model_bytes).tensors["blk.0.attn_q.weight"].dims_at + 4

    refuse(damaged(model, model_bytes[:cut]), r"is truncated: .*tensor 2 of 3 \('blk.0.attn_q")


def test_refuses_a_file_cut_before_the_data(model: Path, model_bytes: bytes) -> None:
    cut = layout(model_bytes).header_end

    refuse(damaged(model, model_bytes[:cut]), "is truncated")


def test_refuses_a_file_cut_inside_the_tensor_data(model: Path, model_bytes: bytes) -> None:
    refuse(
        damaged(model, model_bytes[:-20]),
        "is truncated or damaged: tensor 'output_norm.weight' lies at bytes .* Download it again",
    )


# --- absurd counts and lengths ----------------------------------------------------------------


def test_refuses_an_absurd_kv_count(model: Path, model_bytes: bytes) -> None:
    path = patched(model, model_bytes, "<Q", 16, 2**62)

    refuse(path, rf"claims {2**62:,} metadata entries, which cannot fit in a file of .* damaged")


def test_refuses_an_absurd_tensor_count(model: Path, model_bytes: bytes) -> None:
    path = patched(model, model_bytes, "<Q", 8, 2**40)

    refuse(path, rf"claims {2**40:,} tensors, which cannot fit")


def test_refuses_an_absurd_key_length(model: Path, model_bytes: bytes) -> None:
    start = layout(model_bytes).kvs["general.name"].start

    refuse(patched(model, model_bytes, "<Q", start, 2**63), "claims a text of .* bytes .* damaged")


def test_refuses_an_absurd_string_value_length(model: Path, model_bytes: bytes) -> None:
    value_at = layout(model_bytes).kvs["tokenizer.chat_template"].value_at

    refuse(patched(model, model_bytes, "<Q", value_at, 2**40), "claims a text of .*chat_template")


def test_refuses_an_absurd_string_length_inside_a_big_array(
    model: Path, model_bytes: bytes
) -> None:
    # The 51st token's length: past the first refill of the reader's fast path's locals.
    value_at = layout(model_bytes).kvs["tokenizer.ggml.tokens"].value_at
    length_at = value_at + 12 + sum(8 + len(f"tok{i}") for i in range(50))

    refuse(patched(model, model_bytes, "<Q", length_at, 2**40), "claims a text of .*tokens")


def test_refuses_an_absurd_array_count(model: Path, model_bytes: bytes) -> None:
    value_at = layout(model_bytes).kvs["tokenizer.ggml.scores"].value_at

    path = patched(model, model_bytes, "<Q", value_at + 4, 2**60)

    refuse(path, rf"claims an array of {2**60:,} values .*tokenizer.ggml.scores.* damaged")


def test_refuses_an_unknown_value_type(model: Path, model_bytes: bytes) -> None:
    type_at = layout(model_bytes).kvs["test.aaaa"].type_at

    refuse(patched(model, model_bytes, "<I", type_at, 77), "unknown type 77 .*'test.aaaa'")


def test_refuses_arrays_nested_too_deep(tmp_path: Path) -> None:
    deep: list[Any] = [1]
    for _ in range(gguf_header.MAX_ARRAY_NESTING):
        deep = [deep]
    path = write_model(tmp_path / "deep.gguf", extra=lambda w: w.add_array("test.deep", deep))

    refuse(path, "nests arrays more than")


# --- keys -------------------------------------------------------------------------------------


def test_refuses_duplicate_keys(model: Path, model_bytes: bytes) -> None:
    data = model_bytes.replace(b"test.bbbb", b"test.aaaa")

    refuse(damaged(model, data), "the metadata key 'test.aaaa' twice")


def test_refuses_a_key_that_is_not_utf8(model: Path, model_bytes: bytes) -> None:
    data = model_bytes.replace(b"test.bbbb", b"test.\xff\xfe\xfd\xfc")

    refuse(damaged(model, data), "metadata key that is not valid UTF-8")


def test_tolerates_invalid_utf8_in_a_value(tmp_path: Path) -> None:
    path = write_model(tmp_path / "odd.gguf", extra=lambda w: w.add_string("test.text", "ab\u00e9"))
    data = path.read_bytes().replace("ab\u00e9".encode(), b"ab\xff\xfe")

    header = read_gguf_header(damaged(path, data))

    assert header.metadata["test.text"] == "ab\ufffd\ufffd"


# --- alignment --------------------------------------------------------------------------------


@pytest.mark.parametrize("alignment", [0, 3, 48])
def test_refuses_an_alignment_that_is_not_a_power_of_two(tmp_path: Path, alignment: int) -> None:
    path = write_model(
        tmp_path / "align.gguf", extra=lambda w: w.add_uint32("general.alignment", alignment)
    )

    refuse(path, f"alignment of {alignment}, which is not a power of two")


def test_refuses_an_alignment_of_the_wrong_type(tmp_path: Path) -> None:
    path = write_model(
        tmp_path / "align.gguf", extra=lambda w: w.add_string("general.alignment", "32")
    )

    refuse(path, "general.alignment as something other than a 32-bit unsigned number")


# --- tensors ----------------------------------------------------------------------------------


def test_refuses_a_tensor_offset_past_the_end(model: Path, model_bytes: bytes) -> None:
    offset_at = layout(model_bytes).tensors["blk.0.attn_q.weight"].offset_at

    path = patched(model, model_bytes, "<Q", offset_at, 2**40)

    refuse(path, "truncated or damaged: tensor 'blk.0.attn_q.weight' lies at bytes")


def test_refuses_an_unknown_type_tensor_past_the_end(model: Path, model_bytes: bytes) -> None:
    where = layout(model_bytes).tensors["output_norm.weight"]
    buffer = bytearray(model_bytes)
    struct.pack_into("<I", buffer, where.type_at, 200)
    struct.pack_into("<Q", buffer, where.offset_at, 2**20)

    refuse(damaged(model, buffer), "tensor 'output_norm.weight' lies at bytes")


def test_refuses_a_misaligned_tensor_offset(model: Path, model_bytes: bytes) -> None:
    offset_at = layout(model_bytes).tensors["blk.0.attn_q.weight"].offset_at
    (offset,) = struct.unpack_from("<Q", model_bytes, offset_at)

    path = patched(model, model_bytes, "<Q", offset_at, offset + 4)

    refuse(path, "not a multiple of the file's alignment")


def test_refuses_duplicate_tensor_names(tmp_path: Path) -> None:
    def add_k(writer: gguf.GGUFWriter) -> None:
        writer.add_tensor("blk.0.attn_k.weight", np.ones((16, 32), dtype=np.float16))

    path = write_model(tmp_path / "twice.gguf", extra=add_k)
    # A name of the same length keeps every offset valid.
    data = path.read_bytes().replace(b"blk.0.attn_k.weight", b"blk.0.attn_q.weight")

    refuse(damaged(path, data), "two tensors named 'blk.0.attn_q.weight'")


def test_refuses_a_zero_dimension(model: Path, model_bytes: bytes) -> None:
    dims_at = layout(model_bytes).tensors["token_embd.weight"].dims_at

    refuse(patched(model, model_bytes, "<Q", dims_at, 0), r"has shape \(0, 8\)")


def test_refuses_a_shape_too_big_to_exist(model: Path, model_bytes: bytes) -> None:
    dims_at = layout(model_bytes).tensors["token_embd.weight"].dims_at

    path = patched(model, model_bytes, "<QQ", dims_at, 2**40, 2**40)

    refuse(path, "more than any computer can hold")


def test_refuses_too_many_dimensions(model: Path, model_bytes: bytes) -> None:
    n_dims_at = layout(model_bytes).tensors["token_embd.weight"].n_dims_at

    refuse(patched(model, model_bytes, "<I", n_dims_at, 1000), "has 1,000 dimensions")


def test_refuses_rows_that_do_not_fill_quantization_blocks(model: Path, model_bytes: bytes) -> None:
    type_at = layout(model_bytes).tensors["token_embd.weight"].type_at

    path = patched(model, model_bytes, "<I", type_at, gguf.GGMLQuantizationType.Q8_0)

    refuse(path, "rows of 16 values, which do not divide into .* blocks of 32")


# --- llama.cpp's assertions -------------------------------------------------------------------


def test_refuses_heads_not_divisible_by_kv_heads(tmp_path: Path) -> None:
    path = write_model(tmp_path / "heads.gguf", heads=4, kv_heads=3)

    refuse(path, "says 4 attention heads but 3 key/value heads, which llama.cpp cannot run")


def test_refuses_per_layer_heads_not_divisible(tmp_path: Path) -> None:
    path = write_model(tmp_path / "heads.gguf", heads=[4, 6], kv_heads=[2, 4])

    refuse(path, "6 attention heads but 4 key/value heads")


def test_refuses_an_embedding_not_divisible_by_heads(tmp_path: Path) -> None:
    path = write_model(tmp_path / "embd.gguf", embedding=18, heads=4, kv_heads=4)

    refuse(path, "embedding length of 18 split over 4 attention heads")


def test_accepts_an_odd_embedding_with_an_explicit_key_length(tmp_path: Path) -> None:
    path = write_model(
        tmp_path / "embd.gguf",
        embedding=18,
        heads=4,
        kv_heads=4,
        extra=lambda w: w.add_key_length(8),
    )

    assert read_gguf_header(path).embedding_length == 18


# --- the file system --------------------------------------------------------------------------


def test_refuses_a_missing_file(tmp_path: Path) -> None:
    refuse(tmp_path / "nowhere.gguf", "does not exist")


def test_refuses_a_directory(tmp_path: Path) -> None:
    refuse(tmp_path, "is a folder, not a model file")


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="POSIX links")
def test_refuses_a_symlink_loop(tmp_path: Path) -> None:
    os.symlink(tmp_path / "b.gguf", tmp_path / "a.gguf")
    os.symlink(tmp_path / "a.gguf", tmp_path / "b.gguf")

    refuse(tmp_path / "a.gguf", "symbolic link that points back to itself")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_refuses_a_named_pipe_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.gguf"
    os.mkfifo(fifo)

    refuse(fifo, "is not a regular file")


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root and Windows ignore mode bits"
)
def test_refuses_an_unreadable_file(model: Path) -> None:
    model.chmod(0)
    try:
        refuse(model, "Hearth is not allowed to read")
    finally:
        model.chmod(0o644)


def test_refuses_a_path_with_a_nul_byte(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="not a valid file path"):
        read_gguf_header(f"{tmp_path}/a\0b.gguf")


def test_refuses_a_file_deleted_between_checks(
    model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_stat = os.stat

    def stat_then_delete(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        result = real_stat(path, *args, **kwargs)
        if Path(path) == model:
            model.unlink()
        return result

    monkeypatch.setattr(gguf_header.os, "stat", stat_then_delete)

    refuse(model, "disappeared while Hearth was reading it")


def test_refuses_a_file_that_changes_while_read(
    model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fstat = os.fstat
    calls = 0

    def fstat_then_append(fd: int) -> os.stat_result:
        nonlocal calls
        calls += 1
        result = real_fstat(fd)
        if calls == 1:
            with model.open("ab") as file:
                file.write(bytes(64))
        return result

    monkeypatch.setattr(gguf_header.os, "fstat", fstat_then_append)

    refuse(model, "changed while Hearth was reading it")


# --- fuzzing ----------------------------------------------------------------------------------


def test_damaged_files_never_raise_anything_else(tmp_path: Path, model_bytes: bytes) -> None:
    rng = random.Random(20240611)
    header_end = layout(model_bytes).header_end
    path = tmp_path / "fuzz.gguf"
    accepted = 0
    messages: list[str] = []
    for _ in range(300):
        data = bytearray(model_bytes)
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(header_end)
            data[position] = rng.choice([0, 0xFF, rng.randrange(256), data[position] ^ 0x80])
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        path.write_bytes(bytes(data))
        try:
            read_gguf_header(path)
        except ModelFileError as exc:  # anything else fails the test with its traceback
            messages.append(str(exc))
        else:
            accepted += 1
    assert accepted + len(messages) == 300
    assert len(messages) > 100
    assert all(str(path) in message for message in messages)


EXTREMES = (0, 1, 7, 2**31, 2**32 - 1, 2**32, 2**62, 2**63 - 1, 2**64 - 1)


def crafted_corpus(data: bytes) -> list[tuple[str, bytes]]:
    """Every count, length, type and offset field of a real file set to extreme values."""
    where = layout(data)
    fields: list[tuple[str, str, int]] = [("tensor_count", "<Q", 8), ("kv_count", "<Q", 16)]
    for key, kv in where.kvs.items():
        fields.append((f"{key}: key length", "<Q", kv.start))
        fields.append((f"{key}: value type", "<I", kv.type_at))
        fields.append((f"{key}: value or array type", "<I", kv.value_at))
        if data[kv.type_at] == 9:  # an array: its count follows the element type
            fields.append((f"{key}: array count", "<Q", kv.value_at + 4))
    for name, tensor in where.tensors.items():
        fields.append((f"{name}: name length", "<Q", tensor.start))
        fields.append((f"{name}: dimensions", "<I", tensor.n_dims_at))
        fields.append((f"{name}: first dimension", "<Q", tensor.dims_at))
        fields.append((f"{name}: type", "<I", tensor.type_at))
        fields.append((f"{name}: offset", "<Q", tensor.offset_at))
    corpus = []
    for label, fmt, offset in fields:
        limit = 2 ** (8 * struct.calcsize(fmt)) - 1
        for value in EXTREMES:
            buffer = bytearray(data)
            struct.pack_into(fmt, buffer, offset, min(value, limit))
            corpus.append((f"{label} = {value}", bytes(buffer)))
    return corpus


def shuffled_corpus(data: bytes, count: int) -> list[tuple[str, bytes]]:
    """Structural damage: spans of the header deleted, repeated, or swapped with others."""
    rng = random.Random(7)
    header_end = layout(data).header_end
    corpus = []
    for i in range(count):
        start = rng.randrange(4, header_end)
        length = rng.randint(1, 64)
        span = data[start : start + length]
        choice = i % 3
        if choice == 0:
            mutated = data[:start] + data[start + length :]
        elif choice == 1:
            mutated = data[:start] + span * rng.randint(2, 5) + data[start:]
        else:
            other = rng.randrange(4, header_end)
            mutated = data[:other] + span + data[other + len(span) :]
        corpus.append((f"shuffle {i}", mutated))
    return corpus


def test_hundreds_of_crafted_files_are_refused_or_read_and_none_hangs(
    tmp_path: Path, model_bytes: bytes
) -> None:
    corpus = crafted_corpus(model_bytes) + shuffled_corpus(model_bytes, 150)
    assert len(corpus) > 400
    path = tmp_path / "crafted.gguf"
    messages: list[str] = []
    slowest = 0.0
    for _label, data in corpus:
        path.write_bytes(data)
        started = time.perf_counter()
        try:
            read_gguf_header(path)
        except ModelFileError as exc:  # anything else fails the test with its traceback
            messages.append(str(exc))
        slowest = max(slowest, time.perf_counter() - started)
    assert len(messages) > len(corpus) // 2
    assert all(str(path) in message for message in messages)
    # Bounded work per file: no loop or allocation is sized by an unchecked count.
    assert slowest < 1.0
