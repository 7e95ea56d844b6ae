"""Notices as JSON (and back, for the issue sync) and as Markdown: the command's output and each
council's issue body are the same text from the same function.

Everything from the repository (names, paths, details, fixes) is shown as an inert code span or
escaped text (checks/reporters/inert.py); only the owners, which the Council model holds to GitHub
handles, are written as @-mentions, so that they are notified.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checks.notices import Cause, CouncilNotices, Notice, NoticesReport
from checks.reporters.inert import markdown_code, visible

WHY = {
    Cause.WAIVER_EXPIRES: "waiver expires",
    Cause.EVIDENCE_AGES: "evidence to re-confirm",
    Cause.DATE_RULE: "a date goes stale",
    Cause.STANDARD_SUNSET: "standard version's sunset",
    Cause.PATTERN_DEPRECATED: "pattern deprecated",
    Cause.PATTERN_RETIRED: "pattern retired",
}


# --------------------------------------------------------------------------- JSON


def to_json(report: NoticesReport) -> dict[str, Any]:
    return {
        "since": report.since.isoformat(),
        "as_of": report.as_of.isoformat(),
        "within_days": report.within_days,
        "until": report.until.isoformat(),
        "councils": [
            {
                "council": c.council,
                "name": c.name,
                "owners": c.owners,
                "sample": c.sample,
                "newly_failing": [_notice_json(n) for n in c.newly_failing],
                "upcoming": [_notice_json(n) for n in c.upcoming],
            }
            for c in report.councils
        ],
    }


def _notice_json(notice: Notice) -> dict[str, Any]:
    return {
        "service": notice.service,
        "service_name": notice.service_name,
        "path": notice.path,
        "cause": str(notice.cause),
        "due": notice.due.isoformat() if notice.due else None,
        "subject": notice.subject,
        "title": notice.title,
        "level": notice.level,
        "standard": notice.standard,
        "detail": notice.detail,
        "fix": notice.fix,
    }


def from_json(data: dict[str, Any]) -> NoticesReport:
    """The report `to_json` wrote (raises KeyError or ValueError for anything else)."""

    def notice(n: dict[str, Any]) -> Notice:
        due = dt.date.fromisoformat(n["due"]) if n["due"] else None
        return Notice(
            n["service"], n["service_name"], n["path"], Cause(n["cause"]), due, n["subject"],
            n["title"], n["level"], n["standard"], n["detail"], n["fix"],
        )  # fmt: skip

    councils = [
        CouncilNotices(
            c["council"],
            c["name"],
            [str(o) for o in c["owners"]],
            bool(c["sample"]),
            [notice(n) for n in c["newly_failing"]],
            [notice(n) for n in c["upcoming"]],
        )
        for c in data["councils"]
    ]
    return NoticesReport(
        dt.date.fromisoformat(data["since"]), dt.date.fromisoformat(data["as_of"]), int(data["within_days"]), councils
    )


# --------------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    return markdown_code(text, in_table=True) if text else ""


def _rows(notices: list[Notice], date_heading: str) -> list[str]:
    lines = [
        f"| {date_heading} | Service | What | Why | Fix |",
        "|---|---|---|---|---|",
    ]
    for n in notices:
        what = f"{_cell(n.subject)} {_cell(n.title)}" + (f" [{n.level}]" if n.level else "")
        service = f"{_cell(n.service_name)}<br>{_cell(n.path)}"
        why = f"{WHY[n.cause]}: {_cell(n.detail)}"
        due = n.due.isoformat() if n.due else "now"
        lines.append(f"| {due} | {service} | {what} | {why} | {_cell(n.fix)} |")
    return lines


def council_markdown(report: NoticesReport, council: CouncilNotices, level: int = 2) -> str:
    """One council's notices: its heading, owners, what newly fails and what will fail soon."""
    h = "#" * level
    sample = " (sample data)" if council.sample else ""
    lines = [
        f"{h} {visible(council.name)} ({markdown_code(council.council)}){sample}",
        "",
        f"Owners: {' '.join(council.owners)}. Judged as of {report.as_of}; last judged {report.since}; "
        f"looking ahead {report.within_days} days, to {report.until}.",
        "",
    ]
    if council.empty:
        return "\n".join([*lines, "Nothing newly fails, and nothing will fail within the window.", ""])
    if council.newly_failing:
        lines += [f"{h}# Newly failing since {report.since} ({len(council.newly_failing)})", ""]
        lines += [*_rows(council.newly_failing, "Since"), ""]
    if council.upcoming:
        lines += [f"{h}# Will fail by {report.until}, or needs moving ({len(council.upcoming)})", ""]
        lines += [*_rows(council.upcoming, "From"), ""]
    return "\n".join(lines)


def markdown(report: NoticesReport) -> str:
    """Every council with a notice; a line for the rest."""
    with_notices = [c for c in report.councils if not c.empty]
    newly = sum(len(c.newly_failing) for c in report.councils)
    upcoming = sum(len(c.upcoming) for c in report.councils)
    lines = [
        f"# Notices as of {report.as_of}",
        "",
        f"{newly} newly failing since {report.since} and {upcoming} due by {report.until} "
        f"({report.within_days} days), for {len(with_notices)} of {len(report.councils)} councils.",
        "",
    ]
    for council in with_notices:
        lines.append(council_markdown(report, council))
    return "\n".join(lines).rstrip("\n") + "\n"
