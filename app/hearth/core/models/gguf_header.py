"""Read and vet the header of a GGUF model file before llama.cpp ever opens it.

A side-loaded GGUF is untrusted input. llama.cpp validates most of a header, but some
malformed headers make it abort the whole process (a failed `GGML_ASSERT` is SIGABRT, not an
exception), and a crash of the engine host is a poor way to tell someone that their download
is damaged. So every file goes through `read_gguf_header` first: a pure standard-library
parser that walks the header with bounded, buffered reads and turns every problem into a
`ModelFileError` whose message names the file and says what to do about it.

Only small metadata values are kept (scalars, strings and arrays of at most
`MAX_KEPT_ARRAY_LENGTH` elements); the large arrays, such as a tokenizer's 150,000-entry
vocabulary, are skipped over and only their lengths are recorded.
"""

from __future__ import annotations

import math
import os
import stat
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO, Final

from hearth.core.errors import ModelFileError
from hearth.core.models.file_checks import (
    CHOOSE_GGUF,
    changed_while_reading,
    file_identity,
    stat_regular_file,
    unreadable,
    vanished_while_reading,
)

__all__ = [
    "GGML_TYPE_SIZES",
    "LLAMA_FILE_TYPES",
    "MAX_KEPT_ARRAY_LENGTH",
    "GGUFHeader",
    "TensorInfo",
    "read_gguf_header",
]

GGUF_MAGIC: Final = b"GGUF"
SUPPORTED_VERSIONS: Final = (2, 3)
DEFAULT_ALIGNMENT: Final = 32
MAX_KEPT_ARRAY_LENGTH: Final = 64
MAX_STRING_BYTES: Final = 64 * 1024 * 1024
MAX_ARRAY_NESTING: Final = 4
# llama.cpp itself allows 4; 8 leaves room for a future ggml without accepting garbage.
MAX_TENSOR_DIMS: Final = 8
_MAX_ELEMENTS: Final = 2**63
_FIXED_HEADER_BYTES: Final = 24  # magic, u32 version, u64 tensor_count, u64 kv_count
_MIN_KV_BYTES: Final = 13  # u64 key length, empty key, u32 type, one-byte value
_MIN_TENSOR_INFO_BYTES: Final = 24  # u64 name length, u32 n_dims, u32 type, u64 offset
_CHUNK_BYTES: Final = 1024 * 1024

_TYPE_STRING: Final = 8
_TYPE_ARRAY: Final = 9
_TYPE_UINT32: Final = 4

# GGUF metadata value type -> struct format of its scalar encoding.
_SCALAR_FORMATS: Final[Mapping[int, struct.Struct]] = {
    0: struct.Struct("<B"),
    1: struct.Struct("<b"),
    2: struct.Struct("<H"),
    3: struct.Struct("<h"),
    4: struct.Struct("<I"),
    5: struct.Struct("<i"),
    6: struct.Struct("<f"),
    7: struct.Struct("<B"),  # bool, decoded below
    10: struct.Struct("<Q"),
    11: struct.Struct("<q"),
    12: struct.Struct("<d"),
}
_TYPE_BOOL: Final = 7
_MIN_ELEMENT_BYTES: Final[Mapping[int, int]] = {
    **{code: fmt.size for code, fmt in _SCALAR_FORMATS.items()},
    _TYPE_STRING: 8,
    _TYPE_ARRAY: 12,
}
_U32: Final = struct.Struct("<I")
_U64: Final = struct.Struct("<Q")

