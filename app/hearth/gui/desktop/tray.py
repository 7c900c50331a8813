"""`hearth tray`: Hearth in the system tray, with the global hotkey that opens the popup.

The hotkey backend calls back on its own thread; a queued signal brings the press to the GUI
thread, where the focused window is noted (for Replace) and the selection read before the
popup takes the focus. Where the desktop has no tray (a bare X server, some GNOME setups) the
hotkey still works, and the app says once how to reach it.

The popup and the window ("Open Hearth", Settings) share the session's one engine. A hotkey
changed in the settings is registered at once, in place of the old one.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QStyle, QSystemTrayIcon

from hearth.core.errors import UsageError
from hearth.core.settings import Settings
from hearth.gui.desktop.hotkeys import HotkeyUnavailable, backend_name, make_backend
from hearth.gui.desktop.hotkeys.backend import HotkeyBackend, HotkeyStatus
from hearth.gui.desktop.hotkeys.binding import Binding
from hearth.gui.desktop.hotkeys.portal import FALLBACK_COMMAND
from hearth.gui.desktop.hotkeys.status_file import remove_status, status_path, write_status
from hearth.gui.desktop.paste import capture_target
from hearth.gui.desktop.popup import QuickPopup
from hearth.gui.desktop.quick_session import QuickSession
from hearth.gui.desktop.selection import Selection, read_selection

log = logging.getLogger("hearth.tray")

_HOW = {
    "x11": "an X11 key grab",
    "portal": "the desktop's GlobalShortcuts portal",
    "windows": "RegisterHotKey",
}


class TrayApp(QObject):
    _pressed = Signal()  # from the hotkey's thread to this one

    def __init__(self, session: QuickSession, say: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.session = session
        self._say = say or _stderr
        self.backend: HotkeyBackend | None = None
        self.status = HotkeyStatus(
            binding=session.settings().hotkey, backend=None, registered=False
        )
        self.popup: QuickPopup | None = None
        self.paused = False
        self.icon: QSystemTrayIcon | None = None
        self._pressed.connect(self.open_popup, Qt.ConnectionType.QueuedConnection)
        session.settings_changed.connect(self._settings_changed)

    # -- the hotkey -------------------------------------------------------------------------

    def start(self) -> HotkeyStatus:
        self._register_and_say(self.session.settings().hotkey)
        self._make_icon()
        return self.status

    def rebind(self, text: str) -> HotkeyStatus:
        """Register `text` in place of the hotkey registered now (the settings changed)."""
        if self.backend is not None:
            self.backend.stop()
            self.backend = None
        self._register_and_say(text)
        if self.icon is not None:
            self.icon.setToolTip(
                self.tr("Hearth — {0} on selected text").format(self.status.binding)
            )
            if not self.status.registered:
                self.icon.showMessage(
                    self.tr("Hearth: the hotkey is not registered"),
                    self.status.problem or "",
                    QSystemTrayIcon.MessageIcon.Warning,
                )
        return self.status

    def _settings_changed(self, settings: Settings) -> None:
        if _canonical(settings.hotkey) != _canonical(self.status.binding):
            self.rebind(settings.hotkey)

    def _register_and_say(self, text: str) -> None:
        self.status = self._register(text)
        write_status(status_path(self.session.paths.data_dir), self.status)
        if self.status.registered:
            trigger = (
                f" (the desktop assigned {self.status.trigger})" if self.status.trigger else ""
            )
            self._say(
                f"hearth tray: hotkey {self.status.binding} registered through "
                f"{_HOW.get(self.status.backend or '', self.status.backend)}{trigger}"
            )
        else:
            self._say(
                f"hearth tray: hotkey {self.status.binding} not registered"
                f"{' through ' + self.status.backend if self.status.backend else ''}: "
                f"{self.status.problem}"
            )

    def _register(self, text: str) -> HotkeyStatus:
        try:
            binding = Binding.parse(text)
            name = backend_name()
        except (UsageError, HotkeyUnavailable) as exc:
            return HotkeyStatus(text, None, False, exc.message)
        backend = make_backend(binding, name)
        try:
            backend.start(self._pressed.emit)
        except HotkeyUnavailable as exc:
            return HotkeyStatus(str(binding), name, False, exc.message)
        self.backend = backend
        return HotkeyStatus(str(binding), name, True, trigger=getattr(backend, "trigger", None))

    def set_paused(self, paused: bool) -> None:
        self.paused = paused

    # -- the popup --------------------------------------------------------------------------

    def open_popup(self) -> None:
        if self.paused:
            return
        target = capture_target()  # before the popup takes the focus
        selection = read_selection(QGuiApplication.clipboard())
        if self.popup is not None:
            self.popup.close()
        if not selection.text.strip():
            selection = Selection("", selection.source)
        self.popup = self.session.popup(selection, target)
        self.popup.show_near()
        if not selection.text.strip():
            self.popup.status.setText(
                self.tr(
                    "No text is selected: select text in any application, then press {0}."
                ).format(self.status.binding)
            )
        log.info("popup shown (%s, %d characters)", selection.source, len(selection.text))

    # -- the tray icon ----------------------------------------------------------------------

    def _make_icon(self) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            how = (
                self.tr("press {0} with text selected").format(self.status.binding)
                if self.status.registered
                else self.tr("bind a key to the command '{0}' in your desktop's settings").format(
                    FALLBACK_COMMAND
                )
            )
            self._say(
                self.tr(
                    "hearth tray: this desktop has no system tray, so Hearth has no icon: {0}, "
                    "or run 'hearth quick'. Stop it with Ctrl+C."
                ).format(how)
            )
            return
        style = QApplication.style()
        icon = QIcon.fromTheme(
            "accessories-text-editor",
            style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView),
        )
        self.icon = QSystemTrayIcon(icon, self)
        self.icon.setToolTip(self.tr("Hearth — {0} on selected text").format(self.status.binding))
        menu = QMenu()
        open_action = QAction(self.tr("Open Hearth"), menu)
        open_action.triggered.connect(lambda: self.session.open_in_hearth(""))
        popup_action = QAction(self.tr("Writing tools on the selection"), menu)
        popup_action.triggered.connect(self.open_popup)
        pause = QAction(self.tr("Pause the hotkey"), menu)
        pause.setCheckable(True)
        pause.toggled.connect(self.set_paused)
        settings = QAction(self.tr("Settings…"), menu)
        settings.triggered.connect(self._open_settings)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(QApplication.quit)
        for action in (open_action, popup_action, pause, settings):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(quit_action)
        self._menu = menu
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(
            lambda reason: (
                self.open_popup() if reason == QSystemTrayIcon.ActivationReason.Trigger else None
            )
        )
        self.icon.show()

    def _open_settings(self) -> None:
        self.session.open_in_hearth("")
        window = self.session.window
        if window is not None:
            window.open_settings()

    def shutdown(self) -> None:
        if self.backend is not None:
            self.backend.stop()
            self.backend = None
        remove_status(status_path(self.session.paths.data_dir))
        if self.popup is not None:
            self.popup.close()
        if self.icon is not None:
            self.icon.hide()


def _canonical(text: str) -> str:
    try:
        return str(Binding.parse(text))
    except UsageError:
        return text


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
