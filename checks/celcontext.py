"""Turning a validated manifest into the one activation all its rules share.

Converting a document into CEL values costs far more than evaluating a rule, so
rules read the plain Python values where they can (checks/celpython.py), and the
CEL values are made once per manifest, only when some rule needs the runtime.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from checks import celruntime as cel
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


# Keyed by the object, kept in the entry: a freed council's id can be reused by another (a catalogue
# reloaded in a long-lived process), which must not be handed the first one's values.
_COUNCILS: dict[int, tuple[Council, Any]] = {}


class Activation:
    """The variables a rule sees (`service`, `council`, `now`) as Python values, and as CEL values made
    the first time a rule asks for them."""

    __slots__ = ("_cel", "values")

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self._cel: cel.Context | None = None

    def cel(self) -> cel.Context:
        if self._cel is None:
            self._cel = cel.Context(self.values)
        return self._cel


_CEL = {"cel": True}


def build_context(
    service: Service, council: Council | None, as_of: dt.date, sections: frozenset[str] | None = None
) -> Activation:
    """The variables a rule sees: `service`, `council` (null when unknown) and `now`.

    `sections` limits `service` to the top-level fields some rule reads (from each rule's syntax
    tree, checks.rules.fields_read): converting a value into CEL costs far more than evaluating a
    rule, so what no rule reads is left out. None gives the whole manifest, as a rule that uses
    `service` whole or with a computed key needs.
    """
    council_value = None
    if council is not None:
        # Thousands of services share a handful of councils: convert each once per process.
        cached = _COUNCILS.get(id(council))
        if cached is not None and cached[0] is council:
            council_value = cached[1]
        else:
            council_value = _cel_value(council.model_dump(mode="python"))
            if len(_COUNCILS) >= 5_000:  # several catalogues' councils: a bound however many are loaded
                _COUNCILS.clear()
            _COUNCILS[id(council)] = (council, council_value)
    dumped = service.model_dump(mode="python", include=set(sections) if sections is not None else None, context=_CEL)
    return Activation({"service": dumped, "council": council_value, "now": as_of_timestamp(as_of)})
