"""The `authority=` filter every insight route takes: one dependency, so no route filters by itself.

With `authority`, the route reads a connection of its own on which registry.index.authorities has
shadowed every per-council table with the authority's constituents' rows; the shared per-thread
connection is never scoped, so no other request sees the filter. An unknown code is a 422 in the
API's error shape, as every invalid parameter is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Query, Request

from checks.authority_register import strategic_authorities
from registry.api.dependencies import IndexUnavailable, get_db
from registry.api.errors import ApiError
from registry.index.authorities import UnknownAuthority, authority_scope, require_authority

# The codes are the register's, shipped with the package and written into every index it builds, so the
# document lists them and any value it allows is a known authority; anything else is a 422 by validation.
AuthorityCode = StrEnum(  # type: ignore[misc]
    "AuthorityCode", {a.register_code: a.register_code for a in strategic_authorities()}
)
AuthorityParam = Annotated[
    AuthorityCode | None,
    Query(
        description="Only the constituent councils of this strategic authority: its register code, e.g. `GMCA` "
        "(`GET /api/v1/authorities` lists them with their names).",
    ),
]


def scoped_db(request: Request, authority: AuthorityParam = None) -> Iterator[sqlite3.Connection]:
    """The index, seen whole or (with `authority`) through one strategic authority's councils."""
    if authority is None:
        yield from get_db(request)
        return
    try:
        conn = request.app.state.index.connect()
    except (OSError, sqlite3.Error) as exc:
        raise IndexUnavailable(str(exc)) from exc
    try:
        try:
            code = require_authority(conn, authority.value)
        except UnknownAuthority as exc:
            raise ApiError(422, "invalid_parameter", f"authority: {exc}; {exc.hint}") from None
        with authority_scope(conn, code) as scoped:
            yield scoped
    finally:
        conn.close()


ScopedDb = Annotated[sqlite3.Connection, Depends(scoped_db)]
