"""A content-addressed cache of check results, so an unchanged file is never read or judged twice.

A file's result is stored under a key made of everything that result depends on:

* the file's own content (a SHA-256 of its bytes), its path and kind;
* what it reads besides itself: its council's `council.yaml`, and in a private check the
  `<service>.restricted.yaml` beside it (a restricted file: the public manifest beside it);
* the *scope* of the run (`scope_key`): every file under `standards/`, `standards.toml`, the release
  chosen, the tool's version and its code, the mode (private, public, publish) and the view stored
  (a report format's pre-rendered text, the index's rows).

and is reused for any as-of date from the one it was judged at up to its `stable_until`
(checks/timespan.py), the first date a time-based outcome might change.

A file's digest is itself remembered by its stat (size, mtime, ctime, inode), as Git's index does,
so a warm run stats files and never opens them. A stat is only trusted when the file was last
written well before it was recorded (Git's "racy" rule): a file rewritten within the same clock tick
would otherwise keep its old digest.

The store is one SQLite file (WAL mode: readers never block, concurrent runs take turns to write;
every write is a transaction, so a crash leaves the file as it was). The cache only ever speeds a
run up: a locked or read-only file is skipped, and a damaged one is said once, deleted and rebuilt.
Payloads are JSON (a report's pre-rendered view beside it: the text report's as it is, the JSON
report's compressed), never pickles, so a planted cache file cannot run code; one that Git tracks
(committed by mistake or on purpose) is not used at all, as its results could be forged. Results are
filed under their scope, and only the KEEP_SCOPES scopes used last are kept, so upgrades of the tool or
the standards do not make the file grow without end.
Why SQLite: docs/decisions/0004-result-cache.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import time
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from checks.cache_codec import Stored, decode, unpack_rendered
from checks.repository import Repository, Target, absolute_text
from checks.restricted import Mode
from checks.results import FileResult
from checks.settings import FILE as SETTINGS_FILE
from checks.visibility import public_manifest_path, restricted_sibling_path

CACHE_FOLDER = Path("build") / "cache"
CACHE_NAME = "check-results.sqlite3"
# Bumped whenever the tables or the payload's encoding change: an older file is then emptied.
# How many scopes' results are kept: a few views (text, JSON, the index) in a few modes, and the last release.
KEEP_SCOPES = 8
FORMAT = 5  # 5: results carry their scope, and only the last KEEP_SCOPES scopes are kept
# A stat is trusted only for a file last written this long before it was recorded (see the module doc).
RACY_SECONDS = 2.0
# Rows written per transaction: few enough that a concurrent run waits briefly, many enough to be cheap.
WRITE_BATCH = 500
BUSY_MS = 2000
# Digests worked out lately, kept in memory until written (more than a run's files in flight at once).
RECENT = 8192
MISSING = "-"

_TABLES = """
CREATE TABLE IF NOT EXISTS digests (
    path BLOB PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, ino INTEGER, digest TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (
    key TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT, payload TEXT NOT NULL, rendered BLOB,
    scope TEXT NOT NULL, PRIMARY KEY (key, valid_from)
);
CREATE INDEX IF NOT EXISTS results_by_scope ON results (scope);
CREATE TABLE IF NOT EXISTS scopes (scope TEXT PRIMARY KEY, used_ns INTEGER NOT NULL) WITHOUT ROWID;
"""

Warn = Callable[[str], None]


def cache_path(root: Path) -> Path:
    return root / CACHE_FOLDER / CACHE_NAME


class ResultCache:
    """One run's view of the cache: digests by stat, results by key. Not shared between processes."""

    def __init__(self, path: Path, warn: Warn) -> None:
        self.path = path
        self.warn = warn
        self.conn: sqlite3.Connection | None = None
        self._pending_results: list[tuple[str, str, str | None, str, bytes | None, str]] = []
        self.scope = ""  # the run's (scope_key), which every result it stores is filed under
        self._pending_digests: list[tuple[bytes, int, int, int, int, str]] = []
        self._folder_digests: dict[str, str] = {}
        self._recent: dict[bytes, tuple[tuple[int, int, int, int], str]] = {}
        # Rows read ahead for the next files, many to a query (see prefetch_*): None where there is none.
        self._digest_rows: dict[bytes, tuple[tuple[int, int, int, int], str] | None] = {}
        self._result_rows: dict[str, tuple[str, bytes | None] | None] = {}
        self.hits = self.misses = 0

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, root: Path, warn: Warn) -> ResultCache | None:
        """The cache of the repository at `root`, or None when it cannot be used (said through `warn`)."""
        path = cache_path(root)
        if _tracked_by_git(root, path):
            warn(f"{path} is committed to Git, so its results could be forged: not using it (remove it from Git)")
            return None
        cache = cls(path, warn)
        try:
            cache._connect()
        except sqlite3.DatabaseError as exc:
            if not cache._rebuild(exc):
                return None
        except OSError:
            return None  # a read-only tree: the run goes ahead without a cache
        return cache

    def _connect(self) -> None:
        if not (self.path.parent / ".gitignore").is_file():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # As pytest and ruff do: the folder ignores itself, so a repository that does not ignore
            # build/ (a council's) still shows nothing new in `git status`.
            (self.path.parent / ".gitignore").write_text("# the result cache of `standards check`\n*\n")
        conn = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
                raise sqlite3.DatabaseError("the cache could not be put in WAL mode")
            conn.execute("PRAGMA synchronous = NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != FORMAT:
                with conn:
                    conn.execute("BEGIN IMMEDIATE")
                    if conn.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
                        conn.execute("DROP TABLE IF EXISTS digests")
                        conn.execute("DROP TABLE IF EXISTS results")
                        for statement in _TABLES.split(";"):
                            if statement.strip():
                                conn.execute(statement)
                        conn.execute(f"PRAGMA user_version = {FORMAT}")
        except BaseException:
            conn.close()
            raise
        self.conn = conn

    def _rebuild(self, exc: sqlite3.DatabaseError) -> bool:
        """Said once: the damaged file is removed and an empty one made; False when even that fails."""
        self.warn(f"the result cache {self.path} is damaged ({exc}); rebuilding it")
        self.close(flush=False)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()
        try:
            self._connect()
        except (sqlite3.DatabaseError, OSError):
            self.conn = None
            return False
        return True

    def close(self, flush: bool = True) -> None:
        if self.conn is None:
            return
        if flush:
            self.flush()
            self.prune()
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        self.conn = None

    # ------------------------------------------------------------------ digests

    def digest(self, path: Path | str) -> str:
        """SHA-256 of the file's bytes, from its stat when that is unchanged; MISSING when there is none."""
        try:
            st = os.stat(path)  # noqa: PTH116 - a Path or text (cache.key gives text: pathlib costs per file)
        except OSError:
            return MISSING
        key = os.fsencode(path)  # bytes: a file's name need not be UTF-8
        seen = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        recent = self._recent.get(key)
        if recent is not None and recent[0] == seen:
            return recent[1]
        if key in self._digest_rows:
            stored = self._digest_rows[key]
        else:  # a council file, or a file outside the batch: one by one, as few as there are folders
            row = self._query("SELECT size, mtime_ns, ctime_ns, ino, digest FROM digests WHERE path = ?", (key,))
            stored = None if row is None else ((row[0], row[1], row[2], row[3]), str(row[4]))
        if stored is not None and stored[0] == seen:
            return stored[1]
        if not stat.S_ISREG(st.st_mode):
            return f"special:{st.st_mode:o}"  # a FIFO or a device: never opened (a read could wait forever)
        try:
            with open(path, "rb") as f:  # noqa: PTH123 - a Path or text: this runs for every file
                found = hashlib.file_digest(f, "sha256").hexdigest()  # in chunks: a huge file is not held
        except OSError:
            return MISSING
        settled = time.time_ns() - RACY_SECONDS * 1e9
        if max(st.st_mtime_ns, st.st_ctime_ns) < settled:
            self._pending_digests.append((key, *seen, found))
            # Asked again soon (the index records each file's digest as its rows are written), before it is flushed.
            if len(self._recent) >= RECENT:
                self._recent.clear()
            self._recent[key] = (seen, found)
        return found

    def council_digest(self, folder: Path | str) -> str:
        """The council file of a folder, asked for by each of its services: worked out once per folder."""
        folder = os.fspath(folder)
        found = self._folder_digests.get(folder)
        if found is None:
            if len(self._folder_digests) > 64:  # folders come one after another: keep memory flat
                self._folder_digests.clear()
            found = self._folder_digests[folder] = "/".join(
                self.digest(os.path.join(folder, name))  # noqa: PTH118
                for name in ("council.yaml", "council.yml")
            )
        return found

    def prefetch_digests(self, paths: Iterable[str]) -> None:
        """Read the stored digests of the next files (absolute paths as text) in one query, so a warm
        run of 10,000 files makes dozens of queries, not 10,000; `digest` still checks each stat."""
        names = [os.fsencode(path) for path in paths]
        self._digest_rows = {**dict.fromkeys(names), **self._stored_digests(names)}

    def prefetch_results(self, keys: Iterable[str], as_of: dt.date) -> None:
        """Read the next files' results for `as_of` in one query (each key's latest, as `get` picks)."""
        wanted = list(keys)
        self._result_rows = {**dict.fromkeys(wanted), **self._stored_results(wanted, as_of)}

    def _stored_digests(self, names: list[bytes]) -> dict[bytes, tuple[tuple[int, int, int, int], str]]:
        sql = "SELECT path, size, mtime_ns, ctime_ns, ino, digest FROM digests WHERE path IN ({})"
        rows = self._query(sql, tuple(names), len(names))
        return {bytes(path): ((size, mtime, ctime, ino), str(digest)) for path, size, mtime, ctime, ino, digest in rows}

    def _stored_results(self, keys: list[str], as_of: dt.date) -> dict[str, tuple[str, bytes | None]]:
        day = as_of.isoformat()
        sql = (
            "SELECT key, payload, rendered FROM results WHERE key IN ({}) AND valid_from <= ?"
            " AND (valid_until IS NULL OR valid_until > ?) ORDER BY key, valid_from"
        )
        # For each key the latest valid_from comes last, and stays.
        return {key: (payload, rendered) for key, payload, rendered in self._query(sql, (*keys, day, day), len(keys))}

    # ------------------------------------------------------------------ results

    def key(self, scope: str, target: Target, mode: Mode) -> str:
        """Everything a file's result depends on beside the as-of date, hashed."""
        path = absolute_text(target.path)
        parts = [scope, target.display, target.kind or "", target.council or "", self.digest(path)]
        if target.kind in ("Service", "RestrictedService"):
            parts.append(self.council_digest(os.path.dirname(path)))  # noqa: PTH120
        if target.kind == "Service" and mode is Mode.PRIVATE:
            parts.append(self.digest(restricted_sibling_path(path)))
        elif target.kind == "RestrictedService":
            parts.append(self.digest(public_manifest_path(path)))
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str, as_of: dt.date) -> FileResult | None:
        row = self._result_rows.pop(key) if key in self._result_rows else self._stored_results([key], as_of).get(key)
        if row is None:
            self.misses += 1
            return None
        try:
            result = decode(json.loads(row[0]), unpack_rendered(row[1]))
        except (zlib.error, ValueError, TypeError, KeyError, IndexError):
            self.misses += 1
            return None  # written by a broken run: judged again and overwritten
        self.hits += 1
        return result

    def put(self, key: str, as_of: dt.date, stored: Stored) -> None:
        """Keep a result, encoded by `stored` (in the worker that checked it, to spare the parent)."""
        if self.conn is None:
            return
        self._pending_results.append((key, as_of.isoformat(), *stored, self.scope))
        if len(self._pending_results) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.conn is None or not (self._pending_results or self._pending_digests):
            return
        results, digests = self._pending_results, self._pending_digests
        self._pending_results, self._pending_digests = [], []

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)", results)
            conn.executemany("INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?, ?)", digests)

        self._write(write)  # not written (busy, the disk full): these results are simply judged again next time

    def use_scope(self, scope: str) -> None:
        """File this run's results under `scope`, and mark it the most recently used."""
        self.scope = scope
        self._write(lambda conn: conn.execute("INSERT OR REPLACE INTO scopes VALUES (?, ?)", (scope, time.time_ns())))

    def prune(self) -> None:
        """Forget the results of all but the KEEP_SCOPES scopes used last: each new release of the tool or
        of the standards, each edit to them, starts a scope, and the file would otherwise only grow."""
        if (self._query("SELECT count(*) FROM scopes", ()) or (0,))[0] <= KEEP_SCOPES:
            return
        recent = "SELECT scope FROM scopes ORDER BY used_ns DESC LIMIT ?"

        def forget(conn: sqlite3.Connection) -> None:
            conn.execute(f"DELETE FROM results WHERE scope NOT IN ({recent})", (KEEP_SCOPES,))
            conn.execute(f"DELETE FROM scopes WHERE scope NOT IN ({recent})", (KEEP_SCOPES,))

        self._write(forget)

    def _write(self, work: Callable[[sqlite3.Connection], object]) -> None:
        """`work` in one write transaction; put off when the file is busy for too long or the disk is full."""
        if self.conn is None:
            return
        try:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                work(self.conn)
        except sqlite3.OperationalError:
            pass
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)

    def _query(self, sql: str, args: tuple[Any, ...], listed: int = 0) -> Any:
        """One row, or with `listed` values for its `IN ({})`, every row; None or [] when the file cannot answer."""
        nothing: list[Any] | None = [] if listed else None
        if self.conn is None:
            return nothing
        try:
            if not listed:
                return self.conn.execute(sql, args).fetchone()
            return self.conn.execute(sql.format(",".join("?" * listed)), args).fetchall()
        except sqlite3.OperationalError:
            return nothing
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
            return nothing


