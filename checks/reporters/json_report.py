"""A stable JSON document (schemas/report.schema.json), written as files are checked."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, TextIO

from checks.report_schema import REPORT_VERSION
from checks.reporters.base import TOOL_NAME, ReportContext
from checks.results import FileResult, RunSummary


def file_record(result: FileResult) -> dict[str, Any]:
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
        "results": [
            {
                "requirement": r.requirement,
                "standard": r.standard,
                "level": r.level,
                "outcome": r.outcome.value,
                "message": r.message,
                "line": r.line,
                "column": r.column,
            }
            for r in result.results
        ],
        "standards": [asdict(s) for s in result.summaries],
    }


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
        self.stream.write(("\n" if self.first else ",\n") + json.dumps(file_record(result)))
        self.first = False

    def finish(self, summary: RunSummary) -> None:
        totals = {
            "files": summary.files,
            "invalid": summary.invalid,
            "services": summary.services,
            "compliant_services": summary.compliant_services,
            "outcomes": summary.outcomes,
            "failed_levels": summary.failed_levels,
        }
        self.stream.write('\n], "summary": ' + json.dumps(totals) + "}\n")
