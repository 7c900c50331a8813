"""A fake xdg-desktop-portal that speaks org.freedesktop.portal.GlobalShortcuts on a private
D-Bus session bus: CreateSession, BindShortcuts (each answered through a Request's Response
signal, as the real portal does), Session.Close, and the Activated signal on demand."""

from __future__ import annotations

import queue
import threading
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

PORTAL_BUS = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"


class FakePortal:
    def __init__(self, address: str, *, decline: bool = False) -> None:
        self.conn = open_dbus_connection(bus=address)
        reply = self.conn.send_and_get_reply(message_bus.RequestName(PORTAL_BUS), timeout=5)
        assert reply.body[0] == 1, "could not own the portal's name"
        self.decline = decline
        self.bound: list[tuple[str, dict[str, Any]]] = []
        self.sessions: list[str] = []
        self.closed: list[str] = []
        self._commands: queue.Queue[tuple[str, str]] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def press(self, shortcut_id: str, session: str | None = None) -> None:
        """The user pressed the shortcut: emit Activated (from the portal's connection)."""
        self._commands.put((session or self.sessions[-1], shortcut_id))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.conn.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            while not self._commands.empty():
                session, shortcut_id = self._commands.get()
                emitter = DBusAddress(PORTAL_PATH, interface=SHORTCUTS)
                self.conn.send(
                    new_signal(emitter, "Activated", "osta{sv}", (session, shortcut_id, 1, {}))
                )
            try:
                message = self.conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if message.header.message_type == MessageType.method_call:
                self._handle(message)

    def _handle(self, message: Message) -> None:
        fields = message.header.fields
        member = fields.get(HeaderFields.member)
        sender = str(fields.get(HeaderFields.sender))
        if member == "Close":
            self.closed.append(str(fields.get(HeaderFields.path)))
            self.conn.send(new_method_return(message))
            return
        if member not in ("CreateSession", "BindShortcuts"):
            self.conn.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod"))
            return
        options = message.body[-1]
        token = options["handle_token"][1]
        handle = f"/org/freedesktop/portal/desktop/request/{sender[1:].replace('.', '_')}/{token}"
        self.conn.send(new_method_return(message, "o", (handle,)))
        if member == "CreateSession":
            session = (
                f"/org/freedesktop/portal/desktop/session/x/{options['session_handle_token'][1]}"
            )
            self.sessions.append(session)
            results: dict[str, Any] = {"session_handle": ("s", session)}
            code = 0
        else:
            _session, shortcuts, _parent, _options = message.body
            self.bound.extend((sid, dict(props)) for sid, props in shortcuts)
            granted = [
                (sid, {**props, "trigger_description": ("s", "Ctrl+Alt+Space")})
                for sid, props in shortcuts
            ]
            results = {"shortcuts": ("a(sa{sv})", granted)}
            code = 1 if self.decline else 0
        request = DBusAddress(handle, interface="org.freedesktop.portal.Request")
        self.conn.send(new_signal(request, "Response", "ua{sv}", (code, results)))