# ggml tensor type -> (elements per block, bytes per block), as in ggml's type traits.
GGML_TYPE_SIZES: Final[Mapping[int, tuple[int, int]]] = MappingProxyType(
    {
        0: (1, 4),  # F32
        1: (1, 2),  # F16
        2: (32, 18),  # Q4_0
        3: (32, 20),  # Q4_1
        6: (32, 22),  # Q5_0
        7: (32, 24),  # Q5_1
        8: (32, 34),  # Q8_0
        9: (32, 36),  # Q8_1
        10: (256, 84),  # Q2_K
        11: (256, 110),  # Q3_K
        12: (256, 144),  # Q4_K
        13: (256, 176),  # Q5_K
        14: (256, 210),  # Q6_K
        15: (256, 292),  # Q8_K
        16: (256, 66),  # IQ2_XXS
        17: (256, 74),  # IQ2_XS
        18: (256, 98),  # IQ3_XXS
        19: (256, 50),  # IQ1_S
        20: (32, 18),  # IQ4_NL
        21: (256, 110),  # IQ3_S
        22: (256, 82),  # IQ2_S
        23: (256, 136),  # IQ4_XS
        24: (1, 1),  # I8
        25: (1, 2),  # I16
        26: (1, 4),  # I32
        27: (1, 8),  # I64
        28: (1, 8),  # F64
        29: (256, 56),  # IQ1_M
        30: (1, 2),  # BF16
        34: (256, 54),  # TQ1_0
        35: (256, 66),  # TQ2_0
        39: (32, 17),  # MXFP4
    }
)

# llama.cpp's LLAMA_FTYPE values (the `general.file_type` key) -> the name people know.
LLAMA_FILE_TYPES: Final[Mapping[int, str]] = MappingProxyType(
    {
        0: "F32",
        1: "F16",
        2: "Q4_0",
        3: "Q4_1",
        7: "Q8_0",
        8: "Q5_0",
        9: "Q5_1",
        10: "Q2_K",
        11: "Q3_K_S",
        12: "Q3_K_M",
        13: "Q3_K_L",
        14: "Q4_K_S",
        15: "Q4_K_M",
        16: "Q5_K_S",
        17: "Q5_K_M",
        18: "Q6_K",
        19: "IQ2_XXS",
        20: "IQ2_XS",
        21: "Q2_K_S",
        22: "IQ3_XS",
        23: "IQ3_XXS",
        24: "IQ1_S",
        25: "IQ4_NL",
        26: "IQ3_S",
        27: "IQ3_M",
        28: "IQ2_S",
        29: "IQ2_M",
        30: "IQ4_XS",
        31: "IQ1_M",
        32: "BF16",
        36: "TQ1_0",
        37: "TQ2_0",
        38: "MXFP4_MOE",
    }
)

# What a file that is not a GGUF usually is, so the message can say something useful.
_FOREIGN_MAGICS: Final = (
    (b"PK\x03\x04", "a ZIP archive; if it holds a .gguf file, extract that first"),
    (b"version https://git-lfs", "a Git LFS pointer, not the model itself; download the real file"),
    (b"lmgg", "an old GGML model from before GGUF (2023), which llama.cpp no longer reads"),
    (b"fmgg", "an old GGMF model from before GGUF (2023), which llama.cpp no longer reads"),
    (b"tjgg", "an old GGJT model from before GGUF (2023), which llama.cpp no longer reads"),
    (b"<!DOCTYPE", "a web page, not a model; the download probably saved an error page"),
    (b"<!doctype", "a web page, not a model; the download probably saved an error page"),
    (b"<html", "a web page, not a model; the download probably saved an error page"),
)
_DOWNLOAD_AGAIN: Final = "Download it again or copy the whole file."


@dataclass(frozen=True)
class TensorInfo:
    """One tensor's entry in the header.

    `shape` is in ggml order (the innermost, contiguous dimension first), as stored in the
    file. `offset` is relative to the start of the data section. `nbytes` is None for a
    tensor type this module does not know (a newer quantization).
    """

    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int
    nbytes: int | None


