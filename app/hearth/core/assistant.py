"""`Assistant`: the one request path. A request in, one `Answer` out.

The window, the command line, the popup and the local API build a `Request` and show the
`Answer`; everything in between happens here, once: the task's options are checked, the model
is resolved and checked, its adapters applied, the local model runs, the router decides (the
policy, air-gapped mode, a calibrated threshold), the cloud is asked (redacted, and only after
the user agreed when the policy is ask), the answer's flags are computed, and the request is
recorded in the ledger and, when the user keeps history, in the history.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hearth.core.answer import Answer
from hearth.core.cancel import CancelToken
from hearth.core.engine.types import LoadInfo
from hearth.core.paths import Paths
from hearth.core.request import AnswerSink, Request
from hearth.core.routing.router import EscalationPreview
from hearth.core.settings import Settings

if TYPE_CHECKING:
    from hearth.core.cloud.client import CloudClient
    from hearth.core.cloud.endpoint import CloudEndpoint
    from hearth.core.engine.client import EngineClient
    from hearth.core.history import HistoryStore

# Shows what would leave the machine and returns whether the user agreed (the ask policy).
Ask = Callable[[EscalationPreview], bool]


class Assistant:
    """Owns one engine client and what a request is answered with. Not thread-safe: one
    thread calls `answer` at a time (the window's worker, the API's queue, the CLI)."""

    def __init__(
        self,
        paths: Paths,
        settings: Callable[[], Settings],
        engine: EngineClient,
        *,
        history: HistoryStore | None = None,
        connect: Callable[[CloudEndpoint], CloudClient] | None = None,
    ) -> None:
        raise NotImplementedError

    def answer(self, request: Request, sink: AnswerSink | None = None, ask: Ask | None = None) -> Answer:
        raise NotImplementedError

    def warm_up(self, cancel: CancelToken | None = None, model: Path | None = None) -> LoadInfo | None:
        """Start the engine and load the settings' model (or `model`) ahead of the first
        request; cancellable, and returns at once when cancelled."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
