"""`POST /api/v1/validate`: check a manifest sent in the body exactly as `standards check` would.

Nothing is stored. The standards, patterns and councils it is checked against
come from the index the API serves (not the working tree), rebuilt into a
`Catalogue` once per indexed commit and cached on the app.

The body is untrusted input from anyone: it is read up to the loader's size
limit and no further, parsed by the hardened loader (no anchors, aliases or
tags), bounded in how many values it may hold, and checked in a worker thread
so the server keeps answering other requests meanwhile.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from checks.engine import Catalogue, unavailable_pin
from checks.history import matches_spec, version_key
from checks.loading import MAX_BYTES, Document, decode, parse, position
from checks.models import Council, Pattern, Service, Standard
from checks.problems import Problem
from checks.report_schema import ReportProblem, ReportResult, ReportStandardSummary
from checks.reporters.json_report import file_record
from checks.results import FileResult
from checks.rules import CompiledStandard, compile_standard
from checks.runner import check_service
from checks.validation import validate
from registry.api.dependencies import API_PREFIX, Db
from registry.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse, error_response

router = APIRouter(prefix=API_PREFIX, tags=["validate"])

# A real manifest holds a few hundred values; these bounds keep the worst body to a fraction of a second.
MAX_NODES = 10_000
MAX_KEYS = 1_000

EXAMPLE = """\
kind: Service
schema_version: 1
id: missed-bin-collection
name: Report a missed bin collection
lgsl: 524
url: https://www.example.gov.uk/bins/missed
phase: live
channels: [web, phone]
owner:
  team: Waste and recycling digital team
conforms_to:
  - standard: accessibility
    version: 1
patterns:
  - gov-uk-notify
privacy:
  handles_personal_data: true
"""


class ValidationReport(BaseModel):
    """One manifest's findings: the shape of a file in `standards check --format json`, without its path."""

    valid: bool = Field(description="Always true here: an invalid manifest is a 422 with its problems.")
    as_of: dt.date = Field(description="The date time-based rules were judged at.")
    kind: str
    council: str | None = Field(description="The council whose rules were applied, if one was named.")
    service: str | None
    name: str | None
    sample: bool
    problems: list[ReportProblem]
    warnings: list[ReportProblem] = Field(description="Advice that does not fail the check, e.g. an old pin.")
    results: list[ReportResult] = Field(description="One result per requirement of every applicable standard.")
    standards: list[ReportStandardSummary]


# --------------------------------------------------------------------------- the catalogue, from the index


@dataclass
class IndexCatalogue(Catalogue):
    """A Catalogue whose older standard versions come from the index rather than from Git."""

    older: dict[str, list[Standard]] = field(default_factory=dict)

    def _from_history(self, standard_id: str, spec: str | int, current: str) -> CompiledStandard | str:
        found = [s for s in self.older.get(standard_id, []) if matches_spec(s.version, spec)]
        if not found:
            return unavailable_pin(standard_id, spec, current, [s.version for s in self.older.get(standard_id, [])])
        return compile_standard(max(found, key=lambda s: version_key(s.version)))


def catalogue_from_index(db: sqlite3.Connection) -> IndexCatalogue:
    """Standards (current and older versions), patterns and councils, as the index recorded them."""
    current: list[Standard] = []
    older: dict[str, list[Standard]] = {}
    for row in db.execute(
        """SELECT s.version AS current, v.version, v.document
           FROM standards s JOIN standard_versions v ON v.standard_id = s.id
           WHERE v.document IS NOT NULL ORDER BY s.rowid"""
    ):
        standard = Standard.model_validate(json.loads(row["document"]))
        if row["version"] == row["current"]:
            current.append(standard)
        else:
            older.setdefault(standard.id, []).append(standard)
    helps: dict[str, list[str]] = {}
    for pattern_id, requirement_id in db.execute("SELECT pattern_id, requirement_id FROM pattern_requirements"):
        helps.setdefault(pattern_id, []).append(requirement_id)
    patterns = [
        Pattern.model_validate(
            {
                "kind": "Pattern",
                "schema_version": 1,
                **{
                    k: r[k]
                    for k in ("id", "name", "category", "type", "summary", "solves", "when_to_use", "maintainer")
                },
                "when_not_to_use": r["when_not_to_use"],
                "open_source": bool(r["open_source"]),
                "licence": r["licence"],
                "url": r["url"],
                "helps_meet": helps.get(r["id"], []),
                "references": json.loads(r["references_json"]),
            }
        )
        for r in db.execute("SELECT * FROM patterns ORDER BY rowid")
    ]
    councils = [
        Council.model_validate(
            {
                "kind": "Council",
                "schema_version": 1,
                **{k: r[k] for k in ("id", "name", "gss_code", "register_code", "type", "nation", "region")},
                "website": r["website"],
                "owners": json.loads(r["owners_json"]),
                "sample": bool(r["sample"]),
            }
        )
        for r in db.execute("SELECT * FROM councils ORDER BY rowid")
    ]
    built = Catalogue.build(current, patterns, councils)
    return IndexCatalogue(standards=built.standards, patterns=built.patterns, councils=built.councils, older=older)


_CATALOGUE_LOCK = threading.Lock()


