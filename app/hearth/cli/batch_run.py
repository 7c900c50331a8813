"""`hearth run TASK --batch FILE.jsonl`: every line answered in one engine session, one JSON
result a line on stdout as it goes.

What a long batch meets, and what it does then:
- a bad line gets its own error result; the batch goes on;
- the engine dies (killed, crashed, stopped and ended by the watchdog): a fresh one starts and
  the batch goes on from the same line; a second death with no line done in between ends the
  batch (the same line would kill it again);
- whatever ends it, stderr says "N of M done" last, and how to go on: `--resume OUTPUT`
  skips the lines whose results are already in an earlier run's output;
- every line failed: exit 1 (a batch that produced nothing did not succeed);
- progress is a bar redrawn in place on a terminal, a line every tenth otherwise (a log file
  gets no carriage returns), and the bar's line is ended before any message;
- the batch file may be a FIFO (read once, as it comes; the total is then unknown).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from hearth.core.answer import Answer
from hearth.core.assistant import Assistant
from hearth.core.errors import EngineCrashed, HearthError, UsageError
from hearth.core.files.bounded_read import LINE_LIMIT, iter_lines
from hearth.core.request import Request
from hearth.core.routing.policy import CloudPolicy
from hearth.core.routing.task_routing import Routing
from hearth.core.tasks.task import Task

EXIT_NOTHING_DONE = 1


def batch_lines(path: Path) -> Iterator[tuple[int, str | None, str | None]]:
    """(line number, text, problem) for each non-blank line; each line bounded in size."""
    for number, line in iter_lines(path, LINE_LIMIT):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield number, None, f"not a JSON object ({exc})"
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield number, None, 'each line must be an object with a "text" string'
            continue
        yield number, item["text"], None


def lines_done(path: Path) -> set[int]:
    """The line numbers an earlier run's output answered (results without an error)."""
    done: set[int] = set()
    for _, line in iter_lines(path, LINE_LIMIT):
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue  # a line cut off when that run was killed: answered again
        number = record.get("line") if isinstance(record, dict) else None
        if isinstance(number, int) and "error" not in record:
            done.add(number)
    return done


