"""The engine host: the one process that runs llama.cpp.

Started by `EngineClient` as `hearth engine-host` (a hidden subcommand, so the PyInstaller
bundle can start it from its own executable). It reads requests from stdin and writes events
to a private copy of stdout; the real fd 1 is pointed at stderr so that nothing llama.cpp
prints can corrupt the protocol. stderr goes to the engine log.

One `Llama` instance lives as long as its model is loaded, so llama.cpp keeps the KV cache of
the previous prompt and a shared prefix is not recomputed. Cancel requests are read on a
separate thread and land within one token during decode, and within one ggml graph step during
prompt processing through llama.cpp's abort callback.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

import llama_cpp
import numpy as np
from llama_cpp.llama_grammar import LlamaGrammar, json_schema_to_gbnf

from hearth.core.engine import protocol as p
from hearth.core.engine.batch_scorer import MAX_PARALLEL, BatchScorer, context_size, shared_prefix
from hearth.core.engine.chat_template import ChatTemplate, Message, choose_template
from hearth.core.engine.kernels import TILED_FROM_TOKENS, passes, resume_at
from hearth.core.engine.log_probs import LogNormalizer, NonFiniteLogits, Row
from hearth.core.engine.prompt_lookup import PromptLookup
from hearth.core.engine.speculative import SpeculativeDecoder
from hearth.core.engine.text_stream import TextStream
from hearth.core.engine.types import GenerateRequest, LoadOptions, ScoreRequest
from hearth.core.errors import ChatTemplateError
from hearth.core.hardware import default_threads
from hearth.core.models.gguf_header import LLAMA_FILE_TYPES
from hearth.core.privacy.network_guard import guard_from_environment

Emit = Callable[[dict[str, Any]], None]

# Tokens per forward pass for batched scoring where the context's layout is not the exact one
# (`LoadOptions.exact_batches`; a GPU): with flash attention and F16 K and V, llama.cpp 0.3.36's
# CPU kernel for passes of 64+ tokens rounds differently (max |logit delta| 0.69 on SmolLM2),
# so scoring feeds it passes of 32. With the exact layout every pass size gives the same logits.
EXACT_UBATCH = 32
# Reading a prompt ahead (`prefill_ahead`) goes in passes of this many tokens, so a cancel
# loses at most one pass (~0.4 s on the 1B shape here); all of them 8+ tokens (`kernels`).
AHEAD_PASS = 64

_GPU_BACKENDS = ("CUDA", "Metal", "Vulkan", "ROCm", "HIP", "SYCL", "OpenCL", "CANN", "MUSA")


class RequestFailed(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def compiled_backends(system_info: str) -> tuple[str, ...]:
    """GPU backends named in llama.cpp's system info ("CUDA : ARCHS = 890 | ...")."""
    found = [name for name in _GPU_BACKENDS if re.search(rf"\b{name}\b", system_info)]
    return ("CPU", *found)


