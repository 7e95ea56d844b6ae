"""Markdown for a pull-request comment or a GitHub job summary."""

from __future__ import annotations

from typing import TextIO

from checks.reporters.base import ReportContext
from checks.reporters.findings import findings
from checks.reporters.inert import html_code, markdown_code
from checks.results import FileResult, RunSummary

_ICON = {"must": "❌", "should": "⚠️", "may": "ℹ️", "error": "❌", "warning": "⚠️"}


def _cell(text: str) -> str:
    # Every piece of repository text is a code span (see checks/reporters/inert.py for why).
    return markdown_code(text, in_table=True)


class MarkdownReporter:
    """Keeps only failing findings, so memory follows the failures, not the run's size."""

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self.sections: list[str] = []

    def file(self, result: FileResult) -> None:
        rows = list(findings(result, self.context.catalogue))
        if not rows:
            return
        # The summary line is raw HTML (Markdown is not parsed there), so it is escaped as HTML.
        summary = html_code(result.path) + (f": {html_code(result.name)}" if result.name else "")
        lines = [
            f"<details><summary>{summary} ({len(rows)})</summary>",
            "",
            "| | where | requirement | problem | how to fix |",
            "|---|---|---|---|---|",
        ]
        for f in rows:
            where, requirement = f"line {f.line}", f"{_cell(f.code)} [{f.level}]"
            lines.append(f"| {_ICON[f.level]} | {where} | {requirement} | {_cell(f.message)} | {_cell(f.help)} |")
        lines += ["", "</details>", ""]
        self.sections.append("\n".join(lines))

    def finish(self, summary: RunSummary) -> None:
        out = ["## Standards check", ""]
        verdict = (
            "✅ every manifest meets its musts"
            if not summary.invalid and not summary.failed_levels["must"]
            else "❌ some manifests fail"
        )
        out += [
            f"{verdict} (as of {self.context.as_of.isoformat()}).",
            "",
            "| files | services | compliant | invalid | must failures | should failures | waived |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {summary.files} | {summary.services} | {summary.compliant_services} | {summary.invalid} | "
            f"{summary.failed_levels['must']} | {summary.failed_levels['should']} | {summary.outcomes['waived']} |",
            "",
        ]
        if summary.by_council:
            out += ["| council | standard | compliant | mean score |", "|---|---|---:|---:|"]
            for council in sorted(summary.by_council):
                for standard, (checked, compliant, total) in sorted(summary.by_council[council].items()):
                    share = f"{int(compliant)}/{int(checked)}"
                    out.append(f"| {_cell(council)} | {_cell(standard)} | {share} | {total / checked:.0%} |")
            out.append("")
        if self.sections:
            out += ["### Findings", "", *self.sections]
        self.stream.write("\n".join(out) + "\n")
