"""What a result says in words (checks/says.py): every field the shipped standards point at has words,
and the sentences for each kind of value read as worked out here."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from checks import says
from checks.models import Service, Supplier
from conftest import ROOT


def _fields() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "standards").glob("*.yaml"):
        for req in yaml.safe_load(path.read_text(encoding="utf-8"))["requirements"]:
            if req.get("field") and req["field"] != "evidence":
                found.add(req["field"])
    return found


def test_every_field_the_standards_point_at_has_words() -> None:
    fields = _fields()
    assert len(fields) > 40
    special = {"source_code", "data.open_api"}
    claims = set(says._CLAIMS)
    missing = sorted(f for f in fields if f not in says.FIELD_WORDS and f not in claims and f not in special)
    assert missing == []


def _service(**extra: object) -> Service:
    base: dict[str, object] = {
        "kind": "Service",
        "schema_version": 1,
        "id": "bins",
        "name": "Report a missed bin",
        "phase": "live",
        "channels": ["web"],
        "owner": {"team": "Waste"},
        "privacy": {"handles_personal_data": False},
    }
    return Service.model_validate({**base, **extra})


@pytest.mark.parametrize(
    ("field", "extra", "sentence"),
    [
        ("data.open_api", {}, "No open API is recorded."),
        ("patterns", {}, "No shared components or patterns are recorded."),
        (
            "team.last_user_research",
            {"team": {"last_user_research": "2025-07-08"}},
            "The date of the last research with users is recorded as 8 July 2025.",
        ),
        (
            "data.standards",
            {"data": {"standards": ["uprn", "lgsl"]}},
            "The data standards are recorded as uprn and lgsl.",
        ),
        (
            "security.mfa_for_staff",
            {},
            "The manifest does not say that staff sign in with multi-factor authentication.",
        ),
        (
            "data.proprietary_format",
            {"data": {"proprietary_format": True}},
            "The manifest says that the service's data is held in a proprietary format.",
        ),
        ("hosting.model", {"hosting": {"model": "on_premises"}}, "The hosting model is recorded as on premises."),
        (
            "suppliers",
            {
                "suppliers": [
                    {
                        "name": "Corvane Systems Ltd",
                        "product": "Corvane Revenues",
                        "contract_start": "2016-04-01",
                        "contract_end": "2028-03-31",
                    }
                ]
            },
            "The suppliers are recorded as Corvane Systems Ltd (Corvane Revenues), contract 1 April 2016 to "
            "31 March 2028.",
        ),
        ("source_code", {"source_code": {"open": False}}, "The code is recorded as closed, with no reason given."),
        (
            "data.open_api",
            {"data": {"open_api": {"url": "https://api.example.gov.uk"}}},
            "An open API is recorded at https://api.example.gov.uk, with no address for its description (OpenAPI).",
        ),
    ],
)
def test_a_field_reads_as_a_sentence(field: str, extra: dict[str, object], sentence: str) -> None:
    assert says.says_for_field(field, _service(**extra)) == sentence


def test_evidence_and_dates_read_as_people_write_them() -> None:
    assert says.no_evidence("A write-up.\n") == "No evidence is recorded. Needed: A write-up."
    assert says.evidence_not_met("partially_met") == "The evidence is recorded as partially met, not met."
    assert (
        says.evidence_too_old(dt.date(2025, 7, 8), 365) == "The evidence is dated 8 July 2025; it counts for 365 days."
    )
    assert says.words(Supplier(name="Gull")) == "Gull"


def test_a_long_value_is_cut() -> None:
    sentence = says.says_at_field("team.roles", ["a" * 50] * 20)
    assert len(sentence) == says.MAX_SAYS and sentence.endswith("...")