def open_cache(
    repo: Repository, parts: Iterable[str], code: Iterable[Path], warn: Warn
) -> tuple[ResultCache, str] | None:
    """The repository's cache and the scope of a run (see scope_key); None when there is no usable cache."""
    if not (repo.root / ".git").exists() and not cache_path(repo.root).parent.is_dir():
        # Only a Git work tree gets a cache unasked: a folder of files elsewhere (a fixture, an unpacked
        # archive, files checked outside any repository) is left as it was, unless build/cache/ is made.
        return None
    cache = ResultCache.open(repo.root, warn)
    if cache is None:
        return None
    scope = scope_key(repo, cache, parts, [Path(__file__).parent, *code])
    cache.use_scope(scope)
    return cache, scope


def scope_key(repo: Repository, cache: ResultCache, parts: Iterable[str], code: Iterable[Path]) -> str:
    """What every result of a run depends on: the standards and settings, the tool's code, and `parts`
    (its version, the mode, the view stored)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0")
    digest.update((repo.release or "").encode() + b"\0")
    digest.update(cache.digest(repo.root / SETTINGS_FILE).encode())
    standards = repo.root / "standards"
    if standards.is_dir():
        for path in sorted(p for p in standards.rglob("*") if p.is_file()):
            digest.update(os.fsencode(path.relative_to(standards)) + f"\0{cache.digest(path)}\0".encode())
    # The tool's own code and data, by stat: an edited checkout must not be served results of the old code.
    for folder in code:
        for path in sorted(folder.rglob("*")):
            if path.suffix != ".pyc" and path.is_file():
                st = path.stat()
                digest.update(os.fsencode(path.relative_to(folder)) + f"\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _tracked_by_git(root: Path, path: Path) -> bool:
    if not (root / ".git").exists() or not path.exists():
        return False
    try:
        found = subprocess.run(
            ["git", "ls-files", "--", str(path.relative_to(root))],
            cwd=root,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


# ---------------------------------------------------------------------- payloads
