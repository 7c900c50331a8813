"""The user's language: Hearth's own catalog and Qt's, installed once the QApplication exists.

Catalogs ship in the package next to this module, `i18n/hearth_<language>.qm` (compiled from
`hearth_<language>.ts` with pyside6-lrelease; packaging/README.md says how to refresh them).
With Hearth's catalog comes Qt's own for the same language, `qtbase_<language>.qm` from Qt's
translations folder when it is there, for Qt's standard buttons and dialogs (OK, Cancel, Yes,
the file dialog). A language Hearth has no catalog for stays English throughout: no Qt catalog
either, so that buttons do not speak another language than the rest of the window.

The language is the system's (`QLocale.system()`: on Linux it follows LANGUAGE, LC_ALL,
LC_MESSAGES and LANG); `HEARTH_LANG` (e.g. `de`, `de_AT`, `en`) overrides it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

CATALOG_DIR = Path(__file__).resolve().with_name("i18n")
LANG_ENV = "HEARTH_LANG"

LOGGER = logging.getLogger(__name__)
_installed: list[QTranslator] = []


def ui_locale() -> QLocale:
    """The locale whose language the app speaks: HEARTH_LANG, else the system's."""
    override = os.environ.get(LANG_ENV, "").strip()
    return QLocale(override) if override else QLocale.system()


def install_translations(app: QCoreApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Install the catalogs for `locale` (default: `ui_locale()`) into `app`, replacing those
    an earlier call installed. Call before creating widgets: texts are translated when set.

    Returns the translators installed: none for English or a language without a catalog."""
    remove_translations(app)
    locale = ui_locale() if locale is None else locale
    hearth = QTranslator(app)
    language = catalog_language(locale.uiLanguages())
    # Tries hearth_de_AT.qm, then hearth_de.qm for that one language.
    if language is None or not hearth.load(QLocale(language), "hearth", "_", str(CATALOG_DIR)):
        hearth.deleteLater()
        LOGGER.info("no translation for %s: English", locale.name())
        return []
    translators = [hearth]
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(hearth.language()), "qtbase", "_", qt_dir):
        translators.insert(0, qt)  # installed first: the one installed last is asked first
    else:
        qt.deleteLater()
    for translator in translators:
        app.installTranslator(translator)
        _installed.append(translator)
    LOGGER.info(
        "translations for %s: %s", locale.name(), ", ".join(t.filePath() for t in _installed)
    )
    return list(_installed)


def catalog_language(preferred: list[str]) -> str | None:
    """The first of the user's languages (in order of preference) that Hearth speaks, or None
    for English. English is Hearth's own language: a user who lists English before German
    (macOS: ["en-US", "de-DE"]) gets English, not the first catalog further down the list."""
    for tag in preferred:
        language = QLocale(tag).language()
        if language in (QLocale.Language.English, QLocale.Language.C):
            return None
        code = QLocale.languageToCode(language)
        if any(CATALOG_DIR.glob(f"hearth_{code}*.qm")):
            return tag
    return None


def remove_translations(app: QCoreApplication) -> None:
    """Back to the English source text (for widgets created from now on)."""
    while _installed:
        translator = _installed.pop()
        app.removeTranslator(translator)
        translator.deleteLater()
