"""Wayland: the xdg-desktop-portal GlobalShortcuts interface over the session D-Bus (jeepney).

The compositor owns every key on Wayland; an application may only ask the portal for a
shortcut (KDE Plasma, GNOME 48+, Hyprland; not wlroots/Sway). The flow: CreateSession, then
BindShortcuts with our preferred trigger (the desktop may show the user a dialog and may assign
another trigger), then the portal's Activated signal for each press. Each call answers through
a Request object's Response signal, subscribed to before the call so none is missed.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, Message, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse

from hearth.gui.desktop.hotkeys.backend import HotkeyUnavailable
from hearth.gui.desktop.hotkeys.binding import Binding

PORTAL_BUS = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"
SHORTCUT_ID = "hearth-quick"
# What a user without the portal can bind in their desktop's keyboard settings instead.
FALLBACK_COMMAND = "hearth quick"


class PortalHotkey:
    name = "portal"

    def __init__(
        self,
        binding: Binding,
        *,
        bus_address: str = "SESSION",
        # BindShortcuts may wait on the user: the desktop can ask them to confirm the shortcut.
        bind_timeout_s: float = 120.0,
    ) -> None:
        self.binding = binding
        self._bus = bus_address
        self._bind_timeout_s = bind_timeout_s
        self._conn: DBusConnection | None = None
        self._session: str | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.trigger: str | None = None  # the trigger the desktop assigned, in its words
        self._portal = DBusAddress(PORTAL_PATH, bus_name=PORTAL_BUS, interface=SHORTCUTS)

    def start(self, on_press: Callable[[], None]) -> None:
        try:
            self._conn = open_dbus_connection(bus=self._bus)
        except (OSError, KeyError, ValueError) as exc:
            raise HotkeyUnavailable(unavailable(f"no session D-Bus ({exc})")) from None
        try:
            self._bind()
        except HotkeyUnavailable:
            self._close()
            raise
        activated = MatchRule(
            type="signal", interface=SHORTCUTS, member="Activated", path=PORTAL_PATH
        )
        self._add_match(activated)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._listen, args=(activated, on_press), name="hotkey-portal", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._close()

    # -- the portal's request/response dance -----------------------------------------------

    def _bind(self) -> None:
        conn = self._conn
        assert conn is not None
        try:
            results = self._call("CreateSession", "a{sv}", 10.0, session=True)
        except DBusErrorResponse as exc:
            raise HotkeyUnavailable(unavailable(f"{exc.name}")) from None
        session = results.get("session_handle")
        if session is None:
            raise HotkeyUnavailable(unavailable("the portal gave no session"))
        self._session = str(session[1])
        shortcut = (
            SHORTCUT_ID,
            {
                "description": ("s", "Hearth: work on the selected text"),
                "preferred_trigger": ("s", self.binding.portal_trigger()),
            },
        )
        try:
            results = self._call(
                "BindShortcuts",
                "oa(sa{sv})sa{sv}",
                self._bind_timeout_s,
                self._session,
                [shortcut],
                "",
            )
        except DBusErrorResponse as exc:
            raise HotkeyUnavailable(unavailable(f"{exc.name}")) from None
        bound = {sid: props for sid, props in results.get("shortcuts", ("", []))[1]}
        if SHORTCUT_ID not in bound:
            raise HotkeyUnavailable(
                "The desktop did not bind Hearth's shortcut (it may have been declined). "
                f"Bind a shortcut to the command '{FALLBACK_COMMAND}' in your desktop's "
                "keyboard settings instead."
            )
        description = bound[SHORTCUT_ID].get("trigger_description")
        self.trigger = str(description[1]) if description else None

    def _call(
        self, method: str, signature: str, timeout: float, *args: Any, session: bool = False
    ) -> dict[str, Any]:
        """Call a portal method whose answer comes as a Request's Response; its results."""
        conn = self._conn
        assert conn is not None
        token = "hearth_" + secrets.token_hex(6)
        sender = (conn.unique_name or "").lstrip(":").replace(".", "_")
        handle = f"/org/freedesktop/portal/desktop/request/{sender}/{token}"
        response = MatchRule(type="signal", interface=REQUEST, member="Response", path=handle)
        self._add_match(response)
        options: dict[str, tuple[str, str]] = {"handle_token": ("s", token)}
        if session:
            options["session_handle_token"] = ("s", "hearth_" + secrets.token_hex(6))
        with conn.filter(response) as queue:
            reply = conn.send_and_get_reply(
                new_method_call(self._portal, method, signature, (*args, options)), timeout=10.0
            )
            if reply.header.message_type == MessageType.error:
                raise DBusErrorResponse(reply)
            try:
                message = conn.recv_until_filtered(queue, timeout=timeout)
            except TimeoutError:
                raise HotkeyUnavailable(
                    unavailable(f"no answer to {method} within {timeout:.0f} s")
                ) from None
        code, results = message.body
        if code != 0:
            raise HotkeyUnavailable(
                f"The desktop declined Hearth's shortcut ({method} answered {code}). Bind a "
                f"shortcut to the command '{FALLBACK_COMMAND}' in your desktop's keyboard "
                "settings instead."
            )
        return dict(results)

    def _add_match(self, rule: MatchRule) -> None:
        assert self._conn is not None
        self._conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=10.0)

    def _listen(self, rule: MatchRule, on_press: Callable[[], None]) -> None:
        conn = self._conn
        assert conn is not None
        with conn.filter(rule, bufsize=64) as queue:
            while not self._stop.is_set():
                try:
                    message = conn.recv_until_filtered(queue, timeout=0.25)
                except TimeoutError:
                    continue  # wakes up to see whether to stop
                except (OSError, ValueError):
                    return  # the bus went away
                if _is_ours(message, self._session):
                    on_press()

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if self._session is not None:
            try:
                session = DBusAddress(self._session, bus_name=PORTAL_BUS, interface=SESSION)
                # Waited for: once stop returns the shortcut is gone (a new one may be bound
                # next), not merely asked to go.
                conn.send_and_get_reply(new_method_call(session, "Close"), timeout=2.0)
            except (OSError, TimeoutError, DBusErrorResponse):
                pass  # the bus or the session is gone already
            self._session = None
        conn.close()


def _is_ours(message: Message, session: str | None) -> bool:
    body = message.body
    sender_path = message.header.fields.get(HeaderFields.path)
    return (
        sender_path == PORTAL_PATH
        and len(body) >= 2
        and body[0] == session
        and body[1] == SHORTCUT_ID
    )


def unavailable(why: str) -> str:
    return (
        f"The desktop offers no global shortcuts portal ({why}). Bind a shortcut to the "
        f"command '{FALLBACK_COMMAND}' in your desktop's keyboard settings instead."
    )
