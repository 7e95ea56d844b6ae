"""The index before the last build, kept beside the live one, so a rebuild after a change rewrites a few
rows instead of copying the whole file.

Every build renames its result over the live index and keeps the file it replaced as the spare
(`.index.sqlite.previous` beside `index.sqlite`). The next rebuild with the same scope claims the spare,
replaces in it the rows of every file changed since *its* build (so two builds' worth of changes), and
renames it over the live index, whose file becomes the spare in turn. At 100,000 manifests the index
is about 2 GB: copying it took longer than the rest of a one-change rebuild together.

Claiming takes SQLite's exclusive lock, which it gets only once no connection holds the file's
shared lock. Every reader holds that lock for as long as it reads (registry/index/connection.py), so
a rebuild never rewrites a file someone is reading: after CLAIM_WAIT it copies the live index instead,
as before. The lock is kept until the spare has been renamed into place, so another rebuild cannot
claim the file once it is live. A crash mid-update leaves SQLite's rollback journal, which restores the
spare when it is next opened for writing. The price is disk: two indexes instead of one.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
from pathlib import Path

from registry.index.connection import file_id
from registry.index.incremental import scope_of

CLAIM_WAIT = 2.0  # seconds to wait for readers still on the spare (a request takes milliseconds)


def spare_path(index: Path) -> Path:
    return index.with_name(f".{index.name}.previous")


def claim(spare: Path, scope: str, as_of: dt.date) -> sqlite3.Connection | None:
    """The spare, open for writing in one transaction under an exclusive lock held until it is closed,
    when its rows can be kept (`scope`, built on or before `as_of`) and no reader holds it; else None."""
    try:
        st = os.lstat(spare)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):  # a link or anything else there is not ours to rewrite
        return None
    before = (st.st_dev, st.st_ino)
    conn = sqlite3.connect(spare, timeout=CLAIM_WAIT, isolation_level=None)
    try:
        # Exclusive locking keeps the lock past COMMIT, until the file is live and the connection closed.
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        if file_id(spare) == before and scope_of(conn, as_of) == scope:
            return conn
    except (sqlite3.Error, OSError):  # held by a reader, damaged, not an index, or gone
        pass
    conn.close()
    return None
