"""The desktop app measured from outside its code: launch to window shown, resident memory
with no model, and the longest event-loop stall while 500 tokens stream into the window.

    python -m bench.gui_probe      (prints one JSON object; run with QT_QPA_PLATFORM=offscreen)

`hearth bench` starts this as a fresh process and passes its own clock reading at launch in
HEARTH_BENCH_LAUNCHED (time.time()), so "launch" includes interpreter start and imports. The
tokens go through the window's own slot for streamed text, queued from a worker thread exactly
as the engine worker delivers them; no model or engine host is started.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

LAUNCHED = float(os.environ.get("HEARTH_BENCH_LAUNCHED", time.time()))

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hearth.core.paths import Paths  # noqa: E402
from hearth.gui.app import HearthApp  # noqa: E402

TOKENS = 500
TOKEN_INTERVAL_S = 0.004  # 250 tokens/s: faster than any CPU decode, so paints carry real work


def rss_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def fake_tokens() -> list[str]:
    words = ["The", " quick", " summary", " of", " the", " text", ",", " with", " **bold**", "."]
    out = []
    for i in range(TOKENS):
        out.append(words[i % len(words)])
        if i % 60 == 59:
            out.append("\n\n- ")
    return out[:TOKENS]


class Feeder(QObject):
    text = Signal(str)


def main() -> int:
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    app = HearthApp(Paths.from_environment())
    report: dict[str, float] = {}
    window = app.window

    def shown() -> None:
        report["window_shown_ms"] = (time.time() - LAUNCHED) * 1000
        report["rss_idle_bytes"] = rss_bytes()
        QTimer.singleShot(200, stream)

    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(1)

    def tick() -> None:
        gaps.append(clock.nsecsElapsed() / 1e6)
        clock.restart()

    ticker.timeout.connect(tick)
    feeder = Feeder()
    # The same wiring the engine worker has: a signal from another thread, queued to the GUI.
    feeder.text.connect(window._on_text, Qt.ConnectionType.QueuedConnection)
    done = threading.Event()

    def produce() -> None:
        for token in fake_tokens():
            feeder.text.emit(token)
            time.sleep(TOKEN_INTERVAL_S)
        done.set()

    def stream() -> None:
        window._paint_timer.start()  # started by a submitted job; here there is no job
        clock.start()
        ticker.start()
        threading.Thread(target=produce, daemon=True).start()
        finish_when_done()

    def finish_when_done() -> None:
        if not done.is_set():
            QTimer.singleShot(50, finish_when_done)
            return
        QTimer.singleShot(100, finish)  # the last paint

    def finish() -> None:
        ticker.stop()
        window._paint_timer.stop()
        report["stream_tokens"] = TOKENS
        report["max_event_loop_gap_ms"] = max(gaps[1:]) if len(gaps) > 1 else 0.0
        report["rss_after_stream_bytes"] = rss_bytes()
        print(json.dumps(report), flush=True)
        window.close()
        qt_app.quit()

    window.show()
    QTimer.singleShot(0, shown)  # the first turn of the event loop after show: it is on screen
    code = qt_app.exec()
    app.shutdown()
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())
