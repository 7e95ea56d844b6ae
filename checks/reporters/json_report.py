"""A stable JSON document (schemas/report.schema.json), written as files are checked."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import TextIO

from checks.report_schema import REPORT_VERSION
from checks.reporters.base import TOOL_NAME, ReportContext
from checks.results import FileResult, Outcome, RequirementResult, RunSummary, StandardSummary

_SUMMARY_FIELDS = tuple(f.name for f in fields(StandardSummary))
# Passes and not-applicables are identical across manifests: render each once.
_RENDERED: dict[tuple[str, str], str] = {}


def _render_result(r: RequirementResult) -> str:
    shared = r.outcome is Outcome.PASS or r.outcome is Outcome.NOT_APPLICABLE
    if shared:
        cached = _RENDERED.get((r.requirement, r.outcome))
        if cached is not None:
            return cached
    return _render_new(r, shared)


def _render_new(r: RequirementResult, shared: bool) -> str:
    text = json.dumps(
        {
            "requirement": r.requirement,
            "standard": r.standard,
            "level": r.level,
            "outcome": r.outcome,
            "message": r.message,
            "line": r.line,
            "column": r.column,
        }
    )
    if shared:
        _RENDERED[(r.requirement, r.outcome)] = text
    return text


def file_json(result: FileResult) -> str:
    """One file's record as JSON text (the shape of `ReportFile` in checks/report_schema.py)."""
    head = json.dumps(
        {
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
    )
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
