"""A service's requirement results, read back from the index exactly as the checker recorded them.

The index keeps one letter per requirement (`service_standards.outcomes`, in the order of the
requirements of the version the service was judged against) and a `findings` row for every result
that carries more than its outcome. `decode` is the one place that turns those rows back into
`checks.results.RequirementResult`s: the API's service route and the site's council pages both call
it, so they show what `standards check` showed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from checks.results import EvidenceUsed, Outcome, RequirementResult, WaiverNote

OUTCOME_BY_LETTER = {
    "P": Outcome.PASS,
    "F": Outcome.FAIL,
    "W": Outcome.WAIVED,
    "N": Outcome.NOT_APPLICABLE,
    "E": Outcome.ERROR,
}

# The letters `service_standards.outcomes` is written in (registry/index/rows.py), one per requirement.
LETTER_BY_OUTCOME = {outcome: letter for letter, outcome in OUTCOME_BY_LETTER.items()}

# The columns `decode` reads from `findings`, in this order (after the service key, if selected first).
FINDING_COLUMNS = (
    "requirement_id, standard_id, version, level, outcome, detail, waiver_approved_by, waiver_expires, "
    "waiver_reason, evidence_status, evidence_date, evidence_url, line, column, says"
)


@dataclass(frozen=True, slots=True)
class StoredRequirement:
    id: str
    title: str
    level: str
    fix: str


Versions = dict[tuple[str, str], list[StoredRequirement]]


def requirement_versions(db: sqlite3.Connection, standards: Iterable[str] | None = None) -> Versions:
    """Every indexed version's requirements, in order, keyed by (standard id, version)."""
    sql = "SELECT standard_id, version, requirement_id, title, level, fix FROM requirement_versions"
    wanted = list(standards) if standards is not None else None
    params: list[str] = []
    if wanted is not None:
        sql += f" WHERE standard_id IN ({','.join('?' * len(wanted))})"
        params = wanted
    found: Versions = {}
    for standard_id, version, rid, title, level, fix in db.execute(
        sql + " ORDER BY standard_id, version, position", params
    ):
        found.setdefault((standard_id, version), []).append(StoredRequirement(rid, title, level, fix))
    return found


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def from_finding(row: Sequence[object], title: str) -> RequirementResult:
    """One `findings` row (FINDING_COLUMNS) as the result the checker produced."""
    (
        rid,
        standard,
        version,
        level,
        outcome,
        detail,
        approver,
        expires,
        reason,
        status,
        date,
        url,
        line,
        column,
        says,
    ) = row
    waiver = WaiverNote(str(approver), dt.date.fromisoformat(str(expires)), str(reason)) if approver else None
    evidence = EvidenceUsed(str(status), _date(date), url) if status else None  # type: ignore[arg-type]
    return RequirementResult(
        str(rid),
        str(standard),
        str(version),
        title,
        str(level),
        Outcome(str(outcome)),
        str(detail),
        waiver,
        evidence,
        int(line),  # type: ignore[call-overload]
        int(column),  # type: ignore[call-overload]
        str(says),
    )


def decode(
    standards: Iterable[tuple[str, str, str]],
    findings: Iterable[Sequence[object]],
    versions: Versions,
    only: frozenset[Outcome] | None = None,
) -> list[RequirementResult]:
    """A service's results, standard by standard in requirement order.

    `standards` holds (standard id, version, outcome letters) per applicable standard and `findings`
    the service's rows in FINDING_COLUMNS order. With `only`, just the results with those outcomes
    (the site's pages show failures; walking the letters is then skipped for speed where possible).
    """
    stored: dict[tuple[str, str, str], Sequence[object]] = {(str(f[1]), str(f[2]), str(f[0])): f for f in findings}
    results: list[RequirementResult] = []
    for standard_id, version, letters in standards:
        requirements = versions.get((standard_id, version), [])
        for requirement, letter in zip(requirements, letters, strict=False):
            outcome = OUTCOME_BY_LETTER[letter]
            if only is not None and outcome not in only:
                continue
            row = stored.get((standard_id, version, requirement.id))
            if row is not None:
                results.append(from_finding(row, requirement.title))
            else:
                results.append(
                    RequirementResult(
                        requirement.id, standard_id, version, requirement.title, requirement.level, outcome
                    )
                )
    return results
