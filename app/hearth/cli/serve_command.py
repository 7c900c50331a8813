"""`hearth serve`: the local OpenAI-compatible API, in the foreground until Ctrl+C.

Decisions this command makes:
- 127.0.0.1 by default; any non-loopback address needs --allow-remote and earns a warning.
  Air-gapped (the settings, or --offline) refuses a non-loopback bind: answers would leave the
  machine. On loopback an air-gapped server keeps working, and nothing else leaves.
- The socket is bound before the model loads, so a port in use is the first thing reported.
  Requests that arrive while the model loads get 503 with Retry-After.
- The token is printed only on request (`--print-token`), never into a terminal's scrollback
  or a log by default: `OPENAI_API_KEY=$(hearth serve --print-token)`.
- Settings are read once at start (restart to apply changes); `ask` is never here, as no one
  is there to ask.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from hearth.cli.context import CommandContext
from hearth.core.errors import PrivacyRefused, UsageError
from hearth.core.models.locate import resolve_model

CORS_ENV = "HEARTH_API_CORS_ORIGINS"  # comma-separated origins a browser page may call from


def add_parser(sub: Any) -> argparse.ArgumentParser:
    from hearth.api.request_queue import DEFAULT_CAPACITY
    from hearth.api.server import DEFAULT_HOST, DEFAULT_PORT

    serve: argparse.ArgumentParser = sub.add_parser(
        "serve", help="serve the local OpenAI-compatible API (loopback, token)"
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="TCP port (default: %(default)s)"
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default: %(default)s)"
    )
    serve.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (other machines)"
    )
    serve.add_argument(
        "--model", help="a .gguf path or a model id (default: the model in settings)"
    )
    serve.add_argument("--offline", action="store_true", help="air-gapped: nothing leaves")
    serve.add_argument(
        "--queue",
        type=int,
        default=DEFAULT_CAPACITY,
        help="requests that may wait (default: %(default)s)",
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        help=f"a web origin allowed to call the API (repeatable; also {CORS_ENV})",
    )
    serve.add_argument("--print-token", action="store_true", help="print the API token and exit")
    serve.add_argument(
        "--new-token", action="store_true", help="replace the API token (old one stops working)"
    )
    return serve


def model_ids(spec: str, path: Path) -> tuple[str, ...]:
    """What /v1/models lists: the served model by the name the user gave it, and `hearth`."""
    name = path.stem if spec.endswith(".gguf") or os.sep in spec else spec
    return (name, "hearth") if name != "hearth" else ("hearth",)


def cors_origins(args: argparse.Namespace) -> tuple[str, ...]:
    listed = [*args.cors_origin, *os.environ.get(CORS_ENV, "").split(",")]
    return tuple(origin.strip().rstrip("/") for origin in listed if origin.strip())


def run(args: argparse.Namespace, context: CommandContext) -> int:
    from hearth.api.app import ApiConfig, build_app
    from hearth.api.request_queue import RequestQueue
    from hearth.api.server import ApiServer, bind, check_bind, is_loopback
    from hearth.api.token_store import TokenStore
    from hearth.core.assistant import Assistant
    from hearth.core.history import HistoryStore

    tokens = TokenStore()
    if args.print_token or args.new_token:
        print(tokens.renew() if args.new_token else tokens.token())
        return 0
    context.warn_about_settings()
    settings = context.loaded.settings
    if args.offline:
        settings = settings.replace(air_gapped=True)
    if args.queue < 1:
        raise UsageError("--queue must be at least 1.")
    warning = check_bind(args.host, allow_remote=args.allow_remote)
    if settings.air_gapped and not is_loopback(args.host):
        raise PrivacyRefused(
            "Hearth is air-gapped, and serving on a non-loopback address would send answers "
            "to other machines. Serve on 127.0.0.1, or turn air-gapped mode off."
        )
    context.guard_network(air_gapped=settings.air_gapped)
    spec = args.model or settings.model
    path = resolve_model(spec)  # no model: say so now, not at the first request
    sock = bind(args.host, args.port)
    token = tokens.token()
    ids = model_ids(str(spec), path)
    engine = context.engine
    paths = context.paths

    def make_assistant() -> Assistant:
        return Assistant(
            paths, lambda: settings, engine, history=HistoryStore.in_folder(paths.data_dir)
        )

    queue = RequestQueue(make_assistant, capacity=args.queue, warm_up_model=path)
    config = ApiConfig(
        model_ids=ids, settings=lambda: settings, model=str(path), cors_origins=cors_origins(args)
    )
    server = ApiServer(build_app(queue, token, config), sock)
    if warning is not None:
        print(f"warning: {warning}", file=sys.stderr)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"Hearth serves {ids[0]} at http://{host}:{server.port}/v1 (OpenAI-compatible; the token "
        "is printed by `hearth serve --print-token`). Ctrl+C stops.",
        file=sys.stderr,
        flush=True,
    )
    queue.start()
    try:
        server.run()
    finally:
        queue.close()
    return 0
