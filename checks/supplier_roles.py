"""The roles a supplier can play for a service: the controlled list supplier markets are counted by.

A market is a service type (or a council function) and one of these roles, so a waste service's
CRM, its web front end and its round-planning system are three markets, not one. A manifest's
own words for what the supplier does go in `provides`; `role` takes one of these, and a free-text
role gets a suggestion (`suggest_role`) read from the words people use for each.
"""

from __future__ import annotations

import difflib
import re
from enum import StrEnum


class SupplierRole(StrEnum):
    LINE_OF_BUSINESS = "line-of-business system"
    CASE_MANAGEMENT = "case management"
    CRM = "CRM"
    PAYMENTS = "payments"
    WEB_PLATFORM = "web platform"
    FORMS = "forms"
    HOSTING = "hosting"
    INTEGRATION = "integration"
    DATA_ANALYTICS = "data/analytics"
    CONSULTANCY = "consultancy"
    OTHER = "other"


# Words that say which role a description means. The first of these to appear in the text wins
# ("online forms and case management" is forms: the part named first), so each word names the
# role it most often means in council procurement.
_WORDS: tuple[tuple[str, SupplierRole], ...] = (
    ("crm", SupplierRole.CRM),
    ("customer relationship", SupplierRole.CRM),
    ("customer account", SupplierRole.CRM),
    ("enquiry management", SupplierRole.CRM),
    ("contact centre", SupplierRole.CRM),
    ("case management", SupplierRole.CASE_MANAGEMENT),
    ("case workflow", SupplierRole.CASE_MANAGEMENT),
    ("casework", SupplierRole.CASE_MANAGEMENT),
    ("payment", SupplierRole.PAYMENTS),
    ("income", SupplierRole.PAYMENTS),
    ("form", SupplierRole.FORMS),
    ("hosting", SupplierRole.HOSTING),
    ("hosted", SupplierRole.HOSTING),
    ("data centre", SupplierRole.HOSTING),
    ("cloud", SupplierRole.HOSTING),
    ("integration", SupplierRole.INTEGRATION),
    ("middleware", SupplierRole.INTEGRATION),
    ("api gateway", SupplierRole.INTEGRATION),
    ("analytics", SupplierRole.DATA_ANALYTICS),
    ("dashboard", SupplierRole.DATA_ANALYTICS),
    ("business intelligence", SupplierRole.DATA_ANALYTICS),
    ("data warehouse", SupplierRole.DATA_ANALYTICS),
    ("consultan", SupplierRole.CONSULTANCY),
    ("partner", SupplierRole.CONSULTANCY),
    ("website", SupplierRole.WEB_PLATFORM),
    ("front end", SupplierRole.WEB_PLATFORM),
    ("front-end", SupplierRole.WEB_PLATFORM),
    ("content management", SupplierRole.WEB_PLATFORM),
    ("portal", SupplierRole.WEB_PLATFORM),
    ("platform", SupplierRole.WEB_PLATFORM),
    ("web", SupplierRole.WEB_PLATFORM),
    ("back office", SupplierRole.LINE_OF_BUSINESS),
    ("back-office", SupplierRole.LINE_OF_BUSINESS),
    ("system", SupplierRole.LINE_OF_BUSINESS),
    ("register", SupplierRole.LINE_OF_BUSINESS),
    ("software", SupplierRole.LINE_OF_BUSINESS),
    ("management", SupplierRole.LINE_OF_BUSINESS),
)
_LONGEST = 200  # a pasted paragraph is not searched further than this


def suggest_role(text: str) -> SupplierRole | None:
    """The role `text` most likely means: a role spelt differently, else the first role word in it, else None."""
    said = text.strip()[:_LONGEST]
    by_lower = {r.value.lower(): r for r in SupplierRole}
    if said.lower() in by_lower:  # "crm", "Forms"
        return by_lower[said.lower()]
    close = difflib.get_close_matches(said.lower(), list(by_lower), n=1, cutoff=0.75)
    if close:
        return by_lower[close[0]]
    lowered = said.lower()
    found = [(m.start(), i, role) for i, (word, role) in enumerate(_WORDS) for m in [_first(word, lowered)] if m]
    return min(found)[2] if found else None


def _first(word: str, text: str) -> re.Match[str] | None:
    return re.search(r"(?<![a-z])" + re.escape(word), text)
