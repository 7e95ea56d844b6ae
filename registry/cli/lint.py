"""`standards lint`: print lint findings and the blast radius as text, Markdown or JSON."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from checks.history import HistoryError
from checks.linting import Impact, LintReport, lint
from checks.reporters.inert import markdown_code, visible
from registry.cli.errors import ExitCode, UsageError
from registry.cli.options import parse_date


class LintFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


def lint_command(
    base: Annotated[
        str | None, typer.Option("--base", help="Compare with this Git ref: demand version bumps, show impact.")
    ] = None,
    format: Annotated[LintFormat, typer.Option("--format", "-f", help="Output format.")] = LintFormat.TEXT,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date for the blast radius, YYYY-MM-DD.")] = None,
) -> None:
    """Validate standards and patterns; against --base, check versioning and show the blast radius."""
    raise typer.Exit(int(run_lint(Path.cwd(), base, format.value, parse_date(as_of))))


def run_lint(root: Path, base: str | None, fmt: str, as_of: dt.date) -> ExitCode:
    try:
        report = lint(root, base, as_of)
    except HistoryError as exc:
        raise UsageError(f"--base: {exc}") from None
    render = {"text": render_text, "markdown": render_markdown, "json": render_json}[fmt]
    sys.stdout.write(render(report))
    return ExitCode.FAILED if report.errors else ExitCode.OK


def _mark(state: bool | None) -> str:
    return {True: "compliant", False: "not compliant", None: "not applicable"}[state]


def _by_council(impacts: list[Impact]) -> dict[str, list[Impact]]:
    grouped: dict[str, list[Impact]] = defaultdict(list)
    for impact in impacts:
        grouped[impact.council].append(impact)
    return dict(sorted(grouped.items()))


def render_text(report: LintReport) -> str:
    lines: list[str] = []
    for f in report.files:
        for p in f.problems:
            lines += [
                visible(f"{f.path}:{p.line}:{p.column}: {p.code} [error] {p.message}"),
                visible(f"  help: {p.help}"),
            ]
    for note in report.notes:
        lines.append(f"note: {note}")
    for d in report.diffs:
        kind = "breaking" if d.breaking else "compatible"
        lines.append(f"changed: {d.standard} {d.old_version} -> {d.new_version} ({kind})")
    if report.base is not None:
        failing, passing = report.newly_failing(), report.newly_passing()
        lines.append(f"blast radius against {report.base}: {len(failing)} newly failing, {len(passing)} newly passing")
        for title, rows in (("newly failing", failing), ("newly passing", passing)):
            for council, impacts in _by_council(rows).items():
                for i in impacts:
                    lines.append(
                        visible(f"  {title}: {council}/{i.service} {i.standard}")
                        + f" ({_mark(i.before)} -> {_mark(i.after)})"
                    )
    lines.append(f"lint: {report.errors} error{'s' if report.errors != 1 else ''}")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    # Repository text from a pull request: shown literally, never as markup (checks/reporters/inert.py).
    return markdown_code(text, in_table=True)


def render_markdown(report: LintReport) -> str:
    out = ["## Standards lint", ""]
    out.append("✅ standards and patterns are valid" if not report.errors else f"❌ {report.errors} error(s)")
    out.append("")
    rows = [(f.path, p) for f in report.files for p in f.problems]
    if rows:
        out += ["| file | line | code | problem | how to fix |", "|---|---:|---|---|---|"]
        out += [
            f"| {_cell(path)} | {p.line} | {_cell(p.code)} | {_cell(p.message)} | {_cell(p.help)} |" for path, p in rows
        ]
        out.append("")
    if report.diffs:
        out += ["### Changed standards", ""]
        out += [
            f"- {_cell(d.standard)} {_cell(d.old_version)} → {_cell(d.new_version)} "
            f"({'breaking' if d.breaking else 'compatible'})"
            for d in report.diffs
        ]
        out.append("")
    if report.base is not None:
        failing, passing = report.newly_failing(), report.newly_passing()
        out += [
            f"### Blast radius against `{report.base}`",
            "",
            f"{len(failing)} service/standard pair(s) would newly fail, {len(passing)} would newly pass.",
            "",
        ]
        if failing or passing:
            out += ["| council | service | standard | before | after |", "|---|---|---|---|---|"]
            for i in failing + passing:
                out.append(
                    f"| {_cell(i.council)} | {_cell(i.service)} | {_cell(i.standard)} | {_mark(i.before)} | "
                    f"{_mark(i.after)} |"
                )
            out.append("")
    for note in report.notes:
        out.append(f"- note: {_cell(note)}")
    return "\n".join(out) + "\n"


def render_json(report: LintReport) -> str:
    data = {
        "base": report.base,
        "errors": report.errors,
        "problems": [
            {"path": f.path, "code": p.code, "message": p.message, "help": p.help, "line": p.line, "column": p.column}
            for f in report.files
            for p in f.problems
        ],
        "changed": [d.as_dict() for d in report.diffs],
        "notes": report.notes,
        "blast_radius": [
            {
                "council": i.council,
                "service": i.service,
                "path": i.path,
                "standard": i.standard,
                "before": i.before,
                "after": i.after,
            }
            for i in report.impacts
        ],
    }
    return json.dumps(data, indent=2) + "\n"
