"""Launch to first token of the desktop app, measured as a user meets it.

    uv run python -m bench first-token [--model PATH] [--repeat 3] [--tasks rewrite,summarize]
        [--variants at-once,after-typing,paste-then-pause] [--sequences app[,prespawn]]
        [--threads N]
        [--screenshot PNG]

The parent makes a Hearth home of its own (settings pointing at the model; default the 1B-shape
Q4_K_M model), reads the model file once so the page cache is warm, makes one launch that is
not counted (Python's files, the home's databases), then starts this module as a fresh process
per run with HEARTH_BENCH_LAUNCHED set to its clock at launch, so interpreter start, imports and
building the window count. The child runs the `hearth` command itself (`hearth.cli.main([])`:
its crash log, display check, `run_app`, event loop), so the model is loaded by the app's own
warm-up, never by the probe; the probe joins where `open_app` returns. As soon as the window is
shown ("at-once", the first turn of the event loop) or 1.5 s later ("after-typing": a user
pasting and choosing), it puts the text (121 words) in the input, picks the task and style and
triggers the window's own Run action ("paste-then-pause": the text is pasted when the window
shows and Run pressed 3 s later, so the window reads the text ahead meanwhile). The first token
counts when a part of the answer pane paints with text in it (a paint event, in the GUI
thread); then it stops the job and prints one JSON object of timestamps in milliseconds since
launch, and the steps between them. The child runs offscreen unless HEARTH_BENCH_QPA names
another Qt platform (`HEARTH_BENCH_QPA=xcb xvfb-run -a uv run python -m bench first-token ...`
on a real X server).

The probe only watches: class-level wrappers around TaskRunner.load and EngineClient's host
start, load, token count and generation record when each began or returned, and whether a load
really loaded or found the model there already (a reload would show as `loads` > 1). The
`prespawn` sequence is an experiment, not an app feature: the probe starts the engine host
before Qt and the window's modules are imported and hands it to the app's engine client.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LAUNCHED = float(os.environ.get("HEARTH_BENCH_LAUNCHED", time.time()))

ROOT = Path(__file__).resolve().parent.parent
TASKS = {"rewrite": "proofread", "summarize": "summary"}
VARIANTS = {"at-once": 0.0, "after-typing": 1.5, "paste-then-pause": 3.0}
# Variants whose text is pasted as soon as the window shows, Run pressed later: the window
# reads the text ahead while the user pauses (MainWindow's read-ahead).
PASTED_AT_ONCE = {"paste-then-pause"}
SEQUENCES = ("app", "prespawn")
# 121 words with a few mistakes, as a user pastes a paragraph to proofread or summarize.
TEXT = (
    "Our team met on tuesday to review the launch plan for the new booking system. "
    "Most of the work is done, but their are still three open problems. First, the "
    "payment page times out when more then fifty people use it at once, so we will "
    "add a queue and test it again next week. Second, the email confirmations are "
    "sometimes sent twice, which confuses customers and creates extra support tickets. "
    "Third, the mobile layout breaks on older phones with small screens. Maria will "
    "fix the layout, Ben will look at the emails, and I will handle the payment queue. "
    "If everything goes well we can launch on the first of next month, a week later "
    "then we hoped but with fewer risks for our customers."
)


# -- the child: one launch of the app ----------------------------------------------------------


def child(args: argparse.Namespace) -> int:
    # The experiment: the engine host starts before Qt and the window's modules are imported.
    early = prespawn_host() if args.sequence == "prespawn" else None
    from hearth import cli
    from hearth.core.engine.client import EngineClient
    from hearth.core.tasks.runner import TaskRunner
    from hearth.gui import app as gui_app

    probe = Probe(args)
    probe.mark("imported")
    if early is not None:
        adopt_early_host(EngineClient, early)
    watch_engine(EngineClient, probe.engine)
    watch_runner(TaskRunner, probe.engine)
    open_app = gui_app.open_app

    def probed_open_app(qt_app: Any, paths: Any) -> Any:
        app = open_app(qt_app, paths)
        probe.mark("open_app_returned")
        probe.attach(app, qt_app)
        return app

    # `hearth` itself runs: its command line, crash log, display check, run_app and event loop.
    # The probe joins where run_app has opened the app, before the event loop starts.
    gui_app.open_app = probed_open_app
    return int(cli.main([]))


def prespawn_host() -> Any:
    """Start the engine host the way EngineClient does (not an app feature: a measurement of
    what starting it this early would give)."""
    from hearth.core.engine.client import _HostProcess
    from hearth.core.engine.launcher import host_command
    from hearth.core.paths import Paths

    env = {**os.environ, "PYTHONFAULTHANDLER": "1"}
    return _HostProcess(host_command(), env, Paths.from_environment().log_dir / "engine-host.log")


def adopt_early_host(client: Any, early: Any) -> None:
    """The app's first engine client takes the host started early instead of starting one."""
    from hearth.core.engine import protocol
    from hearth.core.engine.types import HostInfo

    ensure_host = client._ensure_host
    waiting = [early]

    def _ensure_host(self: Any) -> Any:
        if self._host is None and waiting:
            host = waiting.pop()
            hello = host.read()
            if hello is not None and hello.get("ev") == protocol.EV_HELLO:
                self._host, self._host_info = host, HostInfo.from_dict(hello)
                return host
            host.stop()
        return ensure_host(self)

    start = client.start

    def _start(self: Any) -> None:
        # The runner starts the host before it checks the model file: adopt the early one.
        if self._host is None and waiting:
            _ensure_host(self)
        else:
            start(self)

    client._ensure_host = _ensure_host
    client.start = _start


