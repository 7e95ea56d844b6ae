"""Building the SQLite index the API serves, from the working tree or from one Git commit.

The new index is written beside the live one and renamed over it only when it
is complete, so a reader sees the old index or the new, never half of one; a
connection opened before the swap keeps reading the old file until it closes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from checks.atomic import replace_keeping_mode, temporary_beside
from checks.engine import Catalogue
from checks.history import History, HistoryError, export_tree
from checks.models import Standard
from checks.registers import lgsl_services
from checks.repository import Repository
from checks.results import FileResult, Outcome, RequirementResult
from checks.runner import plan as make_plan
from checks.runner import run_plan
from registry import __version__
from registry.index.health import SCHEMA_VERSION, ensure_replaceable_index, head_commit, index_verdict
from registry.index.settings import today_from_env

log = logging.getLogger("registry.index")

LICENCE = "Open Government Licence v3.0 for the standards; manifests as published by each council"
_LETTER = {
    Outcome.PASS: "P",
    Outcome.FAIL: "F",
    Outcome.WAIVED: "W",
    Outcome.NOT_APPLICABLE: "N",
    Outcome.ERROR: "E",
}
BATCH = 2000

# Formats counted as open for bulk export: the list the data standard's open-format rule
# accepts (standards/data.yaml), so the index's open_export fact, the lock-in signal read
# from it and that rule agree.
OPEN_FORMATS = frozenset(
    {"csv", "tsv", "json", "jsonl", "json-ld", "geojson", "xml", "ods", "gml", "kml", "gpkg", "parquet", "rdf", "ttl"}
)


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
) -> BuildSummary:
    """Check the whole repository (or `ref`) and write the index to `output` atomically."""
    start = dt.datetime.now(dt.UTC)
    repo = Repository.find(root)
    if ref is not None:
        commit_obj = History(repo.root).resolve(ref)  # raises HistoryError with a clear message
        with tempfile.TemporaryDirectory(prefix="standards-index-") as tmp:
            export_tree(commit_obj, Path(tmp), all_manifests=True)
            # History (versions, pins) still comes from the real repository.
            summary = _build(Repository(Path(tmp)), output, as_of, commit_obj.hexsha, False, jobs, repo.root, ref)
    else:
        sha, dirty = head_commit(repo.root)
        summary = _build(repo, output, as_of, sha, dirty, jobs, repo.root, None)
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
) -> BuildSummary:
    output = output.absolute()
    ensure_replaceable_index(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with temporary_beside(output, ".building") as temp:
        work = make_plan(repo, None)
        work.keep_documents = True
        work.prerender = functools.partial(index_rows, as_of=as_of)
        if (history_root / ".git").exists():
            work.catalogue.history = History(history_root)
        conn = sqlite3.connect(temp)
        try:
            # A private file until the rename: durability comes from one fsync at the end.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.executescript(schema_sql())
            _write_catalogue(conn, work.catalogue, history_root if (history_root / ".git").exists() else None)
            conn.executemany(
                "INSERT INTO lgsl VALUES (?, ?, ?)", [(e.id, e.label, e.function) for e in lgsl_services().values()]
            )
            # Closed here, not when garbage collected, so an interrupt stops the worker processes at once.
            with contextlib.closing(run_plan(work, as_of, jobs)) as results:
                councils, services, invalid = _write_manifests(conn, work.broken, results, as_of)
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
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            conn.commit()
        finally:
            conn.close()
        with temp.open("rb") as f:
            os.fsync(f.fileno())
        replace_keeping_mode(temp, output)
    return BuildSummary(output, commit, councils, services, invalid, 0.0)


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _write_catalogue(conn: sqlite3.Connection, catalogue: Catalogue, history_root: Path | None) -> None:
    history = History(history_root) if history_root else None
    search: list[tuple[str, str, str, str]] = []
    for compiled in catalogue.standards.values():
        s = compiled.standard
        conn.execute(
            "INSERT INTO standards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                s.id,
                s.prefix,
                s.title,
                s.version,
                s.status,
                s.published.isoformat(),
                _iso(s.updated),
                _iso(s.sunset),
                s.owner,
                s.summary,
                int(s.applies_to.all_services),
                s.applies_to.when,
                _j([r.model_dump() for r in s.references]),
                len(s.requirements),
            ),
        )
        search.append(("standard", s.id, s.title, s.summary))
        versions: dict[str, tuple[str | None, str | None, str | None, str, str]] = {}
        documents: dict[str, Standard] = {}
        if history is not None:
            try:
                for v in history.versions(s.id):
                    if v.standard is not None:
                        documents[v.version] = v.standard
                        versions[v.version] = (
                            v.commit,
                            v.date.isoformat(),
                            v.author,
                            v.standard.status,
                            _j(v.standard.model_dump(mode="json")),
                        )
            except HistoryError as exc:
                log.warning("versions of %s unavailable: %s", s.id, exc)
        versions.setdefault(s.version, (None, None, None, s.status, _j(s.model_dump(mode="json"))))
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
                for position, req in enumerate(document.requirements)
            ],
        )
        for position, req in enumerate(s.requirements):
            conn.execute(
                "INSERT INTO requirements VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    req.id,
                    s.id,
                    position,
                    req.title,
                    req.level,
                    req.guidance,
                    req.check,
                    req.applies_when,
                    req.evidence.description if req.evidence else None,
                    req.evidence.max_age_days if req.evidence else None,
                    req.field,
                    req.fix,
                    _j([r.model_dump() for r in req.references]),
                ),
            )
            search.append(("requirement", req.id, f"{req.id} {req.title}", f"{req.guidance}\n{req.fix}"))
    for p in catalogue.patterns.values():
        conn.execute(
            "INSERT INTO patterns VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                p.id,
                p.name,
                p.category,
                p.summary,
                p.solves,
                p.when_to_use,
                p.when_not_to_use,
                p.maintainer,
                int(p.open_source),
                p.licence,
                p.url,
                _j([r.model_dump() for r in p.references]),
            ),
        )
        conn.executemany("INSERT OR IGNORE INTO pattern_requirements VALUES (?, ?)", [(p.id, r) for r in p.helps_meet])
        search.append(("pattern", p.id, p.name, f"{p.summary}\n{p.solves}\n{p.when_to_use}"))
    conn.executemany("INSERT INTO search VALUES (?,?,?,?)", search)
    # Search ranks by bm25 with titles weighted 4x; set as FTS5's default rank so queries can
    # `ORDER BY rank` and let FTS5 sort without building every hit (registry/routes/search.py).
    conn.execute("INSERT INTO search(search, rank) VALUES ('rank', 'bm25(0.0, 0.0, 4.0, 1.0)')")


def _write_manifests(
    conn: sqlite3.Connection, broken: list[FileResult], results: Iterator[FileResult], as_of: dt.date
) -> tuple[int, int, int]:
    councils = services = invalid = 0
    pending: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _INSERT}
    for result in _chain(broken, results):
        # Workers usually built the rows already (see index_rows); broken files come from here.
        rows: dict[str, list[tuple[Any, ...]]] = (
            result.rendered if result.rendered is not None else index_rows(result, as_of)
        )
        if not result.valid:
            invalid += 1
        elif result.kind == "Council":
            councils += 1
        elif result.kind == "Service":
            services += 1
        for name, batch in rows.items():
            pending[name].extend(batch)
        if len(pending["services"]) >= BATCH:
            _flush(conn, pending)
    _flush(conn, pending)
    return councils, services, invalid


def index_rows(result: FileResult, as_of: dt.date) -> dict[str, list[tuple[Any, ...]]]:
    """The rows one checked file adds to the index; run in the worker that checked it."""
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _INSERT}
    if not result.valid or result.document is None:
        first = result.problems[0] if result.problems else None
        rows["invalid"].append(
            (
                result.path,
                result.kind,
                first.code if first else "E000",
                first.message if first else "not indexed",
                first.line if first else 1,
                first.column if first else 1,
            )
        )
    elif result.kind == "Council":
        _council_rows(result, rows)
    elif result.kind == "Service":
        _service_rows(result, as_of, rows)
    result.document = None  # the rows hold what is needed; don't send the document back too
    return rows


def _chain(first: list[FileResult], rest: Iterator[FileResult]) -> Iterator[FileResult]:
    yield from first
    yield from rest


_INSERT = {
    "councils": "INSERT OR REPLACE INTO councils VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "services": "INSERT INTO services VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "service_patterns": "INSERT OR IGNORE INTO service_patterns VALUES (?, ?)",
    "suppliers": "INSERT INTO suppliers VALUES (?,?,?,?,?,?)",
    "service_standards": "INSERT INTO service_standards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "service_facts": "INSERT INTO service_facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "findings": "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "waivers": "INSERT INTO waivers VALUES (?,?,?,?,?,?)",
    "evidence": "INSERT INTO evidence VALUES (?,?,?,?,?,?)",
    "invalid": "INSERT OR REPLACE INTO invalid_files VALUES (?,?,?,?,?,?)",
    "search": "INSERT INTO search VALUES (?,?,?,?)",
}


def _flush(conn: sqlite3.Connection, pending: dict[str, list[tuple[Any, ...]]]) -> None:
    for name, rows in pending.items():
        if rows:
            conn.executemany(_INSERT[name], rows)
            rows.clear()


def finding_row(key: str, r: RequirementResult) -> tuple[Any, ...]:
    """A result's row in `findings`: its fields as the checker set them (see service_results.decode)."""
    waiver, evidence = r.waiver, r.evidence
    return (
        key,
        r.requirement,
        r.standard,
        r.version,
        r.level,
        r.outcome.value,
        r.detail,
        waiver.approved_by if waiver else None,
        waiver.expires.isoformat() if waiver else None,
        waiver.reason if waiver else None,
        evidence.status if evidence else None,
        _iso(evidence.date) if evidence else None,
        evidence.url if evidence else None,
        r.line,
        r.column,
    )


