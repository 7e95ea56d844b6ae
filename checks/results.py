"""What a check run produces: one result per manifest, summaries per standard.

These are plain slotted dataclasses rather than pydantic models: a large run
creates millions of them and they cross process boundaries, so they must be
cheap to build and to pickle. `checks.report_schema` describes their JSON form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from checks.problems import Problem


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class WaiverNote:
    """The waiver a result was judged with: it applied (outcome waived) or had expired (outcome fail)."""

    approved_by: str
    expires: dt.date
    reason: str


@dataclass(frozen=True, slots=True)
class EvidenceUsed:
    """The evidence a manifest declared for a requirement that asks for some."""

    status: str
    date: dt.date | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """One requirement judged for one manifest, against the version of its standard that applied.

    Every consumer (reporters, the index, the API, the site) reads these fields; `message` is
    composed from them in one place and never parsed back.
    """

    requirement: str
    standard: str
    version: str
    title: str
    level: str
    outcome: Outcome
    # The value as written in the manifest, what evidence is missing, or why the rule broke; "" when
    # there is nothing to add to the title (a pass, or a failing requirement with no field).
    detail: str = ""
    waiver: WaiverNote | None = None
    evidence: EvidenceUsed | None = None
    line: int = 1
    column: int = 1
    # What the manifest says there, in a sentence for people who never read YAML (checks/says.py);
    # "" for passes and not-applicables.
    says: str = ""

    @property
    def message(self) -> str:
        return compose_message(self.title, self.outcome, self.detail, self.waiver)


def compose_message(title: str, outcome: Outcome | str, detail: str, waiver: WaiverNote | None) -> str:
    """The one sentence a person reads for a result: title, detail, and the waiver's state.

    A rule error reads as its detail alone (reporters add "could not be checked"); passes and
    not-applicables have nothing to say.
    """
    if outcome == Outcome.PASS or outcome == Outcome.NOT_APPLICABLE:
        return ""
    if outcome == Outcome.ERROR:
        return detail
    text = f"{title} ({detail})" if detail else title
    if waiver is not None:
        state = "waived until" if outcome == Outcome.WAIVED else "waiver expired on"
        text += f" ({state} {waiver.expires.isoformat()})"
    return text


@dataclass(frozen=True, slots=True)
class StandardSummary:
    standard: str
    version: str
    compliant: bool
    score: float
    passed: int
    failed: int
    waived: int
    not_applicable: int
    errors: int
    failed_must: int
    failed_should: int


@dataclass(slots=True)
class FileResult:
    """The outcome for one file: problems that stopped it being checked, or its results."""

    path: str
    kind: str
    council: str | None = None
    service: str | None = None
    name: str | None = None
    sample: bool = False
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    results: list[RequirementResult] = field(default_factory=list)
    summaries: list[StandardSummary] = field(default_factory=list)
    # The validated document as JSON-ready data, kept only when a caller asks (the index does).
    document: dict[str, Any] | None = None
    # The reporter's output for this file, rendered in the worker that checked it (see Plan.prerender).
    rendered: Any = None
    # Restricted fields found in a public manifest and left out of the index (named, never their values).
    redacted: list[str] = field(default_factory=list)
    # The first as-of date on which a time-based outcome here might change (None: never); see checks/timespan.py.
    stable_until: dt.date | None = None

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(slots=True)
class RunSummary:
    """Totals a reporter prints at the end; kept small so huge runs stream in flat memory."""

    files: int = 0
    invalid: int = 0
    warnings: int = 0
    services: int = 0
    compliant_services: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    failed_levels: dict[str, int] = field(default_factory=lambda: {"must": 0, "should": 0, "may": 0})
    # council -> standard -> [services checked, services compliant, score total]
    by_council: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def add(self, result: FileResult) -> None:
        self.files += 1
        self.warnings += len(result.warnings)
        if not result.valid:
            self.invalid += 1
            return
        if result.kind != "Service":
            return
        self.services += 1
        if all(s.compliant for s in result.summaries):
            self.compliant_services += 1
        # Summaries already hold the counts, so huge runs never re-walk every requirement here.
        outcomes, levels = self.outcomes, self.failed_levels
        council = self.by_council.setdefault(result.council or "(none)", {})
        for s in result.summaries:
            outcomes["pass"] += s.passed
            outcomes["fail"] += s.failed
            outcomes["waived"] += s.waived
            outcomes["not_applicable"] += s.not_applicable
            outcomes["error"] += s.errors
            levels["must"] += s.failed_must
            levels["should"] += s.failed_should
            levels["may"] += s.failed - s.failed_must - s.failed_should
            row = council.setdefault(s.standard, [0, 0, 0.0])
            row[0] += 1
            row[1] += 1 if s.compliant else 0
            row[2] += s.score
