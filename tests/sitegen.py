"""The index as the site's hook opens it, for the tests of registry/playbook's pages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import ROOT
from registry.playbook.common import SiteContext


def connect(index: Path) -> sqlite3.Connection:
    """The index read-only with rows by name, as the hook opens it."""
    conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def site_context(index: Path, root: Path = ROOT) -> SiteContext:
    """A SiteContext over `index`, as the hook builds one."""
    conn = connect(index)
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    samples = frozenset(r[0] for r in conn.execute("SELECT id FROM councils WHERE sample = 1"))
    return SiteContext(conn, root, meta["as_of"], meta.get("commit"), samples)
