"""Human-readable output: each finding with its fix, then a table per council and standard."""

from __future__ import annotations

from collections.abc import Sequence
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
            width=PLAIN_WIDTH if not context.color else None,
        )

    def file(self, result: FileResult) -> None:
        text = result.rendered if isinstance(result.rendered, str) else finding_text(result, self.context)
        self.stream.write(text)

    def finish(self, summary: RunSummary) -> None:
        if summary.by_council:
            rows = [
                (
                    visible(council),
                    visible(standard),
                    str(int(checked)),
                    f"{int(compliant)}/{int(checked)}",
                    f"{score_total / checked:.0%}" if checked else "-",
                )
                for council in sorted(summary.by_council)
                for standard, (checked, compliant, score_total) in sorted(summary.by_council[council].items())
            ]
            plain = None if self.context.color else plain_table(rows, PLAIN_WIDTH)
            if plain is not None:
                self.stream.write("\n" + plain)
            else:
                self.console.print()
                self.console.print(_rich_table(rows))
        self.console.print()
        self.console.print(Text(closing_line(summary)), soft_wrap=True)


_TITLE = "Compliance by council and standard"
_HEADERS = ("council", "standard", "services", "compliant", "mean score")
_RIGHT = (False, False, True, True, True)
PLAIN_WIDTH = 200  # the console's width when not a terminal: a finding stays on one line for grep and editors


def _rich_table(rows: Sequence[tuple[str, ...]]) -> Table:
    table = Table(title=_TITLE, title_justify="left")
    for header, right in zip(_HEADERS, _RIGHT, strict=True):
        table.add_column(header, justify="right" if right else "left")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text, not str: Rich would read `[...]` as its markup
    return table


def plain_table(rows: Sequence[tuple[str, ...]], width: int) -> str | None:
    """The table as Rich prints it without colour, when no cell needs Rich's measuring or wrapping (one
    character, one column; the whole within `width`); else None. Rich took 0.9 s for 382 councils' rows."""
    widths = [len(h) for h in _HEADERS]
    for row in rows:
        for i, cell in enumerate(row):
            if not (cell.isascii() and cell.isprintable()):
                return None
            widths[i] = max(widths[i], len(cell))
    total = sum(widths) + 3 * len(widths) + 1
    if total > width:
        return None

    def line(cells: tuple[str, ...], bar: str) -> str:
        padded = (c.rjust(w) if right else c.ljust(w) for c, w, right in zip(cells, widths, _RIGHT, strict=True))
        return bar + bar.join(f" {c} " for c in padded) + bar + "\n"

    def rule(left: str, fill: str, cross: str, right: str) -> str:
        return left + cross.join(fill * (w + 2) for w in widths) + right + "\n"

    return "".join(
        [
            _TITLE.ljust(total) + "\n",
            rule("┏", "━", "┳", "┓"),
            line(_HEADERS, "┃"),
            rule("┡", "━", "╇", "┩"),
            *(line(row, "│") for row in rows),
            rule("└", "─", "┴", "┘"),
        ]
    )


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