class Probe:
    """Drives the open window as a user would and takes the timestamps, in the GUI thread
    (the worker's signals are stamped on the worker thread, where they are emitted)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.marks: dict[str, float] = {}
        self.engine: dict[str, Any] = {"loads": 0, "load_calls": 0}
        self.report: dict[str, Any] = {
            "task": args.task,
            "variant": args.variant,
            "sequence": args.sequence,
        }
        self.ended: list[str] = []

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, time.time())

    def attach(self, app: Any, qt_app: Any) -> None:
        from PySide6.QtCore import QEvent, QObject, Qt, QTimer
        from PySide6.QtWidgets import QWidget

        self.app, self.qt_app, self.window = app, qt_app, app.window
        self.timer = QTimer
        direct = Qt.ConnectionType.DirectConnection
        mark = self.mark
        app.worker.loaded.connect(lambda _info: mark("loaded_signal"), direct)
        app.worker.text_arrived.connect(lambda _t: mark("first_text_from_worker"), direct)
        window = self.window
        window.text_received.connect(lambda: mark("first_text_in_gui"))
        window.job_cancelled.connect(lambda: self.end("cancelled"))
        window.answer_ready.connect(lambda _a: self.end("finished"))
        window.job_failed.connect(lambda message: self.end(f"failed: {message}"))
        view = window.output
        probe = self

        class PaintWatch(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                # Any part of the answer pane: a quick answer can end before the streamed
                # view paints, and proofreading then shows its changes view in front.
                if (
                    event.type() == QEvent.Type.Paint
                    and "submitted" in probe.marks
                    and "first_token_painted" not in probe.marks
                    and (view.toPlainText().strip() or window.result.answer_text.strip())
                ):
                    mark("first_token_painted")
                    QTimer.singleShot(0, probe.at_first_token)
                return False

        self.watch = PaintWatch()
        for part in window.result.findChildren(QWidget):
            part.installEventFilter(self.watch)
        # The first turn of the event loop after show: the window is on screen.
        QTimer.singleShot(0, self.shown)
        QTimer.singleShot(int(self.args.timeout * 1000), self.give_up)

    def shown(self) -> None:
        self.mark("window_shown")
        from PySide6.QtCore import Qt

        # Precise: a coarse timer may fire up to 5 % early.
        self.typing = self.timer()
        self.typing.setSingleShot(True)
        self.typing.setTimerType(Qt.TimerType.PreciseTimer)
        self.typing.timeout.connect(self.submit)
        self.typing.start(int(VARIANTS[self.args.variant] * 1000))
        if self.args.variant in PASTED_AT_ONCE:
            self.paste()

    def paste(self) -> None:
        window, task = self.window, self.args.task
        window.set_task(task)
        problems = window.options_panel.set_options(task, {"style": TASKS[task]})
        assert not problems, problems
        window.input.replace_text(TEXT)  # pasted
        self.pasted = True

    def submit(self) -> None:
        window = self.window
        if not getattr(self, "pasted", False):
            self.paste()
        self.marks["submitted"] = time.time()
        self.report["loaded_before_submit"] = "engine_load_returned" in self.engine
        window.run_action.trigger()  # the window's own Run (Ctrl+Enter)

    def at_first_token(self) -> None:
        try:
            if self.args.screenshot:
                saved = self.window.grab().save(str(self.args.screenshot))
                self.report["screenshot_saved"] = saved
        finally:
            self.window.stop()  # the rest of the answer is not what this measures

    def end(self, how: str) -> None:
        self.ended.append(how)
        self.mark("ended")
        self.timer.singleShot(0, self.finish)

    def finish(self) -> None:
        if "first_token_painted" not in self.marks and time.time() - self.marks["ended"] < 2:
            # A tiny model can finish before the pane's first paint: wait for that paint.
            self.timer.singleShot(5, self.finish)
            return
        self.done("the answer ended but no text was painted in the answer pane")

    def give_up(self) -> None:
        self.done(f"no first token within {self.args.timeout:.0f} s")

    def done(self, error: str) -> None:
        if "report_printed" in self.report:
            return
        report, marks = self.report, self.marks
        if "first_token_painted" not in marks:
            report["error"] = error
        report["ended"] = self.ended[0] if self.ended else None
        marks.update({k: v for k, v in self.engine.items() if k.startswith("engine_")})
        ordered = sorted(marks.items(), key=lambda kv: kv[1])
        report["marks_ms"] = {k: round((v - LAUNCHED) * 1000, 1) for k, v in ordered}
        report["prompt_tokens"] = self.engine.get("prompt_tokens")
        report["cached_prompt_tokens"] = self.engine.get("cached_prompt_tokens")
        prefill_s = marks.get("engine_prefill_done", 0) - marks.get("engine_prefill_started", 0)
        computed = (report["prompt_tokens"] or 0) - (report["cached_prompt_tokens"] or 0)
        if prefill_s > 0 and computed > 0:
            report["prefill_tokens_per_s"] = round(computed / prefill_s, 1)
        report["loads"] = self.engine["loads"]
        report["load_calls"] = self.engine["load_calls"]
        report["banner"] = self.window.banner.problems()
        report.update(derived(marks))
        print(json.dumps(report), flush=True)
        report["report_printed"] = True
        self.window.close()
        self.qt_app.exit(1 if "error" in report else 0)


def watch_runner(runner: Any, marks: dict[str, Any]) -> None:
    """Record when the first load was asked for: the runner starts the engine host, then
    checks the model file while the host comes up (before, it checked first)."""
    load = runner.load

    def _load(self: Any, *args: Any, **kwargs: Any) -> Any:
        marks.setdefault("engine_runner_load_called", time.time())
        return load(self, *args, **kwargs)

    runner.load = _load


def watch_engine(client: Any, marks: dict[str, Any]) -> None:
    """Record when the engine host first answered and when each load returned, and whether
    a load found its model there already (a no-op) or loaded it."""
    ensure_host = client._ensure_host
    load = client.load

    start = client.start

    def _start(self: Any) -> None:
        # The runner starts the host (without waiting for it) before it checks the file.
        marks.setdefault("engine_host_spawn", time.time())
        start(self)

    def _ensure_host(self: Any) -> Any:
        marks.setdefault("engine_host_spawn", time.time())
        host = ensure_host(self)
        marks.setdefault("engine_host_ready", time.time())
        return host

    def _load(self: Any, options: Any, **kwargs: Any) -> Any:
        marks["load_calls"] += 1
        there = self._loaded is not None and self._options == options and self.pid is not None
        if not there:
            marks["loads"] += 1
            marks.setdefault("engine_load_started", time.time())
        info = load(self, options, **kwargs)
        marks.setdefault("engine_load_returned", time.time())
        return info

    generate = client.generate
    count_tokens = client.count_tokens

    def _count_tokens(self: Any, *args: Any, **kwargs: Any) -> Any:
        marks.setdefault("engine_count_started", time.time())
        counted = count_tokens(self, *args, **kwargs)
        marks.setdefault("engine_count_returned", time.time())
        return counted

    def _generate(self: Any, *args: Any, **kwargs: Any) -> Any:
        marks.setdefault("engine_generate_called", time.time())
        for event in generate(self, *args, **kwargs):
            kind = type(event).__name__
            if kind == "PrefillProgress":
                marks.setdefault("engine_prefill_started", time.time())
                marks.setdefault("prompt_tokens", event.total)
                marks.setdefault("cached_prompt_tokens", event.cached)
                if event.done == event.total:
                    marks.setdefault("engine_prefill_done", time.time())
            elif kind == "TokenText":
                marks.setdefault("engine_first_token", time.time())
            yield event

    client.start = _start
    client._ensure_host = _ensure_host
    client.load = _load
    client.generate = _generate
    client.count_tokens = _count_tokens


def derived(marks: dict[str, float]) -> dict[str, Any]:
    at = {"launched": LAUNCHED, **marks}

    def span(start: str, end: str) -> float | None:
        if start not in at or end not in at:
            return None
        return round((at[end] - at[start]) * 1000, 1)

    first = "first_token_painted"
    # Where the time went, step by step along the path to the first token.
    steps = (
        ("interpreter_and_imports", "launched", "imported"),
        ("window_built_and_shown", "imported", "window_shown"),
        ("model_file_check_before_host", "engine_runner_load_called", "engine_host_spawn"),
        ("engine_host_start", "engine_host_spawn", "engine_host_ready"),
        ("model_load", "engine_host_ready", "engine_load_returned"),
        ("prompt_prefill", "engine_prefill_started", "engine_prefill_done"),
        ("first_token_decode", "engine_prefill_done", "engine_first_token"),
        ("token_to_screen", "engine_first_token", first),
    )
    return {
        "breakdown_ms": {name: span(start, end) for name, start, end in steps},
        "launch_to_first_token_ms": span("launched", first),
        "shown_to_first_token_ms": span("window_shown", first),
        "submit_to_first_token_ms": span("submitted", first),
        "launch_to_shown_ms": span("launched", "window_shown"),
        "loaded_to_first_token_ms": span("engine_load_returned", first),
    }


# -- the parent: a home, a warm page cache, N fresh launches -----------------------------------


def parser() -> argparse.ArgumentParser:
    bench = argparse.ArgumentParser(
        prog="python -m bench first-token", description=__doc__.splitlines()[0]
    )
    bench.add_argument("--model", type=Path, default=None, help="default: the 1B-shape model")
    bench.add_argument("--repeat", type=int, default=3, help="launches per case (median)")
    bench.add_argument("--tasks", default="rewrite,summarize")
    bench.add_argument("--variants", default="at-once,after-typing")
    bench.add_argument(
        "--sequences",
        default="app",
        help="app: as `hearth` starts; prespawn: an experiment, the engine host started before "
        "Qt and the window's modules are imported (app,prespawn measures both)",
    )
    bench.add_argument("--threads", type=int, default=None, help="the settings' threads")
    bench.add_argument("--screenshot", type=Path, default=None, help="PNG of the first run")
    bench.add_argument("--timeout", type=float, default=180.0, help="seconds per launch")
    bench.add_argument("--no-warm-launch", action="store_true", help=argparse.SUPPRESS)
    # The child: one launch (started by the parent).
    bench.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    bench.add_argument("--task", default="rewrite", help=argparse.SUPPRESS)
    bench.add_argument("--variant", default="at-once", help=argparse.SUPPRESS)
    bench.add_argument("--sequence", default="app", help=argparse.SUPPRESS)
    return bench


def warm_page_cache(path: Path) -> float:
    """Read the file once, so every launch finds it in memory; the seconds it took."""
    started = time.perf_counter()
    with open(path, "rb") as f:
        while f.read(16 * 2**20):
            pass
    return time.perf_counter() - started


def launch(
    home: Path, task: str, variant: str, sequence: str, timeout: float, screenshot: Path | None
) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM=env.get("HEARTH_BENCH_QPA", "offscreen"),
        HEARTH_HOME=str(home),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        # As an installed app starts: from compiled bytecode (the first, uncounted launch
        # compiles it). Without this a PYTHONDONTWRITEBYTECODE environment recompiles every
        # module at every launch (~0.35 s more here).
        PYTHONPYCACHEPREFIX=str(home / "pycache"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "bench.first_token", "--child", "--task", task]
    command += ["--variant", variant, "--sequence", sequence, "--timeout", str(timeout)]
    if screenshot is not None:
        command += ["--screenshot", str(screenshot)]
    load_before = os.getloadavg()[0]
    env["HEARTH_BENCH_LAUNCHED"] = repr(time.time())
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout + 60,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {
            "task": task,
            "variant": variant,
            "sequence": sequence,
            "error": f"exit {done.returncode}: {done.stderr.strip()[-600:]}",
            **(json.loads(lines[-1]) if lines else {}),
        }
    run: dict[str, Any] = json.loads(lines[-1])
    run["sequence"] = sequence
    run["load_average_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return run


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 1) if values else None


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    good = [r for r in runs if "error" not in r]
    keys = (
        "launch_to_first_token_ms",
        "shown_to_first_token_ms",
        "submit_to_first_token_ms",
        "launch_to_shown_ms",
        "loaded_to_first_token_ms",
        "prompt_tokens",
        "prefill_tokens_per_s",
    )
    summary: dict[str, Any] = {k: median_of(good, k) for k in keys}
    steps = [r["breakdown_ms"] for r in good]
    summary["breakdown_ms"] = {k: median_of(steps, k) for k in (steps[0] if steps else {})}
    marks = sorted({m for r in good for m in r["marks_ms"]})
    summary["marks_ms"] = {m: median_of([r["marks_ms"] for r in good], m) for m in marks}
    summary["marks_ms"] = dict(sorted(summary["marks_ms"].items(), key=lambda kv: kv[1] or 0))
    summary["runs"] = len(good)
    summary["failed"] = len(runs) - len(good)
    summary["reloads"] = sum(max(0, r["loads"] - 1) for r in good)
    summary["load_average_1m"] = [r["load_average_1m"][0] for r in good]
    return summary


def parent(args: argparse.Namespace) -> int:
    from hearth.core.paths import Paths
    from hearth.core.settings import Settings, SettingsStore

    if args.model is None:
        from bench.__main__ import real_shape_model

        model = real_shape_model(
            Paths.from_environment().cache_dir / "bench", "llama32-1b", "Q4_K_M"
        )
    else:
        model = args.model.expanduser().resolve()
    if not model.is_file():
        print(f"error: no model file at {model}", file=sys.stderr)
        return 3
    tasks = [t for t in args.tasks.split(",") if t]
    variants = [v for v in args.variants.split(",") if v]
    sequences = [s for s in args.sequences.split(",") if s]
    for name, chosen, known in (
        ("task", tasks, TASKS),
        ("variant", variants, VARIANTS),
        ("sequence", sequences, SEQUENCES),
    ):
        unknown = [c for c in chosen if c not in known]
        if unknown or not chosen:
            print(
                f"error: unknown {name} {unknown}; choose from {', '.join(known)}", file=sys.stderr
            )
            return 2
    with tempfile.TemporaryDirectory(prefix="hearth-first-token-") as tmp:
        home = Path(tmp)
        SettingsStore(Paths.under(home).settings_file).save(
            Settings(model=str(model), threads=args.threads)
        )
        cache_s = warm_page_cache(model)
        log(f"model read in {cache_s:.2f} s (page cache warm); load average {os.getloadavg()}")
        if not args.no_warm_launch:
            # Python's own files and the home's databases warm too: not counted.
            warm = launch(home, tasks[0], "at-once", sequences[0], args.timeout, None)
            log("warm-up launch " + ("failed: " + warm["error"] if "error" in warm else "done"))
        runs: list[dict[str, Any]] = []
        shot = args.screenshot
        # Interleaved, so a change in the machine's load touches every case alike.
        for i in range(max(1, args.repeat)):
            for sequence, task, variant in itertools.product(sequences, tasks, variants):
                run = launch(home, task, variant, sequence, args.timeout, shot)
                shot = None
                run["repeat"] = i
                runs.append(run)
                log(f"{sequence} {task} {variant}: {one_line(run)}")
    cases = {
        f"{sequence}/{task}/{variant}": summarize(
            [
                r
                for r in runs
                if (r.get("sequence"), r.get("task"), r.get("variant")) == (sequence, task, variant)
            ]
        )
        for sequence in sequences
        for task in tasks
        for variant in variants
    }
    report = {
        "model": str(model),
        "model_bytes": model.stat().st_size,
        "target_launch_to_first_token_ms": 2500,
        "repeat": max(1, args.repeat),
        "cpus": os.cpu_count(),
        "threads": args.threads,
        "text_words": len(TEXT.split()),
        "medians": cases,
        "runs": runs,
        "command": "python -m bench first-token " + " ".join(args.argv),
    }
    print(json.dumps(report, indent=2))
    return 0 if all("error" not in r for r in runs) else 1


def one_line(run: dict[str, Any]) -> str:
    if "error" in run:
        return str(run["error"])
    return (
        f"launch→first token {run['launch_to_first_token_ms']:.0f} ms, "
        f"submit→first token {run['submit_to_first_token_ms']:.0f} ms "
        f"(load average {run['load_average_1m'][0]})"
    )


def log(line: str) -> None:
    print(f"first-token: {line}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    args.argv = argv
    return child(args) if args.child else parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
