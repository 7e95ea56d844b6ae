"""The documented shape of `standards check --format json`, as pydantic models.

The JSON reporter writes this shape by hand so that it can stream; these
models exist to publish `schemas/report.schema.json` and to let tests (and
anyone consuming the report) validate it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_VERSION = 1


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportProblem(_Closed):
    code: str = Field(description="Stable code, e.g. E201 for an unknown field.")
    message: str
    help: str = Field(description="How to fix it.")
    line: int = Field(ge=1)
    column: int = Field(ge=1)


class ReportResult(_Closed):
    requirement: str
    standard: str
    level: Literal["must", "should", "may"]
    outcome: Literal["pass", "fail", "waived", "not_applicable", "error"]
    message: str = Field(description="Why it failed, was waived or errored; empty for pass.")
    line: int = Field(ge=1, description="Where a failure points; 1 for passes.")
    column: int = Field(ge=1)


class ReportStandardSummary(_Closed):
    standard: str
    version: str
    compliant: bool = Field(description="True when no `must` requirement fails.")
    score: float = Field(ge=0, le=1, description="Share of applicable requirements passed or waived.")
    passed: int
    failed: int
    waived: int
    not_applicable: int
    errors: int
    failed_must: int
    failed_should: int


class ReportFile(_Closed):
    path: str = Field(description="Repository-relative path, with forward slashes.")
    kind: str
    council: str | None
    service: str | None
    name: str | None
    sample: bool
    valid: bool
    problems: list[ReportProblem]
    warnings: list[ReportProblem] = Field(description="Advice that does not fail the run, e.g. an old pinned version.")
    results: list[ReportResult]
    standards: list[ReportStandardSummary]


class ReportSummary(_Closed):
    files: int
    invalid: int
    warnings: int
    services: int
    compliant_services: int
    outcomes: dict[str, int]
    failed_levels: dict[str, int]


class Report(_Closed):
    report_version: Literal[1]
    tool: str
    tool_version: str
    as_of: dt.date
    fail_on: Literal["must", "should"]
    files: list[ReportFile]
    summary: ReportSummary
