"""Opening an index to read it: the one way every reader (the API, the site, the health checks) does.

Read-only through SQLite's URI form, so a reader can never create a missing index or write to
one, and a rebuild renamed over the file leaves an open connection reading the old file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def connect_readonly(path: Path, *, rows_by_name: bool = True) -> sqlite3.Connection:
    """`path` opened read-only; rows are `sqlite3.Row` (by name and by position) unless told not.

    The URI is built by `Path.as_uri`, which percent-encodes the path, so a folder named with
    `?`, `#` or `%` opens the file it names. The connection may be used from another thread than
    the one that opened it (FastAPI runs a request's dependency and its handler on different
    threads); SQLite serialises access to it.
    """
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    if rows_by_name:
        conn.row_factory = sqlite3.Row
    return conn
