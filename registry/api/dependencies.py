"""What every API route depends on: the index snapshot, pagination, and lists as JSON or CSV.

Every request reads through one read-only SQLite connection holding a snapshot of the index
(registry/index/connection.py), so it sees a single index from start to finish even if a
rebuild swaps a new file in midway.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from registry.api.errors import ERROR_RESPONSES
from registry.index.connection import Snapshot, connect_readonly, end_snapshot, file_id, resume

log = logging.getLogger("registry.api")

API_PREFIX = "/api/v1"
MAX_LIMIT = 500
MAX_IDLE = 16  # idle index connections kept for reuse; a busy server opens more and closes the extra


@dataclass(frozen=True)
class IndexInfo:
    commit: str
    built_at: str
    etag_base: str


class IndexUnavailable(Exception):
    """The index file is missing or cannot be read (damaged, truncated, not an index)."""


class IndexStore:
    """The index file the API serves; each request gets its own read-only connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._info: tuple[tuple[int, int, int], IndexInfo] | None = None
        self._idle: list[Snapshot] = []
        self._pool_lock = threading.Lock()
        self._reported: object = None
        self._report_lock = threading.Lock()

    def report_unavailable(self, exc: BaseException) -> None:
        """Log an unreadable index once per state of the file, not once per request."""
        try:
            stat = self.path.stat()
            state: object = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except OSError:
            state = "missing"
        with self._report_lock:
            if state == self._reported:
                return
            self._reported = state
        log.warning("index %s cannot be read (%s): answering 503 until a good index is in place", self.path, exc)

    def connect(self) -> Snapshot:
        return connect_readonly(self.path)

    def checkout(self) -> Snapshot:
        """A connection reading the current index file, for one request: a snapshot until `checkin`.

        Idle connections are kept and reused, which keeps SQLite's page cache warm; those still on a
        file a rebuild has since replaced are closed, so the rebuild after next may rewrite it.
        """
        live = file_id(self.path)
        with self._pool_lock:
            stale = [c for c in self._idle if c.file_id != live]
            self._idle = [c for c in self._idle if c.file_id == live]
            conn = self._idle.pop() if self._idle else None
        for old in stale:
            old.close()
        if conn is not None:
            try:
                if resume(conn, self.path):
                    return conn
            except sqlite3.Error:
                pass
            conn.close()
        return self.connect()

    def checkin(self, conn: Snapshot) -> None:
        """End the request's snapshot and keep the connection for another (at most MAX_IDLE are kept)."""
        try:
            end_snapshot(conn)
        except sqlite3.Error:
            conn.close()
            return
        with self._pool_lock:
            if len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def info(self) -> IndexInfo:
        """The indexed commit, cached until the file is swapped (a new inode or mtime)."""
        stat = self.path.stat()
        identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if self._info is None or self._info[0] != identity:
            conn = self.connect()
            try:
                meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            finally:
                conn.close()
            digest = hashlib.sha256(f"{meta.get('commit')}|{meta.get('built_at')}".encode()).hexdigest()[:16]
            self._info = (identity, IndexInfo(meta.get("commit", ""), meta.get("built_at", ""), digest))
        return self._info[1]


def get_db(request: Request) -> Iterator[Snapshot]:
    """For sync routes: a connection of the pool, a snapshot of the index for the whole request."""
    with _snapshot(request) as conn:
        yield conn


async def get_db_on_loop(request: Request) -> AsyncIterator[Snapshot]:
    """For async routes, which run their few quick queries on the event loop without a thread hop."""
    with _snapshot(request) as conn:
        yield conn


@contextlib.contextmanager
def _snapshot(request: Request) -> Iterator[Snapshot]:
    store: IndexStore = request.app.state.index
    try:
        conn = store.checkout()
    except (OSError, sqlite3.Error) as exc:
        raise IndexUnavailable(str(exc)) from exc
    try:
        yield conn
    finally:
        store.checkin(conn)


Db = Annotated[sqlite3.Connection, Depends(get_db)]
LoopDb = Annotated[sqlite3.Connection, Depends(get_db_on_loop)]


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-500).")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")] = 0,
) -> Page:
    return Page(limit, offset)


Paging = Annotated[Page, Depends(page_params)]
FormatParam = Annotated[
    str | None, Query(pattern="^(json|csv)$", description="`csv` for CSV; JSON otherwise (or send Accept: text/csv).")
]


def wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    return "text/csv" in request.headers.get("accept", "")


def link_header(request: Request, page: Page, total: int) -> str:
    def url(offset: int) -> str:
        return str(request.url.include_query_params(offset=offset, limit=page.limit))

    links = [f'<{url(0)}>; rel="first"']
    if page.offset > 0:
        links.append(f'<{url(max(0, page.offset - page.limit))}>; rel="prev"')
    if page.offset + page.limit < total:
        links.append(f'<{url(page.offset + page.limit)}>; rel="next"')
    last = max(0, ((total - 1) // page.limit) * page.limit) if total else 0
    links.append(f'<{url(last)}>; rel="last"')
    return ", ".join(links)


def listing(
    request: Request,
    page: Page,
    total: int,
    items: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: str | None,
) -> Response | dict[str, Any]:
    """A page of items as JSON (with totals) or CSV (with the documented columns), plus Link headers."""
    headers = {"Link": link_header(request, page, total), "X-Total-Count": str(total)}
    if wants_csv(request, fmt):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for item in items:
            writer.writerow({k: _csv_cell(item.get(k)) for k in columns})
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    return JSONResponse(
        {"items": list(items), "total": total, "limit": page.limit, "offset": page.offset}, headers=headers
    )


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        # Spreadsheets run cells starting with these as formulas.
        return "'" + value
    return value


def csv_responses(columns: Sequence[str], page: type[BaseModel] | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI for a list that is a JSON page (of `page`'s shape) or CSV with the given columns."""
    ok: dict[str, Any] = {
        "content": {"text/csv": {"schema": {"type": "string"}, "example": ",".join(columns) + "\n"}},
        "description": f"JSON page, or CSV with the columns: {', '.join(columns)}",
    }
    if page is not None:
        ok["model"] = page
    return {200: ok, **ERROR_RESPONSES}
