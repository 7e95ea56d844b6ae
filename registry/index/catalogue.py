"""The catalogue's rows in the index: standards and their versions, requirements, patterns, search.

Written once per build, before the manifests, from the compiled catalogue and every version of
each standard its version source knows (Git history, then the releases packaged with the tool).
"""

from __future__ import annotations

import sqlite3

from checks.engine import Catalogue
from checks.models import Pattern, Requirement, Standard
from checks.releases import VersionSource
from checks.visibility import carried_visibility, is_restricted, public_requirements
from registry.index.rows import iso_date, json_text

SearchRow = tuple[str, str, str, str]
VersionRow = tuple[str | None, str | None, str | None, str, str]


def write_catalogue(conn: sqlite3.Connection, catalogue: Catalogue) -> None:
    history = catalogue.version_source
    search: list[SearchRow] = []
    for compiled in catalogue.standards.values():
        s = compiled.standard
        conn.execute("INSERT INTO standards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _standard_row(s))
        search.append(("standard", s.id, s.title, s.summary))
        _write_versions(conn, s, history)
        attestation = [compiled.attestation.requirement] if compiled.attestation else []
        for position, req in enumerate([*s.requirements, *attestation]):
            row = _requirement_row(s, position, req)
            conn.execute("INSERT INTO requirements VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)
            search.append(("requirement", req.id, f"{req.id} {req.title}", f"{req.guidance}\n{req.fix}"))
    restricted = [(path,) for path in sorted(catalogue.restricted_fields()) if not path.startswith("evidence.")]
    conn.executemany("INSERT INTO restricted_fields VALUES (?)", restricted)
    for p in catalogue.patterns.values():
        conn.execute("INSERT INTO patterns VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", _pattern_row(p))
        conn.executemany("INSERT OR IGNORE INTO pattern_requirements VALUES (?, ?)", [(p.id, r) for r in p.helps_meet])
        search.append(("pattern", p.id, p.name, f"{p.summary}\n{p.solves}\n{p.when_to_use}"))
    conn.executemany("INSERT INTO search VALUES (?,?,?,?)", search)
    # Search ranks by bm25 with titles weighted 4x; set as FTS5's default rank so queries can
    # `ORDER BY rank` and let FTS5 sort without building every hit (registry/api/routes/search.py).
    conn.execute("INSERT INTO search(search, rank) VALUES ('rank', 'bm25(0.0, 0.0, 4.0, 1.0)')")


def _standard_row(s: Standard) -> tuple[object, ...]:
    return (
        s.id,
        s.prefix,
        s.title,
        s.version,
        s.status,
        s.published.isoformat(),
        iso_date(s.updated),
        iso_date(s.sunset),
        s.owner,
        s.summary,
        int(s.applies_to.all_services),
        s.applies_to.when,
        json_text([r.model_dump() for r in s.references]),
        len(s.requirements),
    )


def _write_versions(conn: sqlite3.Connection, s: Standard, history: VersionSource | None) -> None:
    """Every version of `s`: the committed or released ones, and the working tree's own."""
    versions: dict[str, VersionRow] = {}
    documents: dict[str, Standard] = {}
    for v in history.versions(s.id) if history is not None else []:
        if v.standard is not None:
            documents[v.version] = carried_visibility(v.standard, s)
            versions[v.version] = (
                v.commit,
                v.date.isoformat(),
                v.author,
                v.standard.status,
                json_text(v.standard.model_dump(mode="json")),
            )
    versions.setdefault(s.version, (None, None, None, s.status, json_text(s.model_dump(mode="json"))))
    documents[s.version] = s  # the working tree wins over a committed copy of the same version
    conn.executemany(
        "INSERT INTO standard_versions VALUES (?,?,?,?,?,?,?)",
        [(s.id, version, *row) for version, row in versions.items()],
    )
    conn.executemany(
        "INSERT INTO requirement_versions VALUES (?,?,?,?,?,?,?)",
        [
            (s.id, version, position, req.id, req.title, req.level, req.fix)
            for version, document in documents.items()
            for position, req in enumerate(public_requirements(document))
        ],
    )


def _requirement_row(s: Standard, position: int, req: Requirement) -> tuple[object, ...]:
    return (
        req.id,
        s.id,
        position,
        req.title,
        req.level,
        req.guidance,
        req.check,
        req.applies_when,
        req.evidence.description if req.evidence else None,
        s.evidence_age_limit(req),
        req.field,
        req.fix,
        json_text([r.model_dump() for r in req.references]),
        "restricted" if is_restricted(req, s) else "public",
    )


def _pattern_row(p: Pattern) -> tuple[object, ...]:
    return (
        p.id,
        p.name,
        p.category,
        p.type,
        p.summary,
        p.solves,
        p.when_to_use,
        p.when_not_to_use,
        p.maintainer,
        int(p.open_source),
        p.licence,
        p.url,
        json_text([r.model_dump() for r in p.references]),
        p.status,
        p.successor,
    )
