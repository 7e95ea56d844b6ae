"""Building the SQLite index the API serves, from the working tree or from one Git commit.

The new index is written beside the live one and renamed over it only when it
is complete, so a reader sees the old index or the new, never half of one; a
connection opened before the swap keeps reading the old file until it closes.
The file it replaces is kept as the spare, which the next rebuild after a change
rewrites in place rather than copying the live index (registry/index/spare.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from checks.atomic import replace_keeping_previous, temporary_beside
from checks.cache import open_cache
from checks.history import History, export_tree
from checks.registers import lgsl_services
from checks.repository import Repository
from checks.restricted import Mode
from checks.results import FileResult
from checks.runner import Plan, run_plan
from checks.runner import plan as make_plan
from registry import __version__
from registry.index.authorities import write_authorities
from registry.index.catalogue import write_catalogue
from registry.index.health import SCHEMA_VERSION, ensure_replaceable_index, head_commit, index_verdict
from registry.index.incremental import FileRow, changes, counts, drop_rows, file_row, previous_scope, split_schema
from registry.index.rows import INSERT, Rows, index_rows
from registry.index.settings import today_from_env
from registry.index.solutions import pattern_types
from registry.index.spare import claim, spare_path

log = logging.getLogger("registry.index")

LICENCE = "Open Government Licence v3.0 for the standards; manifests as published by each council"
BATCH = 2000


@dataclass
class BuildSummary:
    path: Path
    commit: str | None
    councils: int
    services: int
    invalid: int
    seconds: float


def schema_sql() -> str:
    return resources.files("registry.index").joinpath("schema.sql").read_text(encoding="utf-8")


def build_index(
    root: Path,
    output: Path,
    as_of: dt.date,
    ref: str | None = None,
    jobs: int | None = None,
    cache: bool = True,
) -> BuildSummary:
    """Check the whole repository (or `ref`) and write the index to `output` atomically.

    With `cache`, results come from the result cache where it has them, and when the index at `output`
    was built the same way, only the rows of the files that changed are replaced (registry/index/incremental.py).
    """
    start = dt.datetime.now(dt.UTC)
    repo = Repository.find(root)
    if ref is not None:
        commit_obj = History(repo.root).resolve(ref)  # raises HistoryError with a clear message
        with tempfile.TemporaryDirectory(prefix="standards-index-") as tmp:
            export_tree(commit_obj, Path(tmp), all_manifests=True)
            # History (versions, pins) still comes from the real repository.
            # An exported tree is new each time: nothing in it could be found in a cache again.
            summary = _build(
                Repository(Path(tmp)), output, as_of, commit_obj.hexsha, False, jobs, repo.root, ref, cache=False
            )
    else:
        sha, dirty = head_commit(repo.root)
        summary = _build(repo, output, as_of, sha, dirty, jobs, repo.root, None, cache)
    summary.seconds = (dt.datetime.now(dt.UTC) - start).total_seconds()
    return summary


def _build(
    repo: Repository,
    output: Path,
    as_of: dt.date,
    commit: str | None,
    dirty: bool,
    jobs: int | None,
    history_root: Path,
    ref: str | None,
    cache: bool = True,
) -> BuildSummary:
    output = output.absolute()
    ensure_replaceable_index(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    work = make_plan(repo, None)
    # Public: restricted files are never read, and restricted fields committed by mistake are left out.
    work.mode = Mode.PUBLISH
    work.keep_documents = True
    patterns = pattern_types(work.catalogue.patterns)
    rows_of = functools.partial(index_rows, as_of=as_of, patterns=patterns)
    work.prerender = rows_of
    if (history_root / ".git").exists() and work.catalogue.version_source is not None:
        work.catalogue.version_source.history = History(history_root)
    if cache and not work.blocking:
        opened = open_cache(repo, (__version__, work.mode.value, "index", "True"), [Path(__file__).parent], log.warning)
        if opened is not None:
            work.cache, work.scope = opened
    scope = work.scope if work.cache is not None else None
    try:
        with _index_to_write(output, scope, as_of) as (conn, incremental):
            if incremental:
                councils, services, invalid = _update(conn, work, as_of, jobs, rows_of)
            else:
                councils, services, invalid = _fill(conn, work, as_of, jobs, rows_of)
            _write_meta(conn, work, as_of, (commit, dirty, ref), (councils, services, invalid))
    finally:
        if work.cache is not None:
            work.cache.close()
    return BuildSummary(output, commit, councils, services, invalid, 0.0)


def _write_meta(
    conn: sqlite3.Connection,
    work: Plan,
    as_of: dt.date,
    source: tuple[str | None, bool, str | None],
    found: tuple[int, int, int],
) -> None:
    (commit, dirty, ref), (councils, services, invalid) = source, found
    meta = {
        "commit": commit or "",
        "dirty": "true" if dirty else "false",
        "ref": ref or "",
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "as_of": as_of.isoformat(),
        "schema_version": str(SCHEMA_VERSION),
        "tool_version": __version__,
        "licence": LICENCE,
        "councils": str(councils),
        "services": str(services),
        "invalid": str(invalid),
        "standards": str(len(work.catalogue.standards)),
        "patterns": str(len(work.catalogue.patterns)),
    }
    conn.execute("DELETE FROM meta")
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    # What its rows depend on beside their files, so a later rebuild may keep them (incremental.py).
    conn.execute("DELETE FROM index_scope")
    if work.cache is not None:
        conn.execute("INSERT INTO index_scope VALUES (?)", (work.scope,))


@contextlib.contextmanager
def _index_to_write(output: Path, scope: str | None, as_of: dt.date) -> Iterator[tuple[sqlite3.Connection, bool]]:
    """Where the index is written, and whether it holds rows to keep: the spare, rewritten in place when it
    can be claimed (registry/index/spare.py); else a copy of the live index when its rows can be kept; else
    a new file. On success it is renamed over `output`, and the file it replaces becomes the spare."""
    spare = spare_path(output)
    claimed = claim(spare, scope, as_of) if scope is not None else None
    if claimed is not None:
        try:
            yield claimed, True
            claimed.commit()
            replace_keeping_previous(spare, output, spare)  # while the lock is held
        finally:
            claimed.close()
        return
    with temporary_beside(output, ".building") as temp:
        incremental = scope is not None and previous_scope(output, as_of) == scope
        if incremental:
            shutil.copyfile(output, temp)
        conn = sqlite3.connect(temp)
        try:
            # A private file until the rename: durability comes from one fsync at the end.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            yield conn, incremental
            conn.commit()
        finally:
            conn.close()
        with temp.open("rb") as f:
            os.fsync(f.fileno())
        replace_keeping_previous(temp, output, spare)


def _fill(
    conn: sqlite3.Connection, work: Plan, as_of: dt.date, jobs: int | None, rows_of: Callable[[FileResult], Rows]
) -> tuple[int, int, int]:
    """A new index: the schema, the catalogue, every manifest's rows, then the indexes over them."""
    tables, indexes = split_schema(schema_sql())
    for statement in tables:
        conn.execute(statement)
    write_catalogue(conn, work.catalogue)
    conn.executemany(
        "INSERT INTO lgsl VALUES (?, ?, ?)", [(e.id, e.label, e.function) for e in lgsl_services().values()]
    )
    write_authorities(conn)
    # Closed here, not when garbage collected, so an interrupt stops the worker processes at once.
    with contextlib.closing(run_plan(work, as_of, jobs)) as results:
        found = _write_manifests(conn, work, results, rows_of)
    for statement in indexes:
        conn.execute(statement)
    return found