@dataclass(frozen=True)
class GGUFHeader:
    """What a GGUF file's header says, after it has been checked.

    `metadata` holds the scalars, strings and small arrays (as tuples); `array_lengths`
    holds the length of every array-valued key, including the large ones left out of
    `metadata`.
    """

    path: Path
    version: int
    file_size: int
    metadata: Mapping[str, object] = field(hash=False)
    array_lengths: Mapping[str, int] = field(hash=False)
    tensors: tuple[TensorInfo, ...]
    data_offset: int

    @property
    def architecture(self) -> str | None:
        """`general.architecture`, such as "llama"."""
        return _str_value(self.metadata, "general.architecture")

    @property
    def name(self) -> str | None:
        """`general.name`, the model's name as its converter wrote it."""
        return _str_value(self.metadata, "general.name")

    @property
    def chat_template(self) -> str | None:
        """`tokenizer.chat_template`, the Jinja template for chat prompts."""
        return _str_value(self.metadata, "tokenizer.chat_template")

    @property
    def file_type(self) -> int | None:
        """`general.file_type`, llama.cpp's LLAMA_FTYPE number."""
        return _int_value(self.metadata, "general.file_type")

    @property
    def quantization(self) -> str | None:
        """The file type's usual name ("Q4_K_M"), or None when absent or unknown."""
        file_type = self.file_type
        return None if file_type is None else LLAMA_FILE_TYPES.get(file_type)

    @property
    def parameter_count(self) -> int:
        """The number of weights over all tensors."""
        return sum(math.prod(tensor.shape) for tensor in self.tensors)

    @property
    def context_length(self) -> int | None:
        """The context length the model was trained for."""
        return self._arch_int("context_length")

    @property
    def block_count(self) -> int | None:
        """The number of transformer layers."""
        return self._arch_int("block_count")

    @property
    def embedding_length(self) -> int | None:
        """The width of the hidden state."""
        return self._arch_int("embedding_length")

    @property
    def head_count(self) -> int | None:
        """Attention heads; for per-layer counts, the largest (a safe memory estimate)."""
        return self._arch_int("attention.head_count")

    @property
    def head_count_kv(self) -> int | None:
        """Key/value heads; for per-layer counts, the largest (a safe memory estimate)."""
        return self._arch_int("attention.head_count_kv")

    @property
    def key_length(self) -> int | None:
        """Width of one head's keys, when the file says (Qwen3, Gemma: not width / heads)."""
        return self._arch_int("attention.key_length")

    @property
    def value_length(self) -> int | None:
        """Width of one attention head's values, when the file says."""
        return self._arch_int("attention.value_length")

    @property
    def vocab_size(self) -> int:
        """Tokens in the vocabulary (0 for a file without one, such as an adapter)."""
        return self.array_lengths.get("tokenizer.ggml.tokens", 0)

    @property
    def file_kind(self) -> str:
        """`general.type`: "model" (also when absent, as in older files), "adapter", ..."""
        return _str_value(self.metadata, "general.type") or "model"

    @property
    def adapter_type(self) -> str | None:
        """`adapter.type` of an adapter file, such as "lora"."""
        return _str_value(self.metadata, "adapter.type")

    @property
    def is_lora(self) -> bool:
        return self.file_kind == "adapter" and self.adapter_type == "lora"

    @property
    def lora_alpha(self) -> float | None:
        value = self.metadata.get("adapter.lora.alpha")
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def _arch_int(self, suffix: str) -> int | None:
        arch = self.architecture
        return None if arch is None else _int_value(self.metadata, f"{arch}.{suffix}")


