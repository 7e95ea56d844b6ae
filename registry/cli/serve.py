"""`standards serve`: the API at /api/v1 and the built site at / (registry/api/server.py runs them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from registry.cli.errors import UsageError
from registry.index.settings import DEFAULT_INDEX, DEFAULT_SITE


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 1,
    index: Annotated[Path, typer.Option("--index", help="The index to serve (built if missing or stale).")] = (
        DEFAULT_INDEX
    ),
    site: Annotated[
        Path | None, typer.Option("--site", help=f"Built site to serve at / (default: {DEFAULT_SITE}).")
    ] = None,
) -> None:
    """Serve the API at /api/v1 (and the built site at /), building the index first if needed."""
    from registry.api.server import serve as run

    _refuse_a_port_in_use(host, port)
    root = Path.cwd()
    site_dir = site if site is not None else (root / DEFAULT_SITE)
    run(root, index, host, port, workers, site_dir if site_dir.is_dir() else None)


def _refuse_a_port_in_use(host: str, port: int) -> None:
    """Say so before building anything or printing an address that would not answer.

    Binds the way uvicorn will (SO_REUSEADDR, so a socket left in TIME_WAIT by a server that just
    stopped is no obstacle) and lets go at once; uvicorn binds again a moment later.
    """
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        hint = "give an address like 127.0.0.1 or 0.0.0.0"
        raise UsageError(f"cannot listen on {host}: {exc.strerror}", hint) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise UsageError(
                f"port {port} on {host} is in use ({exc.strerror}): another server is already listening there",
                f"stop that server, or choose another port: standards serve --port {port + 1}"
                f" (with make: make run PORT={port + 1})",
            ) from None
