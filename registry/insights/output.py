"""An insight's printed form: a titled table with its summary and notes, as text, JSON or CSV.

Apart from registry/insights/tables.py, which says what each insight's table holds.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from registry.insights import figures as ins
from registry.insights.declaration import Column

T = TypeVar("T")


class InsightUsageError(Exception):
    """The command was used wrongly or cannot run; the message says how to fix it."""


@dataclass
class Output:
    """One insight, ready to print in any format."""

    title: str
    explain: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    payload: Any  # what --format json prints
    lead: list[str] = field(default_factory=list)  # sentences printed before the table (text only)
    empty: str = "Nothing to show."
    vertical: bool = False  # one record: print "header: value" lines rather than a table


# --------------------------------------------------------------------------- rendering


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "pct":
        return f"{value * 100:.0f}%"
    if kind == "num":
        return f"{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _text(out: Output) -> str:
    lines = [out.title, "=" * len(out.title), *_wrap(out.explain), ""]
    if out.lead:
        lines += [*out.lead, ""]
    if not out.rows:
        lines.append(out.empty)
        return "\n".join(lines) + "\n"
    if out.vertical:
        width = max(len(c.label) for c in out.columns)
        for row in out.rows:
            lines += [
                f"{c.label.ljust(width)}  {_cell(row.get(c.key), c.kind)}" for c in out.columns if c.key != "text"
            ]
        return "\n".join(lines) + "\n"
    cells = [[_cell(row.get(c.key), c.kind) for c in out.columns] for row in out.rows]
    cells = [[v if len(v) <= 48 else v[:47] + "…" for v in r] for r in cells]
    widths = [max(len(c.label), *(len(r[i]) for r in cells)) for i, c in enumerate(out.columns)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if c.kind in ("int", "pct", "num") else v.ljust(w)
            for v, w, c in zip(values, widths, out.columns, strict=True)
        ]
        return "  ".join(parts).rstrip()

    lines.append(line([c.label for c in out.columns]))
    lines.append(line(["-" * w for w in widths]))
    lines += [line(r) for r in cells]
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 100) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def _csv(out: Output) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.key for c in out.columns])
    for row in out.rows:
        writer.writerow([_csv_value(row.get(c.key)) for c in out.columns])
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # spreadsheets run cells starting with these as formulas
    return value


def render(out: Output, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(ins.rounded(out.payload), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(out)
    return _text(out)
