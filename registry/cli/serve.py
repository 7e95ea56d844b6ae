"""`standards serve`: the API at /api/v1 and the built site at / (registry/api/server.py runs them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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

    root = Path.cwd()
    site_dir = site if site is not None else (root / DEFAULT_SITE)
    run(root, index, host, port, workers, site_dir if site_dir.is_dir() else None)