class Channel:
    """The host's side of the pipes."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._lock = threading.Lock()

    def emit(self, message: dict[str, Any]) -> None:
        data = p.encode(message)
        with self._lock:
            self._out.write(data)
            self._out.flush()


class LoadedModel:
    """A `Llama` plus what Hearth needs around it; `close()` frees it."""

    def __init__(self, options: LoadOptions, cancel: threading.Event, emit: Emit, req: int) -> None:
        self.options = options
        self._cancel = cancel
        threads = options.threads or default_threads()
        started = time.perf_counter()
        self.llm, self.exact_layout = _load_llama(options, threads, cancel, emit, req)
        self.load_ms = (time.perf_counter() - started) * 1000
        # Keep the ctypes callback alive as long as the context: llama.cpp holds a raw pointer.
        self._abort_cb = llama_cpp.ggml_abort_callback(lambda _data: cancel.is_set())
        llama_cpp.llama_set_abort_callback(self.llm._ctx.ctx, self._abort_cb, None)
        self._vocab = llama_cpp.llama_model_get_vocab(self.llm._model.model)
        self.threads = threads
        self.template = self._choose_template()
        self._n_vocab = int(self.llm.n_vocab())
        self._normalizer = LogNormalizer(self._n_vocab)
        self._speculative = SpeculativeDecoder(self.llm)
        # Batched work is used only where it gives each token the logits it gets alone
        # (`kernels`): the exact layout (`LoadOptions.exact_batches`, applied on the CPU) and
        # quantized weights. Speculative verification then stays under the tiled kernels' line
        # (passes of up to 7 tokens), which also holds on Gemma 3's sliding-window cache (600
        # positions, passes of 1-7: the same logits to the bit). Scoring runs in the scorer's
        # own context; sequences sharing a prefix's cells were not exact on Gemma 3 (0.5-0.9,
        # measured before the exact layout and not measured since), so a sliding-window model
        # scores here, one text at a time.
        invariant = _batch_invariant_weights(self.llm.metadata)
        swa = int(llama_cpp.llama_model_n_swa(self.llm._model.model))
        self.exact_batches = self.exact_layout and invariant
        self.shares_prefix_exactly = invariant and swa == 0
        self._scorer: BatchScorer | None = None  # made on the first batch: its own context
        self._prompt_computed = 0  # cached tokens a prompt pass computed (see `_prefill`)

    def close(self) -> None:
        self._speculative.close()
        if self._scorer is not None:
            self._scorer.close()
        self.llm.close()

    def info(self) -> dict[str, Any]:
        meta = self.llm.metadata
        n_layers = int(llama_cpp.llama_model_n_layer(self.llm._model.model))
        system_info = llama_cpp.llama_print_system_info().decode("utf-8", "replace")
        gpu_backends = compiled_backends(system_info)[1:]
        wanted = self.options.gpu_layers
        if not llama_cpp.llama_supports_gpu_offload() or not gpu_backends:
            backend, layers = "CPU", 0
            note = "this build of llama.cpp has no GPU backend; running on the CPU"
        elif wanted == 0:
            backend, layers = "CPU", 0
            note = "GPU offload is off in the settings (GPU layers = 0)"
        else:
            layers = n_layers if wanted < 0 else min(wanted, n_layers)
            backend = gpu_backends[0]
            note = f"{layers} of {n_layers} layers on {backend}"
        return {
            "model_path": self.options.model_path,
            "load_ms": round(self.load_ms, 2),
            "context_size": int(self.llm.n_ctx()),
            "threads": self.threads,
            "gpu_layers": layers,
            "backend": backend,
            "gpu_note": note,
            "chat_format": self.template.origin,
            "n_layers": n_layers,
            "architecture": str(meta.get("general.architecture", "unknown")),
            "model_name": str(meta.get("general.name", os.path.basename(self.options.model_path))),
            "quantization": _quantization(meta),
            "lora_path": self.options.lora_path,
        }

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self.llm.detokenize([token], special=True).decode("utf-8", "replace")

    def _is_control_token(self, text: str) -> bool:
        tokens = self.llm.tokenize(text.encode(), add_bos=False, special=True)
        return len(tokens) == 1 and bool(llama_cpp.llama_vocab_is_control(self._vocab, tokens[0]))

    def _choose_template(self) -> ChatTemplate:
        meta = self.llm.metadata
        return choose_template(
            meta.get("tokenizer.chat_template"),
            bos_token=self._token_text(self.llm.token_bos()),
            eos_token=self._token_text(self.llm.token_eos()),
            has_control_token=self._is_control_token,
            model_name=os.path.basename(self.options.model_path),
        )

    def tokenize_prompt(self, prompt: str) -> list[int]:
        # The template writes the BOS token itself when the model wants one; tokenizing with
        # add_bos as well would double it.
        bos_text = self._token_text(self.llm.token_bos())
        add_bos = not (bos_text and prompt.startswith(bos_text))
        add_bos = add_bos and self.llm.metadata.get("tokenizer.ggml.add_bos_token") != "false"
        return self.llm.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)

    def _prompt_tokens(self, messages: Sequence[Message], *, room: int = 1) -> list[int]:
        """The rendered, tokenized prompt, refused early when it leaves no `room` to answer."""
        tokens = self.tokenize_prompt(self.template.render(messages))
        n_ctx = int(self.llm.n_ctx())
        if len(tokens) + room > n_ctx:
            raise RequestFailed(
                p.ERR_TOO_LONG,
                f"The text is too long for the model's context: {len(tokens)} tokens, but the "
                f"context holds {n_ctx}. Shorten the text or raise the context size in settings.",
            )
        return tokens

    def _logits(self, row: int = -1) -> Row:
        """Logits at an output row of the last decode (no `logits_all` needed); a view into
        llama.cpp's buffer, valid until the next decode. Finiteness is checked where they are
        normalized (`LogNormalizer`), in the same pass."""
        pointer = llama_cpp.llama_get_logits_ith(self.llm._ctx.ctx, row)
        return np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))

    def count(self, texts: Sequence[str]) -> list[int]:
        return [len(self.llm.tokenize(t.encode("utf-8"), add_bos=False)) for t in texts]

    def score(self, request: ScoreRequest, emit: Emit, req: int) -> dict[str, Any]:
        """Log-probabilities of each candidate's first token right after the prompt: one
        forward pass over the prompt (most of it usually cached), no sampling."""
        started = time.perf_counter()
        if self.shares_prefix_exactly:
            # The same context and passes as `score_batch`: one text gets the same
            # probabilities alone as in any batch (--parallel 1 vs N).
            batch = self.score_batch([request], 1, emit, req)
            return {
                "ev": p.EV_SCORED,
                "id": req,
                "logprobs": batch["results"][0]["logprobs"],
                "stats": batch["stats"],
            }
        tokens = self._prompt_tokens(request.messages)
        cached = self._prefill(tokens, emit, req)
        groups = self._candidate_ids(request)
        with _finite():
            scores = self._normalizer.group_logprobs(self._logits(), groups)
        elapsed = time.perf_counter() - started
        return {
            "ev": p.EV_SCORED,
            "id": req,
            "logprobs": scores,
            "stats": {
                "prompt_tokens": len(tokens),
                "cached_prompt_tokens": cached,
                "prefill_ms": round(elapsed * 1000, 3),
                "total_ms": round(elapsed * 1000, 3),
                "prefill_tokens_per_s": round((len(tokens) - cached) / elapsed, 3),
            },
        }

    def score_batch(
        self, requests: Sequence[ScoreRequest], parallel: int, emit: Emit, req: int
    ) -> dict[str, Any]:
        """`score` for many prompts, `parallel` of them per forward pass (`BatchScorer`)."""
        started = time.perf_counter()
        if not 1 <= parallel <= MAX_PARALLEL:
            raise RequestFailed(p.ERR_BAD_REQUEST, f"parallel must be 1 to {MAX_PARALLEL}")
        if not self.shares_prefix_exactly:
            return self._score_each(requests, emit, req)
        prompts = [self._prompt_tokens(r.messages) for r in requests]
        groups = [self._candidate_ids(r) for r in requests]
        if not prompts:
            return {"ev": p.EV_SCORED_BATCH, "id": req, "results": [], "stats": {}}
        prefix = shared_prefix(prompts)
        need = context_size(prefix, max(len(t) for t in prompts) - prefix, self.llm.n_batch)
        scorer = self._batch_scorer(parallel, need)
        scores: list[list[float]] = [[] for _ in prompts]

        def read(index: int, row: Row) -> None:
            with _finite():
                scores[index] = self._normalizer.group_logprobs(row, groups[index])

        try:
            cached = scorer.score(prompts, read, self._cancel.is_set)
        except RuntimeError:
            if self._cancel.is_set():
                raise _Cancelled() from None
            raise
        if self._cancel.is_set():
            raise _Cancelled()
        elapsed = time.perf_counter() - started
        computed = sum(len(t) for t in prompts) - prefix * len(prompts) + prefix - cached
        return {
            "ev": p.EV_SCORED_BATCH,
            "id": req,
            "results": [
                {"logprobs": s, "prompt_tokens": len(t), "cached_prompt_tokens": prefix}
                for s, t in zip(scores, prompts, strict=True)
            ],
            "stats": {
                "prompt_tokens": sum(len(t) for t in prompts),
                "cached_prompt_tokens": sum(len(t) for t in prompts) - computed,
                "prefill_ms": round(elapsed * 1000, 3),
                "total_ms": round(elapsed * 1000, 3),
                "prefill_tokens_per_s": round(computed / elapsed, 3) if elapsed > 0 else 0.0,
            },
        }

    def _score_each(self, requests: Sequence[ScoreRequest], emit: Emit, req: int) -> dict[str, Any]:
        """`score_batch` one text at a time, where batching would change the answers."""
        started = time.perf_counter()
        results = []
        for request in requests:
            if self._cancel.is_set():
                raise _Cancelled()
            scored = self.score(request, emit, req)
            results.append(
                {
                    "logprobs": scored["logprobs"],
                    "prompt_tokens": scored["stats"]["prompt_tokens"],
                    "cached_prompt_tokens": scored["stats"]["cached_prompt_tokens"],
                }
            )
        elapsed = time.perf_counter() - started
        prompt = sum(r["prompt_tokens"] for r in results)
        cached = sum(r["cached_prompt_tokens"] for r in results)
        return {
            "ev": p.EV_SCORED_BATCH,
            "id": req,
            "results": results,
            "stats": {
                "prompt_tokens": prompt,
                "cached_prompt_tokens": cached,
                "prefill_ms": round(elapsed * 1000, 3),
                "total_ms": round(elapsed * 1000, 3),
                "prefill_tokens_per_s": round((prompt - cached) / elapsed, 3) if elapsed else 0.0,
            },
        }

    def _batch_scorer(self, parallel: int, n_ctx: int) -> BatchScorer:
        """The multi-sequence context, kept between calls (its prefix stays cached) and
        remade only when a call needs more sequences or cells than it has."""
        if self._scorer is not None and self._scorer.fits(parallel, n_ctx):
            return self._scorer
        if self._scorer is not None:
            parallel = max(parallel, self._scorer.parallel)
            n_ctx = max(n_ctx, self._scorer.n_ctx)
            self._scorer.close()
            self._scorer = None
        self._scorer = BatchScorer(
            self.llm,
            parallel=parallel,
            n_ctx=n_ctx,
            abort_callback=self._abort_cb,
            exact_pass=self.llm.n_batch if self.exact_layout else EXACT_UBATCH,
        )
        return self._scorer

    def _candidate_ids(self, request: ScoreRequest) -> list[list[int]]:
        return [sorted({self._first_token(v) for v in variants}) for variants in request.candidates]

    def _first_token(self, text: str) -> int:
        tokens = self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        if not tokens:
            raise RequestFailed(p.ERR_BAD_REQUEST, f"candidate {text!r} has no tokens")
        return tokens[0]

    def generate(self, request: GenerateRequest, emit: Emit, req: int) -> dict[str, Any]:
        started = time.perf_counter()
        grammar = _grammar(request)
        tokens = self._prompt_tokens(request.messages)
        n_ctx = int(self.llm.n_ctx())
        max_tokens = max(1, min(request.max_tokens, n_ctx - len(tokens)))
        cached = self._prefill(tokens, emit, req)
        prefill_done = time.perf_counter()

        stream = TextStream(request.stop)
        produced = 0
        logprobs: list[float] = []
        first_token_at: float | None = None
        finish = "length"
        speculative = request.speculative and request.temperature == 0 and self.exact_batches
        decoder = self._speculative
        tokens_out = (
            self._speculate(tokens, request, grammar)
            if speculative
            else ((token, -1) for token in self._sample(tokens, request, grammar))
        )
        for token, row in tokens_out:
            if first_token_at is None:
                first_token_at = time.perf_counter()
            if request.logprobs:
                # The distribution this token was drawn from, before temperature and grammar:
                # what the model itself believed.
                with _finite():
                    logprobs.append(self._normalizer.token_logprob(self._logits(row), token))
            if llama_cpp.llama_vocab_is_eog(self._vocab, token):
                finish = "stop"
                break
            produced += 1
            text = stream.feed(self.llm.detokenize([token]))
            if text:
                emit({"ev": p.EV_TOKEN, "id": req, "text": text})
            if stream.stopped:
                finish = "stop"
                break
            if produced >= max_tokens:
                break
            if self._cancel.is_set():
                raise _Cancelled()
        tail = stream.finish()
        if tail:
            emit({"ev": p.EV_TOKEN, "id": req, "text": tail})
        ended = time.perf_counter()
        first = first_token_at or ended
        decode_s = ended - first
        prefill_s = prefill_done - started
        computed = len(tokens) - cached
        return {
            "ev": p.EV_DONE,
            "id": req,
            "text": stream.text,
            "finish_reason": finish,
            "token_logprobs": [round(x, 5) for x in logprobs],
            "stats": {
                "prompt_tokens": len(tokens),
                "cached_prompt_tokens": cached,
                "output_tokens": produced,
                "ttft_ms": round((first - started) * 1000, 3),
                "prefill_ms": round(prefill_s * 1000, 3),
                "decode_ms": round(decode_s * 1000, 3),
                "total_ms": round((ended - started) * 1000, 3),
                "prefill_tokens_per_s": round(computed / prefill_s, 3) if prefill_s > 0 else 0.0,
                # The first token's time is prompt processing; decode speed counts the rest.
                "decode_tokens_per_s": (
                    round((produced - 1) / decode_s, 3) if produced > 1 and decode_s > 0 else 0.0
                ),
                "draft_tokens": decoder.proposed if speculative else 0,
                "accepted_draft_tokens": decoder.accepted if speculative else 0,
            },
        }

    def prefill_ahead(self, request: GenerateRequest, emit: Emit, req: int) -> dict[str, Any]:
        """Read a prompt into the cache before its request comes, in passes of
        `AHEAD_PASS` tokens so a cancel (the user typed on, or pressed Run) keeps what was
        read. The last `TILED_FROM_TOKENS` tokens are left to the request itself: its own
        last pass then has the size it has without reading ahead (`_prefill`)."""
        tokens = self._prompt_tokens(request.messages)
        # Only where reading in other passes leaves every logit as it was (`exact_batches`).
        ahead = tokens[: max(0, len(tokens) - TILED_FROM_TOKENS)] if self.exact_batches else []
        if ahead:
            # A cancel keeps the passes done: `_prompt_computed` counts them.
            with contextlib.suppress(_Cancelled):
                self._prefill(ahead, emit, req, step=AHEAD_PASS)
        return {
            "ev": p.EV_PREFILLED,
            "id": req,
            "prompt_tokens": len(tokens),
            "cached": self._prompt_computed if ahead else 0,
        }

    def _prefill(self, tokens: list[int], emit: Emit, req: int, *, step: int | None = None) -> int:
        """Bring the KV cache to hold `tokens`; returns how many were reused, not computed.

        Done here batch by batch (rather than inside `Llama.generate`) to report progress and
        check for cancel between batches; `generate` then finds the whole prompt cached.
        """
        llm = self.llm
        reused = 0
        # Only tokens a prompt pass computed are reused: an earlier answer's tokens were
        # computed one at a time, by other kernels on K-quant weights (`kernels`).
        cached = llm.input_ids[: min(llm.n_tokens, self._prompt_computed)].tolist()
        for have, want in zip(cached, tokens, strict=False):
            if have != want:
                break
            reused += 1
        # Every pass has at least TILED_FROM_TOKENS tokens, recomputing cached ones where it
        # would be shorter (the last prompt token is always evaluated: sampling needs its fresh
        # logits). On K-quant weights a shorter pass runs on other kernels, and the same
        # request sent twice gave another answer (the 1B shape) or other log-probabilities
        # (Gemma 3, up to 0.14) the second time.
        reused = resume_at(reused, len(tokens))
        self._prompt_computed = reused  # and each pass below adds its tokens
        llm.n_tokens = reused
        emit(
            {"ev": p.EV_PREFILL, "id": req, "done": reused, "total": len(tokens), "cached": reused}
        )
        for start, end in passes(reused, len(tokens), step or llm.n_batch):
            if self._cancel.is_set():
                raise _Cancelled()
            try:
                llm.eval(tokens[start:end])
            except RuntimeError:
                if self._cancel.is_set():  # llama_decode returned 2: our abort callback
                    raise _Cancelled() from None
                raise
            done = llm.n_tokens
            self._prompt_computed = done
            emit(
                {
                    "ev": p.EV_PREFILL,
                    "id": req,
                    "done": done,
                    "total": len(tokens),
                    "cached": reused,
                }
            )
        return reused

    def _speculate(
        self, tokens: list[int], request: GenerateRequest, grammar: LlamaGrammar | None
    ) -> Iterator[tuple[int, int]]:
        """Greedy tokens with prompt-lookup drafts; the same tokens `_sample` would give."""
        # The sampler chain `Llama.generate` builds for the same settings: same penalties,
        # same grammar, same greedy pick.
        sampler = self.llm._init_sampler(
            top_k=request.top_k,
            top_p=request.top_p,
            min_p=request.min_p,
            temp=request.temperature,
            repeat_penalty=request.repeat_penalty,
            grammar=grammar,
        )
        generator = self._speculative.run(sampler, PromptLookup(tokens))
        try:
            yield from generator
        except RuntimeError:
            if self._cancel.is_set():  # llama_decode returned 2: our abort callback
                raise _Cancelled() from None
            raise
        finally:
            generator.close()
            sampler.close()

    def _sample(
        self, tokens: list[int], request: GenerateRequest, grammar: LlamaGrammar | None
    ) -> Iterator[int]:
        if request.seed is not None:
            self.llm.set_seed(request.seed)
        generator = self.llm.generate(
            tokens,
            temp=request.temperature,
            top_k=request.top_k,
            top_p=request.top_p,
            min_p=request.min_p,
            repeat_penalty=request.repeat_penalty,
            grammar=grammar,
        )
        try:
            yield from generator
        except RuntimeError:
            if self._cancel.is_set():
                raise _Cancelled() from None
            raise
        finally:
            generator.close()


class _Cancelled(Exception):
    pass


@contextlib.contextmanager
def _finite() -> Iterator[None]:
    try:
        yield
    except NonFiniteLogits:
        raise RequestFailed(
            p.ERR_MODEL_FILE,
            "The model produced invalid numbers (NaN or infinity), so its answer would be "
            "garbage. The model file is damaged or was converted wrongly; download it again "
            "or choose another model.",
        ) from None


def _grammar(request: GenerateRequest) -> LlamaGrammar | None:
    """The decoding grammar a request asks for; a schema that cannot be expressed is an error,
    never a silent fall back to free-form JSON."""
    if request.grammar is not None:
        return LlamaGrammar.from_string(request.grammar)
    if request.json_schema is None:
        return None
    try:
        gbnf = json_schema_to_gbnf(json.dumps(request.json_schema))
    except (AssertionError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise RequestFailed(
            p.ERR_BAD_REQUEST,
            f"llama.cpp cannot turn this JSON Schema into a decoding grammar ({exc}). Simplify "
            "the schema (plain types, properties, required, enum, arrays).",
        ) from exc
    return LlamaGrammar.from_string(gbnf)


# F32, F16 and BF16 weights: llama.cpp multiplies a batch of tokens by them with another
# kernel than a single token (llamafile's tinyBLAS), which rounds differently (measured on the
# generated F16 test model: greedy text diverged). Quantized weights measured batch-invariant
# with flash attention: Q4_1 (SmolLM2), Q4_K_M (Gemma 3 270M, the 1B-shape model).
_FLOAT_FILE_TYPES = {0, 1, 32}


# See `LoadOptions.exact_batches`: mixed K and V types keep llama.cpp's CPU flash attention on
# the kernel that gives a token the same logits in any pass.
_EXACT_LAYOUT: dict[str, Any] = {
    "flash_attn": True,
    "type_k": llama_cpp.GGML_TYPE_F16,
    "type_v": llama_cpp.GGML_TYPE_Q8_0,
}


def _exact_layout(options: LoadOptions) -> bool:
    """Whether the context is laid out for exact batches: asked for, and the model runs on the
    CPU (a GPU's kernels are another matter; mixed K/V types may not even run there)."""
    on_gpu = options.gpu_layers != 0 and llama_cpp.llama_supports_gpu_offload()
    return options.exact_batches and not on_gpu


def _batch_invariant_weights(meta: dict[str, str]) -> bool:
    try:
        return int(meta["general.file_type"]) not in _FLOAT_FILE_TYPES
    except (KeyError, ValueError):
        return False


def _quantization(meta: dict[str, str]) -> str | None:
    try:
        return LLAMA_FILE_TYPES.get(int(meta["general.file_type"]))
    except (KeyError, ValueError):
        return None


def repacking_is_safe(system_info: str) -> bool:
    """Whether llama.cpp's extra CPU buffer types (weights repacked for AMX and the like) may
    be used. On CPUs with AMX, llama.cpp 0.3.36's repacked weights crash (SIGSEGV) in the
    first multi-token decode of real models (SmolLM2-135M Q4_1, Gemma 3 270M Q4_K_M; tried
    on the project's Xeon machines), while plain weights run them; so AMX CPUs go without."""
    return not re.search(r"\bAMX_INT8 = 1\b", system_info)


@contextlib.contextmanager
def _load_progress(callback: Callable[[float], bool]) -> Iterator[None]:
    """Give the model loader a progress callback; `Llama()` has no parameter for it."""
    original = llama_cpp.llama_cpp.llama_model_default_params
    c_callback = llama_cpp.llama_progress_callback(lambda progress, _data: callback(progress))
    repack = repacking_is_safe(llama_cpp.llama_print_system_info().decode("utf-8", "replace"))

    def with_progress() -> Any:
        params = original()
        params.progress_callback = c_callback
        params.use_extra_bufts = repack
        return params

    llama_cpp.llama_cpp.llama_model_default_params = with_progress
    try:
        yield
    finally:
        llama_cpp.llama_cpp.llama_model_default_params = original


def _load_llama(
    options: LoadOptions, threads: int, cancel: threading.Event, emit: Emit, req: int
) -> tuple[llama_cpp.Llama, bool]:
    """The model with its context, and whether the context has the exact layout."""
    last = [-1.0]

    def progress(fraction: float) -> bool:
        if fraction - last[0] >= 0.05 or fraction >= 1.0:
            last[0] = fraction
            emit({"ev": p.EV_LOAD_PROGRESS, "id": req, "fraction": round(fraction, 3)})
        return not cancel.is_set()

    def load(exact: bool) -> llama_cpp.Llama:
        with _load_progress(progress):
            return llama_cpp.Llama(
                model_path=options.model_path,
                n_ctx=options.context_size,
                n_batch=options.batch_size,
                n_threads=threads,
                n_threads_batch=threads,
                n_gpu_layers=options.gpu_layers,
                use_mmap=True,
                seed=options.seed,
                lora_path=options.lora_path,
                lora_scale=options.lora_scale,
                **(_EXACT_LAYOUT if exact else {}),
                verbose=True,  # llama.cpp's own log goes to the engine log: crash evidence
            )

    exact = _exact_layout(options)
    try:
        try:
            return load(exact), exact
        except ValueError as exc:
            # The model loaded but the context was refused: a Q8_0 V cache needs attention
            # heads a multiple of 32 wide (real models' are; tiny test models' may not be).
            if not exact or cancel.is_set() or "llama_context" not in str(exc):
                raise
            print(f"hearth: exact layout refused ({exc}); llama.cpp's defaults", file=sys.stderr)
            return load(False), False
    except (ValueError, RuntimeError) as exc:
        if cancel.is_set():
            raise _Cancelled() from None
        raise RequestFailed(
            p.ERR_MODEL_FILE,
            f"llama.cpp could not load {options.model_path}: {exc}. The file may be damaged "
            "or made for a newer llama.cpp; download it again or choose another model.",
        ) from exc


class Host:
    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.requests: queue.Queue[dict[str, Any]] = queue.Queue()
        self.cancel = threading.Event()
        self.current: int | None = None
        # Cancels may overtake the request they cancel: remember them until it starts.
        self.cancelled_ids: set[int] = set()
        self.model: LoadedModel | None = None

    def read_requests(self, stdin: IO[bytes]) -> None:
        """Reader thread: cancels act at once; everything else waits its turn."""
        for line in stdin:
            try:
                message = p.decode(line)
            except p.ProtocolError as exc:
                self.channel.emit(
                    {"ev": p.EV_ERROR, "id": None, "kind": p.ERR_BAD_REQUEST, "message": str(exc)}
                )
                continue
            if message.get("op") == p.OP_CANCEL:
                target = message.get("id")
                if isinstance(target, int):
                    self.cancelled_ids.add(target)
                    if target == self.current:
                        self.cancel.set()
            else:
                self.requests.put(message)
        # The app closed our stdin or died: nothing is left to serve, and a model must not
        # keep the machine busy for nobody.
        os._exit(0)

    def serve(self) -> int:
        self.channel.emit(self.hello())
        while True:
            message = self.requests.get()
            op = message.get("op")
            req = message.get("id")
            if op == p.OP_SHUTDOWN:
                if self.model is not None:
                    self.model.close()
                return 0
            self.cancel.clear()
            self.current = req if isinstance(req, int) else None
            if self.current in self.cancelled_ids:
                self.cancel.set()
            try:
                self.channel.emit(self.handle(op, message, req))
            except _Cancelled:
                self.channel.emit({"ev": p.EV_DONE, "id": req, "cancelled": True})
            except RequestFailed as exc:
                self.channel.emit(
                    {"ev": p.EV_ERROR, "id": req, "kind": exc.kind, "message": exc.message}
                )
            except ChatTemplateError as exc:
                self.channel.emit(
                    {"ev": p.EV_ERROR, "id": req, "kind": p.ERR_TEMPLATE, "message": exc.message}
                )
            except Exception as exc:  # noqa: BLE001 - reported to the client; the host lives on
                self.channel.emit(
                    {
                        "ev": p.EV_ERROR,
                        "id": req,
                        "kind": p.ERR_INTERNAL,
                        "message": f"{type(exc).__name__}: {exc}",
                    }
                )
            finally:
                self.current = None
                self.cancelled_ids.discard(req)

    def hello(self) -> dict[str, Any]:
        system_info = llama_cpp.llama_print_system_info().decode("utf-8", "replace")
        return {
            "ev": p.EV_HELLO,
            "pid": os.getpid(),
            "protocol": p.PROTOCOL_VERSION,
            "llama_cpp_version": getattr(llama_cpp, "__version__", "unknown"),
            "system_info": system_info.strip(),
            "supports_gpu_offload": bool(llama_cpp.llama_supports_gpu_offload()),
            "backends": list(compiled_backends(system_info)),
        }

    def handle(self, op: object, message: dict[str, Any], req: object) -> dict[str, Any]:
        if not isinstance(req, int):
            raise RequestFailed(p.ERR_BAD_REQUEST, "request without an integer id")
        if op == p.OP_HELLO:
            return {**self.hello(), "id": req}
        if op == p.OP_LOAD:
            if self.model is not None:
                self.model.close()
                self.model = None
            options = LoadOptions.from_dict(message["options"])
            self.model = LoadedModel(options, self.cancel, self.channel.emit, req)
            return {"ev": p.EV_LOADED, "id": req, "info": self.model.info()}
        if op in (p.OP_GENERATE, p.OP_SCORE, p.OP_SCORE_BATCH, p.OP_COUNT, p.OP_PREFILL):
            if self.model is None:
                raise RequestFailed(p.ERR_NO_MODEL, "no model is loaded")
            if op == p.OP_GENERATE:
                request = GenerateRequest.from_dict(message["request"])
                return self.model.generate(request, self.channel.emit, req)
            if op == p.OP_PREFILL:
                ahead = GenerateRequest.from_dict(message["request"])
                return self.model.prefill_ahead(ahead, self.channel.emit, req)
            if op == p.OP_SCORE:
                score = ScoreRequest.from_dict(message["request"])
                return self.model.score(score, self.channel.emit, req)
            if op == p.OP_SCORE_BATCH:
                batch = [ScoreRequest.from_dict(r) for r in message["requests"]]
                parallel = int(message.get("parallel", 4))
                return self.model.score_batch(batch, parallel, self.channel.emit, req)
            return {"ev": p.EV_COUNTED, "id": req, "counts": self.model.count(message["texts"])}
        raise RequestFailed(p.ERR_BAD_REQUEST, f"unknown operation {op!r}")


def main() -> int:
    # Air-gapped (HEARTH_AIR_GAPPED=1 from the app): refuse every non-loopback connection
    # before anything else runs, for as long as the process lives.
    guard = guard_from_environment()
    # Keep the protocol on a private descriptor; fd 1 now leads to the log like stderr.
    protocol_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    host = Host(Channel(protocol_out))
    reader = threading.Thread(
        target=host.read_requests, args=(sys.stdin.buffer,), name="requests", daemon=True
    )
    reader.start()
    try:
        return host.serve()
    finally:
        if guard is not None:
            guard.uninstall()


__all__ = ["main"]
