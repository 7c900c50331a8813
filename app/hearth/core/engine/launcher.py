"""How to start the engine host: from this very executable, frozen or not; and how its life is
tied to the process that started it.

The host must not outlive Hearth: a loaded model holds gigabytes, and a stopped host holds them
forever. Three ties, for three ways the parent can go:
- the parent closes the pipe (a normal exit, or any death on which the kernel closes its
  files): the host reads EOF on stdin and exits — it always did;
- the parent is killed (SIGKILL, a crash) while the host is busy or stopped and not reading:
  on Linux the kernel sends the host SIGKILL (PR_SET_PDEATHSIG, set between fork and exec by
  `tie_to_parent`). The signal follows the *thread* that started the host: the CLI starts it
  from the main thread, the app from its one long-lived engine thread;
- on Windows the same tie is a job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: the app
  assigns the host to a job whose only handle it holds, and the kernel ends every process of
  the job when that handle closes with the app. Not done yet (no Windows machine to test it
  on); there the pipe's EOF is the tie. macOS has no PDEATHSIG either: a kqueue NOTE_EXIT
  watch of the parent in the host would be its tie, also not done yet.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable

HOST_SUBCOMMAND = "engine-host"
_PR_SET_PDEATHSIG = 1


def host_command() -> list[str]:
    if getattr(sys, "frozen", False):  # PyInstaller bundle: the executable is Hearth itself
        return [sys.executable, HOST_SUBCOMMAND]
    return [sys.executable, "-m", "hearth", HOST_SUBCOMMAND]


def tie_to_parent() -> Callable[[], None] | None:
    """A `preexec_fn` for the host's `Popen` that makes the kernel kill the host when its
    parent dies (Linux); None where there is no such tie.

    Everything the child needs is looked up here, in the parent: between fork and exec the
    child may call only what takes no lock another thread could hold."""
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        prctl = ctypes.CDLL(name or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    parent = os.getpid()
    kill = int(signal.SIGKILL)

    def in_child() -> None:
        prctl(_PR_SET_PDEATHSIG, kill, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the tie was made
            os._exit(1)

    return in_child
