"""`standards serve`: make sure the index is current, then serve the API (and the built site)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from fastapi import FastAPI

from registry.api.app import create_app
from registry.index.build import prepare_index
from registry.index.reindex import Reindexer
from registry.index.settings import DEFAULT_INDEX, ENV_INDEX, ENV_ROOT, ENV_SECRET, ENV_SITE

log = logging.getLogger("registry.api.server")


def app_from_env() -> FastAPI:
    """The app for uvicorn's factory mode, so several worker processes can each build one.

    Each has a reindexer, which re-judges the index when the date passes its as-of date and
    rebuilds a damaged one, and pulls on a push when the webhook is on.
    """
    _log_to_stderr()
    root = Path(os.environ.get(ENV_ROOT, "."))
    index = Path(os.environ.get(ENV_INDEX, str(DEFAULT_INDEX)))
    site = os.environ.get(ENV_SITE)
    settings: dict[str, object] = {"repo_root": str(root), "reindexer": Reindexer.from_env(root, index)}
    secret = os.environ.get(ENV_SECRET)
    if secret:
        settings["webhook_secret"] = secret
    return create_app(index, Path(site) if site else None, settings)


def _log_to_stderr() -> None:
    """Rebuilds and damaged files are news to whoever runs the server: one line each, with the process id."""
    logger = logging.getLogger("registry")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def serve(root: Path, index: Path, host: str, port: int, workers: int, site: Path | None) -> None:
    import uvicorn

    state = prepare_index(root, index)
    os.environ[ENV_ROOT] = str(root)
    os.environ[ENV_INDEX] = str(index.absolute())
    if site is not None:
        os.environ[ENV_SITE] = str(site.absolute())
    print(f"index {state}: {index}")
    if site is not None:
        print(f"playbook site at http://{host}:{port}/ (from {site})")
    else:
        print("no built site to serve at /: run `standards site build` first")
    print(f"registry API at http://{host}:{port}/api/v1 (docs at http://{host}:{port}/api/v1/docs)", flush=True)
    uvicorn.run(
        "registry.api.server:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="warning"
    )