def _update(
    conn: sqlite3.Connection, work: Plan, as_of: dt.date, jobs: int | None, rows_of: Callable[[FileResult], Rows]
) -> tuple[int, int, int]:
    """The previous index (copied into `conn`) with the rows of every changed file replaced."""
    assert work.cache is not None
    found = changes(conn, work.repo, work.cache, as_of, [r.path for r in work.broken])
    for path in found.dropped:
        drop_rows(conn, path)
    work.items, work.count = found.changed, lambda: len(found.changed)
    log.info("index: %d files changed, %d rows dropped", len(found.changed), len(found.dropped))
    with contextlib.closing(run_plan(work, as_of, jobs)) as results:
        _write_manifests(conn, work, results, rows_of)
    return counts(conn)


def _write_manifests(
    conn: sqlite3.Connection,
    work: Plan,
    results: Iterator[FileResult],
    rows_of: Callable[[FileResult], Rows],
) -> tuple[int, int, int]:
    councils = services = invalid = 0
    pending: Rows = {name: [] for name in INSERT}
    files: list[FileRow] = []
    for result in _chain(work.broken, results):
        # Workers usually built the rows already (see index_rows); broken files come from here.
        rows: Rows = result.rendered if result.rendered is not None else rows_of(result)
        if result.redacted:
            log.warning(
                "%s: left out of the index, as restricted: %s (move it to the service's .restricted.yaml, "
                "keep that out of the repository, and publish with `standards attest`)",
                result.path,
                ", ".join(result.redacted),
            )
        if not result.valid:
            invalid += 1
        elif result.kind == "Council":
            councils += 1
        elif result.kind == "Service":
            services += 1
        for name, batch in rows.items():
            pending[name].extend(batch)
        if work.cache is not None:
            files.append(file_row(result, work.repo.root / result.path, work.cache))
        if len(pending["services"]) >= BATCH or len(files) >= BATCH:
            _flush(conn, pending, files)
    _flush(conn, pending, files)
    return councils, services, invalid


def _chain(first: list[FileResult], rest: Iterator[FileResult]) -> Iterator[FileResult]:
    yield from first
    yield from rest


def _flush(conn: sqlite3.Connection, pending: Rows, files: list[FileRow]) -> None:
    for name, rows in pending.items():
        if rows:
            conn.executemany(INSERT[name], rows)
            rows.clear()
    conn.executemany("INSERT OR REPLACE INTO index_files VALUES (?, ?, ?, ?, ?, ?)", files)
    files.clear()


def prepare_index(root: Path, index: Path) -> str:
    """Build the index when it is missing, damaged or not from the checked-out commit; say which."""
    current, state = index_verdict(root, index)
    if current:
        return state
    log.warning("index %s is %s; building it", index, state)
    build_index(root, index, today_from_env())
    return state
