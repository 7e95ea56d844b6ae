"""What the council pages read from the index, loaded once per build: the standards, every
requirement version with its HTML fragments made once, the councils, and the tables merged by
service key (see registry.playbook.councils for why they are read in one ordered pass).
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from registry.index.service_results import StoredRequirement, Versions, requirement_versions
from registry.playbook.common import SiteContext, esc, safe_url

_CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Standard:
    id: str
    prefix: str
    title: str


@dataclass(frozen=True)
class Requirement:
    """One requirement as it stood in one version of its standard, with its HTML fragments made once."""

    id: str
    standard_id: str
    version: str
    position: int
    title: str
    level: str
    fix: str  # the standard's fix text as HTML (escaped, `code` marked up)
    anchor: str  # its section's id on a council page: "ldd-05", or "ldd-05-v1-0-0" for an older version
    link: str  # the id, linked to its heading on the standard's page
    older: bool = False  # judged against a version that is not the standard's current one


@dataclass
class CouncilSummary:
    """A council's totals, gathered while its services stream past, for the index table and badge."""

    services: int = 0
    compliant: int = 0
    score_sum: float = 0.0
    # standard id -> [services it applies to, compliant]
    standards: dict[str, list[int]] = field(default_factory=dict)
    failed_must: int = 0  # failing must results (a service and requirement count once each)
    failed_should: int = 0
    services_failing_must: int = 0
    waivers_active: int = 0
    waivers_expired: int = 0


class Merged:
    """Rows of one table ordered by service key, handed out a service at a time.

    Every table is read in the services table's order (ORDER BY service key, BINARY
    collation), so each service's rows are the next group; keys with no service (none
    exist in a consistent index) are skipped rather than stalling the merge.
    """

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._groups = itertools.groupby(rows, key=itemgetter(0))
        self._key: str | None = None
        self._rows: list[tuple[Any, ...]] = []
        self._advance()

    def _advance(self) -> None:
        nxt = next(self._groups, None)
        if nxt is None:
            self._key, self._rows = None, []
        else:
            self._key, self._rows = nxt[0], list(nxt[1])

    def take(self, key: str) -> list[tuple[Any, ...]]:
        while self._key is not None and self._key < key:
            self._advance()
        if self._key == key:
            rows = self._rows
            self._advance()
            return rows
        return []


def cursor(conn: sqlite3.Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: sqlite3.Row costs a lot over millions of rows
    cur.arraysize = 4096
    cur.execute(sql)
    while batch := cur.fetchmany():
        yield from batch


def _fix_html(text: str) -> str:
    """A requirement's fix text (from the standards, plain prose with `code`): escaped, code marked up."""
    return _CODE.sub(r"<code>\1</code>", esc(text))


@dataclass
class CouncilSite:
    ctx: SiteContext
    standards: list[Standard]
    requirements: dict[tuple[str, str, str], Requirement]  # by (standard, version, requirement id)
    versions: Versions
    links: dict[str, str]  # requirement id -> its id linked to the standard's page
    councils: dict[str, sqlite3.Row]
    site_url: str | None
    summaries: dict[str, CouncilSummary] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # standard id -> title
    requirement_titles: dict[str, str] = field(default_factory=dict)  # requirement id -> its current title


def load_site(ctx: SiteContext) -> CouncilSite:
    conn = ctx.conn
    standards = [Standard(*r) for r in conn.execute("SELECT id, prefix, title FROM standards ORDER BY id")]
    current = dict(conn.execute("SELECT id, version FROM standards").fetchall())
    requirements: dict[tuple[str, str, str], Requirement] = {}
    versions = requirement_versions(conn)
    for (std, version), stored in versions.items():
        for position, req in enumerate(stored):
            requirements[(std, version, req.id)] = _requirement(std, version, position, req, current.get(std))
    links = {key[2]: r.link for key, r in requirements.items()}
    councils = {r["id"]: r for r in conn.execute("SELECT * FROM councils ORDER BY id")}
    titles = {s.id: s.title for s in standards}
    # The current version's title wins: older versions come first in the requirements' order.
    requirement_titles = {key[2]: r.title for key, r in sorted(requirements.items(), key=lambda kv: not kv[1].older)}
    return CouncilSite(
        ctx,
        standards,
        requirements,
        versions,
        links,
        councils,
        safe_url(ctx.site_url),
        titles=titles,
        requirement_titles=requirement_titles,
    )


def _requirement(std: str, version: str, position: int, req: StoredRequirement, current: str | None) -> Requirement:
    # An older version's requirement gets its own section: its title, level and fix may differ.
    older = version != current
    anchor = esc(req.id.lower()) + (esc("-v" + version.replace(".", "-")) if older else "")
    ref = f'<a href="../../standards/{esc(std)}/#{esc(req.id.lower())}">{esc(req.id)}</a>'
    return Requirement(req.id, std, version, position, req.title, req.level, _fix_html(req.fix), anchor, ref, older)
