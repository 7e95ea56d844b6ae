"""The strategic authorities and their constituent councils, from the shipped register into the index."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from checks.authority_register import strategic_authorities
from checks.loading import Document, load_file
from checks.repository import Repository


def write_authorities(conn: sqlite3.Connection) -> None:
    """Every authority in checks/data/strategic_authorities.csv, and each constituent council's authority."""
    found = strategic_authorities()
    conn.executemany(
        "INSERT INTO strategic_authorities VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(a.register_code, a.gss_code, a.name, a.nice_name, a.nation, a.region, a.start_date) for a in found],
    )
    conn.executemany(
        "INSERT INTO authority_councils VALUES (?, ?)",
        [(council, a.register_code) for a in found for council in a.constituents],
    )


# --------------------------------------------------------------------------- the authority filter

# Every table holding one council's data, by the column naming the council or the service: within an
# authority's scope each is shadowed by a temporary view of the same name holding only its constituents'
# rows, so every query over the index (every insight, every roll-up) is filtered without knowing it.
_BY_COUNCIL = {"councils": "id", "services": "council_id", "service_facts": "council_id"}
_BY_SERVICE = (
    "service_standards",
    "findings",
    "waivers",
    "evidence",
    "suppliers",
    "service_patterns",
    "service_solutions",
)


class UnknownAuthority(LookupError):
    """A strategic authority code the index does not know; the message names the known ones."""

    def __init__(self, code: str, known: list[str]) -> None:
        self.code = code
        self.known = known
        super().__init__(f"no strategic authority '{code}'")

    @property
    def hint(self) -> str:
        return f"use a combined authority's register code: {', '.join(self.known)}"


def find_authority(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    """The authority with this register code, in any case (`gmca` is GMCA)."""
    found: sqlite3.Row | None = conn.execute(
        "SELECT * FROM main.strategic_authorities WHERE code = upper(?)", (code.strip(),)
    ).fetchone()
    return found


def require_authority(conn: sqlite3.Connection, code: str) -> str:
    """The authority's register code, or UnknownAuthority naming the codes there are."""
    found = find_authority(conn, code)
    if found is None:
        known = [r[0] for r in conn.execute("SELECT code FROM main.strategic_authorities ORDER BY code")]
        raise UnknownAuthority(code, known)
    return str(found["code"])


def constituent_council_ids(repo_root: Path, code: str) -> frozenset[str]:
    """The ids of the registry's councils (manifests/*/council.yaml in the working tree) that are
    constituents of authority `code`, or UnknownAuthority naming the codes there are.

    For the figures read from Git history, whose snapshots hold council ids only: the register the
    index's authority tables are written from is the same one, so a code is known here exactly when
    `require_authority` knows it. A council is placed by its register code as the tree gives it now.
    """
    found = {a.register_code: a for a in strategic_authorities()}
    authority = found.get(code.strip().upper())
    if authority is None:
        raise UnknownAuthority(code, sorted(found))
    repo = Repository(repo_root)
    ids: set[str] = set()
    for path in repo.council_files():
        doc = load_file(path)
        data = doc.data if isinstance(doc, Document) and isinstance(doc.data, dict) else {}
        ident, register_code = data.get("id"), data.get("register_code")
        in_manifests = path.parent.parent == repo.root / "manifests"  # not standards/examples/
        if in_manifests and isinstance(ident, str) and register_code in authority.constituents:
            ids.add(ident)
    return frozenset(ids)


@contextlib.contextmanager
def authority_scope(conn: sqlite3.Connection, code: str | None) -> Iterator[sqlite3.Connection]:
    """`conn` seeing only the constituent councils of authority `code` (all of them for None).

    The views live in the connection's temporary schema (writable on a read-only connection) and are
    dropped on the way out, so give each scoped computation a connection no other request reads through.
    """
    if code is None:
        yield conn
        return
    authority = require_authority(conn, code)
    conn.execute("CREATE TEMP TABLE scope_councils (id TEXT PRIMARY KEY) WITHOUT ROWID")
    try:
        conn.execute(
            """INSERT INTO temp.scope_councils SELECT c.id FROM main.councils c
               JOIN main.authority_councils m ON m.register_code = c.register_code WHERE m.authority = ?""",
            (authority,),
        )
        chosen = "SELECT id FROM temp.scope_councils"
        for table, column in _BY_COUNCIL.items():
            conn.execute(f"CREATE TEMP VIEW {table} AS SELECT * FROM main.{table} WHERE {column} IN ({chosen})")
        for table in _BY_SERVICE:
            conn.execute(
                f"""CREATE TEMP VIEW {table} AS SELECT * FROM main.{table}
                    WHERE service_key IN (SELECT key FROM main.services WHERE council_id IN ({chosen}))"""
            )
        yield conn
    finally:
        for table in (*_BY_COUNCIL, *_BY_SERVICE):
            conn.execute(f"DROP VIEW IF EXISTS temp.{table}")
        conn.execute("DROP TABLE IF EXISTS temp.scope_councils")


def scope_councils(conn: sqlite3.Connection) -> int | None:
    """How many councils `conn` sees inside an authority's scope; None when it is not scoped.

    A scoped roll-up is a group of councils like a region, so a restricted standard's figures over
    it follow the same small-group rule (registry/index/compliance.py MIN_COUNCILS).
    """
    scoped = conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'scope_councils'").fetchone()
    if scoped is None:
        return None
    return int(conn.execute("SELECT count(*) FROM temp.scope_councils").fetchone()[0])
