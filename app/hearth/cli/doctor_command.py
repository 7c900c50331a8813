"""`hearth doctor`: paths, hardware, backends and settings as Hearth sees them."""

from __future__ import annotations

import argparse
from typing import Any

from hearth.cli.context import CommandContext
from hearth.cli.output import print_json
from hearth.core.doctor import doctor_report

GIB = 1024**3


def add_parser(sub: Any) -> argparse.ArgumentParser:
    doctor: argparse.ArgumentParser = sub.add_parser(
        "doctor", help="show paths, hardware, backends and settings"
    )
    doctor.add_argument("--json", action="store_true")
    return doctor


def run(args: argparse.Namespace, context: CommandContext) -> int:
    context.warn_about_settings()
    report = doctor_report(context.paths, context.loaded, context.engine)
    report["hotkey"] = hotkey_report(context)
    if args.json:
        print_json(report)
    else:
        print("\n".join(format_report(report)))
    return 0


def format_report(report: dict[str, Any]) -> list[str]:
    engine = report["engine"]
    lines = [
        f"Hearth {report['hearth']} on Python {report['python']} ({report['platform']})",
        "",
        "Paths:",
        *(f"  {name:<14} {value}" for name, value in report["paths"].items()),
        "",
        f"CPU: {report['cpu']['physical_cores']} physical / {report['cpu']['logical_cores']} "
        f"logical cores; default threads {report['default_threads']}",
        f"Memory: {report['memory']['total_bytes'] / GIB:.1f} GiB total, "
        f"{report['memory']['available_bytes'] / GIB:.1f} GiB available",
    ]
    if engine["ok"]:
        lines += [
            f"CPU features: {' '.join(report['cpu'].get('features', [])) or 'none reported'}",
            f"Engine: llama-cpp-python {engine['llama_cpp_version']}; backends "
            f"{', '.join(engine['backends'])}; GPU offload "
            f"{'supported' if engine['supports_gpu_offload'] else 'not supported'}",
        ]
    else:
        lines.append(f"Engine: NOT WORKING - {engine['error']}")
    lines += [
        f"Engine log: {report['engine_log']}",
        "",
        "Settings:",
        *(f"  {k:<14} {v}" for k, v in report["settings"].items()),
    ]
    if "hotkey" in report:
        hotkey = report["hotkey"]
        state = "registered" if hotkey["registered"] else "not registered"
        lines += ["", f"Hotkey: {hotkey['binding']} via {hotkey['backend'] or 'nothing'}, {state}"]
        if hotkey.get("problem"):
            lines.append(f"  {hotkey['problem']}")
    return lines


def hotkey_report(context: CommandContext) -> dict[str, Any]:
    """The running tray's hotkey; with no tray running, what it would use (not registered)."""
    from hearth.gui.desktop.hotkeys import HotkeyUnavailable, backend_name
    from hearth.gui.desktop.hotkeys.status_file import running_tray_status, status_path

    running = running_tray_status(status_path(context.paths.data_dir))
    if running is not None:
        return running
    try:
        backend: str | None = backend_name()
        problem = "hearth tray is not running"
    except HotkeyUnavailable as exc:
        backend, problem = None, exc.message
    binding = context.loaded.settings.hotkey
    return {"binding": binding, "backend": backend, "registered": False, "problem": problem}
