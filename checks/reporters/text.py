"""Human-readable output: each finding with its fix, then a table per council and standard."""

from __future__ import annotations

from functools import cache
from typing import TextIO

from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from checks.reporters.base import ReportContext
from checks.reporters.findings import findings
from checks.reporters.inert import visible
from checks.results import FileResult, RunSummary

_LEVEL_STYLE = {"must": "bold red", "should": "yellow", "may": "cyan", "error": "bold red", "warning": "yellow"}


@cache
def _styled(style: str, color: bool) -> tuple[str, str]:
    """The codes Rich writes before and after text in `style` (none without colour or style)."""
    if not color or not style:
        return "", ""
    before, after = Style.parse(style).render("\0", color_system=ColorSystem.TRUECOLOR).split("\0")
    return before, after


def finding_text(result: FileResult, context: ReportContext) -> str:
    """A file's findings, two lines each, exactly as Rich prints them; built as plain strings because
    Rich's per-line rendering cost more than checking the files (26 s of a 32 s run at 10,000)."""
    bold, end_bold = _styled("bold", context.color)
    dim, end_dim = _styled("dim", context.color)
    lines = []
    for f in findings(result, context.catalogue):
        level, end_level = _styled(_LEVEL_STYLE.get(f.level, ""), context.color)
        # Each piece from the repository is made inert: one finding is always two lines.
        lines.append(
            f"{bold}{visible(f.path)}:{f.line}:{f.column}:{end_bold} {visible(f.code)} {level}[{f.level}]{end_level}"
            f" {visible(f.message)}\n{dim}  help: {visible(f.help)}{end_dim}\n"
        )
    return "".join(lines)


class TextReporter:
    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.context = context
        self.stream = stream
        # Wide and soft-wrapped so a finding stays on one line for grep and editors.
        self.console = Console(
            file=stream,
            force_terminal=context.color,
            no_color=not context.color,
            highlight=False,
            width=200 if not context.color else None,
        )

    def file(self, result: FileResult) -> None:
        text = result.rendered if isinstance(result.rendered, str) else finding_text(result, self.context)
        self.stream.write(text)

    def finish(self, summary: RunSummary) -> None:
        if summary.by_council:
            table = Table(title="Compliance by council and standard", title_justify="left")
            table.add_column("council")
            table.add_column("standard")
            table.add_column("services", justify="right")
            table.add_column("compliant", justify="right")
            table.add_column("mean score", justify="right")
            for council in sorted(summary.by_council):
                for standard, (checked, compliant, score_total) in sorted(summary.by_council[council].items()):
                    # Text, not str: Rich would read `[...]` in a plain string as its own markup.
                    table.add_row(
                        Text(visible(council)),
                        Text(visible(standard)),
                        str(int(checked)),
                        f"{int(compliant)}/{int(checked)}",
                        f"{score_total / checked:.0%}" if checked else "-",
                    )
            self.console.print()
            self.console.print(table)
        self.console.print()
        self.console.print(Text(closing_line(summary)), soft_wrap=True)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def closing_line(summary: RunSummary) -> str:
    levels = summary.failed_levels
    return (
        f"Checked {_count(summary.files, 'file')}: {_count(summary.services, 'service')}, "
        f"{summary.compliant_services} compliant, {summary.invalid} invalid; "
        f"failing requirements: {levels['must']} must, {levels['should']} should, {levels['may']} may; "
        f"{summary.outcomes['waived']} waived, {summary.outcomes['error']} rule errors, "
        f"{_count(summary.warnings, 'warning')}."
    )
