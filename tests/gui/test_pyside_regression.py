"""Guards against a Qt binding that corrupts memory when the worker streams to the window.

PySide6 6.12.0 drops a reference to `True` on every queued cross-thread signal delivery. On
Python 3.11 (where `True` is not immortal) the app then aborts with "bool_dealloc" after a few
thousand streamed tokens. pyproject.toml excludes that release; this test fails if an upgrade
brings the bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QThread, Signal, Slot
from pytestqt.qtbot import QtBot

DELIVERIES = 300


class _Emitter(QObject):
    piece = Signal(str)
    start = Signal()

    @Slot()
    def run(self) -> None:
        for _ in range(DELIVERIES):
            self.piece.emit("x")


class _Receiver(QObject):
    received = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    @Slot(str)
    def on_piece(self, _text: str) -> None:
        self.count += 1
        if self.count == DELIVERIES:
            self.received.emit()


def test_queued_cross_thread_signals_keep_refcounts_intact(qtbot: QtBot) -> None:
    thread = QThread()
    emitter = _Emitter()
    emitter.moveToThread(thread)
    emitter.start.connect(emitter.run)
    receiver = _Receiver()
    emitter.piece.connect(receiver.on_piece)
    thread.start()
    try:
        before = sys.getrefcount(True)
        with qtbot.waitSignal(receiver.received, timeout=120_000):
            emitter.start.emit()
        drift = sys.getrefcount(True) - before
    finally:
        thread.quit()
        thread.wait()
    assert receiver.count == DELIVERIES
    # A few references may come and go with Qt's own work; the bug loses one per delivery.
    assert abs(drift) < DELIVERIES // 10