def _batch_file(spec: str) -> tuple[Path, bool]:
    """The batch file, and whether it can be read twice (to count its lines first)."""
    path = Path(spec)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError(f"The batch file {path} does not exist.") from None
    except OSError as exc:
        raise UsageError(f"Cannot read the batch file {path}: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"The batch file {path} is a folder; give a JSONL file.")
    return path, stat.S_ISREG(mode)


class Progress:
    """Progress on stderr: a bar on a terminal, plain lines into anything else."""

    def __init__(self, total: int | None, out: TextIO) -> None:
        self._total = total
        self._out = out
        self._tty = out.isatty()
        self._started = time.perf_counter()
        self._drawn = False  # a bar is on the current line
        self._logged = 0

    def update(self, done: int) -> None:
        rate = done / max(time.perf_counter() - self._started, 1e-9)
        of = f"/{self._total}" if self._total is not None else ""
        if self._tty:
            width = 30
            filled = width * done // max(self._total or done, 1)
            bar = f"[{'#' * filled}{'.' * (width - filled)}] " if self._total else ""
            self._out.write(f"\r{bar}{done}{of}  {rate:.1f} texts/s")
            self._drawn = True
        elif self._due(done):
            self._out.write(f"… {done}{of} lines done, {rate:.1f} texts/s\n")
        self._out.flush()

    def _due(self, done: int) -> bool:
        step = max(1, (self._total or 0) // 10) if self._total else 100
        if done - self._logged >= step or done == self._total:
            self._logged = done
            return True
        return False

    def end_line(self) -> None:
        """Before any other message: never glue it onto the bar."""
        if self._drawn:
            self._out.write("\n")
            self._out.flush()
            self._drawn = False

    def say(self, message: str) -> None:
        self.end_line()
        print(message, file=self._out, flush=True)


def run_batch(
    args: argparse.Namespace,
    assistant: Assistant,
    routing: Routing,
    task: Task,
    request: Request,
) -> int:
    path, countable = _batch_file(args.batch)
    skip = lines_done(Path(args.resume)) if getattr(args, "resume", None) else set()
    total = sum(1 for _ in batch_lines(path)) if countable else None
    progress = Progress(total, sys.stderr)
    if routing.mode is not CloudPolicy.ALWAYS or routing.endpoint is None:
        # Up front: a broken model fails the batch at once.
        assistant.warm_up(request.cancel, model=assistant.model_path(request), task=task.name)
    seen = answered = failures = skipped = cloud_answers = cloud_failures = 0
    done_since_crash = True
    stopped_at: int | None = None
    parallel = int(request.options.get("parallel") or 1)
    if routing.mode is CloudPolicy.ALWAYS:
        parallel = 1  # the cloud answers: scoring every text here first would be wasted
    try:
        for number, text, problem, ahead in _answered_in_chunks(
            batch_lines(path), skip, parallel, assistant, request, routing
        ):
            seen += 1
            if number in skip:
                skipped += 1
                progress.update(seen)
                continue
            stopped_at = number
            record: dict[str, Any] = {"line": number}
            if ahead is not None:
                record.update(ahead.to_json())
                cloud_answers += ahead.route == "cloud"
                cloud_failures += (
                    ahead.escalation is not None and ahead.escalation.error is not None
                )
                done_since_crash = True
            while ahead is None and problem is None and text is not None:
                try:
                    answer = assistant.answer(
                        dataclasses.replace(request, text=text), routing=routing
                    )
                except EngineCrashed as crash:
                    if not done_since_crash:
                        raise  # twice in a row on this line: it would only happen again
                    done_since_crash = False
                    progress.say(
                        f"warning: {crash.reason or crash.message}; a fresh engine goes on "
                        f"with line {number}."
                    )
                    continue
                except UsageError as exc:
                    problem = exc.message
                except HearthError as exc:
                    if exc.exit_code != 1:
                        raise  # the model is broken: the rest would fail the same way
                    problem = exc.message
                else:
                    record.update(answer.to_json())
                    cloud_answers += answer.route == "cloud"
                    cloud_failures += (
                        answer.escalation is not None and answer.escalation.error is not None
                    )
                    done_since_crash = True
                break
            if problem is not None:
                failures += 1
                record["error"] = problem
            else:
                answered += 1
            # ASCII-escaped: a raw U+2028 or U+0085 in a line would split it for many readers.
            sys.stdout.write(json.dumps(record, ensure_ascii=True) + "\n")
            sys.stdout.flush()
            stopped_at = None
            progress.update(seen)
    finally:
        progress.end_line()
        _summary(progress, seen, total, answered, failures, skipped, stopped_at, args)
    if cloud_answers or cloud_failures:
        progress.say(
            f"{cloud_answers} answered in the cloud; {cloud_failures} cloud attempt(s) failed "
            "and were answered on this device (see escalation.error)"
        )
    if answered == 0 and failures > 0:
        progress.say("error: no line of the batch could be answered; see each line's error.")
        return EXIT_NOTHING_DONE
    return 0


def _answered_in_chunks(
    lines: Iterator[tuple[int, str | None, str | None]],
    skip: set[int],
    parallel: int,
    assistant: Assistant,
    request: Request,
    routing: Routing,
) -> Iterator[tuple[int, str | None, str | None, Answer | None]]:
    """The lines with their answers where `parallel` consecutive lines were answered together
    (`Assistant.answer_many`: one batched scoring); None where a line is to be answered alone:
    with --parallel 1, and for every line of a chunk that failed (each then meets its own
    error, or the engine's restart, on the one-line path)."""
    chunk: list[tuple[int, str | None, str | None]] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= parallel:
            yield from _chunk_answers(chunk, skip, parallel, assistant, request, routing)
            chunk = []
    yield from _chunk_answers(chunk, skip, parallel, assistant, request, routing)


def _chunk_answers(
    chunk: list[tuple[int, str | None, str | None]],
    skip: set[int],
    parallel: int,
    assistant: Assistant,
    request: Request,
    routing: Routing,
) -> Iterator[tuple[int, str | None, str | None, Answer | None]]:
    todo = [
        (n, t) for n, t, problem in chunk if problem is None and t is not None and n not in skip
    ]
    answers: dict[int, Answer] = {}
    if parallel > 1 and len(todo) > 1:
        try:
            many = assistant.answer_many(
                [dataclasses.replace(request, text=t) for _, t in todo], parallel, routing=routing
            )
            answers = {n: a for (n, _), a in zip(todo, many, strict=True)}
        except EngineCrashed:
            pass
        except HearthError as exc:
            if exc.exit_code != 1 and not isinstance(exc, UsageError):
                raise
    for number, text, problem in chunk:
        yield number, text, problem, answers.get(number)


def _summary(
    progress: Progress,
    seen: int,
    total: int | None,
    answered: int,
    failures: int,
    skipped: int,
    stopped_at: int | None,
    args: argparse.Namespace,
) -> None:
    of = total if total is not None else seen
    done = answered + skipped
    parts = [f"{done} of {of} lines done"]
    if skipped:
        parts.append(f"{skipped} from the earlier run")
    parts.append(f"{failures} failed")
    progress.say(", ".join(parts))
    if stopped_at is not None:
        progress.say(
            f"The batch stopped at line {stopped_at}. To go on, run the same command again "
            f"with --resume OUTPUT (the file this run's results went to) and send the new "
            f"results to another file: lines already answered are skipped."
        )
