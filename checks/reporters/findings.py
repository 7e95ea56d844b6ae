"""The one finding format every reporter shares: where, which rule, how bad, how to fix."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from checks.engine import Catalogue
from checks.results import FileResult, Outcome

BROKEN_RULE_HELP = "the rule itself is broken: report it to the standard's maintainers (standards lint shows it)"


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    level: str  # must | should | may for requirements; "error" for a file that could not be checked
    message: str
    help: str
    outcome: str  # fail | error | waived | invalid
    standard: str | None = None
    version: str | None = None
    url: str | None = None


def findings(result: FileResult, catalogue: Catalogue, include_waived: bool = False) -> Iterator[Finding]:
    """Problems first, then failing and erroring requirements, in file order."""
    for p in result.problems:
        yield Finding(result.path, p.line, p.column, p.code, "error", p.message, p.help, "invalid")
    for p in result.warnings:
        yield Finding(result.path, p.line, p.column, p.code, "warning", p.message, p.help, "warning")
    shown = (Outcome.FAIL, Outcome.ERROR, Outcome.WAIVED) if include_waived else (Outcome.FAIL, Outcome.ERROR)
    rows = [r for r in result.results if r.outcome in shown]
    rows.sort(key=lambda r: (r.line, r.column, r.requirement))
    for r in rows:
        compiled = catalogue.requirement(r.standard, r.version, r.requirement)
        fix = compiled.requirement.fix.strip() if compiled else ""
        url = compiled.requirement.references[0].url if compiled else None
        if r.outcome is Outcome.ERROR:
            message, help_text = f"could not be checked: {r.message}", BROKEN_RULE_HELP
        else:
            message, help_text = r.message, fix
        yield Finding(
            result.path,
            r.line,
            r.column,
            r.requirement,
            r.level,
            message,
            help_text,
            r.outcome.value,
            r.standard,
            r.version,
            url,
        )
