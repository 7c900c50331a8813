"""argparse that reports usage errors through Hearth's one error path."""

from __future__ import annotations

import argparse
from typing import NoReturn

from hearth.core.errors import UsageError


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")
