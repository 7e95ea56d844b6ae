"""A service's core solutions: what delivers it, as the duplication figure counts them.

Worked out once per manifest while the index is built (rows in `service_solutions`), from the
manifest and the catalogue's pattern types; registry/insights/hotspots.py groups them and its
declaration states the same rules. A service's core solutions are:

* every pattern it names whose `type` is `solution` (PlanX, BOPS, GOV.UK Pay, ...); building
  blocks (the Design System, GOV.UK Notify, an address lookup) are left out;
* every supplier product it names, unless the supplier's role is one of `BUILDING_BLOCK_ROLES`
  (a CRM, payments, web platform, forms, hosting, integration, data/analytics or consultancy
  contract supports a service but is not what delivers it): a line-of-business system or case
  management product counts, and so does a supplier with no role or `other`, which the registry
  cannot tell from one. A product
  whose name is a pattern's id or name (`BOPS`, `FixMyStreet Pro`) is that pattern, so a council
  naming both the pattern and its supplier runs one solution, shared with the pattern's users;
* when it names none of those but gives its own code's repository (`source_code.url`), an
  in-house build, identified by that repository: two councils running one repository share it.

A service naming none of these has no core solution the registry can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registry.index.products import product_key, product_label, words

# Supplier roles that provide a building block rather than deliver the service, compared as
# words (so `data/analytics`, `data_analytics` and `Data analytics` are one role).
BUILDING_BLOCK_ROLES = (
    "CRM",
    "payments",
    "web platform",
    "forms",
    "hosting",
    "integration",
    "data/analytics",
    "consultancy",
)
_BLOCK_ROLE_KEYS = frozenset(" ".join(words(r)) for r in BUILDING_BLOCK_ROLES)

SolutionRow = tuple[str, str, str, str]  # service key, kind, solution, name


@dataclass(frozen=True)
class PatternInfo:
    id: str
    name: str
    solution: bool  # its type is `solution`


# Each pattern under its id and its name, as words.
PatternTypes = dict[str, PatternInfo]


def pattern_types(patterns: dict[str, Any]) -> PatternTypes:
    """Each catalogue pattern under its id and its name, as words, for `core_solutions` to look up."""
    found: PatternTypes = {}
    for p in patterns.values():
        info = PatternInfo(p.id, p.name, str(p.type) == "solution")
        for text in (p.id, p.name):
            found.setdefault(" ".join(words(text)), info)
    return found


def is_building_block_role(role: str | None) -> bool:
    return role is not None and " ".join(words(role)) in _BLOCK_ROLE_KEYS


def repository_key(url: str) -> str:
    """A repository's address compared as people mean it: no scheme, `www.`, `.git` or trailing slash."""
    text = url.strip().casefold().split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return text.removesuffix(".git").rstrip("/")


def core_solutions(key: str, service: dict[str, Any], patterns: PatternTypes) -> list[SolutionRow]:
    """The service's core solutions (see the module docstring), each once."""
    found: dict[tuple[str, str], str] = {}

    def add_pattern(info: PatternInfo | None) -> None:
        if info is not None and info.solution:
            found.setdefault(("pattern", info.id), info.name)

    for pid in service["patterns"]:
        add_pattern(patterns.get(" ".join(words(pid))))
    for x in service["suppliers"]:
        named = patterns.get(" ".join(words(x["product"]))) if x.get("product") else None
        if named is not None:
            add_pattern(named)
        elif not is_building_block_role(x.get("role")):
            found.setdefault(
                ("product", product_key(x["name"], x.get("product"))), product_label(x["name"], x.get("product"))
            )
    url = (service.get("source_code") or {}).get("url")
    if not found and url:
        found[("in_house", repository_key(url))] = f"In-house build ({repository_key(url)})"
    return [(key, kind, solution, name) for (kind, solution), name in found.items()]
