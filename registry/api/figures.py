"""A declared insight (registry.insights.declaration.Figure) as the API shows it: a row's model and a page's,
a page of its rows, and the date parameters the insights take (every insights route module shares these).

The models' names, fields, types and descriptions all come from the figure's columns, so the
API document says what the command line and the site say.
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, create_model

from registry.api.dependencies import Page, listing, wants_csv
from registry.insights.declaration import Figure
from registry.insights.shared import rounded


def row_model(figure: Figure, nested: Mapping[type, type[BaseModel]] | None = None) -> type[BaseModel]:
    """`<model>Out`: one field per column (and `extra` one), each required, described where the column is.

    `nested` gives the model of a row type this row holds (a market's supplier shares).
    """
    fields: dict[str, Any] = {
        c.key: (_typed(c.type, nested or {}), Field(description=c.description) if c.description else ...)
        for c in (*figure.columns, *figure.extra)
    }
    return create_model(f"{figure.model}Out", **fields)


def _typed(hint: Any, nested: Mapping[type, type[BaseModel]]) -> Any:
    """`hint` with each nested row type in it replaced by that row's model (list[X] -> list[XOut])."""
    if hint in nested:
        return nested[hint]
    if typing.get_origin(hint) is list:
        return list[_typed(typing.get_args(hint)[0], nested)]  # type: ignore[misc]
    if isinstance(hint, types.UnionType):  # X | None
        return functools.reduce(operator.or_, (_typed(arg, nested) for arg in typing.get_args(hint)))
    return hint


def page_model(figure: Figure, row: type[BaseModel], name: str = "") -> type[BaseModel]:
    """`name` (by default `<model>Page`): a page of rows, as every listing of the API pages them."""
    items: Any = list[row]  # type: ignore[valid-type]  # a model made at run time, so not a static type
    page = name or f"{figure.model}Page"
    return create_model(page, items=(items, ...), total=(int, ...), limit=(int, ...), offset=(int, ...))


def figure_page(
    request: Request,
    page: Page,
    fmt: str | None,
    items: Sequence[Any],
    columns: Sequence[str],
    csv_row: Callable[[Any], dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response | dict[str, Any]:
    """A page of a figure's rows (computed whole), as JSON or as CSV (a nested row by `csv_row`)."""
    chosen = items[page.offset : page.offset + page.limit]
    csv = wants_csv(request, fmt)
    rows = [rounded({**(csv_row(i) if csv and csv_row else asdict(i)), **(extra or {})}) for i in chosen]
    return listing(request, page, len(items), rows, columns, fmt)
