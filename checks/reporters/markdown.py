"""Markdown for a pull-request comment or a GitHub job summary."""

from __future__ import annotations

from typing import TextIO

from checks.reporters.base import ReportContext
from checks.reporters.findings import findings
from checks.results import FileResult, RunSummary

_ICON = {"must": "❌", "should": "⚠️", "may": "ℹ️", "error": "❌", "warning": "⚠️"}


def _cell(text: str) -> str:
    # Manifest text is untrusted: keep it from breaking out of the table or adding markup.
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("\n", " ")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("`", "'")
    )


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
        title = _cell(result.name or result.path)
        lines = [
            f"<details><summary><code>{_cell(result.path)}</code>: {title} ({len(rows)})</summary>",
            "",
            "| | where | requirement | problem | how to fix |",
            "|---|---|---|---|---|",
        ]
        for f in rows:
            lines.append(
                f"| {_ICON[f.level]} | line {f.line} | {f.code} [{f.level}] | {_cell(f.message)} | {_cell(f.help)} |"
            )
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
                    out.append(
                        f"| {_cell(council)} | {standard} | {int(compliant)}/{int(checked)} | {total / checked:.0%} |"
                    )
            out.append("")
        if self.sections:
            out += ["### Findings", "", *self.sections]
        self.stream.write("\n".join(out) + "\n")
