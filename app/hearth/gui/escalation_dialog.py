"""Ask before a request leaves: where it would go, why, and exactly what would be sent.

The payload shown is the request body byte for byte as it would be sent (indented for
reading), with personal data already replaced by placeholders; the API key travels in a header
and is never shown. Keeping the local answer is the default button: Enter or Esc sends nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hearth.core.routing.router import EscalationPreview

# Marked for lupdate (which reads only literals, the context too); looked up with tr() when
# shown. {0} is the count.
KIND_TITLES = {
    "EMAIL": (
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} e-mail address"),
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} e-mail addresses"),
    ),
    "PHONE": (
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} phone number"),
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} phone numbers"),
    ),
    "IBAN": (
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} IBAN"),
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} IBANs"),
    ),
    "CARD": (
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} card number"),
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} card numbers"),
    ),
    "IP": (
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} IP address"),
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} IP addresses"),
    ),
    "SECRET": (
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} secret"),
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} secrets"),
    ),
    "NAME": (
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} name"),
        QT_TRANSLATE_NOOP("EscalationDialog", "{0} names"),
    ),
}


class EscalationDialog(QDialog):
    def __init__(self, preview: EscalationPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(self.tr("Send this request to the cloud?"))
        self.setAccessibleName(self.tr("Cloud escalation"))
        self.resize(640, 560)

        where = preview.destination
        if preview.host not in where:  # a preset's title ("OpenAI") does not name the server
            where = self.tr("{0} ({1})").format(where, preview.host)
        heading = QLabel(self.tr("<b>Send this request to {0}?</b>").format(where))
        heading.setWordWrap(True)
        self.reason = QLabel(self._why())
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName(self.tr("Why the request would leave this device"))
        self.redactions = QLabel(self._redaction_text())
        self.redactions.setWordWrap(True)
        self.redactions.setAccessibleName(self.tr("What was replaced by placeholders"))

        self.payload = QPlainTextEdit(preview.payload.preview())
        self.payload.setReadOnly(True)
        self.payload.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.payload.setAccessibleName(self.tr("Exactly what would be sent"))
        self.payload.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        size = len(preview.payload.body)
        what = QLabel(
            self.tr("Exactly what would be sent ({0:,} bytes; your API key is not shown):").format(
                size
            )
        )
        what.setBuddy(self.payload)

        buttons = QDialogButtonBox()
        self.send_button = QPushButton(self.tr("&Send to the cloud"))
        self.send_button.setAccessibleName(self.tr("Send this request"))
        self.keep_button = QPushButton(self.tr("&Keep the answer from this device"))
        self.keep_button.setAccessibleName(self.tr("Send nothing"))
        self.keep_button.setDefault(True)
        self.keep_button.setAutoDefault(True)
        self.send_button.setAutoDefault(False)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.reason)
        layout.addWidget(self.redactions)
        layout.addWidget(what)
        layout.addWidget(self.payload, 1)
        layout.addWidget(buttons)
        self.keep_button.setFocus()

    def _why(self) -> str:
        why = self.preview.decision.explanation
        if self.preview.local_answer is not None:
            kept = self.tr("The answer from this device is in the window; it stays if you keep it.")
            return f"{why} {kept}"
        return why

    def _redaction_text(self) -> str:
        counts = self.preview.redactions
        if not counts:
            return self.tr("No personal data was found to replace. Check the text below.")
        parts = []
        for kind, count in sorted(counts.items()):
            titles = KIND_TITLES.get(kind)
            if titles is None:
                parts.append(f"{count} × {kind.lower()}")
            else:
                title = titles[0] if count == 1 else titles[1]
                assert isinstance(title, str)  # QT_TRANSLATE_NOOP returns its text
                parts.append(self.tr(title).format(count))
        return self.tr(
            "Replaced by placeholders before sending: {0}. The answer gets the real "
            "values back on this device."
        ).format(", ".join(parts))
