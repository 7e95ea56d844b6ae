"""Every problem code `standards` prints, in one table: what it means, an example, how to fix it.

Codes are stable: CI annotations, SARIF rules and the docs refer to them. E1xx: the file could not
be read as YAML; E2xx: it is YAML but not the shape its kind needs; E3xx: it names something that
does not exist or disagrees with a register; E4xx: `standards lint` refuses a change to a standard;
Wxxx: warnings, which never fail a run.

Each example is real: tests/test_problem_codes.py builds it in a copy of the small test
repository (tests/fixtures/mini: the council `leeds`, the standard `demo` with requirements
DEMO-01 to DEMO-04, the pattern `gov-uk-notify`), runs the command and expects the line shown.
The site renders the table as reference/problem-codes.md (`markdown()`), and reporters that can
link link each code to its entry there (`code_url`). One module per group of codes; a new code
goes in its group's module, in order.
"""

from __future__ import annotations

from checks.codes.lint import LINT
from checks.codes.loading import LOADING
from checks.codes.model import Code, Edit, Example
from checks.codes.page import markdown as _markdown
from checks.codes.references import REFERENCES
from checks.codes.shape import SHAPE
from checks.codes.warnings import WARNINGS

__all__ = ["BY_CODE", "CODES", "PAGE", "PROBLEM_CODES", "SITE", "Code", "Edit", "Example", "code_url", "markdown"]

# Where the playbook site is published (as checks/schemas.py's schema ids), and its page of codes.
SITE = "https://local-digital-standards.github.io/registry/"
PAGE = "reference/problem-codes"

CODES: tuple[Code, ...] = (*LOADING, *SHAPE, *REFERENCES, *LINT, *WARNINGS)
PROBLEM_CODES: dict[str, str] = {c.code: c.title for c in CODES}
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}


def code_url(code: str) -> str | None:
    """The code's entry on the published site, or None for a code not in the table (a requirement id)."""
    return f"{SITE}{PAGE}/#{code.lower()}" if code in BY_CODE else None


def markdown() -> str:
    """The site's page of problem codes (reference/problem-codes.md)."""
    return _markdown(CODES)
