"""Render the window to a PNG, optionally after running the task: README shots and tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from hearth.core.errors import HearthError, UsageError
from hearth.gui.app import HearthApp
from hearth.gui.input_editor import read_text_file


def take_screenshot(
    app: HearthApp,
    path: Path,
    *,
    task: str | None = None,
    text_file: Path | None = None,
    run: bool = False,
    timeout_s: float = 120.0,
) -> str | None:
    """Save the window as a PNG at `path`; returns the problem of the run, if any."""
    window = app.window
    if task is not None:
        try:
            window.set_task(task)
        except KeyError:
            raise UsageError(
                f"No task named '{task}'; choose one of: "
                + ", ".join(str(window.task_bar.tabData(i)) for i in range(window.task_bar.count()))
            ) from None
    if text_file is not None:
        window.input.setPlainText(read_text_file(text_file))
    window.show()
    problem: str | None = None
    if run:
        loop = QEventLoop()
        failures: list[str] = []
        window.answer_ready.connect(loop.quit)
        window.job_failed.connect(failures.append)
        window.job_failed.connect(loop.quit)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        window.run_task()
        if window.stop_button.isEnabled():  # the job started
            loop.exec()
        if window.stop_button.isEnabled():
            window.stop()
            problem = "the task did not finish in time; the picture shows it unfinished"
        elif failures:
            problem = failures[0]
    QApplication.processEvents()
    if not window.grab().save(str(path), "PNG"):
        raise HearthError(f"Could not write the screenshot to {path}.")
    return problem
