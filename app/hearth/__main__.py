"""`python -m hearth`: the same as the `hearth` command."""

import sys

from hearth.core.engine.launcher import HOST_SUBCOMMAND

if sys.argv[1:2] == [HOST_SUBCOMMAND]:
    # The engine host (launcher.host_command): straight there, without the command line's
    # imports (crash log, platform paths, package metadata), which it never uses; they would
    # delay every host start by some 40 ms. `hearth.cli.main` dispatches it the same way.
    from hearth.core.engine.host import main as host_main

    sys.exit(host_main())

from hearth.cli import main

sys.exit(main())
