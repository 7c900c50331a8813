"""`hearth models ...`: the local model library, headless.

list | catalog | recommend | import PATH [--copy|--link] | pull ID | verify [ID] | remove ID |
use ID |
discover [--register] | rescan | attach ADAPTER --to MODEL --task TASK | detach
All take --json. Progress of long work goes to stderr; results to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TextIO

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.cli.parser import Parser
from hearth.core.errors import HearthError, ModelFileError, PrivacyRefused, UsageError
from hearth.core.hardware import memory
from hearth.core.models.catalog import Catalog, CatalogEntry, load_catalog
from hearth.core.models.discovery import ModelDiscovery
from hearth.core.models.entry import Kind, ModelEntry
from hearth.core.models.fit import Machine, assess_fit
from hearth.core.models.hub.download import Downloader, paused_downloads
from hearth.core.models.hub.downloader import hub_downloader
from hearth.core.models.hub.types import HubFile
from hearth.core.models.library import Health, ModelLibrary
from hearth.core.models.progress import Phase, Progress
from hearth.core.models.recommend import assess_catalog, recommend
from hearth.core.models.trial_load import TrialLoad
from hearth.core.settings import MIN_CONTEXT

EXIT_PROBLEMS = 3  # verify found damaged or missing files: a model file problem


def add_parser(sub: Any) -> argparse.ArgumentParser:
    models: argparse.ArgumentParser = sub.add_parser(
        "models", help="list, download, import, check and remove models"
    )
    actions = models.add_subparsers(dest="action", parser_class=Parser, required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, help=help_text)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
        return parser

    for name, help_text in [
        ("list", "your models, and how each fits this machine"),
        ("catalog", "the models Hearth suggests"),
        ("recommend", "the catalog model for this machine"),
    ]:
        listing = action(name, help_text)
        listing.add_argument("--context", type=int, help="context size for the fit estimate")
    imported = action("import", "add a .gguf file (copied in, or used in place)")
    imported.add_argument("path", type=Path)
    how = imported.add_mutually_exclusive_group()
    how.add_argument(
        "--copy",
        dest="copy",
        action="store_true",
        default=True,
        help="copy it into Hearth's models folder (default)",
    )
    how.add_argument(
        "--link", dest="copy", action="store_false", help="use it where it is, without copying"
    )
    pull = action("pull", "download a catalog model, or REPO/FILE.gguf from the Hub")
    pull.add_argument("id", help="a catalog id (`hearth models catalog`) or org/repo/file.gguf")
    pull.add_argument("--quant", help="another quantization of a catalog model, e.g. Q5_K_M")
    pull.add_argument("--revision", default="main", help="branch, tag or commit (REPO/FILE)")
    verify = action("verify", "re-check files against their SHA-256 and GGUF header")
    verify.add_argument("id", nargs="?")
    remove = action("remove", "remove a model (its file too, if Hearth owns it)")
    remove.add_argument("id")
    remove.add_argument("--keep-file", action="store_true", help="only forget it")
    use = action("use", "make a model the default (saved in the settings)")
    use.add_argument("id")
    discover = action("discover", "find models of LM Studio, Ollama, GPT4All, Jan, HF cache")
    discover.add_argument(
        "--register", action="store_true", help="add every model found, used in place (no copies)"
    )
    action("rescan", "pick up .gguf files dropped into the models folder")
    attach = action("attach", "use a LoRA adapter with a model for one task")
    attach.add_argument("adapter")
    attach.add_argument("--to", dest="model", required=True, help="the base model")
    attach.add_argument("--task", required=True)
    attach.add_argument("--scale", type=float, default=1.0)
    detach = action("detach", "stop using an adapter with a model for a task")
    detach.add_argument("--from", dest="model", required=True)
    detach.add_argument("--task", required=True)
    return models


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    handler: Callable[[argparse.Namespace, _Env], int] = _HANDLERS[args.action]
    return handler(args, _Env(context))


class _Env:
    """What the actions share, built lazily: the catalog and library."""

    def __init__(self, context: CommandContext) -> None:
        self.context = context
        self._catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_catalog()
        return self._catalog

    @property
    def library(self) -> ModelLibrary:
        # New models are tried in the engine host before they are added (issue 18).
        trial = TrialLoad(self.context.engine, threads=self.context.loaded.settings.threads)
        return ModelLibrary.for_paths(self.context.paths, self.catalog, trial=trial)

    def context_size(self, args: argparse.Namespace) -> int:
        size = getattr(args, "context", None) or self.context.loaded.settings.context_size
        if not MIN_CONTEXT <= size <= 1 << 20:
            raise UsageError(f"--context {size} is out of range ({MIN_CONTEXT} to 1048576 tokens).")
        return int(size)

    def machine(self, *, ask_engine: bool) -> tuple[Machine, str | None]:
        """This machine; GPU facts only from the engine host (and only when asked)."""
        if not ask_engine:
            return Machine(memory()), None
        try:
            info = self.context.engine.host_info()
        except HearthError as exc:
            return Machine(memory()), f"GPU support unknown (the engine did not start: {exc})"
        return Machine(memory(), info.supports_gpu_offload, tuple(info.backends)), None


# --- list, catalog, recommend ----------------------------------------------------------------


def _list(args: argparse.Namespace, env: _Env) -> int:
    library = env.library
    state = library.state()
    for problem in state.problems:
        print(f"warning: {problem}", file=sys.stderr)
    context_size = env.context_size(args)
    machine, _ = env.machine(ask_engine=False)
    paused = paused_downloads(library.downloads_dir)
    rows = []
    changed: dict[str, int] = {}  # id -> the size the file has now
    for entry in state:
        present = os.path.exists(entry.path)
        fit = assess_fit(entry.shape, machine, context_size) if present else None
        with contextlib.suppress(OSError):
            status = os.stat(entry.path)
            if not entry.stat_matches(status):
                # The registered facts (size, shape, fit) describe a file that is not there.
                changed[entry.id] = status.st_size
                fit = None
        rows.append((entry, present, fit))
    if args.json:
        print_json(
            {
                "models_dir": str(library.models_dir),
                "context_size": context_size,
                "models": [
                    {
                        **e.to_json(),
                        "present": p,
                        "changed": e.id in changed,
                        "fit": None if f is None else f.to_json(),
                    }
                    for e, p, f in rows
                ],
                "attachments": [a.to_json() for a in state.attachments],
                "paused_downloads": [
                    {"repo": d.repo, "filename": d.filename, "size": d.size, "have": d.have}
                    for d in paused
                ],
            }
        )
        return 0
    if not rows:
        print("No models yet. Try `hearth models recommend`, or `hearth models import FILE`.")
    for entry, present, fit in rows:
        label = "MISSING" if not present else (fit.label.value if fit else "")
        if entry.id in changed:
            label = f"CHANGED (now {_size(changed[entry.id])}; `hearth models verify {entry.id}`)"
        kind = " [LoRA]" if entry.kind.value == "lora" else ""
        print(f"{entry.id:<32} {entry.describe()}{kind}  ({entry.source.value}) {label}")
        print(f"{'':<32} {entry.path}")
    for attachment in state.attachments:
        print(
            f"adapter {attachment.adapter_id} on {attachment.base_id} for {attachment.task} "
            f"(scale {attachment.scale:g})"
        )
    for download in paused:
        print(
            f"paused download: {download.repo}/{download.filename} "
            f"({_size(download.have)} of {_size(download.size)}); run the pull again to resume"
        )
    return 0


def _catalog(args: argparse.Namespace, env: _Env) -> int:
    catalog = env.catalog
    context_size = env.context_size(args)
    machine, note = env.machine(ask_engine=True)
    state = env.library.state()
    installed = {e.catalog_id: e.id for e in state if e.catalog_id}
    assessed = assess_catalog(catalog, machine, context_size)
    best = recommend(catalog, machine, context_size)
    if args.json:
        print_json(
            {
                "context_size": context_size,
                "recommended": best.entry.id if best.entry else None,
                "note": note,
                "models": [
                    {
                        **a.entry.to_json(),
                        "installed_as": installed.get(a.entry.id),
                        "fit": a.verdict.to_json(),
                    }
                    for a in assessed
                ],
            }
        )
        return 0
    if note:
        print(f"note: {note}", file=sys.stderr)
    for a in assessed:
        mark = "*" if best.entry is not None and a.entry.id == best.entry.id else " "
        have = f" installed as {installed[a.entry.id]}" if a.entry.id in installed else ""
        print(
            f"{mark} {a.entry.id:<24} {a.entry.name}, {a.entry.quantization}, "
            f"~{_size(a.entry.approx_size_bytes)}, {a.entry.license}: {a.verdict.label.value}"
            f"{have}"
        )
    print(f"\n* recommended for this machine. {best.why}")
    return 0


def _recommend(args: argparse.Namespace, env: _Env) -> int:
    context_size = env.context_size(args)
    machine, note = env.machine(ask_engine=True)
    best = recommend(env.catalog, machine, context_size)
    if args.json:
        print_json(
            {
                "id": best.entry.id if best.entry else None,
                "name": best.entry.name if best.entry else None,
                "why": best.why,
                "fit": best.verdict.to_json() if best.verdict else None,
                "gpu_offload": machine.gpu_offload,
                "backends": list(machine.backends),
                "note": note,
            }
        )
        return 0
    if note:
        print(f"note: {note}", file=sys.stderr)
    print(best.why)
    if best.entry is not None:
        print(f"Get it with: hearth models pull {best.entry.id}")
    return 0


# --- adding ----------------------------------------------------------------------------------


def _import(args: argparse.Namespace, env: _Env) -> int:
    with _ProgressPrinter(sys.stderr, args.path.name) as printer:
        added = env.library.import_file(args.path, copy=args.copy, progress=printer)
    _print_added(args, added.entry, added.added, added.note)
    return 0


def _pull(args: argparse.Namespace, env: _Env) -> int:
    settings = env.context.loaded.settings
    if settings.air_gapped:
        raise PrivacyRefused(
            "Downloads are off: Hearth is in air-gapped mode. Copy the .gguf file to this "
            "machine and use `hearth models import FILE`."
        )
    library = env.library
    downloader = hub_downloader(library)
    entry, file_name = _what_to_pull(args, env.catalog)
    printer = _ProgressPrinter(sys.stderr, file_name)
    try:
        with printer:
            if isinstance(entry, CatalogEntry):
                quant = entry.quant(args.quant)
                added = library.pull_catalog(downloader, entry, quant, progress=printer)
            else:
                added = library.pull(downloader, entry, progress=printer)
    except KeyboardInterrupt:
        printer.paused(downloader)
        raise
    _print_added(args, added.entry, added.added, added.note)
    return 0


def _what_to_pull(args: argparse.Namespace, catalog: Catalog) -> tuple[CatalogEntry | HubFile, str]:
    listed = catalog.get(args.id)
    if listed is not None:
        return listed, listed.quant(args.quant).filename
    parts = args.id.removeprefix("hf.co/").removeprefix("https://huggingface.co/").split("/")
    if len(parts) >= 3 and parts[-1].lower().endswith(".gguf"):
        if args.quant:
            raise UsageError("--quant is for catalog models; name the file itself instead.")
        file = HubFile(f"{parts[0]}/{parts[1]}", "/".join(parts[2:]), args.revision)
        return file, file.filename
    ids = ", ".join(e.id for e in catalog)
    raise UsageError(
        f"'{args.id}' is not a catalog model ({ids}) nor ORG/REPO/FILE.gguf on the Hub."
    )


def _print_added(args: argparse.Namespace, entry: ModelEntry, added: bool, note: str) -> None:
    if args.json:
        print_json({"id": entry.id, "added": added, "note": note, "model": entry.to_json()})
    else:
        print(note)


# --- checking and removing -------------------------------------------------------------------


def _verify(args: argparse.Namespace, env: _Env) -> int:
    with _ProgressPrinter(sys.stderr, args.id or "models") as printer:
        results = env.library.verify(args.id, progress=printer)
    ok = all(r.health is Health.OK for r in results)
    if args.json:
        print_json(
            {
                "ok": ok,
                "results": [
                    {"id": r.entry.id, "health": r.health.value, "message": r.message}
                    for r in results
                ],
            }
        )
    else:
        for r in results:
            print(f"{r.entry.id:<32} {r.health.value.upper():<8} {r.message}")
        if not results:
            print("No models to check.")
    return 0 if ok else EXIT_PROBLEMS


def _remove(args: argparse.Namespace, env: _Env) -> int:
    entry, deleted = env.library.remove(args.id, delete_file=not args.keep_file)
    settings = env.context.loaded.settings
    if settings.model in (entry.id, entry.path):
        print(
            f"warning: '{entry.id}' was the model in your settings; choose another one.",
            file=sys.stderr,
        )
    if args.json:
        print_json({"id": entry.id, "path": entry.path, "deleted_file": deleted})
    else:
        kept = "" if deleted else f" (the file {entry.path} was left where it is)"
        print(f"Removed '{entry.id}'{kept}.")
    return 0


def _use(args: argparse.Namespace, env: _Env) -> int:
    entry = env.library.entry(args.id)
    if entry.kind is Kind.LORA:
        raise UsageError(
            f"'{entry.id}' is a LoRA adapter, not a model. Choose a model, and attach the "
            f"adapter with `hearth models attach {entry.id} --to MODEL --task TASK`."
        )
    if not os.path.exists(entry.path):
        raise ModelFileError(
            f"The file of '{entry.id}' ({entry.path}) is gone. Put it back, or remove the "
            "entry with `hearth models remove` and choose another model."
        )
    context = env.context
    # What was read, with the one change: values the file could not hold stay as loaded.
    context.store.save(context.loaded.settings.replace(model=entry.id))
    if args.json:
        print_json({"id": entry.id, "path": entry.path, "settings": str(context.store.path)})
    else:
        print(f"'{entry.id}' ({entry.describe()}) is now the default model.")
    return 0


# --- discovery and the folder ----------------------------------------------------------------


def _discover(args: argparse.Namespace, env: _Env) -> int:
    library = env.library
    found = ModelDiscovery(Path.home(), environ=os.environ).find()
    state = library.state()
    registered: dict[str, str | None] = {}
    for item in found:
        entry = state.by_path(item.path)
        registered[str(item.path)] = entry.id if entry else None
    if args.register:
        for item in found:
            if registered[str(item.path)] is not None:
                continue
            with _ProgressPrinter(sys.stderr, item.name) as printer:
                try:
                    added = library.register_in_place(
                        item.path,
                        item.source,
                        name=item.id_hint,
                        progress=printer,
                    )
                except HearthError as exc:
                    print(f"warning: skipped {item.path}: {exc.message}", file=sys.stderr)
                    continue
            registered[str(item.path)] = added.entry.id
    if args.json:
        print_json({"found": [{**f.to_json(), "id": registered[str(f.path)]} for f in found]})
        return 0
    if not found:
        print("No models of other apps found.")
    for item in found:
        have = registered[str(item.path)]
        status = f"in your library as '{have}'" if have else "not added"
        print(f"{item.source.value:<18} {item.name}  ({_size(item.size)}, {status})")
        print(f"{'':<18} {item.path}")
    if not args.register and any(v is None for v in registered.values()):
        print("\nAdd them (used in place, not copied) with: hearth models discover --register")
    return 0


def _rescan(args: argparse.Namespace, env: _Env) -> int:
    library = env.library
    scanner = library.scanner()
    with _ProgressPrinter(sys.stderr, "models folder") as printer:
        result = library.sync_folder(scanner, progress=printer)
    if args.json:
        print_json(
            {
                "added": [e.id for e in result.added],
                "dropped": [e.id for e in result.dropped],
                "refused": [{"path": str(p), "reason": r} for p, r in result.refused],
                "unsettled": [str(p) for p in result.unsettled],
            }
        )
        return 0
    for entry in result.added:
        print(f"Added '{entry.id}' ({entry.describe()}).")
    for entry in result.dropped:
        print(f"Forgot '{entry.id}': its file was deleted.")
    for path, reason in result.refused:
        print(f"Skipped {path}: {reason}")
    for path in result.unsettled:
        print(f"Still being written, try again shortly: {path}")
    if not (result.added or result.dropped or result.refused or result.unsettled):
        print(f"Nothing new in {library.models_dir}.")
    return 0


# --- adapters --------------------------------------------------------------------------------


def _attach(args: argparse.Namespace, env: _Env) -> int:
    attachment = env.library.attach(args.task, args.model, args.adapter, args.scale)
    if args.json:
        print_json(attachment.to_json())
    else:
        print(
            f"'{attachment.adapter_id}' will be used with '{attachment.base_id}' for "
            f"{attachment.task} (scale {attachment.scale:g})."
        )
    return 0


def _detach(args: argparse.Namespace, env: _Env) -> int:
    removed = env.library.detach(args.task, args.model)
    if args.json:
        print_json({"detached": removed})
    else:
        print("Detached." if removed else f"No adapter was attached for {args.task}.")
    return 0


_HANDLERS: dict[str, Callable[[argparse.Namespace, _Env], int]] = {
    "list": _list,
    "catalog": _catalog,
    "recommend": _recommend,
    "import": _import,
    "pull": _pull,
    "verify": _verify,
    "remove": _remove,
    "use": _use,
    "discover": _discover,
    "rescan": _rescan,
    "attach": _attach,
    "detach": _detach,
}


# --- progress on stderr ----------------------------------------------------------------------


class _ProgressPrinter:
    """Progress on stderr: a line redrawn in place on a terminal, every quarter otherwise."""

    def __init__(self, out: TextIO, what: str) -> None:
        self._out = out
        self._what = what
        self._tty = out.isatty()
        self._phase: Phase | None = None
        self._quarter = -1
        self._last: Progress | None = None

    def __enter__(self) -> _ProgressPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._tty and self._last is not None:
            self._out.write("\n")
            self._out.flush()

    def __call__(self, progress: Progress) -> None:
        self._last = progress
        if progress.phase is not self._phase:
            if self._tty and self._phase is not None:
                self._out.write("\n")
            self._phase, self._quarter = progress.phase, -1
            if progress.resumed_from:
                self._out.write(f"resuming {self._what} at {_size(progress.resumed_from)}\n")
        fraction = progress.fraction or 0.0
        line = self._line(progress)
        if self._tty:
            self._out.write("\r" + line.ljust(78))
        elif int(fraction * 4) > self._quarter:
            self._quarter = int(fraction * 4)
            self._out.write(line + "\n")
        self._out.flush()

    def _line(self, p: Progress) -> str:
        verb = _VERBS[p.phase]
        total = f" of {_size(p.total_bytes)}" if p.total_bytes else ""
        percent = f" {100 * p.fraction:3.0f}%" if p.fraction is not None else ""
        rate = f", {_size(int(p.bytes_per_s))}/s" if p.bytes_per_s else ""
        eta = f", {_duration(p.eta_s)} left" if p.eta_s and p.fraction and p.fraction < 1 else ""
        return f"{verb} {self._what}: {_size(p.done_bytes)}{total}{percent}{rate}{eta}"

    def paused(self, downloader: Downloader) -> None:
        if self._tty:
            self._out.write("\n")
        for download in paused_downloads(downloader.folder):
            self._out.write(
                f"paused {download.filename} at {_size(download.have)} of "
                f"{_size(download.size)}; run the same command to resume.\n"
            )
        self._out.flush()


_VERBS: Final = {Phase.DOWNLOAD: "downloading", Phase.COPY: "copying", Phase.VERIFY: "verifying"}


def _size(n: int | None) -> str:
    if n is None:
        return "?"
    if n >= 10**9:
        return f"{n / 1e9:.2f} GB"
    if n >= 10**6:
        return f"{n / 1e6:.1f} MB"
    return f"{n / 1e3:.0f} kB"


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
