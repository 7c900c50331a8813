"""Documents in the window: dropped or opened, read on a worker thread with progress and
cancel, the header saying what was read, and an encrypted PDF asking for its password."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from hearth.gui.app import HearthApp
from tests.core.documents.samples import TOPICS, report_pages, write_docx, write_pdf


def _files(*paths: Path) -> QMimeData:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return data


def test_dropping_a_pdf_reads_it_and_the_header_says_what_was_read(
    app: HearthApp, qtbot: QtBot, tmp_path: Path
) -> None:
    editor = app.window.input
    path = write_pdf(tmp_path / "report.pdf", report_pages())
    with qtbot.waitSignal(editor.document_loaded, timeout=30_000) as loaded:
        editor.insertFromMimeData(_files(path))
    info = loaded.args[0]
    assert (info.format, info.pages) == ("pdf", len(TOPICS))
    assert TOPICS[3] in editor.toPlainText()
    assert editor.header.isVisible()
    header = editor.header.label.text()
    assert "report.pdf" in header
    assert "PDF" in header
    assert "5 pages" in header
    assert f"{info.chars:,} characters" in header
    assert "left out" in header
    assert editor.input_info == info


def test_a_docx_under_a_text_name_is_read_as_word(
    app: HearthApp, qtbot: QtBot, tmp_path: Path
) -> None:
    editor = app.window.input
    path = write_docx(tmp_path / "minutes.docx").rename(tmp_path / "minutes.txt")
    with qtbot.waitSignal(editor.document_loaded, timeout=30_000):
        assert editor.load_file(path)
    assert "| Pier | Ingrid | 4,200 |" in editor.toPlainText()
    assert "Word" in editor.header.label.text()


def test_a_long_pdf_shows_progress_and_cancel_keeps_the_text(
    app: HearthApp, qtbot: QtBot, tmp_path: Path
) -> None:
    editor = app.window.input
    editor.setPlainText("keep me")
    path = write_pdf(tmp_path / "long.pdf", [[f"Entry {n * 7 + n % 3}."] for n in range(600)])
    seen: list[int] = []

    def cancel_early(number: int, done: int, total: int) -> None:
        seen.append(done)
        if done == 5:
            editor.cancel_reading()

    # Direct: called on the reader thread, so the cancel lands while pages are still read.
    editor.reader.progress.connect(cancel_early, Qt.ConnectionType.DirectConnection)
    cancelled: list[int] = []
    editor.reader.cancelled.connect(cancelled.append, Qt.ConnectionType.QueuedConnection)
    editor.load_file(path)
    qtbot.waitUntil(lambda: bool(cancelled), timeout=30_000)
    assert editor.toPlainText() == "keep me"
    assert seen
    assert max(seen) < 600
    assert not editor.header.isVisible()


def test_an_encrypted_pdf_asks_for_its_password(
    app: HearthApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = app.window.input
    path = write_pdf(tmp_path / "secret.pdf", report_pages(), password="s3cret")
    asked: list[str] = []

    def answer(*args: object, **kwargs: object) -> tuple[str, bool]:
        asked.append(str(args[2]))
        return ("s3cret", True)

    monkeypatch.setattr(QInputDialog, "getText", answer)
    with qtbot.waitSignal(editor.document_loaded, timeout=30_000):
        editor.load_file(path)
    assert asked
    assert "secret.pdf is encrypted" in asked[0]
    assert TOPICS[0] in editor.toPlainText()


def test_an_image_only_pdf_is_a_problem_and_keeps_the_text(
    app: HearthApp, qtbot: QtBot, tmp_path: Path
) -> None:
    from tests.core.documents.samples import write_image_only_pdf

    editor = app.window.input
    editor.setPlainText("keep me")
    with qtbot.waitSignal(editor.problem, timeout=30_000) as problem:
        editor.load_file(write_image_only_pdf(tmp_path / "scan.pdf"))
    assert "no text layer" in problem.args[0]
    assert editor.toPlainText() == "keep me"


def test_a_request_on_a_read_document_carries_its_facts_until_the_text_is_edited(
    app: HearthApp, qtbot: QtBot, tmp_path: Path, tiny_model: Path
) -> None:
    window = app.window
    window.use_model(tiny_model)
    editor = window.input
    path = write_pdf(tmp_path / "report.pdf", report_pages())
    with qtbot.waitSignal(editor.document_loaded, timeout=30_000):
        editor.insertFromMimeData(_files(path))
    window.set_task("summarize")
    with qtbot.waitSignal(window.answer_ready, timeout=180_000) as done:
        window.run_task()
    answer = done.args[0]
    assert answer.input is not None
    assert (answer.input.format, answer.input.pages) == ("pdf", len(TOPICS))
    assert answer.to_json()["input"]["pages"] == len(TOPICS)
    editor.insertPlainText(" My own words.")
    assert editor.input_info is None  # an edited text is the user's, not the document's
