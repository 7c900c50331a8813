"""Always visible at the bottom: which model on which backend, how fast, where and how sure."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from hearth.core.answer import Answer
from hearth.core.engine.types import LoadInfo
from hearth.core.settings import Settings


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


class StatusPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.air_gapped_label = QLabel(self.tr("Air-gapped: nothing leaves this device"))
        self.air_gapped_label.setObjectName("airgap")
        self.air_gapped_label.setAccessibleName(self.tr("Air-gapped mode"))
        self.air_gapped_label.setStyleSheet(
            "#airgap { background: #1d6b3a; color: white; padding: 1px 8px;"
            " border-radius: 8px; font-weight: 600; }"
        )
        self.message_label = QLabel()
        self.message_label.setAccessibleName(self.tr("Progress"))
        self._clear_timer = QTimer(self)
        self._clear_timer.setSingleShot(True)
        self._clear_timer.timeout.connect(self.message_label.clear)
        self.model_label = QLabel()
        self.model_label.setAccessibleName(self.tr("Model"))
        self.backend_label = QLabel(self.tr("Backend: not loaded yet"))
        self.backend_label.setAccessibleName(self.tr("Backend"))
        self.speed_label = QLabel(self.tr("No run yet"))
        self.speed_label.setAccessibleName(self.tr("Speed of the last run"))
        self.route_label = QLabel()
        self.route_label.setAccessibleName(self.tr("Where the answer came from"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(8)
        layout.addWidget(self.message_label, 1)
        for index, widget in enumerate(
            (self.model_label, self.backend_label, self.speed_label, self.route_label)
        ):
            if index:
                layout.addWidget(_separator())
            layout.addWidget(widget)
        layout.addWidget(self.air_gapped_label)

    @Slot(str)
    def show_message(self, text: str, timeout_ms: int = 0) -> None:
        """A passing message (progress, "Copied."), cleared after `timeout_ms` if given."""
        self.message_label.setText(text)
        if timeout_ms:
            self._clear_timer.start(timeout_ms)
        else:
            self._clear_timer.stop()

    def show_settings(self, settings: Settings) -> None:
        self.air_gapped_label.setVisible(settings.air_gapped)
        if settings.model is None:
            self.model_label.setText(self.tr("No model yet: Models ▸ Manage models…"))
        else:
            self.model_label.setText(self.tr("Model: {0}").format(Path(settings.model).name))

    def show_load(self, load: LoadInfo) -> None:
        self.model_label.setText(
            self.tr("{0} · {1}").format(load.model_name, load.quantization or self.tr("unknown"))
        )
        self.model_label.setToolTip(load.model_path)
        if load.gpu_layers > 0:
            self.backend_label.setText(
                self.tr("{0} · {1}/{2} GPU layers").format(
                    load.backend, load.gpu_layers, load.n_layers
                )
            )
        else:
            self.backend_label.setText(self.tr("{0} only").format(load.backend))
        self.backend_label.setToolTip(load.gpu_note)

    def show_answer(self, answer: Answer) -> None:
        """Speed, route and confidence of a finished answer."""
        timings = answer.timings
        if answer.route == "cloud":
            # The cloud's own time: the local run's figures belong to the answer it replaced.
            self.speed_label.setText(
                self.tr("Cloud answer in {0:.1f} s").format(timings.total_ms / 1000)
            )
        elif timings.output_tokens:
            self.speed_label.setText(
                self.tr("First token {0:.0f} ms · {1:.1f} tokens/s").format(
                    timings.ttft_ms, timings.decode_tokens_per_s
                )
            )
        else:  # scored (classify): no tokens were generated, so no decode speed
            self.speed_label.setText(self.tr("Scored in {0:.0f} ms").format(timings.total_ms))
        self.route_label.setText(self._where(answer))
        self.route_label.setToolTip(answer.routing_explanation)

    def _where(self, answer: Answer) -> str:
        escalation = answer.escalation
        if answer.route == "cloud":
            where = self.tr("Cloud: {0}").format(answer.model or "")
        elif escalation is not None and escalation.declined:
            where = self.tr("On this device (you kept it)")
        elif escalation is not None and escalation.error is not None:
            where = self.tr("On this device (the cloud failed)")
        else:
            where = self.tr("On this device")
        if answer.confidence is None:
            return where  # a cloud answer carries no local confidence
        return self.tr("{0} · confidence {1:.0%}").format(where, answer.confidence)
