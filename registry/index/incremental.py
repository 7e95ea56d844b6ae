"""Rebuilding the index after a change: a copy of the previous index, with the rows of changed files replaced.

The previous index records how it saw each manifest (`index_files`: its digest and its council
file's, the first as-of date its rows may differ, and which rows are its) and what every row
depends on beside its file (`index_scope`: the result cache's scope, covering the standards, the
tool and the mode). A rebuild with the same scope, at the same or a later as-of date, copies that
file and replaces the rows of the manifests whose digests changed, that appeared or went, or whose
rows are due to change with time; anything else (standards changed, a new tool, an older as-of
date, no previous index) is a full build. Digests come from the result cache by stat, so unchanged
files are not read; the changed files' results come from the cache too when it has them.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from checks import cache as cache_module
from checks.cache import ResultCache
from checks.repository import YAML_SUFFIXES, Repository
from checks.results import FileResult
from registry.index.connection import connect_readonly

# The tables holding a service's rows, each with its key in `service_key`.
SERVICE_TABLES = (
    "service_patterns",
    "suppliers",
    "service_solutions",
    "service_standards",
    "service_facts",
    "findings",
    "waivers",
    "evidence",
)


def previous_scope(index: Path, as_of: dt.date) -> str | None:
    """The scope of the index at `index` when a rebuild at `as_of` may start from it; else None."""
    if not index.is_file():
        return None
    try:
        conn = connect_readonly(index, rows_by_name=False)
        try:
            return scope_of(conn, as_of)
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # damaged, or from before the index recorded its files: built afresh


def scope_of(conn: sqlite3.Connection, as_of: dt.date) -> str | None:
    """The scope of the index open in `conn` when a rebuild at `as_of` may start from it; else None.
    Raises sqlite3.Error for a file that is no index."""
    row = conn.execute("SELECT scope FROM index_scope").fetchone()
    built = conn.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    from registry.index.health import SCHEMA_VERSION

    if row is None or built is None or version != SCHEMA_VERSION or built[0] > as_of.isoformat():
        return None
    return str(row[0])


def file_digest(cache: ResultCache, path: Path) -> str:
    return f"{cache.digest(path)}:{cache.council_digest(path.absolute().parent)}"


@dataclass
class Changes:
    """The manifests to judge again, and the paths whose rows are dropped first."""

    changed: list[Path] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def changes(
    conn: sqlite3.Connection, repo: Repository, cache: ResultCache, as_of: dt.date, broken: list[str]
) -> Changes:
    """What changed since the previous index: by stat first (one call per file, as `git status` does),
    then, for a file whose stat moved, by digest."""
    found = Changes()
    day = as_of.isoformat()
    # Loaded whole: one query instead of one per file; a few tens of MB at 100,000 manifests.
    previous = {
        path: (digest, seen, until)
        for path, digest, seen, until in conn.execute("SELECT path, digest, seen, valid_until FROM index_files")
    }
    refreshed: list[tuple[str | None, str]] = []
    folders: dict[str, str | None] = {}  # each council folder's own files, statted once for its services
    for display, text in manifest_entries(repo.root):
        row = previous.pop(display, None)
        if row is not None and (row[2] is None or row[2] > day):
            seen = seen_now(text, folders)
            if row[1] is not None and row[1] == seen:
                continue
            if row[0] == file_digest(cache, Path(text)):  # touched, not changed
                refreshed.append((seen, display))
                continue
        found.changed.append(Path(text))
        found.dropped.append(display)
    conn.executemany("UPDATE index_files SET seen = ? WHERE path = ?", refreshed)
    # Broken council files are reported from the catalogue, every time: their rows are always replaced.
    found.dropped += [p for p in broken if p not in found.dropped]
    found.dropped += list(previous)  # gone
    return found


def manifest_entries(root: Path) -> Iterator[tuple[str, str]]:
    """(display path, path as text) of every manifest, as Repository.iter_manifest_files finds them, minus its
    Path work and its stat of each file (the folder's listing says which are files)."""
    base = os.path.join(root, "manifests")  # noqa: PTH118 - text: this runs for every file of the register
    if not os.path.isdir(base):  # noqa: PTH112
        return
    with os.scandir(base) as folders:
        councils = sorted(e.name for e in folders if e.is_dir(follow_symlinks=False))
    for council in councils:
        with os.scandir(os.path.join(base, council)) as listed:  # noqa: PTH118
            entries = sorted((e for e in listed if e.name.endswith(YAML_SUFFIXES)), key=lambda e: e.name)
        for entry in entries:
            if entry.is_file() or entry.is_symlink():
                yield f"manifests/{council}/{entry.name}", entry.path


def seen_now(path: Path | str, folders: dict[str, str | None] | None = None) -> str | None:
    """The stats of a file and of its council file, or None when one was written too lately to trust
    (Git's racy rule: a rewrite within the same clock tick would not show). `folders` keeps each
    folder's council part for a pass over many files."""
    settled = time.time_ns() - cache_module.RACY_SECONDS * 1e9
    text = os.fspath(path)
    own = _seen(text, settled)
    if own is None:
        return None
    folder = os.path.dirname(text)  # noqa: PTH120
    if folders is not None and folder in folders:
        council = folders[folder]
    else:
        parts = [_seen(os.path.join(folder, name), settled) for name in ("council.yaml", "council.yml")]  # noqa: PTH118
        council = None if None in parts else "|".join(p for p in parts if p is not None)
        if folders is not None:
            if len(folders) > 64:  # folders come one after another: keep memory flat
                folders.clear()
            folders[folder] = council
    return None if council is None else f"{own}|{council}"


def _seen(path: str, settled: float) -> str | None:
    try:
        st = os.stat(path)  # noqa: PTH116
    except OSError:
        return "-"
    if max(st.st_mtime_ns, st.st_ctime_ns) >= settled:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def drop_rows(conn: sqlite3.Connection, path: str) -> None:
    """Every row the file at `path` added to the index."""
    row = conn.execute("SELECT service_key, council_id FROM index_files WHERE path = ?", (path,)).fetchone()
    conn.execute("DELETE FROM invalid_files WHERE path = ?", (path,))
    conn.execute("DELETE FROM index_files WHERE path = ?", (path,))
    if row is None:
        return
    service_key, council_id = row
    if service_key is not None:
        for table in SERVICE_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE service_key = ?", (service_key,))
        conn.execute("DELETE FROM services WHERE key = ?", (service_key,))
        conn.execute("DELETE FROM search WHERE kind = 'service' AND ref = ?", (service_key,))
    if council_id is not None:
        conn.execute("DELETE FROM councils WHERE id = ? AND path = ?", (council_id, path))
        conn.execute("DELETE FROM search WHERE kind = 'council' AND ref = ?", (council_id,))


FileRow = tuple[str, str, str | None, str | None, str | None, str | None]


def file_row(result: FileResult, path: Path, cache: ResultCache) -> FileRow:
    """A file's row in `index_files`: how it was seen and which rows are its."""
    service_key = f"{result.council}/{result.service}" if result.valid and result.kind == "Service" else None
    council_id = result.council if result.valid and result.kind == "Council" else None
    until = result.stable_until.isoformat() if result.stable_until is not None else None
    return result.path, file_digest(cache, path), seen_now(path), until, service_key, council_id


def counts(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """Councils, services and invalid files in the index, as a full build counts them."""
    councils, services, invalid = (
        conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("councils", "services", "invalid_files")
    )
    return councils, services, invalid


def split_schema(script: str) -> tuple[list[str], list[str]]:
    """The schema's statements: the rest first, then its CREATE INDEXes, which are faster made after the rows."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    is_index = [s for s in statements if _body(s).upper().startswith("CREATE INDEX")]
    return [s for s in statements if s not in is_index], is_index


def _body(statement: str) -> str:
    lines: Iterator[str] = (line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    return "\n".join(lines).strip()
