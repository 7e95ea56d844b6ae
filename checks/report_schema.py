"""The documented shape of `standards check --format json`, as pydantic models.

The JSON reporter writes this shape by hand so that it can stream; these
models exist to publish `schemas/report.schema.json` and to let tests (and
anyone consuming the report) validate it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REPORT_VERSION = 2


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportProblem(_Closed):
    code: str = Field(description="Stable code, e.g. E201 for an unknown field.")
    message: str
    help: str = Field(description="How to fix it.")
    line: int = Field(ge=1)
    column: int = Field(ge=1)


class ReportWaiver(_Closed):
    approved_by: str
    expires: dt.date
    reason: str


class ReportEvidence(_Closed):
    status: str = Field(description="met, partially_met or not_met, as the manifest declares it.")
    date: dt.date | None
    url: str | None


class ReportResult(_Closed):
    requirement: str
    standard: str
    version: str = Field(description="The version of the standard this requirement was judged against.")
    title: str = Field(description="The requirement's title in that version.")
    level: Literal["must", "should", "may"] = Field(description="The requirement's level in that version.")
    outcome: Literal["pass", "fail", "waived", "not_applicable", "error"]
    detail: str = Field(
        description="What the manifest says at the requirement's field, what evidence is missing, or why the rule "
        "broke; empty when there is nothing to add to the title."
    )
    message: str = Field(description="Title, detail and waiver state in one sentence; empty for pass.")
    says: str = Field(
        default="",
        description="What the manifest says at the failing point, as a sentence for people who do not read YAML "
        "(e.g. `No open API is recorded.`); empty for pass and not_applicable.",
    )
    waiver: ReportWaiver | None = Field(
        description="The waiver that applied (outcome waived) or had expired (outcome fail)."
    )
    evidence: ReportEvidence | None = Field(description="The evidence declared for a requirement that asks for it.")
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
    report_version: Literal[2]
    tool: str
    tool_version: str
    as_of: dt.date
    fail_on: Literal["must", "should"]
    files: list[ReportFile]
    summary: ReportSummary
