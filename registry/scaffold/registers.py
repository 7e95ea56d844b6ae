"""The registers `standards new` looks things up in; they live in `checks.registers`, which `check` reads too."""

from checks.registers import (
    GSS_CODE,
    REGISTER_CODE,
    CouncilEntry,
    FormerCouncil,
    LgslEntry,
    councils,
    find_council,
    find_former_council,
    former_councils,
    lgsl_label,
    lgsl_services,
    search_lgsl,
    slugify,
    suggest_councils,
)

__all__ = [
    "GSS_CODE",
    "REGISTER_CODE",
    "CouncilEntry",
    "FormerCouncil",
    "LgslEntry",
    "councils",
    "find_council",
    "find_former_council",
    "former_councils",
    "lgsl_label",
    "lgsl_services",
    "search_lgsl",
    "slugify",
    "suggest_councils",
]
