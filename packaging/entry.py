"""The frozen app's entry point: `hearth` (the GUI, the CLI and the engine host in one).

PyInstaller freezes this script (see pyinstaller.spec). It installs the crash log first, so
that the app never exits silently, then hands over to the same `main()` as the console script.
"""

import sys

from hearth import crash_log
from hearth.cli import main

if __name__ == "__main__":
    crash_log.install()
    sys.exit(main())
