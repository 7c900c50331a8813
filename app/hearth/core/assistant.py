"""`Assistant`: the one request path. A request in, one `Answer` out.

The window, the command line, the popup and the local API build a `Request` and show the
`Answer`; everything in between happens here, once: the task's options are checked, the model
is resolved and checked, its adapters applied, the local model runs, its answer's flags lower
its confidence, the router decides (the policy, air-gapped mode, a calibrated threshold), the
cloud is asked (redacted, and only after the user agreed when the policy is ask), and the
request is recorded in the ledger and, when the user keeps history, in the history.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hearth.core.answer import Answer, Flags
from hearth.core.answer_assembly import assemble
from hearth.core.cancel import CancelToken
from hearth.core.engine.types import LoadInfo
from hearth.core.errors import Cancelled, HearthError, UsageError
from hearth.core.hardware import Memory, memory
from hearth.core.history import HistoryEntry, HistoryStore
from hearth.core.models.library import ModelLibrary, adapter_lookup
from hearth.core.models.locate import resolve_model
from hearth.core.paths import Paths
from hearth.core.quality.assess import assess, penalised
from hearth.core.quality.grounding import strip_ungrounded
from hearth.core.request import AnswerSink, Request
from hearth.core.routing.policy import Decision
from hearth.core.routing.router import EscalationPreview, LocalAnswer
from hearth.core.routing.task_routing import Routing, connect_with_keychain, open_routing
from hearth.core.routing.threshold_store import ThresholdStore, threshold_path
from hearth.core.settings import Settings
from hearth.core.tasks.catalog import task_catalog
from hearth.core.tasks.job_estimate import JobEstimate, estimate_summary
from hearth.core.tasks.labels import parse_labels
from hearth.core.tasks.prescored import BatchTask
from hearth.core.tasks.runner import TaskOutcome, TaskRunner
from hearth.core.tasks.task import Task

if TYPE_CHECKING:
    from hearth.core.cloud.client import CloudClient
    from hearth.core.cloud.endpoint import CloudEndpoint
    from hearth.core.engine.client import EngineClient

log = logging.getLogger(__name__)

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
        library: ModelLibrary | None = None,
        connect: Callable[[CloudEndpoint], CloudClient] = connect_with_keychain,
        memory_probe: Callable[[], Memory] = memory,
    ) -> None:
        self._paths = paths
        self._settings = settings
        self._engine = engine
        self._history = history
        self._library = library if library is not None else ModelLibrary.for_paths(paths)
        self._connect = connect
        # LoRA adapters attached with `hearth models attach` load with their model, for every
        # front end (they were the CLI's alone).
        self._runner = TaskRunner(
            engine, memory_probe=memory_probe, adapters=adapter_lookup(self._library)
        )
        # One instance per task for the assistant's life: classify's calibration is reused.
        self._tasks = task_catalog()

    # -- what front ends ask before a request -----------------------------------------------

    @property
    def tasks(self) -> Mapping[str, Task]:
        return self._tasks

    def task(self, name: str) -> Task:
        try:
            return self._tasks[name]
        except KeyError:
            raise UsageError(
                f"There is no task '{name}'; choose one of: " + ", ".join(sorted(self._tasks))
            ) from None

    def settings_for(self, request: Request) -> Settings:
        settings = self._settings()
        return settings.replace(air_gapped=True) if request.offline else settings

    def model_path(self, request: Request, settings: Settings | None = None) -> Path:
        settings = settings if settings is not None else self.settings_for(request)
        if request.model is not None:
            return resolve_model(request.model)
        return resolve_model(settings.model)

    def with_chosen_calibration(self, request: Request) -> Request:
        """`request` with the calibration mode and option form that calibrating with the
        user's examples chose for its label set and model, where the request leaves them to
        the default ("on", "auto"); unchanged otherwise."""
        task = self.task(request.task)
        options = request.options
        if not task.capabilities.calibrated_threshold or options.get("labels") is None:
            return request
        if options.get("calibrate", "on") != "on" or options.get("form", "auto") != "auto":
            return request
        try:
            model = self.model_path(request).resolve()
            labels = parse_labels(options["labels"])
        except HearthError:
            return request  # the request itself says what is wrong, where it runs
        store = ThresholdStore(threshold_path(self._paths))
        chosen = store.chosen(labels, model, adapter=self._adapter_name(task.name, model))
        if chosen is None:
            return request
        updated = {**options, "calibrate": chosen.calibration, "form": chosen.form}
        return dataclasses.replace(request, options=updated)

    def routing(self, request: Request, ask: Ask | None = None) -> Routing:
        """The routing a request would get (policy, endpoint, threshold, the ledger): front
        ends read its facts to word refusals and warnings before any input is read. Close
        its ledger after use (`with routing.ledger:`), or pass it to `answer`."""
        request = self.with_chosen_calibration(request)
        settings = self.settings_for(request)
        task = self.task(request.task)
        return open_routing(
            settings,
            self._paths,
            task,
            request.options,
            functools.cache(lambda: self.model_path(request, settings)),
            override=request.cloud,
            ask=ask,
            connect=self._connect,
            source=request.source,
            adapter=self._adapter_name,
        )

    # -- the request path ---------------------------------------------------------------------

    def answer(
        self,
        request: Request,
        sink: AnswerSink | None = None,
        ask: Ask | None = None,
        *,
        routing: Routing | None = None,
        ahead: TaskOutcome | None = None,
    ) -> Answer:
        """Answer `request`. Raises a HearthError (or Cancelled) when there is no answer at
        all; an answer that stands despite a problem carries it in `problems`. `ahead`: the
        local outcome, already computed (`answer_many`)."""
        sink = sink if sink is not None else AnswerSink()
        request = self.with_chosen_calibration(request)
        settings = self.settings_for(request)
        task = self.task(request.task)
        model_path = functools.cache(lambda: self.model_path(request, settings))
        own_routing = routing is None
        if routing is None:
            routing = self.routing(request, ask)
        cancel = request.cancel
        ran: list[tuple[TaskOutcome, Flags]] = []

        def local() -> LocalAnswer:
            if ahead is not None:
                outcome = ahead
            else:
                outcome = self._runner.run(
                    task,
                    request.text,
                    request.options,
                    model_path(),
                    settings,
                    on_event=sink.engine_event,
                    on_progress=sink.on_progress,
                    on_load_progress=sink.on_load_progress,
                    cancel=cancel,
                )
            outcome, flags = _checked(task, request, outcome)
            ran.append((outcome, flags))
            return _local_answer(outcome)

        def escalating(decision: Decision) -> None:
            if sink.on_escalate is not None:
                sink.on_escalate(decision.explanation)

        estimate = self.estimate(request)
        if estimate is not None and estimate.long and sink.on_progress is not None:
            # Said before the work starts, so the user can stop a job of hours at once.
            sink.on_progress(f"This is a long text: {estimate.describe()}. You can stop it.")
        try:
            cloud = task.cloud_request(
                request.text, request.options, structured_output=routing.structured_output
            )
            routed = routing.router.run(
                task.name,
                cloud.request,
                local,
                threshold=routing.threshold,
                request_text=request.text,
                on_cloud_text=sink.on_cloud_text,
                on_escalate=escalating,
                cancel=cancel,
                read_cloud=cloud.read,
            )
            outcome, flags = ran[-1] if ran else (None, Flags())
            problems = [*routing.problems]
            if routed.ledger_problem is not None:
                problems.append(routed.ledger_problem)
            answer = assemble(request, routing, routed, outcome, flags, ())
            problems.extend(self._remember(request, answer, settings))
            problems.extend(routing.ledger.problems)
            if problems:
                answer = assemble(request, routing, routed, outcome, flags, tuple(problems))
            return answer
        finally:
            if own_routing:
                routing.ledger.close()

    def answer_many(
        self, requests: Sequence[Request], parallel: int, *, routing: Routing | None = None
    ) -> list[Answer]:
        """`answer` for each request, in order, where the requests differ only in their text
        (a --batch chunk): a task that scores (classify) scores their texts `parallel` per
        forward pass first (`run_many`); each answer is then checked, routed and recorded by
        `answer`. Otherwise, and with `parallel` 1, it is `answer` one by one."""
        if not requests:
            return []
        first = requests[0]
        task = self.task(first.task)
        alike = all(dataclasses.replace(r, text=first.text) == first for r in requests)
        if parallel <= 1 or not alike or not isinstance(task, BatchTask):
            return [self.answer(r, routing=routing) for r in requests]
        settings = self.settings_for(first)
        info, load_ms = self._runner.load(
            self.model_path(first, settings), settings, cancel=first.cancel, task=task.name
        )
        started = time.perf_counter()
        texts = [r.text for r in requests]
        results = task.run_many(texts, first.options, self._engine, parallel, first.cancel)
        share_ms = (time.perf_counter() - started) * 1000 / len(requests)
        return [
            self.answer(
                request,
                routing=routing,
                # The load happened once, before the first text.
                ahead=TaskOutcome(task.name, result, "local", info, load_ms * (i == 0), share_ms),
            )
            for i, (request, result) in enumerate(zip(requests, results, strict=True))
        ]

    def estimate(self, request: Request) -> JobEstimate | None:
        """What the request will take on the device, for a task that splits long texts."""
        if not self.task(request.task).capabilities.splits_long_texts:
            return None
        return estimate_summary(len(request.text), self.settings_for(request).context_size)

    def warm_up(
        self, cancel: CancelToken | None = None, model: Path | None = None, task: str | None = None
    ) -> LoadInfo | None:
        """Start the engine and load the settings' model (or `model`, with the adapter it has
        for `task`) before the first request. Cancellable: a cancel during the load stops it
        and returns None."""
        settings = self._settings()
        try:
            if model is None and settings.model is None:
                self._runner.start_engine()
                return None
            path = model if model is not None else resolve_model(settings.model)
            info, _ = self._runner.load(path, settings, cancel=cancel, task=task)
        except Cancelled:
            return None
        return info

    def read_ahead(self, request: Request) -> int:
        """Read the prompt `request` would send into the loaded model's cache before it is
        sent (the window calls this when the user pauses typing), so that Run starts from the
        cache: best effort, and the answer is the same either way (`EngineClient.prefill`).
        Returns the tokens cached; 0 when nothing is loaded or the task cannot say its prompt
        (only a task with a `prompt(text, options)` method can). Cancel with
        `request.cancel`; a cancel keeps what was read."""
        task = self._tasks.get(request.task)
        prompt = getattr(task, "prompt", None)
        if prompt is None or self._engine.loaded is None or not request.text.strip():
            return 0
        try:
            ahead = prompt(request.text, request.options)
        except HearthError:
            return 0  # options the request itself will report
        return self._engine.prefill(ahead, cancel=request.cancel)

    @property
    def loaded(self) -> LoadInfo | None:
        """What the engine reported at its last load (None when nothing is loaded)."""
        return self._engine.loaded

    def close(self) -> None:
        self._engine.close()

    @property
    def runner(self) -> TaskRunner:
        """The local task runner, LoRA adapters included: what calibration and evaluation
        measure must be what requests are answered with."""
        return self._runner

    def adapter_name(self, task: str, model: Path) -> str | None:
        """The adapter that loads with `model` for `task`, as threshold keys name it."""
        return self._adapter_name(task, model)

    # -- helpers ----------------------------------------------------------------------------

    def _adapter_name(self, task: str, model: Path) -> str | None:
        found = adapter_lookup(self._library)(task, model)
        return None if found is None else f"{found[0]}@{found[1]}"

    def _remember(self, request: Request, answer: Answer, settings: Settings) -> list[str]:
        if self._history is None:
            return []
        try:
            entry = HistoryEntry.from_outcome(answer.to_json(), request.text, request.options)
            self._history.record(entry, keep_history=settings.keep_history)
        except HearthError as exc:
            return [exc.message]
        return []


def _checked(task: Task, request: Request, outcome: TaskOutcome) -> tuple[TaskOutcome, Flags]:
    """The local answer's flags (what it cannot vouch for), its confidence lowered for each,
    and, for a strict extraction, the values not found in the text set to null."""
    result = outcome.result
    echo = result.details.get("echo_removed")
    flags = assess(
        task.name,
        request.text,
        request.options,
        result.output,
        echo_removed=echo if isinstance(echo, str) else None,
    )
    output = result.output
    if request.options.get("strict") and flags.ungrounded:
        output = strip_ungrounded(output, flags.ungrounded)
    confidence = penalised(result.confidence, flags)
    if confidence == result.confidence and output is result.output:
        return outcome, flags
    details = dict(result.details)
    if output is not result.output:
        details["json"] = json.dumps(output, ensure_ascii=False)
    result = dataclasses.replace(result, output=output, confidence=confidence, details=details)
    return dataclasses.replace(outcome, result=result), flags


def _local_answer(outcome: TaskOutcome) -> LocalAnswer:
    output = outcome.output
    if isinstance(output, str):
        text = output
    else:
        text = str(outcome.result.details.get("json") or json.dumps(output, ensure_ascii=False))
    usage = outcome.result.usage
    return LocalAnswer(
        text=text,
        model=outcome.load.model_name,
        confidence=outcome.confidence,
        tokens_in=usage.prompt_tokens,
        tokens_out=usage.output_tokens,
    )
