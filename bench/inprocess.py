"""The baseline: a plain in-process llama-cpp-python generate loop, driven over a pipe.

    python -m bench.inprocess      (JSON lines: one request on stdin, one answer on stdout)

`hearth bench` runs this as a child so that the Hearth process itself never loads llama.cpp
(import-linter holds hearth.cli to that), and so that its requests can be interleaved with the
engine path's on the same file, threads and context: drift on a shared machine hits both.
The loop is what a user of llama-cpp-python would write: tokenize, `Llama.generate`, stop
after n tokens. Same sampler settings as the engine's requests.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import llama_cpp
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

# For a model without a chat template of its own.
CHATML = "<|im_start|>user\n{text}<|im_end|>\n<|im_start|>assistant\n"


def _without_repacking_on_amx() -> None:
    """Load as the engine host does: on AMX CPUs llama.cpp 0.3.36's repacked weights crash
    (SIGSEGV) on SmolLM2, Gemma 3 and the 1B-shape Q4_K_M model, so both paths go without."""
    from hearth.core.engine.host import repacking_is_safe

    if repacking_is_safe(llama_cpp.llama_print_system_info().decode("utf-8", "replace")):
        return
    original = llama_cpp.llama_cpp.llama_model_default_params

    def plain() -> Any:
        params = original()
        params.use_extra_bufts = False
        return params

    llama_cpp.llama_cpp.llama_model_default_params = plain


class Baseline:
    def __init__(self) -> None:
        self.llm: llama_cpp.Llama | None = None
        self.formatter: Jinja2ChatFormatter | None = None

    def load(self, req: dict[str, Any]) -> dict[str, Any]:
        if self.llm is not None:
            self.llm.close()
            self.llm = None
        started = time.perf_counter()
        _without_repacking_on_amx()
        self.llm = llama_cpp.Llama(
            model_path=req["model"],
            n_ctx=req["context"],
            n_batch=req["batch"],
            n_threads=req["threads"],
            n_threads_batch=req["threads"],
            n_gpu_layers=req.get("gpu_layers", 0),
            flash_attn=req.get("flash_attn", False),
            type_k=req.get("type_k"),
            type_v=req.get("type_v"),
            use_mmap=True,
            verbose=bool(req.get("verbose", False)),
        )
        load_ms = (time.perf_counter() - started) * 1000
        # The model's own chat template, rendered the way llama-cpp-python's chat completion
        # renders it, so that both paths process the same prompt tokens.
        template = self.llm.metadata.get("tokenizer.chat_template")
        self.formatter = None
        if template:
            self.formatter = Jinja2ChatFormatter(
                template,
                eos_token=self._text(self.llm.token_eos()),
                bos_token=self._text(self.llm.token_bos()),
            )
        return {"load_ms": load_ms}

    def _text(self, token: int) -> str:
        assert self.llm is not None
        return self.llm.detokenize([token], special=True).decode("utf-8", "replace")

    def prompt_tokens(self, text: str) -> list[int]:
        llm = self.llm
        assert llm is not None
        if self.formatter is None:
            return llm.tokenize(CHATML.format(text=text).encode(), add_bos=True, special=True)
        prompt = self.formatter(messages=[{"role": "user", "content": text}]).prompt
        bos = self._text(llm.token_bos())
        add_bos = not (bos and prompt.startswith(bos))  # the template may write it already
        return llm.tokenize(prompt.encode(), add_bos=add_bos, special=True)

    def generate(self, req: dict[str, Any]) -> dict[str, Any]:
        llm = self.llm
        assert llm is not None
        tokens = self.prompt_tokens(req["text"])
        started = time.perf_counter()
        first = None
        produced = 0
        for _token in llm.generate(
            tokens,
            temp=req.get("temperature", 0.2),
            top_k=40,
            top_p=0.95,
            min_p=0.05,
            repeat_penalty=1.1,
        ):
            produced += 1
            if first is None:
                first = time.perf_counter()
            if produced >= req["max_tokens"]:
                break
        ended = time.perf_counter()
        assert first is not None
        return {
            "prompt_tokens": len(tokens),
            "output_tokens": produced,
            "ttft_ms": (first - started) * 1000,
            "decode_tokens_per_s": (produced - 1) / (ended - first) if produced > 1 else 0.0,
        }


def main() -> int:
    baseline = Baseline()
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing llama.cpp or Python prints may corrupt the answers
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "quit":
            break
        answer = baseline.load(req) if op == "load" else baseline.generate(req)
        out.write(json.dumps(answer) + "\n")
        out.flush()
    if baseline.llm is not None:
        baseline.llm.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