def cached_catalogue(request: Request, db: sqlite3.Connection) -> Catalogue:
    """The catalogue for the index this request reads, built once per indexed commit."""
    meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('commit', 'built_at')").fetchall())
    key = (meta.get("commit"), meta.get("built_at"))
    with _CATALOGUE_LOCK:
        cached: tuple[tuple[str | None, str | None], Catalogue] | None = getattr(
            request.app.state, "validate_catalogue", None
        )
        if cached is None or cached[0] != key:
            cached = (key, catalogue_from_index(db))
            request.app.state.validate_catalogue = cached
        return cached[1]


# --------------------------------------------------------------------------- checking the body


class InvalidManifest(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _size_problem(root: yaml.Node) -> Problem | None:
    """A problem when the document holds more values than any manifest could need."""
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            return Problem(
                "E102",
                f"the manifest holds more than {MAX_NODES:,} values; a manifest needs a few hundred",
                "remove what does not belong in a manifest (embedded data, logs)",
            )
        if isinstance(node, yaml.MappingNode):
            if len(node.value) > MAX_KEYS:
                line, column = position(node)
                return Problem(
                    "E102",
                    f"a mapping holds {len(node.value):,} keys; at most {MAX_KEYS:,} are accepted",
                    "remove what does not belong in a manifest",
                    line,
                    column,
                )
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def _load(raw: bytes) -> Document:
    text = decode(raw)
    if isinstance(text, Problem):
        raise InvalidManifest([text])
    doc = parse(text)  # too-deep nesting comes back as a problem (E112), like every other
    if isinstance(doc, list):
        raise InvalidManifest(doc)
    problem = _size_problem(doc.root)
    if problem is not None:
        raise InvalidManifest([problem])
    return doc


def check_manifest(raw: bytes, catalogue: Catalogue, council_id: str | None, as_of: dt.date) -> dict[str, Any]:
    """`standards check` for one service manifest sent as bytes instead of a file."""
    doc = _load(raw)
    typed = validate(doc, "Service")
    if isinstance(typed, list):
        raise InvalidManifest(typed)
    assert isinstance(typed, Service)
    # Judged as the public sees it: restricted fields refused (E320), restricted requirements by attestation.
    result = check_service(
        typed, doc, catalogue, as_of, FileResult(path="", kind=typed.kind, council=council_id), None, inline=False
    )
    if result.problems:
        raise InvalidManifest(result.problems)
    record = file_record(result)
    del record["path"]
    return {**record, "as_of": as_of.isoformat()}


async def _read_body(request: Request) -> bytes:
    """The body, reading no more than one byte past the limit."""
    too_large = ApiError(413, "too_large", f"the manifest must be under {MAX_BYTES / 1_000_000:.1f} MB")
    length = request.headers.get("content-length")
    if length is not None:
        try:
            if int(length) > MAX_BYTES:
                raise too_large
        except ValueError:
            raise ApiError(400, "bad_request", "Content-Length is not a number") from None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk[: MAX_BYTES + 1 - len(body)]
        if len(body) > MAX_BYTES:
            raise too_large
    return bytes(body)


_YAML_BODY = {"schema": {"type": "string"}, "example": EXAMPLE}


@router.post(
    "/validate",
    response_model=ValidationReport,
    summary="Check a service manifest without storing it",
    description=(
        "Send a service manifest (YAML) as the body. It is checked exactly as `standards check` checks a file, "
        "against the standards in the registry's index, and nothing is kept. A manifest that is valid but "
        "fails requirements is a 200 with the failing results; one that cannot be read or has the wrong shape "
        "is a 422 with code `invalid_manifest` and its problems (code, message, help, line, column) in "
        f"`details`. Bodies over {MAX_BYTES:,} bytes are refused with 413."
    ),
    responses={
        400: ERROR_RESPONSES[400],
        413: {"model": ErrorResponse, "description": "The body is over the size limit"},
        422: {"model": ErrorResponse, "description": "The manifest is invalid (problems in details) or a parameter is"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A service manifest as YAML, UTF-8.",
            "content": {"application/yaml": _YAML_BODY, "text/plain": _YAML_BODY},
        }
    },
)
async def validate_manifest(
    request: Request,
    db: Db,
    council: Annotated[
        str | None,
        Query(
            pattern="^[a-z0-9-]{1,80}$",
            description="The council's folder id, e.g. bristol: its details feed rules that depend on the council.",
        ),
    ] = None,
    as_of: Annotated[
        dt.date | None, Query(description="Date rules are judged at, YYYY-MM-DD (default: today).")
    ] = None,
) -> Any:
    raw = await _read_body(request)
    when = as_of or dt.date.today()

    def work() -> dict[str, Any] | JSONResponse:
        catalogue = cached_catalogue(request, db)
        if council is not None and council not in catalogue.councils:
            message = f"no council '{council}' in the registry"
            return error_response(
                422,
                "invalid_parameter",
                f"invalid parameter: council ({message})",
                [{"parameter": "council", "in": "query", "message": message}],
            )
        try:
            return check_manifest(raw, catalogue, council, when)
        except InvalidManifest as exc:
            problems = [
                {"code": p.code, "message": p.message, "help": p.help, "line": p.line, "column": p.column}
                for p in exc.problems
            ]
            first = exc.problems[0]
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            return error_response(
                422, "invalid_manifest", f"{first.code} at {first.line}:{first.column}: {first.message}{more}", problems
            )

    return await run_in_threadpool(work)