def read_gguf_header(path: str | os.PathLike[str]) -> GGUFHeader:
    """Read and check the header of the GGUF file at `path`.

    Raises `ModelFileError`, naming the file and what to do, for anything that is not a
    sound GGUF file: a missing or unreadable path, another kind of file, an old or too new
    GGUF version, a truncated or damaged header, tensors that lie outside the file, and the
    few inconsistencies that would make llama.cpp abort instead of failing cleanly.
    """
    try:
        file_path = Path(os.fspath(path))
    except TypeError as exc:
        raise ModelFileError(f"{path!r} is not a file path. {CHOOSE_GGUF}") from exc
    before = stat_regular_file(file_path)
    try:
        with open(file_path, "rb") as file:
            opened = os.fstat(file.fileno())
            if not stat.S_ISREG(opened.st_mode) or file_identity(opened) != file_identity(before):
                raise changed_while_reading(file_path)
            try:
                header = _Parser(file, file_path, opened.st_size).parse()
            finally:
                # A file still being written looks truncated; say what is really going on.
                if file_identity(os.fstat(file.fileno())) != file_identity(opened):
                    raise changed_while_reading(file_path)
    except FileNotFoundError as exc:
        raise vanished_while_reading(file_path) from exc
    except OSError as exc:
        raise unreadable(file_path, exc) from exc
    except MemoryError as exc:  # a last line of defence; the parser's bounds should prevent it
        raise ModelFileError(
            f"{file_path} has a header too large to read into memory — the file is damaged. "
            f"{_DOWNLOAD_AGAIN}"
        ) from exc
    _check_attention_shape(header)
    return header


# --- buffered reading ------------------------------------------------------------------------


class _Reader:
    """Bounded, buffered little-endian reads from an open file.

    Every read that would pass the end of the file raises a `ModelFileError` naming
    `self.where`, the part of the header being read, which the parser keeps up to date.
    """

    def __init__(self, file: BinaryIO, path: Path, size: int) -> None:
        self._file = file
        self._path = path
        self.size = size
        self.where = "the fixed header"
        self._buf = b""
        self._pos = 0  # read position inside _buf
        self._base = 0  # file offset of _buf[0]; the file's own position is _base + len(_buf)

    def tell(self) -> int:
        return self._base + self._pos

    def remaining(self) -> int:
        return self.size - self.tell()

    def truncated(self) -> ModelFileError:
        return ModelFileError(
            f"{self._path} is truncated: the file ends (at byte {self.size:,}) in the middle "
            f"of {self.where}. {_DOWNLOAD_AGAIN}"
        )

    def _fill(self, n: int) -> None:
        available = len(self._buf) - self._pos
        if available >= n:
            return
        more = self._file.read(max(n - available, _CHUNK_BYTES))
        self._base += self._pos
        self._buf = self._buf[self._pos :] + more
        self._pos = 0
        if len(self._buf) < n:
            raise self.truncated()

    def take(self, n: int) -> bytes:
        self._fill(n)
        start = self._pos
        self._pos += n
        return self._buf[start : self._pos]

    def unpack(self, fmt: struct.Struct) -> int | float:
        self._fill(fmt.size)
        (value,) = fmt.unpack_from(self._buf, self._pos)
        self._pos += fmt.size
        result: int | float = value
        return result

    def u32(self) -> int:
        return int(self.unpack(_U32))

    def u64(self) -> int:
        return int(self.unpack(_U64))

    def skip(self, n: int) -> None:
        if n <= len(self._buf) - self._pos:
            self._pos += n
            return
        target = self.tell() + n
        if target > self.size:
            raise self.truncated()
        self._file.seek(target)
        self._base, self._buf, self._pos = target, b"", 0

    def skip_strings(self, count: int, check_length: Callable[[int], None]) -> None:
        """Skip `count` GGUF strings: the hot loop for a tokenizer's vocabulary (400,000
        strings with its merges), so it works on locals: a string that ends inside the buffer
        also ends inside the file, and only the others need the file-size checks."""
        unpack_u64 = _U64.unpack_from
        buf, pos = self._buf, self._pos
        end = len(buf)
        for _ in range(count):
            if pos + 8 > end:
                self._pos = pos
                self._fill(8)
                buf, pos = self._buf, self._pos
                end = len(buf)
            (length,) = unpack_u64(buf, pos)
            pos += 8
            if pos + length <= end and length <= MAX_STRING_BYTES:
                pos += length
                continue
            self._pos = pos
            if length > MAX_STRING_BYTES or length > self.size - self.tell():
                check_length(length)
            self.skip(length)
            buf, pos = self._buf, self._pos
            end = len(buf)
        self._pos = pos


