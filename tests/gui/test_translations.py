"""The window speaks the user's language when Hearth has a catalog for it, English otherwise;
the shipped catalog is compiled from its current source."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from hearth.core.paths import Paths
from hearth.gui import app as gui_app
from hearth.gui.app import HearthApp
from hearth.gui.translations import (
    CATALOG_DIR,
    catalog_language,
    install_translations,
    remove_translations,
)

TS = CATALOG_DIR / "hearth_de.ts"
QM = CATALOG_DIR / "hearth_de.qm"


@pytest.fixture
def translated(qapp: QApplication) -> Iterator[QApplication]:
    """Whatever a test installs is gone after it: the QApplication is the session's."""
    yield qapp
    remove_translations(qapp)


def open_app(qtbot: QtBot) -> HearthApp:
    hearth = HearthApp(Paths.from_environment())
    qtbot.addWidget(hearth.window)
    hearth.window.show()
    qtbot.waitExposed(hearth.window)
    return hearth


def menu_titles(hearth: HearthApp) -> list[str]:
    return [action.text() for action in hearth.window.menuBar().actions()]


def test_window_in_german(
    translated: QApplication, qtbot: QtBot, hearth_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARTH_LANG", "de")
    installed = install_translations(translated)
    # Hearth's catalog, and Qt's for its standard buttons (in PySide6's wheel).
    assert [Path(t.filePath()).name for t in installed] == ["qtbase_de.qm", "hearth_de.qm"]
    hearth = open_app(qtbot)
    try:
        window = hearth.window
        assert menu_titles(hearth) == ["&Datei", "&Aufgabe", "&Modelle", "E&xtras", "&Hilfe"]
        assert window.run_button.text() == "Ausführen  (Strg+Eingabe)"
        assert window.stop_button.text() == "Stoppen  (Esc)"
        assert window.answer_actions.copy_button.text() == "&Kopieren"
        assert window.status.speed_label.text() == "Noch kein Lauf"
        dialog = window.open_settings()
        buttons = dialog.findChild(QDialogButtonBox)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text().replace("&", "") == "Abbrechen"  # Qt's own catalog
        assert dialog.windowTitle() == "Einstellungen"
        dialog.reject()
    finally:
        hearth.shutdown()


def test_regional_locale_uses_the_language_catalog(translated: QApplication) -> None:
    assert install_translations(translated, QLocale("de_AT"))
    assert QCoreApplication.translate("MainWindow", "&Help") == "&Hilfe"


@pytest.mark.parametrize("lang", ["xx_YY", "fr", "en_US", "C"])
def test_unknown_or_english_locale_stays_english(
    lang: str,
    translated: QApplication,
    qtbot: QtBot,
    hearth_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_translations(translated, QLocale("de"))  # a German session before: undone
    monkeypatch.setenv("HEARTH_LANG", lang)
    assert install_translations(translated) == []
    hearth = open_app(qtbot)
    try:
        assert menu_titles(hearth) == ["&File", "&Task", "&Models", "T&ools", "&Help"]
        assert hearth.window.run_button.text() == "Run  (Ctrl+Enter)"
        # No Qt catalog either: a French system gets no French buttons in an English window.
        dialog = hearth.window.open_settings()
        cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel.text().replace("&", "") == "Cancel"
        dialog.reject()
    finally:
        hearth.shutdown()


def test_screenshot_app_installs_the_translations(
    translated: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry points install them before the window is built (run_app alike)."""
    seen: list[str] = []

    def take_screenshot(app: HearthApp, path: Path, **_: object) -> None:
        seen.append(app.window.run_button.text())

    monkeypatch.setenv("HEARTH_LANG", "de")
    monkeypatch.setattr("hearth.gui.screenshot.take_screenshot", take_screenshot)
    assert gui_app.screenshot_app(tmp_path / "shot.png") is None
    assert seen == ["Ausführen  (Strg+Eingabe)"]


def _lrelease(ts: Path, qm: Path) -> None:
    tool = "import sys; from PySide6.scripts.pyside_tool import lrelease; lrelease()"
    subprocess.run(
        [sys.executable, "-c", tool, str(ts), "-qm", str(qm)],
        check=True,
        capture_output=True,
        timeout=60,
    )


def test_shipped_catalog_is_compiled_from_the_ts(tmp_path: Path) -> None:
    """lrelease is deterministic: the .qm must be the compiled .ts, byte for byte."""
    fresh = tmp_path / QM.name
    _lrelease(TS, fresh)
    assert fresh.read_bytes() == QM.read_bytes(), (
        f"{QM.name} is stale: run packaging/translations.sh release (see packaging/README.md)"
    )


def _marks(text: str) -> tuple[list[str], int, list[str], int]:
    """What a translation must keep: placeholders, one & mnemonic, HTML tags, line breaks."""
    placeholders = sorted(re.findall(r"\{[^{}]*\}", text))
    mnemonics = text.count("&") - 2 * text.count("&&")
    tags = sorted(re.findall(r"</?\w+>", text))
    return placeholders, mnemonics, tags, text.count("\n")


def test_translations_keep_placeholders_mnemonics_and_tags() -> None:
    broken = []
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.findtext("translation") or ""
            if translation and _marks(source) != _marks(translation):
                broken.append(f"{name}: {source!r} -> {translation!r}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize(
    ("preferred", "expected"),
    [
        (["en-US", "de-DE"], None),  # English first: English, not the next catalog down
        (["de-AT", "en-US"], "de-AT"),
        (["fr-FR", "de-DE"], "de-DE"),  # no French catalog: the next language that has one
        (["fr-FR", "en-GB", "de-DE"], None),
        ([], None),
    ],
)
def test_the_first_preferred_language_hearth_speaks_wins(
    preferred: list[str], expected: str | None
) -> None:
    assert catalog_language(preferred) == expected
