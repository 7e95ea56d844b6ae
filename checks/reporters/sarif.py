"""SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers.

Written as plain JSON: the format is small and stable, and tests validate the
output against the official OASIS schema.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from checks.problems import PROBLEM_CODES
from checks.reporters.base import TOOL_NAME, TOOL_URI, ReportContext
from checks.reporters.findings import findings
from checks.results import FileResult, RunSummary

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"must": "error", "error": "error", "should": "warning", "may": "note", "warning": "warning"}


class SarifReporter:
    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self.results: list[dict[str, Any]] = []
        # A requirement's title and level can differ between versions of its standard: one rule per version.
        self.used_rules: dict[tuple[str, str | None, str | None], int] = {}
        self.rules: list[dict[str, Any]] = []

    def _rule_index(self, code: str, standard: str | None, version: str | None) -> int:
        key = (code, standard, version)
        if key in self.used_rules:
            return self.used_rules[key]
        compiled = self.context.catalogue.requirement(standard, version, code) if standard and version else None
        rule: dict[str, Any] = {"id": code}
        if compiled is not None:
            req = compiled.requirement
            rule.update(
                name=code.replace("-", ""),
                shortDescription={"text": req.title},
                fullDescription={"text": req.guidance.strip()},
                help={"text": req.fix.strip()},
                helpUri=req.references[0].url,
                defaultConfiguration={"level": _LEVEL[req.level]},
                properties={"standard": compiled.standard_id, "version": compiled.version, "level": req.level},
            )
        else:
            rule.update(
                shortDescription={"text": PROBLEM_CODES.get(code, "problem")},
                defaultConfiguration={"level": "error"},
            )
        self.used_rules[key] = len(self.rules)
        self.rules.append(rule)
        return self.used_rules[key]

    def file(self, result: FileResult) -> None:
        for f in findings(result, self.context.catalogue):
            self.results.append(
                {
                    "ruleId": f.code,
                    "ruleIndex": self._rule_index(f.code, f.standard, f.version),
                    "level": _LEVEL[f.level],
                    "message": {"text": f"{f.message}\nhelp: {f.help}"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": f.path, "uriBaseId": "SRCROOT"},
                                "region": {"startLine": f.line, "startColumn": f.column},
                            }
                        }
                    ],
                    "partialFingerprints": {"requirement/path": f"{f.code}:{f.path}"},
                }
            )

    def finish(self, summary: RunSummary) -> None:
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": TOOL_NAME,
                            "version": self.context.tool_version,
                            "informationUri": TOOL_URI,
                            "rules": self.rules,
                        }
                    },
                    "originalUriBaseIds": {"SRCROOT": {"uri": "./"}},
                    "results": self.results,
                    "properties": {"asOf": self.context.as_of.isoformat(), "failOn": self.context.fail_on},
                }
            ],
        }
        json.dump(log, self.stream, indent=2)
        self.stream.write("\n")