def _council_rows(result: FileResult, pending: dict[str, list[tuple[Any, ...]]]) -> None:
    c = result.document
    assert c is not None
    pending["councils"].append(
        (
            c["id"],
            c["name"],
            c["gss_code"],
            c["register_code"],
            c["type"],
            c["nation"],
            c["region"],
            c.get("website"),
            _j(c["owners"]),
            int(c["sample"]),
            result.path,
        )
    )
    pending["search"].append(("council", c["id"], c["name"], f"{c['type']} {c['nation']} {c['region']}"))


def _service_rows(result: FileResult, as_of: dt.date, pending: dict[str, list[tuple[Any, ...]]]) -> None:
    s = result.document
    assert s is not None
    key = f"{result.council}/{s['id']}"
    summaries = result.summaries
    compliant = all(x.compliant for x in summaries)
    score = round(sum(x.score for x in summaries) / len(summaries), 4) if summaries else 1.0
    pending["services"].append(
        (
            key,
            s["id"],
            result.council,
            result.path,
            s["name"],
            s.get("description"),
            s.get("lgsl"),
            s.get("url"),
            s["phase"],
            s["audience"],
            _j(s["channels"]),
            s["owner"]["team"],
            s["owner"].get("service_owner"),
            (s.get("hosting") or {}).get("model"),
            (s.get("hosting") or {}).get("provider"),
            int(s["data"].get("open_api") is not None),
            int(bool(s["source_code"].get("open"))),
            int(s["privacy"]["handles_personal_data"]),
            int(s["sample"]),
            int(compliant),
            score,
            sum(x.failed_must for x in summaries),
            sum(x.failed_should for x in summaries),
            _j(s),
        )
    )
    pending["service_patterns"].extend((key, p) for p in s["patterns"])
    pending["suppliers"].extend(
        (key, x["name"], x.get("product"), x.get("role"), x.get("contract_start"), x.get("contract_end"))
        for x in s["suppliers"]
    )
    by_standard: dict[str, list[str]] = {}
    musts_applicable = musts_met = 0
    for r in result.results:
        if r.level == "must" and r.outcome is not Outcome.NOT_APPLICABLE:
            musts_applicable += 1
            musts_met += r.outcome is Outcome.PASS or r.outcome is Outcome.WAIVED
        by_standard.setdefault(r.standard, []).append(_LETTER[r.outcome])
        if r.detail or r.waiver is not None or r.evidence is not None:
            pending["findings"].append(finding_row(key, r))
    pending["service_standards"].extend(
        (
            key,
            x.standard,
            x.version,
            int(x.compliant),
            x.score,
            x.passed,
            x.failed,
            x.waived,
            x.not_applicable,
            x.errors,
            x.failed_must,
            x.failed_should,
            "".join(by_standard.get(x.standard, [])),
        )
        for x in summaries
    )
    data = s["data"]
    data_standards = set(data.get("standards") or ())
    pending["service_facts"].append(
        (
            key,
            result.council,
            s.get("lgsl"),
            int(compliant),
            musts_applicable,
            musts_met,
            int(data.get("open_api") is not None),
            int(bool(data.get("is_directory"))),
            int(bool(data.get("handles_addresses"))),
            int("open-referral-uk" in data_standards),
            int("uprn" in data_standards),
            int("usrn" in data_standards),
            int(any(f in OPEN_FORMATS for f in data.get("export_formats") or ())),
            int(bool(data.get("proprietary_format"))),
        )
    )
    today = as_of.isoformat()
    pending["waivers"].extend(
        (key, w["requirement"], w["reason"], w["approved_by"], w["expires"], int(w["expires"] >= today))
        for w in s["waivers"]
    )
    pending["evidence"].extend(
        (key, rid, e["status"], e.get("url"), e.get("date"), e.get("note")) for rid, e in s["evidence"].items()
    )
    body = " ".join(
        filter(
            None,
            [
                s.get("description"),
                s["owner"]["team"],
                " ".join(s["patterns"]),
                " ".join(x["name"] for x in s["suppliers"]),
            ],
        )
    )
    pending["search"].append(("service", key, s["name"], body))


def prepare_index(root: Path, index: Path) -> str:
    """Build the index when it is missing, damaged or not from the checked-out commit; say which."""
    current, state = index_verdict(root, index)
    if current:
        return state
    log.warning("index %s is %s; building it", index, state)
    build_index(root, index, today_from_env())
    return state
