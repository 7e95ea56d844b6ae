"""Developer detail (manifest field paths, rule expressions, code references) closed behind a
"How this is checked" block, opened by one plain line saying what is checked, so a page's reading
flow stays in words. Standard pages and insight pages both build their blocks here, so the title is
one string (tests/test_site_pages.py holds every built page to it).
"""

from __future__ import annotations

import re
import sqlite3

HOW_CHECKED = "How this is checked"


def code_block(expression: str) -> list[str]:
    # A fence longer than any backtick run inside keeps maintainers' expressions verbatim.
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", expression)), default=0) + 1)
    return [f"{fence}text", expression.strip(), fence]


def how_checked(plain: str, detail: list[str]) -> list[str]:
    """Developer detail (field paths, rule expressions) closed behind "How this is checked", opened by a
    plain line saying what it checks, so the reading flow stays in words."""
    body = [plain, "", *detail]
    return [f'??? info "{HOW_CHECKED}"', *(f"    {line}" if line else "" for line in body), ""]


def _field_words(field: str) -> str:
    """A manifest field path as words: `team.last_user_research` reads "team last user research"."""
    return " ".join(part.replace("_", " ") for part in field.replace("[]", "").split("."))


def plain_check(row: sqlite3.Row) -> str:
    """One line saying what the requirement's check does, in words."""
    some = "For the services it applies to (the condition below), t" if row["applies_when"] else "T"
    if row["check_expr"]:
        what = f"the manifest's {_field_words(row['field'])}" if row["field"] else "the manifest"
        return f"{some}he checker reads {what} and passes the service when the rule below holds."
    if row["evidence"]:
        age = f", no older than {row['evidence_max_age']} days" if row["evidence_max_age"] else ""
        return f"{some}he service declares evidence in its manifest that it meets this{age}."
    return "Not checked automatically: a service declares whether it meets it."
