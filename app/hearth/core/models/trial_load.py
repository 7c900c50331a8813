"""The trial load: before a model joins the library, the engine host loads it and runs one
token, so a model llama.cpp cannot use is refused at import with the reason, not at first use.

It runs out of process (the engine host), so a model that crashes llama.cpp costs a restart,
not Hearth. The one-token generation goes through the engine's sampler, which refuses logits
that are not finite (NaN weights load without complaint and only show here).
"""

from __future__ import annotations

from pathlib import Path

from hearth.core.engine.client import EngineClient
from hearth.core.engine.messages import Message
from hearth.core.engine.types import GenerateRequest, LoadOptions
from hearth.core.errors import Cancelled, EngineCrashed, HearthError, ModelFileError

# Small: the trial proves the model runs, and its memory is held only for a moment.
TRIAL_CONTEXT = 256


class TrialLoad:
    """`trial(path)` raises `ModelFileError` with the reason when the model cannot run."""

    def __init__(self, engine: EngineClient, *, threads: int | None = None) -> None:
        self._engine = engine
        self._threads = threads

    def __call__(self, path: Path) -> None:
        options = LoadOptions(
            str(path),
            context_size=TRIAL_CONTEXT,
            threads=self._threads,
            gpu_layers=0,  # the CPU path is enough to prove the weights; no VRAM churn
            batch_size=TRIAL_CONTEXT,
        )
        request = GenerateRequest(
            (Message("user", "Hi"),),
            max_tokens=1,
            temperature=0.0,
            logprobs=True,  # the sampler then checks the logits are finite
        )
        try:
            self._engine.load(options)
            self._engine.complete(request)
        except Cancelled:
            raise
        except EngineCrashed as exc:
            raise ModelFileError(
                f"{path.name} crashed the engine when it was tried ({exc.reason}), so it was not "
                "added. The file is damaged or made for another llama.cpp; download another "
                "copy or conversion of this model."
            ) from exc
        except HearthError as exc:
            raise ModelFileError(
                f"{path.name} was tried and cannot be used, so it was not added: {exc.message}"
            ) from exc
        finally:
            # The trial's model must not stay loaded (nor be what a crash reloads).
            self._engine.unload()
