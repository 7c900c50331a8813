"""No silent exits: a log file, and a visible message when something unexpected goes wrong.

`install()` is called first thing by the frozen app's entry point (packaging/entry.py). It
- appends to `hearth.log` in the log folder (platformdirs' user log dir, or HEARTH_HOME/logs),
  starting a fresh file when the old one has grown past a limit;
- routes uncaught exceptions of the main thread (`sys.excepthook`, which Qt also calls for an
  exception escaping a slot) and of other threads (`threading.excepthook`) into that log, and
  tells the user the error and where the log is: on stderr when there is one, and in a message
  box when a QApplication is running;
- points `faulthandler` at the log, so a hard crash (a native abort in Qt) leaves a trace.

This module never imports Qt itself: it only uses PySide6 when the app has already loaded it.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from hearth.core.paths import Paths
from hearth.core.version import app_version

LOG_NAME = "hearth.log"
MAX_LOG_BYTES = 2 * 1024 * 1024
LOGGER = logging.getLogger("hearth")

_log_path: Path | None = None
_fault_file: IO[str] | None = None


def log_path() -> Path | None:
    """The log file in use, or None before `install()` (or when it could not be opened)."""
    return _log_path


def _open_log(log_dir: Path) -> Path | None:
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / LOG_NAME
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            os.replace(path, path.with_name(LOG_NAME + ".1"))
        return path
    except OSError:
        return None


def install(log_dir: Path | None = None, *, argv: list[str] | None = None) -> Path | None:
    """Set up the log file and the exception hooks; returns the log file (None if unwritable)."""
    global _log_path, _fault_file
    path = _open_log(log_dir if log_dir is not None else Paths.from_environment().log_dir)
    if path is not None:
        handler = logging.FileHandler(path, encoding="utf-8", delay=False)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
        )
        handler.setLevel(logging.INFO)
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > logging.INFO:
            root.setLevel(logging.INFO)
        logging.captureWarnings(True)
        try:
            _fault_file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
            faulthandler.enable(file=_fault_file)
        except OSError:
            _fault_file = None
    _log_path = path
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    LOGGER.info(
        "hearth %s started: %s (frozen=%s, executable=%s)",
        app_version(),
        " ".join(sys.argv[1:] if argv is None else argv) or "(no arguments)",
        bool(getattr(sys, "frozen", False)),
        sys.executable,
    )
    return path


def user_message(exc: BaseException) -> str:
    where = f"Details are in the log: {_log_path}" if _log_path else "No log file could be written."
    return f"Hearth stopped on an unexpected error: {type(exc).__name__}: {exc}\n{where}"


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    LOGGER.critical("uncaught exception", exc_info=(exc_type, exc, tb))
    message = user_message(exc)
    _to_stderr(message)
    _show_box(message)


def _thread_excepthook(args: Any) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    exc_info = (args.exc_type, args.exc_value, args.exc_traceback)
    LOGGER.critical("uncaught exception in thread %s", name, exc_info=exc_info)
    if args.exc_value is not None:
        _to_stderr(user_message(args.exc_value))


def _to_stderr(message: str) -> None:
    stream = sys.stderr
    if stream is None:  # a windowed app on Windows has no stderr
        return
    with contextlib.suppress(OSError, ValueError):
        print(message, file=stream)


def _show_box(message: str) -> None:
    """A message box, only when Qt is already loaded and a QApplication exists."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None or threading.current_thread() is not threading.main_thread():
        return
    try:
        app = widgets.QApplication.instance()
        if app is None or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
            return
        widgets.QMessageBox.critical(None, "Hearth", message)
    except Exception:  # the hook itself must never raise
        LOGGER.exception("could not show the error message box")
