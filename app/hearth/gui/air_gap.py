"""Air-gapped mode, enforced in the app process while the setting is on.

The setting can change while the app runs, so the network guard is installed and removed as it
does (the command line installs it once per command). While it is installed, every connection
and name lookup that is not to this machine is refused in this process: downloads, the cloud
client, anything a library might try. Loopback stays open: the engine host's pipe is not a
socket, and a local OpenAI-compatible server is on this machine.
"""

from __future__ import annotations

from hearth.core.privacy.network_guard import NetworkGuard


class AirGap:
    def __init__(self) -> None:
        self.guard: NetworkGuard | None = None

    @property
    def on(self) -> bool:
        return self.guard is not None

    def apply(self, air_gapped: bool) -> None:
        if air_gapped and self.guard is None:
            guard = NetworkGuard()
            guard.install()
            self.guard = guard
        elif not air_gapped and self.guard is not None:
            self.guard.uninstall()
            self.guard = None
