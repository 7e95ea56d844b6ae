"""How long a service's results stay true: the next as-of date on which any time-based outcome may change.

Every comparison the checker makes against the as-of date has a threshold taken from the manifest
or the standards: a waiver's expiry, evidence's date plus its age limit, an attestation's date and
expiry (and its expiry less the standard's `attestation_days`), a standard's sunset, and the dates
a rule compares with `now`. Between two thresholds nothing the checker decides can change, so a
result judged at D holds for every as-of date from D up to (not including) the next threshold; the
result cache (checks/cache.py) reuses it over that span. A threshold that cannot be worked out (a
rule using `now` in a shape not recognised here, an evidence age written into a result's detail)
ends the span the next day, which is always safe.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

from checks.engine import Catalogue
from checks.models import Service
from checks.rules import CompiledStandard, Rule

ONE_DAY = dt.timedelta(days=1)

# `now - service.a.b <= duration("8760h")` (any comparison): true or false flips the day the field's date
# plus the duration is passed. Rules use `now` this way; any other use of `now` ends the span a day later.
_NOW_MINUS_FIELD = re.compile(r'now\s*-\s*service\.([A-Za-z_][\w.]*)\s*(?:<=|<|>=|>)\s*duration\("(\d+)h"\)')
_NOW = re.compile(r"\bnow\b")

# Per compiled standard (they live as long as their catalogue): its rules' (field path, days) thresholds,
# or None when some rule uses `now` in another way.
_RULE_THRESHOLDS: dict[int, tuple[CompiledStandard, tuple[tuple[str, int], ...] | None]] = {}


def stable_until(service: Service, catalogue: Catalogue, as_of: dt.date) -> dt.date | None:
    """The first date after `as_of` on which a result for `service` might differ; None when never."""
    later = [d for d in _thresholds(service, catalogue, as_of) if d > as_of]
    return min(later) if later else None


def _thresholds(service: Service, catalogue: Catalogue, as_of: dt.date) -> Iterator[dt.date]:
    for conformance in service.conforms_to:  # the versions it pins are judged too: load them first
        if conformance.standard in catalogue.standards:
            catalogue.pinned(conformance.standard, conformance.version)
    standards = catalogue.loaded_versions()
    for w in service.waivers:
        yield from _around(w.expires)
    ages = {c.evidence_max_age for s in standards for c in s.requirements if c.evidence_max_age is not None}
    for e in service.evidence.values():
        if e.date is None:
            continue
        for days in ages:
            limit = e.date + dt.timedelta(days=days)
            # Once too old, the detail names the age in days, which changes every day.
            yield as_of + ONE_DAY if as_of > limit else limit + ONE_DAY
    limits = {s.standard.attestation_days for s in standards}
    for a in service.attestations:
        yield from _around(a.date)
        yield from _around(a.expires)
        for days in limits:
            yield from _around(a.expires - dt.timedelta(days=days))
    for s in standards:
        if s.standard.sunset is not None:
            yield from _around(s.standard.sunset)
    for s in standards:
        rules = _rule_thresholds(s)
        if rules is None:
            yield as_of + ONE_DAY
            continue
        for path, days in rules:
            value = _field(service, path)
            if isinstance(value, dt.date):
                yield from _around(value + dt.timedelta(days=days))


def _around(day: dt.date) -> tuple[dt.date, dt.date]:
    # Both sides of a threshold: whichever of `<` or `<=` the check uses, its flip is one of these.
    return day, day + ONE_DAY


def _rule_thresholds(compiled: CompiledStandard) -> tuple[tuple[str, int], ...] | None:
    known = _RULE_THRESHOLDS.get(id(compiled))
    if known is not None and known[0] is compiled:
        return known[1]
    rules: list[Rule | None] = [compiled.applies_when]
    rules += [r for c in compiled.requirements for r in (c.applies_when, c.check)]
    found = _now_thresholds(r.source for r in rules if r is not None)
    _RULE_THRESHOLDS[id(compiled)] = (compiled, found)
    return found


def _now_thresholds(sources: Iterable[str]) -> tuple[tuple[str, int], ...] | None:
    found: list[tuple[str, int]] = []
    for source in sources:
        uses = len(_NOW.findall(source))
        matches = _NOW_MINUS_FIELD.findall(source)
        if uses != len(matches) or any(int(hours) % 24 for _, hours in matches):
            return None
        found += [(path, int(hours) // 24) for path, hours in matches]
    return tuple(found)


def _field(service: Service, dotted: str) -> object:
    value: object = service
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value
