"""What a figure is, declared once: the views render from it and repeat nothing of it.

A `Figure` holds the function that computes it (a query over the index; its docstring is the
API's description of the figure and the site's "from the code" note), every column of a row
with its type, labels and description, and the definition text shown beside it.

* the command line (registry/insights/tables.py) prints `table` columns under their `label`,
  as text, JSON or CSV;
* the API (registry/api/figures.py) builds the row's pydantic model from `columns` (name,
  type, description) and lists `columns` in its CSV;
* the site (registry/playbook/insights/) heads its tables with each column's `heading` and
  prints `definition` under "How it is computed".

To add a figure: a module here with its rows' dataclass, the function and one `Figure`; then a
route, a command and a page that each name the `Figure`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    """One field of a figure's row."""

    key: str  # the row's field, the JSON key and the CSV header
    type: Any  # its Python type, for the API's model (int, float | None, list[str], ...)
    label: str = ""  # the command line's table header ("" when the command line does not show it)
    kind: str = "text"  # how text prints it: text | int | pct (a 0-1 rate) | num (a large number)
    heading: str = ""  # the site table's header ("" when the site's table leaves it out)
    description: str = ""  # the API document's description of the field ("" for none)


@dataclass(frozen=True)
class Figure:
    """One insight: how it is computed, what a row holds, and how it is explained."""

    name: str  # the command (`standards insights NAME`) and the site page (insights/NAME.md)
    title: str  # the site page's title, and the start of the command line's heading
    summary: str  # the command line's line under its heading: what the figure shows
    definition: tuple[str, ...]  # the site's "How it is computed": Markdown lines
    compute: Callable[..., Any]  # the query over the index; its docstring says how
    row: type  # the dataclass of one row (of what `compute` lists)
    model: str  # the API's name for a row's schema (`<model>Out`, pages `<model>Page`)
    columns: tuple[Column, ...]  # every field of a row, in the API's order
    table: tuple[str, ...]  # the columns the command line's table shows, in its order
    # Fields the API adds to every row from the request (not the row's own), after `columns`:
    extra: tuple[Column, ...] = ()
    # A row that nests a list prints flat (its `flat()`) in CSV and the command line's table:
    # these columns, where `table` then picks from.
    flat: tuple[Column, ...] = ()

    def __post_init__(self) -> None:
        keys = self.keys
        unknown = [k for k in self.table if k not in self.csv_keys]
        if unknown or len(set(keys)) != len(keys):
            raise ValueError(f"figure {self.name}: table names unknown or repeated columns: {unknown or keys}")

    def column(self, key: str) -> Column:
        return next(c for c in (*self.columns, *self.extra, *self.flat) if c.key == key)

    @property
    def keys(self) -> list[str]:
        """Every field of a row as the API gives it, in order: its model's fields and CSV columns."""
        return [c.key for c in (*self.columns, *self.extra)]

    @property
    def csv_keys(self) -> list[str]:
        """The columns of a row as CSV: the flat ones where the row nests a list."""
        return [c.key for c in self.flat] if self.flat else self.keys

    @property
    def table_columns(self) -> list[Column]:
        """The command line's table, in its order."""
        source = {c.key: c for c in self.flat} if self.flat else {k: self.column(k) for k in self.keys}
        return [source[k] for k in self.table]

    @property
    def headings(self) -> list[str]:
        """The site table's headers, in the row's order."""
        return [c.heading for c in self.columns if c.heading]

    def headings_of(self, *keys: str) -> list[str]:
        """The site's headers for these columns, in the order a page lays them out."""
        return [self.column(k).heading for k in keys]

    @property
    def described(self) -> str:
        """How the figure is computed, in the code's own words (its function's docstring)."""
        return inspect.cleandoc(self.compute.__doc__ or "")
