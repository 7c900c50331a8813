"""What the popup's tasks are called on screen, for the popup's buttons and the settings."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def task_title(key: str) -> str:
    """The translated title of a quick task (its key when it has none)."""
    titles = {
        "proofread": QCoreApplication.translate("QuickTasks", "Proofread"),
        "friendly": QCoreApplication.translate("QuickTasks", "Friendlier"),
        "professional": QCoreApplication.translate("QuickTasks", "More professional"),
        "concise": QCoreApplication.translate("QuickTasks", "Concise"),
        "summarize": QCoreApplication.translate("QuickTasks", "Summarize"),
        "key-points": QCoreApplication.translate("QuickTasks", "Key points"),
    }
    return titles.get(key, key)
