"""Memory read bandwidth of this machine, and the decode speed it allows.

Decoding one token on the CPU reads every weight once (the output projection reads the whole
embedding table when it is tied, as in Llama 3.2), so tokens/s cannot exceed
bandwidth / bytes of tensors. Read bandwidth is measured with numpy reductions over an array
far larger than any cache; single-thread and with one thread per core (numpy releases the GIL
in reductions), best of a few passes.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ARRAY_BYTES = 256 * 1024 * 1024  # far beyond any last-level cache


def read_bandwidth(threads: int = 1, passes: int = 4, size: int = ARRAY_BYTES) -> float:
    """Bytes per second read from memory by `threads` threads summing disjoint slices."""
    data = np.ones(size // 8, dtype=np.float64)  # the fastest numpy reduction here
    slices = np.array_split(data, threads)
    best = float("inf")
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(passes):
            started = time.perf_counter()
            list(pool.map(np.sum, slices))
            best = min(best, time.perf_counter() - started)
    return data.nbytes / best


def tensor_bytes(model: Path) -> int:
    """Bytes of all tensors in a GGUF file: what one decoded token reads."""
    from gguf import GGUFReader

    return sum(int(t.n_bytes) for t in GGUFReader(str(model)).tensors)


_C_KERNEL = r"""
#include <stddef.h>
#include <stdint.h>
uint64_t read_all(const uint64_t *p, size_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (size_t i = 0; i + 4 <= n; i += 4) { a += p[i]; b += p[i+1]; c += p[i+2]; d += p[i+3]; }
    return a + b + c + d;
}
"""


def c_read_bandwidth(threads: int = 1, passes: int = 4, size: int = ARRAY_BYTES) -> float | None:
    """The same with a vectorized C loop (numpy's reductions are not always at the memory
    limit); None when no C compiler is at hand."""
    import ctypes
    import shutil
    import subprocess
    import tempfile

    compiler = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if compiler is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source, library = Path(tmp, "k.c"), Path(tmp, "k.so")
        source.write_text(_C_KERNEL)
        built = subprocess.run(
            [compiler, "-O3", "-march=native", "-shared", "-fPIC", str(source), "-o", str(library)],
            capture_output=True,
            check=False,
        )
        if built.returncode != 0:
            return None
        kernel = ctypes.CDLL(str(library)).read_all
    kernel.restype = ctypes.c_uint64
    kernel.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    data = np.ones(size // 8, dtype=np.uint64)
    slices = np.array_split(data, threads)
    best = float("inf")
    with ThreadPoolExecutor(threads) as pool:  # ctypes releases the GIL during the call
        for _ in range(passes):
            started = time.perf_counter()
            list(pool.map(lambda s: kernel(s.ctypes.data, s.size), slices))
            best = min(best, time.perf_counter() - started)
    return data.nbytes / best


def best_read_bandwidth(
    threads: int = 1, passes: int = 4, size: int = ARRAY_BYTES
) -> tuple[float, str]:
    """The higher of the two measurements, and which method gave it."""
    numpy_bw = read_bandwidth(threads, passes, size)
    c_bw = c_read_bandwidth(threads, passes, size)
    if c_bw is not None and c_bw > numpy_bw:
        return c_bw, "C loop"
    return numpy_bw, "numpy"
