"""A stable JSON document (schemas/report.schema.json), written as files are checked."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any, TextIO

from checks.report_schema import REPORT_VERSION
from checks.reporters.base import TOOL_NAME, ReportContext
from checks.results import FileResult, Outcome, RequirementResult, RunSummary, StandardSummary

_SUMMARY_FIELDS = tuple(f.name for f in fields(StandardSummary))
# Passes and not-applicables repeat across manifests: each requirement's is one shared object per
# compiled version (checks/rules.py), so each object is rendered once. The cache is keyed by the object
# itself (its id, with the object kept in the entry so the id cannot be reused while cached): every
# field is in the key by construction, and two versions of one requirement never share a rendering.
_RENDERED: dict[int, tuple[RequirementResult, str]] = {}
# Far more than a catalogue's requirements (two shared results each, per version).
_RENDERED_LIMIT = 20_000


def result_record(r: RequirementResult) -> dict[str, Any]:
    """One result as the JSON report, `/validate` and every other JSON consumer show it."""
    waiver, evidence = r.waiver, r.evidence
    return {
        "requirement": r.requirement,
        "standard": r.standard,
        "version": r.version,
        "title": r.title,
        "level": r.level,
        "outcome": r.outcome.value,
        "detail": r.detail,
        "message": r.message,
        "says": r.says,
        "waiver": None
        if waiver is None
        else {"approved_by": waiver.approved_by, "expires": waiver.expires.isoformat(), "reason": waiver.reason},
        "evidence": None
        if evidence is None
        else {
            "status": evidence.status,
            "date": evidence.date.isoformat() if evidence.date else None,
            "url": evidence.url,
        },
        "line": r.line,
        "column": r.column,
    }


def _render_result(r: RequirementResult) -> str:
    cached = _RENDERED.get(id(r))
    if cached is not None and cached[0] is r:
        return cached[1]
    text = json.dumps(result_record(r))
    # Only the shared objects. A pass with a detail (an attestation's) or with its evidence is made per
    # manifest: kept here, each would stay alive to the end of the run, a worker's memory growing with N.
    if (r.outcome is Outcome.PASS or r.outcome is Outcome.NOT_APPLICABLE) and r.evidence is None and not r.detail:
        if len(_RENDERED) >= _RENDERED_LIMIT:
            _RENDERED.clear()  # a bound, whatever else comes to pass for shared: memory flat in N
        _RENDERED[id(r)] = (r, text)
    return text


def _file_head(result: FileResult) -> dict[str, Any]:
    return {
        "path": result.path,
        "kind": result.kind,
        "council": result.council,
        "service": result.service,
        "name": result.name,
        "sample": result.sample,
        "valid": result.valid,
        "problems": [
            {"code": p.code, "message": p.message, "help": p.help, "line": p.line, "column": p.column}
            for p in result.problems
        ],
        "warnings": [
            {"code": p.code, "message": p.message, "help": p.help, "line": p.line, "column": p.column}
            for p in result.warnings
        ],
        "standards": [{name: getattr(s, name) for name in _SUMMARY_FIELDS} for s in result.summaries],
    }


def file_record(result: FileResult) -> dict[str, Any]:
    """One file's record as data (the shape of `ReportFile` in checks/report_schema.py)."""
    return {**_file_head(result), "results": [result_record(r) for r in result.results]}


def file_json(result: FileResult) -> str:
    """`file_record` as JSON text, streamed: repeated results are rendered once per process."""
    head = json.dumps(_file_head(result))
    return head[:-1] + ', "results": [' + ", ".join(map(_render_result, result.results)) + "]}"


class JsonReporter:
    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.first = True
        header = {
            "report_version": REPORT_VERSION,
            "tool": TOOL_NAME,
            "tool_version": context.tool_version,
            "as_of": context.as_of.isoformat(),
            "fail_on": context.fail_on,
        }
        # Streamed by hand: the header's closing brace is replaced by the files array.
        stream.write(json.dumps(header)[:-1] + ', "files": [')

    def file(self, result: FileResult) -> None:
        text = result.rendered if result.rendered is not None else file_json(result)
        self.stream.write(("\n" if self.first else ",\n") + text)
        self.first = False

    def finish(self, summary: RunSummary) -> None:
        totals = {
            "files": summary.files,
            "invalid": summary.invalid,
            "warnings": summary.warnings,
            "services": summary.services,
            "compliant_services": summary.compliant_services,
            "outcomes": summary.outcomes,
            "failed_levels": summary.failed_levels,
        }
        self.stream.write('\n], "summary": ' + json.dumps(totals) + "}\n")
