"""What every command gets: paths, settings, and an engine started only if it is used."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from types import TracebackType

from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.paths import Paths
from hearth.core.settings import LoadedSettings, SettingsStore


@dataclass
class CommandContext:
    paths: Paths
    store: SettingsStore
    loaded: LoadedSettings
    _engine: EngineClient | None = field(default=None, repr=False)

    @classmethod
    def create(cls) -> CommandContext:
        paths = Paths.from_environment()
        store = SettingsStore(paths.settings_file)
        return cls(paths, store, store.load())

    def warn_about_settings(self) -> None:
        for problem in self.loaded.problems:
            print(f"warning: {problem}", file=sys.stderr)

    @property
    def engine(self) -> EngineClient:
        """The engine client; its host process starts on first use and ends with the command."""
        if self._engine is None:
            self._engine = EngineClient(host_command(), log_dir=self.paths.log_dir)
        return self._engine

    def __enter__(self) -> CommandContext:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._engine is not None:
            self._engine.close()
