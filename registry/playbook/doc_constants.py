"""Numbers the hand-written site pages quote, taken from the code that uses them.

A page in site/docs writes `{{ long_contract_years }}` and the MkDocs hook puts the number in
(`fill`), so the page cannot drift from the code. README.md, CONTRIBUTING.md and
standards/README.md, which GitHub shows as they are, quote the numbers as plain text instead;
tests/test_docs.py holds them to the same values.
"""

from __future__ import annotations

import re

from checks.loading import MAX_BYTES
from registry.insights.figures import DEFAULT_HORIZON_MONTHS, HIGHLY_CONCENTRATED, LONG_CONTRACT_YEARS

CONSTANTS: dict[str, str] = {
    "long_contract_years": str(LONG_CONTRACT_YEARS),
    "default_horizon_months": str(DEFAULT_HORIZON_MONTHS),
    "highly_concentrated_hhi": f"{HIGHLY_CONCENTRATED:,.0f}",
    "max_manifest_mb": f"{MAX_BYTES / 1_000_000:g}",
}
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def fill(text: str, where: str) -> str:
    """`text` with each `{{ name }}` replaced by the constant; an unknown name is an error naming
    `where`, so a misspelt placeholder fails the build rather than reaching the page."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in CONSTANTS:
            raise ValueError(f"{where}: unknown placeholder {match.group(0)}; known: {', '.join(sorted(CONSTANTS))}")
        return CONSTANTS[name]

    return PLACEHOLDER.sub(value, text)
