"""`hearth doctor`: what Hearth sees of this machine, in one report."""

from __future__ import annotations

import dataclasses
import os
import platform
import sys
from typing import Any

from hearth.core.engine.client import EngineClient
from hearth.core.errors import HearthError
from hearth.core.hardware import default_threads, memory, physical_cores
from hearth.core.paths import Paths
from hearth.core.settings import LoadedSettings
from hearth.core.version import app_version


def _cpu_features(system_info: str) -> list[str]:
    """Features llama.cpp was built to use and found ("AVX2 = 1" in its system info)."""
    features = []
    for part in system_info.replace("|", "\n").splitlines():
        name, _, value = part.partition("=")
        name = name.split(":")[-1].strip()
        if value.strip() == "1" and name:
            features.append(name)
    return features


def doctor_report(paths: Paths, loaded: LoadedSettings, engine: EngineClient) -> dict[str, Any]:
    mem = memory()
    report: dict[str, Any] = {
        "hearth": app_version(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "paths": paths.as_dict(),
        "cpu": {
            "machine": platform.machine(),
            "logical_cores": os.cpu_count(),
            "physical_cores": physical_cores(),
        },
        "memory": {"total_bytes": mem.total_bytes, "available_bytes": mem.available_bytes},
        "default_threads": default_threads(),
        "settings": dataclasses.asdict(loaded.settings),
        "settings_problems": list(loaded.problems),
        "engine_log": str(engine.log_path),
    }
    try:
        info = engine.host_info()
        report["engine"] = {
            "ok": True,
            "llama_cpp_version": info.llama_cpp_version,
            "supports_gpu_offload": info.supports_gpu_offload,
            "backends": list(info.backends),
            "system_info": info.system_info,
        }
        report["cpu"]["features"] = _cpu_features(info.system_info)
    except HearthError as exc:
        report["engine"] = {"ok": False, "error": exc.message}
    return report
