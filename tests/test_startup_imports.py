"""What the desktop app's process imports before its window shows: not the keychain library
(a tenth of a second), which only the settings dialog and cloud requests use."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys

    import hearth.gui.app
    from hearth.core.cloud.keys import KeyStore

    keys = KeyStore(environ={})  # as the window builds one at start
    print("AT START:" + ",".join(sorted(m for m in sys.modules if m.split(".")[0] == "keyring")))
    keys.status()
    print("IN USE:" + str("keyring" in sys.modules))
    """
)


def test_the_window_modules_leave_the_keychain_library_until_a_key_is_used() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "AT START:\n" in result.stdout
    assert "IN USE:True" in result.stdout
