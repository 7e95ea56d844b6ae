"""Opening an index to read it: the one way every reader (the API, the site, the health checks) does.

Read-only through SQLite's URI form, so a reader can never create a missing index or write to
one. Every connection is a snapshot: it holds a read transaction, and with it SQLite's shared
lock on the file, from the moment it opens. A rebuild renamed over the file leaves the snapshot
reading the old file, and a rebuild only ever rewrites a file nobody holds (registry/index/spare.py),
so a reader sees one index throughout, never half of one and never two.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

FileId = tuple[int, int]  # (device, inode): which file a path names at a moment


class Snapshot(sqlite3.Connection):
    """A read-only connection holding a read transaction on the index file `file_id`."""

    file_id: FileId


def file_id(path: Path) -> FileId:
    st = path.stat()
    return st.st_dev, st.st_ino


def connect_readonly(path: Path, *, rows_by_name: bool = True) -> Snapshot:
    """`path` opened read-only, as a snapshot; rows are `sqlite3.Row` (by name and by position) unless told not.

    The URI is built by `Path.as_uri`, which percent-encodes the path, so a folder named with
    `?`, `#` or `%` opens the file it names. The connection may be used from another thread than
    the one that opened it (FastAPI runs a request's dependency and its handler on different
    threads); SQLite serialises access to it. Raises sqlite3.DatabaseError at once for a file
    that is not a database.
    """
    for _ in range(3):
        try:
            before = file_id(path)
        except OSError as exc:  # as SQLite itself says it, so callers catch one kind of error
            raise sqlite3.OperationalError(f"unable to open database file {path}: {exc.strerror}") from exc
        conn = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False, factory=Snapshot
        )
        if rows_by_name:
            conn.row_factory = sqlite3.Row
        conn.file_id = before
        try:
            # Swapped between the look and the lock: the lock may be on another file than `before`.
            if resume(conn, path):
                return conn
        except BaseException:
            conn.close()
            raise
        conn.close()
    raise sqlite3.OperationalError(f"the index {path} kept being replaced while it was opened")


def resume(conn: Snapshot, path: Path) -> bool:
    """Begin `conn`'s snapshot (again); True when `path` still names the file it reads now that the lock
    is held, so no rebuild can rewrite that file until the snapshot ends."""
    _begin(conn)
    try:
        return file_id(path) == conn.file_id
    except OSError:
        return False


def _begin(conn: sqlite3.Connection) -> None:
    """Start a read transaction and take the file's shared lock now rather than at the first query:
    until the transaction ends, no rebuild can claim the file to rewrite it."""
    conn.execute("BEGIN")
    conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()


def end_snapshot(conn: sqlite3.Connection) -> None:
    conn.rollback()