# --- parsing ---------------------------------------------------------------------------------


class _Parser:
    """Walks one file's header; `parse` returns the header or raises `ModelFileError`."""

    def __init__(self, file: BinaryIO, path: Path, size: int) -> None:
        self._path = path
        self._size = size
        self._reader = _Reader(file, path, size)
        self._metadata: dict[str, object] = {}
        self._types: dict[str, int] = {}
        self._array_lengths: dict[str, int] = {}

    def parse(self) -> GGUFHeader:
        version, tensor_count, kv_count = self._read_fixed_header()
        self._check_counts(tensor_count, kv_count)
        for index in range(kv_count):
            self._read_kv(index, kv_count)
        alignment = self._alignment()
        tensor_infos = [
            self._read_tensor_info(index, tensor_count) for index in range(tensor_count)
        ]
        header_end = self._reader.tell()
        data_offset = -(-header_end // alignment) * alignment
        tensors = self._check_tensors(tensor_infos, alignment, data_offset)
        return GGUFHeader(
            path=self._path,
            version=version,
            file_size=self._size,
            metadata=MappingProxyType(self._metadata),
            array_lengths=MappingProxyType(self._array_lengths),
            tensors=tuple(tensors),
            data_offset=data_offset,
        )

    # The fixed header.

    def _read_fixed_header(self) -> tuple[int, int, int]:
        if self._size == 0:
            raise ModelFileError(f"{self._path} is empty (0 bytes). {_DOWNLOAD_AGAIN}")
        reader = self._reader
        head = reader.take(min(self._size, len(GGUF_MAGIC)))
        if head != GGUF_MAGIC:
            if GGUF_MAGIC.startswith(head):
                raise reader.truncated()
            raise self._not_gguf(head)
        version = reader.u32()
        self._check_version(version)
        return version, reader.u64(), reader.u64()

    def _not_gguf(self, head: bytes) -> ModelFileError:
        reader = self._reader
        start = head + reader.take(min(64, reader.remaining()))
        for magic, what in _FOREIGN_MAGICS:
            if start.lstrip().startswith(magic):
                return ModelFileError(f"{self._path} is {what}. {CHOOSE_GGUF}")
        return ModelFileError(
            f"{self._path} is not a GGUF model file (it starts with {head!r}). {CHOOSE_GGUF}"
        )

    def _check_version(self, version: int) -> None:
        if version in SUPPORTED_VERSIONS:
            return
        if version == 1:
            raise ModelFileError(
                f"{self._path} uses GGUF version 1, an obsolete format from 2023 that llama.cpp "
                "no longer reads. Download a current .gguf of this model."
            )
        if int.from_bytes(version.to_bytes(4, "little"), "big") in SUPPORTED_VERSIONS:
            raise ModelFileError(
                f"{self._path} is a big-endian GGUF (made for IBM mainframes), which cannot run "
                "on this computer. Download the ordinary (little-endian) .gguf of this model."
            )
        if version == 0:
            raise ModelFileError(
                f"{self._path} has GGUF version 0, which does not exist — the file is damaged. "
                f"{_DOWNLOAD_AGAIN}"
            )
        raise ModelFileError(
            f"{self._path} uses GGUF version {version}, a newer format than this Hearth "
            "understands. Update Hearth, or choose a file made for an older llama.cpp."
        )

    def _check_counts(self, tensor_count: int, kv_count: int) -> None:
        # Each entry takes at least a few bytes, so counts the file could not hold are damage,
        # caught here before any loop or allocation is sized by them.
        room = self._size - _FIXED_HEADER_BYTES
        if kv_count * _MIN_KV_BYTES > room:
            raise self._cannot_fit(f"{kv_count:,} metadata entries")
        if tensor_count * _MIN_TENSOR_INFO_BYTES > room - kv_count * _MIN_KV_BYTES:
            raise self._cannot_fit(f"{tensor_count:,} tensors")

    def _cannot_fit(self, what: str) -> ModelFileError:
        return ModelFileError(
            f"{self._path} claims {what}, which cannot fit in a file of {self._size:,} bytes "
            f"— the file is truncated or damaged. {_DOWNLOAD_AGAIN}"
        )

    # Strings.

    def _check_string_length(self, length: int) -> None:
        if length > self._size:
            raise self._cannot_fit(f"a text of {length:,} bytes in {self._reader.where}")
        if length > self._reader.remaining():
            raise self._reader.truncated()
        if length > MAX_STRING_BYTES:
            raise ModelFileError(
                f"{self._path} has a text of {length:,} bytes in {self._reader.where}, more than "
                f"the {MAX_STRING_BYTES // (1024 * 1024)} MiB any model needs — the file is "
                f"damaged. {_DOWNLOAD_AGAIN}"
            )

    def _read_raw_string(self) -> bytes:
        length = self._reader.u64()
        self._check_string_length(length)
        return self._reader.take(length)

    def _read_text(self) -> str:
        # Values are only shown or templated, so a stray invalid byte need not refuse the file.
        return self._read_raw_string().decode("utf-8", errors="replace")

    # Key/value pairs.

    def _read_kv(self, index: int, count: int) -> None:
        reader = self._reader
        reader.where = f"metadata entry {index + 1:,} of {count:,}"
        raw_key = self._read_raw_string()
        try:
            key = raw_key.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ModelFileError(
                f"{self._path} has a metadata key that is not valid UTF-8 text ({raw_key[:40]!r}) "
                f"in {reader.where} — the file is damaged. {_DOWNLOAD_AGAIN}"
            ) from exc
        if key in self._types:
            raise ModelFileError(
                f"{self._path} has the metadata key {key!r} twice, so its meaning is ambiguous "
                f"— the file is damaged or was converted wrongly. {_DOWNLOAD_AGAIN}"
            )
        reader.where = f"metadata entry {index + 1:,} of {count:,} ({key!r})"
        value_type = reader.u32()
        self._types[key] = value_type
        if value_type == _TYPE_ARRAY:
            kept, length = self._read_array(depth=1, keep=True)
            self._array_lengths[key] = length
            if kept is not None:
                self._metadata[key] = kept
        else:
            self._metadata[key] = self._read_scalar(value_type)

    def _check_value_type(self, value_type: int) -> None:
        if value_type not in _MIN_ELEMENT_BYTES:
            raise ModelFileError(
                f"{self._path} has a value of unknown type {value_type} in {self._reader.where} "
                f"— the file is damaged or newer than this Hearth. {_DOWNLOAD_AGAIN}"
            )

    def _read_scalar(self, value_type: int) -> object:
        self._check_value_type(value_type)
        if value_type == _TYPE_STRING:
            return self._read_text()
        value = self._reader.unpack(_SCALAR_FORMATS[value_type])
        return bool(value) if value_type == _TYPE_BOOL else value

    def _read_array(self, depth: int, keep: bool) -> tuple[tuple[object, ...] | None, int]:
        """Read one array; return its elements (None unless kept) and its length."""
        reader = self._reader
        if depth > MAX_ARRAY_NESTING:
            raise ModelFileError(
                f"{self._path} nests arrays more than {MAX_ARRAY_NESTING} deep in "
                f"{reader.where} — the file is damaged. {_DOWNLOAD_AGAIN}"
            )
        element_type = reader.u32()
        self._check_value_type(element_type)
        length = reader.u64()
        if length * _MIN_ELEMENT_BYTES[element_type] > reader.remaining():
            if length * _MIN_ELEMENT_BYTES[element_type] <= self._size:
                raise reader.truncated()
            raise self._cannot_fit(f"an array of {length:,} values in {reader.where}")
        keep = keep and length <= MAX_KEPT_ARRAY_LENGTH
        if keep:
            return self._read_kept_elements(element_type, length, depth), length
        self._skip_elements(element_type, length, depth)
        return None, length

    def _read_kept_elements(
        self, element_type: int, length: int, depth: int
    ) -> tuple[object, ...] | None:
        if element_type != _TYPE_ARRAY:
            return tuple(self._read_scalar(element_type) for _ in range(length))
        elements: list[object] = []
        for _ in range(length):
            inner, _inner_length = self._read_array(depth + 1, keep=True)
            elements.append(inner)
        # An array holding a large array is not small, however few elements it has.
        return None if any(inner is None for inner in elements) else tuple(elements)

    def _skip_elements(self, element_type: int, length: int, depth: int) -> None:
        if element_type == _TYPE_STRING:
            self._reader.skip_strings(length, self._check_string_length)
        elif element_type == _TYPE_ARRAY:
            for _ in range(length):
                self._read_array(depth + 1, keep=False)
        else:
            self._reader.skip(length * _SCALAR_FORMATS[element_type].size)

    def _alignment(self) -> int:
        if "general.alignment" not in self._types:
            return DEFAULT_ALIGNMENT
        value = self._metadata.get("general.alignment")
        # llama.cpp reads this key with an assertion on its type: a wrong type aborts it.
        if self._types["general.alignment"] != _TYPE_UINT32 or not isinstance(value, int):
            raise ModelFileError(
                f"{self._path} stores general.alignment as something other than a 32-bit "
                f"unsigned number — the file is damaged. {_DOWNLOAD_AGAIN}"
            )
        if value <= 0 or value & (value - 1):
            raise ModelFileError(
                f"{self._path} has a data alignment of {value}, which is not a power of two "
                f"— the file is damaged. {_DOWNLOAD_AGAIN}"
            )
        return value

    # Tensor infos.

    def _read_tensor_info(self, index: int, count: int) -> tuple[str, tuple[int, ...], int, int]:
        reader = self._reader
        reader.where = f"tensor {index + 1:,} of {count:,}"
        name = self._read_raw_string().decode("utf-8", errors="backslashreplace")
        reader.where = f"tensor {index + 1:,} of {count:,} ({name!r})"
        n_dims = reader.u32()
        if n_dims > MAX_TENSOR_DIMS:
            raise ModelFileError(
                f"{self._path} says {reader.where} has {n_dims:,} dimensions (at most "
                f"{MAX_TENSOR_DIMS} make sense) — the file is damaged. {_DOWNLOAD_AGAIN}"
            )
        shape = tuple(reader.u64() for _ in range(n_dims))
        ggml_type = reader.u32()
        offset = reader.u64()
        return name, shape, ggml_type, offset

    def _check_tensors(
        self,
        infos: list[tuple[str, tuple[int, ...], int, int]],
        alignment: int,
        data_offset: int,
    ) -> list[TensorInfo]:
        if infos and data_offset > self._size:
            self._reader.where = "the padding before the tensor data"
            raise self._reader.truncated()
        seen: set[str] = set()
        tensors = []
        for name, shape, ggml_type, offset in infos:
            if name in seen:
                raise ModelFileError(
                    f"{self._path} has two tensors named {name!r} — the file is damaged or was "
                    f"converted wrongly. {_DOWNLOAD_AGAIN}"
                )
            seen.add(name)
            tensors.append(self._check_tensor(name, shape, ggml_type, offset, alignment))
            self._check_tensor_extent(tensors[-1], data_offset)
        return tensors

    def _check_tensor(
        self, name: str, shape: tuple[int, ...], ggml_type: int, offset: int, alignment: int
    ) -> TensorInfo:
        damaged = f"— the file is damaged. {_DOWNLOAD_AGAIN}"
        if any(dim == 0 for dim in shape):
            raise ModelFileError(f"{self._path} says tensor {name!r} has shape {shape} {damaged}")
        elements = math.prod(shape)
        if elements >= _MAX_ELEMENTS:
            raise ModelFileError(
                f"{self._path} says tensor {name!r} has {elements:,} elements, more than any "
                f"computer can hold {damaged}"
            )
        if offset % alignment:
            raise ModelFileError(
                f"{self._path} places tensor {name!r} at offset {offset:,}, which is not a "
                f"multiple of the file's alignment ({alignment}) {damaged}"
            )
        sizes = GGML_TYPE_SIZES.get(ggml_type)
        if sizes is None:
            # A quantization newer than this table: llama.cpp will judge it; do not refuse.
            return TensorInfo(name, shape, ggml_type, offset, None)
        block_size, type_size = sizes
        row = shape[0] if shape else 1
        if row % block_size:
            raise ModelFileError(
                f"{self._path} says tensor {name!r} has rows of {row:,} values, which do "
                f"not divide into its quantization's blocks of {block_size} {damaged}"
            )
        return TensorInfo(name, shape, ggml_type, offset, elements // block_size * type_size)

    def _check_tensor_extent(self, tensor: TensorInfo, data_offset: int) -> None:
        start = data_offset + tensor.offset
        end = start + (tensor.nbytes if tensor.nbytes is not None else 1)
        if end > self._size:
            raise ModelFileError(
                f"{self._path} is truncated or damaged: tensor {tensor.name!r} lies at bytes "
                f"{start:,}–{end:,}, but the file has only {self._size:,} bytes. "
                f"{_DOWNLOAD_AGAIN}"
            )


# --- llama.cpp's own assertions --------------------------------------------------------------


def _check_attention_shape(header: GGUFHeader) -> None:
    """Refuse head counts that make llama.cpp abort (GGML_ASSERT) instead of failing cleanly."""
    arch = header.architecture
    if arch is None:
        return
    metadata = header.metadata
    heads = _per_layer(metadata.get(f"{arch}.attention.head_count"))
    kv_heads = _per_layer(metadata.get(f"{arch}.attention.head_count_kv"))
    if heads and kv_heads:
        layers = max(len(heads), len(kv_heads))
        for layer in range(layers):
            head, kv_head = _at(heads, layer), _at(kv_heads, layer)
            # Zero marks a layer without attention (hybrid and recurrent models).
            if head and kv_head and head % kv_head:
                raise _bad_attention(
                    header, f"{head} attention heads but {kv_head} key/value heads"
                )
    embedding = _int_value(metadata, f"{arch}.embedding_length")
    key_length = f"{arch}.attention.key_length"
    has_key_length = key_length in metadata or key_length in header.array_lengths
    # llama.cpp derives the head size from layer 0's head count when none is given.
    if heads and embedding and heads[0] and not has_key_length and embedding % heads[0]:
        raise _bad_attention(
            header, f"an embedding length of {embedding} split over {heads[0]} attention heads"
        )


def _bad_attention(header: GGUFHeader, what: str) -> ModelFileError:
    return ModelFileError(
        f"{header.path} is not usable: its header says {what}, which llama.cpp cannot run; the "
        "file was converted wrongly. Download another conversion of this model."
    )


def _per_layer(value: object) -> tuple[int, ...]:
    """A per-layer count as a tuple (one entry for a scalar); empty if absent or not ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,)
    if isinstance(value, tuple) and value and all(_is_int(item) for item in value):
        return tuple(int(item) for item in value)
    return ()


def _at(values: tuple[int, ...], layer: int) -> int:
    return values[0] if len(values) == 1 else values[layer] if layer < len(values) else 0


# --- metadata access -------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_value(metadata: Mapping[str, object], key: str) -> int | None:
    values = _per_layer(metadata.get(key))
    return max(values) if values else None


def _str_value(metadata: Mapping[str, object], key: str) -> str | None:
    value = metadata.get(key)
    return value if isinstance(value, str) else None
