"""Loading the site's generator modules in tests, as the MkDocs hook does: by path, under bare names.

site/ is not a package (it would shadow Python's own `site` module), so tests cannot import the
generator; they load its files the way site/hooks/generate.py does and put sys.modules back after.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from conftest import ROOT

GENERATOR = ROOT / "site" / "generator"


@contextlib.contextmanager
def generator_modules(*names: str) -> Iterator[dict[str, ModuleType]]:
    """The named modules (dependencies first), loaded from site/generator; sys.modules restored on exit."""
    saved = {name: sys.modules.get(name) for name in names}
    loaded: dict[str, ModuleType] = {}
    try:
        for name in names:
            spec = importlib.util.spec_from_file_location(name, GENERATOR / f"{name}.py")
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            # Registered before running it: dataclasses look their module up while being made.
            sys.modules[name] = module
            spec.loader.exec_module(module)
            loaded[name] = module
        yield loaded
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def connect(index: Path) -> sqlite3.Connection:
    """The index read-only with rows by name, as the hook opens it."""
    conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def site_context(gen: dict[str, ModuleType], index: Path, root: Path = ROOT) -> Any:
    """A SiteContext over `index`, as the hook builds one."""
    conn = connect(index)
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    samples = frozenset(r[0] for r in conn.execute("SELECT id FROM councils WHERE sample = 1"))
    return gen["sitegen_common"].SiteContext(conn, root, meta["as_of"], meta.get("commit"), samples)
