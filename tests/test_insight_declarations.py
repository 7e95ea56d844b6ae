"""Each declared insight (registry/insights/<figure>.py) against what its function returns and what the views show.

The declaration is what the command line, the API and the site render from, so a column that
is not a field of the row (or a field left undeclared) would print blanks or drop data.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

import pytest
from fastapi.testclient import TestClient

from registry.insights import merger_figures as merger
from registry.insights.declaration import Column, Figure
from registry.insights.headlines import HEADLINES
from registry.insights.hotspots import HOTSPOTS
from registry.insights.interop import INTEROP
from registry.insights.lock_in import LOCK_IN
from registry.insights.pattern_reuse import ADOPTERS, ADOPTION, CANDIDATES, PATTERN_REUSE
from registry.insights.ranking import RANKING, STANDARD_MUSTS, StandardMusts, SupplierRank
from registry.insights.reuse import PATTERN_USES, REUSE, SOLUTIONS
from registry.insights.suggestion import SUGGESTION, ReuseSuggestion
from registry.insights.suppliers import MARKET, SHARES, Market, SupplierShare
from registry.insights.trend import COUNCIL_TREND, TREND
from registry.insights.windows import WINDOWS

DECLARED = [
    REUSE,
    SOLUTIONS,
    HOTSPOTS,
    INTEROP,
    LOCK_IN,
    MARKET,
    RANKING,
    TREND,
    COUNCIL_TREND,
    WINDOWS,
    ADOPTION,
    ADOPTERS,
    PATTERN_REUSE,
    CANDIDATES,
    HEADLINES,
]
# Rows another row holds, or one record: no page of their own.
NESTED = [SHARES, STANDARD_MUSTS, PATTERN_USES, SUGGESTION, merger.MUSTS, merger.INHERITED, merger.SHARED]
NESTED += [merger.CANDIDATES, merger.CONTRACTS, merger.DATA, merger.COUNCILS, merger.MERGER, merger.SERVICE_TYPES]
ROWS = [*DECLARED, *NESTED]


@pytest.mark.parametrize("figure", ROWS, ids=lambda f: f.model)
def test_columns_are_the_rows_fields_in_order_with_their_types(figure: Figure) -> None:
    hints = {k: _as_list(t) for k, t in typing.get_type_hints(figure.row).items()}
    assert [c.key for c in figure.columns] == [f.name for f in dataclasses.fields(figure.row)]
    assert {c.key: c.type for c in figure.columns} == hints
    assert not {c.key for c in figure.extra} & set(hints)  # what the API adds never hides a field


def _as_list(hint: object) -> object:
    """A row's tuple[X, ...] is the list[X] JSON and the API's model give."""
    if typing.get_origin(hint) is tuple:
        return list[typing.get_args(hint)[0]]  # type: ignore[misc]
    return hint


# The merger is one record (no page of rows), but the command line prints its service types as a table.
@pytest.mark.parametrize("figure", [*DECLARED, merger.SERVICE_TYPES], ids=lambda f: f.model)
def test_every_shown_column_has_a_label_and_every_number_prints_as_one(figure: Figure) -> None:
    assert all(c.label for c in figure.table_columns)
    for c in figure.columns:
        if c.type is int:
            assert c.kind == "int", c.key
        if c.kind == "pct":
            assert c.type in (float, float | None), c.key
    assert figure.described and figure.summary
    assert figure.definition or figure is SOLUTIONS  # the solutions are defined on the reuse page


def test_a_table_naming_an_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown or repeated"):
        dataclasses.replace(HOTSPOTS, table=(*HOTSPOTS.table, "nope"))
    with pytest.raises(ValueError, match="unknown or repeated"):
        dataclasses.replace(HOTSPOTS, columns=(*HOTSPOTS.columns, Column("lgsl", int)))


def test_a_flat_row_has_the_declared_flat_columns() -> None:
    share = SupplierShare("Acme", 2, 1.0)
    market = Market("function", "Waste", "Waste", "CRM", 5, 3, 6, (share,), True, 10_000.0, 1.0, True, "highly")
    assert list(market.flat()) == MARKET.csv_keys
    assert [c.key for c in MARKET.table_columns] == list(MARKET.table)
    rank = SupplierRank("Acme", 1, 2, 1, 0, 0, 1, (StandardMusts("demo", "Demo", 2, 1),))
    assert list(rank.flat()) == RANKING.csv_keys and rank.flat()["musts_met"] == "demo 1/2"
    suggestion = ReuseSuggestion("a", "b", "B", 4, "Meals", 1, None, 0, 0, None, False, "text")
    assert list(suggestion.flat()) == SUGGESTION.csv_keys


def _items(schema: dict[str, Any]) -> Any:
    return schema.get("properties", {}).get("items", {}).get("items")


def ref(figure: Figure) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{figure.model}Out"}


def test_the_api_document_describes_each_row_from_its_declaration(api: TestClient) -> None:
    schemas = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for figure in ROWS:
        schema = schemas[f"{figure.model}Out"]
        assert list(schema["properties"]) == figure.keys
        assert schema["required"] == figure.keys
        for c in figure.columns:
            assert schema["properties"][c.key].get("description", "") == c.description, c.key
        if figure not in NESTED:
            pages = [
                s for s in schemas.values() if s.get("properties", {}).get("items", {}).get("items") == ref(figure)
            ]
            assert len(pages) == 1, figure.name  # the one page of these rows
