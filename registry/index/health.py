"""Is this file an index, is it current, may it be replaced: asked in one place.

Every reader (the command line, `standards serve` and its reindexer, the insights, the site's
hook, the trend's snapshots) asks here, so "usable" means the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import errno
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from checks.atomic import ensure_replaceable
from checks.history import History, HistoryError
from registry.index.connection import connect_readonly

SCHEMA_VERSION = 12
SQLITE_HEADER = b"SQLite format 3\x00"


def head_commit(root: Path) -> tuple[str | None, bool]:
    """The checked-out commit, and whether the working tree differs from it."""
    try:
        repo = History(root).repo
        sha = repo.head.commit.hexsha
    except (HistoryError, ValueError):
        return None, False
    return sha, repo.is_dirty(untracked_files=True, path="standards") or repo.is_dirty(
        untracked_files=True, path="manifests"
    )


def ensure_replaceable_index(path: Path) -> None:
    """Refuse, before any work, to replace `path` unless it is missing or looks like an index.

    A damaged or outdated index is rebuilt in place wherever an index is read (serve, site
    build), so a mistyped `--index` naming some other file would otherwise be swapped for an
    index and its content lost. An index is a file SQLite wrote (its header), or one a crash
    left empty or zero-filled.
    """
    ensure_replaceable(path)
    if not path.is_file():
        return
    with path.open("rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER and header.strip(b"\0"):
        raise FileExistsError(
            errno.EEXIST, "exists and is not an index (not an SQLite file), so it will not be replaced", str(path)
        )


def unhealthy_reason(path: Path) -> str:
    """Why an index that is not healthy gets rebuilt; raises first if `path` is no index to replace."""
    if not path.exists():
        return "missing"
    ensure_replaceable_index(path)
    return "damaged or from an older version"


def is_healthy(path: Path) -> bool:
    """Whether `path` is a complete index this version can read."""
    if not path.is_file():
        return False
    try:
        conn = connect_readonly(path, rows_by_name=False)
        try:
            if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
                return False
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            return row is not None and row[0] == str(SCHEMA_VERSION)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def read_meta(path: Path) -> dict[str, str] | None:
    """The index's meta table, without the integrity check; None when it cannot be read."""
    if not path.is_file():
        return None
    try:
        conn = connect_readonly(path, rows_by_name=False)
        try:
            return {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM meta").fetchall()}
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def has_current_schema(path: Path) -> bool:
    """A cheap test that `path` is an index this version reads: its meta, not a full integrity
    check, which reads every page (too slow to repeat at 100,000 services)."""
    meta = read_meta(path)
    return meta is not None and meta.get("schema_version") == str(SCHEMA_VERSION)


def indexed_commit(path: Path) -> str | None:
    """The commit a clean tree's index was built from; None for a dirty tree or no commit."""
    conn = connect_readonly(path, rows_by_name=False)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'commit'").fetchone()
        dirty = conn.execute("SELECT value FROM meta WHERE key = 'dirty'").fetchone()
    finally:
        conn.close()
    if row is None or (dirty and dirty[0] == "true"):
        return None
    return str(row[0])


def is_snapshot(path: Path, commit: str, as_of: dt.date) -> bool:
    """Whether `path` was built from exactly `commit` (a clean tree) judged at `as_of`."""
    meta = read_meta(path) or {}
    return bool(
        meta.get("commit") == commit
        and meta.get("as_of") == as_of.isoformat()
        and meta.get("dirty", "false") != "true"
        and meta.get("schema_version") == str(SCHEMA_VERSION)
    )


def index_verdict(root: Path, index: Path) -> tuple[bool, str]:
    """Whether `index` may be read as it is for the repository at `root`, and its state in words."""
    sha, dirty = head_commit(root)
    if not is_healthy(index):
        return False, unhealthy_reason(index)
    if sha is None:
        return True, "current (not a Git repository, so staleness cannot be told: rebuild with `standards index build`)"
    if dirty or indexed_commit(index) != sha:
        return False, "stale (the repository has moved on or has uncommitted changes)"
    return True, "current"


@dataclass(frozen=True)
class IndexState:
    """What the served file says about itself; `problem` is set when it cannot be served."""

    commit: str | None
    as_of: dt.date | None
    problem: str | None


def index_state(path: Path, checked: bool = False) -> IndexState:
    """The served file's commit and as-of date; `checked` skips the full integrity check (a file
    already found healthy and not changed since)."""
    if not path.exists():
        return IndexState(None, None, "missing")
    damaged = IndexState(None, None, "damaged or from an older version")
    if not checked and not is_healthy(path):
        return damaged
    try:
        conn = connect_readonly(path, rows_by_name=False)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('commit', 'as_of')").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return damaged
    as_of = dt.date.fromisoformat(meta["as_of"]) if meta.get("as_of") else None
    return IndexState(meta.get("commit") or None, as_of, None)
