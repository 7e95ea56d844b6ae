"""Every sector insight by name: reuse, duplication, supplier concentration, lock-in, procurement
windows and data interoperability (issue 6), each computed and declared in a module of its own
(registry/insights/reuse.py, suggestion.py, hotspots.py, suppliers.py, lock_in.py, windows.py,
interop.py; see declaration.py).

Every function takes a read connection to the index (`row_factory = sqlite3.Row`) and plain
parameters, and returns frozen dataclasses the CLI, the API and the site all render. Each
docstring says exactly how its figures are computed, so the site can quote it. The figures
are GROUP BYs over narrow tables the index build writes for them (`service_facts`, `lgsl`,
`suppliers`), never JSON reads of whole manifests.

Terms used throughout:

* **Service type**: a service's LGSL code (`lgsl`). Services without one are left out of the
  per-type figures.
* **Solution**: something a service is built on that other councils could reuse: either a
  *pattern* from the registry's library (by pattern id), or a *supplier product*: a supplier
  named in the manifest with the product it supplies, matched by the product key the index
  stores (registry/index/products.py: case, punctuation and a trailing "Ltd", "Limited", "plc"
  or "LLP" ignored), so `Acme Ltd / Case Manager` and `ACME / case manager.` are one solution
  wherever they are named. A supplier named without a product is the solution "that supplier".
  A service can use several solutions; one naming neither a pattern nor a supplier has none.
* **Core solution** (the duplication hotspots): what delivers a service, not a building block
  any service uses: a pattern of type `solution`, a supplier product outside the building-block
  roles, or an in-house build (registry/index/solutions.py, stored per service by the index).
* **Musts met**: over a set of services, the must-level results that applied to them (every
  must of every standard that applies to each service, leaving out results that were not
  applicable), and the share of those that passed or were waived: met / applicable, pooled
  over the set (so a service with many applicable musts weighs more than one with few).
  Errors count as not met.
"""

from __future__ import annotations

from registry.insights.hotspots import (
    DEFAULT_MIN_COUNCILS,
    DEFAULT_MIN_SOLUTIONS,
    Hotspot,
    SolutionCouncils,
    duplication_hotspots,
)
from registry.insights.interop import INTEROP_GROUPS, InteropGroup, interoperability
from registry.insights.lock_in import LONG_CONTRACT_YEARS, LockIn, LockInPage, lock_in_signals
from registry.insights.reuse import (
    PatternUse,
    ServiceTypeReuse,
    SolutionStats,
    reuse_by_service_type,
    solutions,
)
from registry.insights.shared import add_months, index_as_of, rounded
from registry.insights.suggestion import ReuseSuggestion, UnknownService, reuse_suggestion
from registry.insights.suppliers import HIGHLY_CONCENTRATED, MARKETS, Market, SupplierShare, supplier_concentration
from registry.insights.windows import (
    DEFAULT_HORIZON_MONTHS,
    WINDOW_GROUPS,
    Window,
    WindowContract,
    WindowResult,
    procurement_windows,
)
from registry.insights.windows import DEFAULT_MIN_COUNCILS as DEFAULT_WINDOW_COUNCILS

# Each figure lives in a module of its own with its declaration; they are all named here too,
# so `figures` stays the one place a caller finds every figure (and the terms above).
__all__ = [
    "DEFAULT_HORIZON_MONTHS",
    "DEFAULT_MIN_COUNCILS",
    "DEFAULT_MIN_SOLUTIONS",
    "DEFAULT_WINDOW_COUNCILS",
    "HIGHLY_CONCENTRATED",
    "INTEROP_GROUPS",
    "LONG_CONTRACT_YEARS",
    "MARKETS",
    "WINDOW_GROUPS",
    "Hotspot",
    "InteropGroup",
    "LockIn",
    "LockInPage",
    "Market",
    "PatternUse",
    "ReuseSuggestion",
    "ServiceTypeReuse",
    "SolutionCouncils",
    "SolutionStats",
    "SupplierShare",
    "UnknownService",
    "Window",
    "WindowContract",
    "WindowResult",
    "add_months",
    "duplication_hotspots",
    "index_as_of",
    "interoperability",
    "lock_in_signals",
    "procurement_windows",
    "reuse_by_service_type",
    "reuse_suggestion",
    "rounded",
    "solutions",
    "supplier_concentration",
]
