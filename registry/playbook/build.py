"""`standards site build`: build the playbook site (site/mkdocs.yml) from the index.

MkDocs runs in this process, strictly, into a temporary folder beside the output; only a
build with no warnings replaces the old site, so `standards serve` never serves half a site
and a broken link leaves yesterday's site in place.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from checks.atomic import ensure_replaceable, keep_mode, signals_deferred, temporary_beside
from registry.index.build import prepare_index
from registry.index.settings import ENV_INDEX, ENV_ROOT

CONFIG = Path("site") / "mkdocs.yml"
# Written into every site this command builds: only an empty folder or one holding this (or, from
# before it existed, MkDocs' search index) is ever replaced, so `--output .` cannot swap the
# repository itself out and delete it.
MARKER = ".standards-site"


class SiteBuildError(Exception):
    """The site could not be built; the message says why (MkDocs' warnings and errors)."""


@dataclass(frozen=True)
class SiteSummary:
    output: Path
    pages: int
    seconds: float
    index_state: str


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors so they can be shown once, without its log noise."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().strip())


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    # The hook reads the index and root from the environment (so a plain `mkdocs build` works too).
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _ensure_site_folder(output: Path) -> None:
    ensure_replaceable(output, directory=True)
    if not output.is_dir() or (output / MARKER).is_file() or (output / "search" / "search_index.json").is_file():
        return
    if any(output.iterdir()):
        raise SiteBuildError(
            f"{output} holds files that are not a site built by `standards site build`, and the build "
            "replaces the whole folder: choose an empty or new folder with --output"
        )


def _swap_in(new: Path, output: Path) -> None:
    """Replace `output` with `new`: two renames on one file system, old site back on failure.

    Signals wait until it is done, so an interrupt never leaves the site missing or the old one beside it.
    """
    keep_mode(new, output)
    with signals_deferred():
        if not output.exists():
            new.rename(output)
            return
        with temporary_beside(output, ".old", directory=True) as old:
            output.replace(old)
            try:
                new.rename(output)
            except OSError:
                old.rename(output)
                raise


def build_site(root: Path, output: Path, index: Path) -> SiteSummary:
    """Build the site from `root`'s site/mkdocs.yml and `index` into `output`, atomically."""
    config_file = root / CONFIG
    if not config_file.is_file():
        raise SiteBuildError(f"{config_file}: no site configuration here; run this from the repository's root")
    start = time.monotonic()
    index = index if index.is_absolute() else root / index
    output = (output if output.is_absolute() else root / output).resolve()
    _ensure_site_folder(output)
    index.parent.mkdir(parents=True, exist_ok=True)
    state = prepare_index(root, index)
    # Material prints a banner about its successor on every import from the `mkdocs` command.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    output.parent.mkdir(parents=True, exist_ok=True)
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        with (
            temporary_beside(output, ".new", directory=True) as work,
            _environment({ENV_INDEX: str(index.resolve()), ENV_ROOT: str(root.resolve())}),
        ):
            try:
                config = load_config(config_file=str(config_file), site_dir=str(work), strict=True)
                build(config)
            except MkDocsException as exc:
                problems = [m for m in collect.messages if m and m != str(exc)]
                raise SiteBuildError("\n".join([*problems, str(exc)])) from None
            pages = sum(1 for _ in work.rglob("index.html"))
            (work / MARKER).write_text("built by `standards site build`; the next build replaces this folder\n")
            _swap_in(work, output)
    finally:
        logger.removeHandler(collect)
    return SiteSummary(output=output, pages=pages, seconds=time.monotonic() - start, index_state=state)
