"""What every command gets: paths, settings, and an engine started only if it is used."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from hearth.core.assistant import Assistant
from hearth.core.engine.client import EngineClient
from hearth.core.engine.launcher import host_command
from hearth.core.history import HistoryStore
from hearth.core.paths import Paths
from hearth.core.privacy.network_guard import (
    RECORD_ENV,
    NetworkGuard,
    child_environment,
    guard_from_environment,
)
from hearth.core.settings import LoadedSettings, SettingsStore


@dataclass
class CommandContext:
    paths: Paths
    store: SettingsStore
    loaded: LoadedSettings
    _engine: EngineClient | None = field(default=None, repr=False)
    _engine_env: dict[str, str] = field(default_factory=dict, repr=False)
    _guard: NetworkGuard | None = field(default=None, repr=False)
    _assistant: Assistant | None = field(default=None, repr=False)

    @classmethod
    def create(cls) -> CommandContext:
        paths = Paths.from_environment()
        store = SettingsStore(paths.settings_file)
        return cls(paths, store, store.load())

    def warn_about_settings(self) -> None:
        for problem in self.loaded.problems:
            print(f"warning: {problem}", file=sys.stderr)

    def guard_network(self, *, air_gapped: bool) -> bool:
        """When air-gapped (or the environment says so): refuse every connection that is not
        to this machine, in this process from now until the command ends, and in the engine
        host, which then guards itself from its first line. Call it before anything connects
        and before the engine starts. Returns whether the command is guarded."""
        if self._engine is not None:
            raise RuntimeError("guard the network before the engine host starts")
        if self._guard is None:
            self._guard = guard_from_environment(air_gapped=air_gapped)
        # The host records its refusals where this process does (HEARTH_NETWORK_GUARD_RECORD).
        record = os.environ.get(RECORD_ENV, "").strip()
        self._engine_env = child_environment(
            air_gapped=self._guard is not None, record_file=Path(record) if record else None
        )
        return self._guard is not None

    @property
    def engine(self) -> EngineClient:
        """The engine client; its host process starts on first use and ends with the command."""
        if self._engine is None:
            env = {**os.environ, **self._engine_env} if self._engine_env else None
            self._engine = EngineClient(host_command(), log_dir=self.paths.log_dir, env=env)
        return self._engine

    @property
    def assistant(self) -> Assistant:
        """The one request path, on this command's engine and settings."""
        if self._assistant is None:
            self._assistant = Assistant(
                self.paths,
                lambda: self.loaded.settings,
                self.engine,
                history=HistoryStore.in_folder(self.paths.data_dir),
            )
        return self._assistant

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
        if self._guard is not None:
            # Last: the process may live on (tests call the CLI in process).
            self._guard.uninstall()
            self._guard = None
