"""Turning a validated manifest into the one CEL activation all its rules share.

Converting a document into CEL values costs far more than evaluating a rule,
so each manifest is converted once and every rule runs against that context.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import cel

from checks.models import Council, Service


def _cel_value(value: Any) -> Any:
    # CEL has timestamps but no dates: a date becomes midnight UTC on that day.
    if isinstance(value, dict):
        return {k: _cel_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cel_value(v) for v in value]
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return value


def as_of_timestamp(as_of: dt.date) -> dt.datetime:
    return dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)


def build_context(service: Service, council: Council | None, as_of: dt.date) -> cel.Context:
    """The variables a rule sees: `service`, `council` (null when unknown) and `now`."""
    return cel.Context(
        {
            "service": _cel_value(service.model_dump(mode="python")),
            "council": _cel_value(council.model_dump(mode="python")) if council else None,
            "now": as_of_timestamp(as_of),
        }
    )
