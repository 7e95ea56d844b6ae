"""Outcomes, waivers, evidence, applicability, compliance and scores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from checks.engine import Catalogue, document_locator, evaluate_service
from checks.loading import parse
from checks.models import Council, Service, Standard
from checks.repository import Repository
from checks.results import Outcome
from checks.rules import compile_rule
from conftest import MINI

AS_OF = dt.date(2026, 11, 1)


def _standard(requirements: str, applies: str = "all_services: true", top: str = "") -> Standard:
    doc = parse(
        "kind: Standard\nschema_version: 1\nid: t\nprefix: T\ntitle: T\nversion: 1.0.0\nstatus: active\n"
        "published: 2025-01-01\nowner: tests\nsummary: s\nreferences:\n  - {title: r, url: https://example.org}\n"
        f"{top}applies_to:\n  {applies}\nrequirements:\n{requirements}"
    )
    assert not isinstance(doc, list), doc
    return Standard.model_validate(doc.data)


def _req(rid: str, level: str = "must", **extra: str) -> str:
    lines = [
        f"  - id: {rid}",
        "    title: Title of " + rid,
        f"    level: {level}",
        "    guidance: g",
        "    fix: Fix it.",
        "    references:",
        "      - {title: r, url: https://example.org}",
    ]
    lines += [f"    {k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def _service(extra: str = "") -> tuple[Service, object]:
    doc = parse(
        "kind: Service\nschema_version: 1\nid: s\nname: S\nphase: live\nchannels: [web]\nowner: {team: t}\n"
        "privacy: {handles_personal_data: true}\n" + extra
    )
    assert not isinstance(doc, list), doc
    return Service.model_validate(doc.data), doc


def _outcomes(standard: Standard, service_extra: str = "", as_of: dt.date = AS_OF):
    service, doc = _service(service_extra)
    catalogue = Catalogue.build([standard], [], [])
    results, summaries = evaluate_service(service, None, catalogue, as_of, document_locator(doc))
    return {r.requirement: r for r in results}, summaries


def test_each_outcome() -> None:
    standard = _standard(
        _req("T-1", check="'service.phase == \"live\"'")
        + _req("T-2", check="'service.phase == \"alpha\"'", field="phase")
        + _req("T-3", applies_when="'service.phase == \"alpha\"'", check="'false'")
        + _req("T-4", check="'service.nonexistent == 1'")
        + _req("T-5", check="'service.phase'")
        + _req("T-6", check="'service.phase =='")
    )
    results, summaries = _outcomes(standard)
    assert results["T-1"].outcome is Outcome.PASS
    assert results["T-2"].outcome is Outcome.FAIL
    assert (results["T-2"].line, results["T-2"].column) == (5, 8)  # points at the phase value
    assert results["T-3"].outcome is Outcome.NOT_APPLICABLE
    assert results["T-4"].outcome is Outcome.ERROR
    assert "does not exist: nonexistent" in results["T-4"].message
    assert results["T-5"].outcome is Outcome.ERROR
    assert "should give true or false but gave 'live'" in results["T-5"].message
    assert results["T-6"].outcome is Outcome.ERROR
    assert "does not compile" in results["T-6"].message
    (summary,) = summaries
    assert summary.failed_must == 1 and summary.errors == 3 and not summary.compliant


def test_waivers_hold_until_they_expire() -> None:
    standard = _standard(_req("T-1", check="'false'"))
    waiver = "waivers:\n  - {requirement: T-1, reason: r, approved_by: a, expires: %s}\n"
    results, summaries = _outcomes(standard, waiver % "2026-11-01")
    assert results["T-1"].outcome is Outcome.WAIVED  # the expiry day itself is still covered
    assert summaries[0].compliant and summaries[0].score == 1.0
    results, summaries = _outcomes(standard, waiver % "2026-10-31")
    assert results["T-1"].outcome is Outcome.FAIL
    assert results["T-1"].message.endswith("(waiver expired on 2026-10-31)")
    assert results["T-1"].line == 10  # points at the waiver's expiry
    assert not summaries[0].compliant


def test_passing_requirement_with_a_waiver_still_passes() -> None:
    standard = _standard(_req("T-1", check="'true'"))
    results, _ = _outcomes(
        standard, "waivers:\n  - {requirement: T-1, reason: r, approved_by: a, expires: 2020-01-01}\n"
    )
    assert results["T-1"].outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("evidence", "outcome", "words"),
    [
        ("", Outcome.FAIL, "no evidence declared under evidence.T-1"),
        ("evidence:\n  T-1: {status: planned}\n", Outcome.FAIL, "evidence status is 'planned'"),
        ("evidence:\n  T-1: {status: met}\n", Outcome.FAIL, "evidence has no date"),
        ("evidence:\n  T-1: {status: met, date: 2025-01-01}\n", Outcome.FAIL, "is 669 days old (limit 365)"),
        ("evidence:\n  T-1: {status: met, date: 2025-11-01}\n", Outcome.PASS, ""),
    ],
)
def test_evidence_rules(evidence: str, outcome: Outcome, words: str) -> None:
    standard = _standard(_req("T-1", evidence="{description: d, max_age_days: 365}"))
    results, _ = _outcomes(standard, evidence)
    assert results["T-1"].outcome is outcome
    assert words in results["T-1"].message


def test_check_and_evidence_must_both_hold() -> None:
    standard = _standard(_req("T-1", check="'true'", evidence="{description: d}"))
    results, _ = _outcomes(standard)
    assert results["T-1"].outcome is Outcome.FAIL
    results, _ = _outcomes(standard, "evidence:\n  T-1: {status: met, date: 2026-10-01}\n")
    assert results["T-1"].outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("top", "own", "date", "words"),
    [
        # No limit of its own: the standard's default, 365 days unless it says otherwise.
        ("", "", "2025-11-01", ""),  # 365 days before 2026-11-01: still counts
        ("", "", "2025-10-31", "evidence dated 2025-10-31 is 366 days old (limit 365)"),
        ("", "", None, "evidence has no date (it must be under 365 days old)"),
        ("evidence_max_age_days: 730\n", "", "2025-10-31", ""),
        ("evidence_max_age_days: 730\n", "", "2024-10-31", "is 731 days old (limit 730)"),
        # The requirement's own limit wins over the standard's.
        ("evidence_max_age_days: 730\n", ", max_age_days: 30", "2026-09-30", "is 32 days old (limit 30)"),
    ],
)
def test_evidence_without_its_own_limit_takes_the_standards(top: str, own: str, date: str | None, words: str) -> None:
    standard = _standard(_req("T-1", evidence=f"{{description: d{own}}}"), top=top)
    dated = f", date: {date}" if date else ""
    results, _ = _outcomes(standard, f"evidence:\n  T-1: {{status: met{dated}}}\n")
    assert results["T-1"].outcome is (Outcome.FAIL if words else Outcome.PASS)
    assert words in results["T-1"].message


@pytest.mark.parametrize(
    ("field", "extra", "shown"),
    [
        (
            "suppliers",
            "suppliers:\n  - {name: Acme Ltd, product: Permits, contract_start: 2016-04-01, "
            "contract_end: 2028-03-31}\n",
            "(suppliers: {name: Acme Ltd, product: Permits, contract_start: 2016-04-01, contract_end: 2028-03-31})",
        ),
        ("source_code", "source_code: {open: false}\n", "(source_code: {open: false})"),
        ("channels", "", "(channels: web)"),
        ("phase", "", "(phase: live)"),
        ("privacy.handles_personal_data", "", "(privacy.handles_personal_data: true)"),
    ],
)
def test_failure_shows_the_value_as_written_in_yaml(field: str, extra: str, shown: str) -> None:
    # A council officer reads these: never a Python repr such as datetime.date(2016, 4, 1).
    results, _ = _outcomes(_standard(_req("T-1", check="'false'", field=field)), extra)
    assert results["T-1"].message == f"Title of T-1 {shown}"


def test_time_rules_use_the_as_of_date() -> None:
    standard = _standard(_req("T-1", check="'now - service.accessibility.last_audit <= duration(\"8760h\")'"))
    extra = "accessibility: {last_audit: 2026-01-01}\n"
    assert _outcomes(standard, extra, dt.date(2026, 12, 31))[0]["T-1"].outcome is Outcome.PASS
    assert _outcomes(standard, extra, dt.date(2027, 1, 2))[0]["T-1"].outcome is Outcome.FAIL


def test_score_counts_should_and_may_and_ignores_not_applicable() -> None:
    standard = _standard(
        _req("T-1", check="'true'")
        + _req("T-2", "should", check="'false'")
        + _req("T-3", "may", check="'false'")
        + _req("T-4", applies_when="'false'", check="'false'")
    )
    _, (summary,) = _outcomes(standard)
    assert summary.compliant  # only musts decide compliance
    assert summary.score == pytest.approx(1 / 3, abs=1e-4)
    assert (summary.passed, summary.failed, summary.not_applicable, summary.failed_should) == (1, 2, 1, 1)


def test_which_standards_apply() -> None:
    web_only = _standard(_req("T-1", check="'true'"), applies="when: '\"phone\" in service.channels'")
    service, doc = _service()
    catalogue = Catalogue.build([web_only], [], [])
    _results, summaries = evaluate_service(service, None, catalogue, AS_OF, document_locator(doc))
    assert summaries == []  # not declared and its rule says no
    service, doc = _service("conforms_to:\n  - {standard: t, version: 1}\n")
    _results, summaries = evaluate_service(service, None, catalogue, AS_OF, document_locator(doc))
    assert [s.standard for s in summaries] == ["t"]  # declared, so it applies


def test_retired_and_sunset_standards_do_not_apply() -> None:
    retired = _standard(_req("T-1", check="'false'")).model_copy(update={"status": "retired"})
    sunset = _standard(_req("T-1", check="'false'")).model_copy(update={"sunset": dt.date(2026, 1, 1)})
    for standard in (retired, sunset):
        service, doc = _service()
        _, summaries = evaluate_service(
            service, None, Catalogue.build([standard], [], []), AS_OF, document_locator(doc)
        )
        assert summaries == []


def test_council_is_visible_to_rules() -> None:
    standard = _standard(_req("T-1", check="'council != null && council.nation == \"Wales\"'"))
    service, doc = _service()
    council = Council.model_validate(
        {
            "kind": "Council",
            "schema_version": 1,
            "id": "cardiff",
            "name": "City of Cardiff Council",
            "gss_code": "W06000015",
            "register_code": "CRF",
            "type": "WPA",
            "nation": "Wales",
            "region": "Wales",
            "owners": ["@cardiff/digital"],
        }
    )
    catalogue = Catalogue.build([standard], [], [council])
    results, _ = evaluate_service(service, council, catalogue, AS_OF, document_locator(doc))
    assert results[0].outcome is Outcome.PASS
    results, _ = evaluate_service(service, None, catalogue, AS_OF, document_locator(doc))
    assert results[0].outcome is Outcome.FAIL


def test_rules_compile_once_and_report_syntax_errors() -> None:
    assert compile_rule("1 +").compile_error
    assert compile_rule("true").compile_error is None


def test_mini_repository_catalogue_loads_cleanly() -> None:
    catalogue, broken = Repository(MINI).load_catalogue()
    assert broken == []
    assert set(catalogue.standards) == {"demo"} and set(catalogue.councils) == {"leeds"}


def test_broken_standard_is_reported_and_manifests_still_checked(mini_repo: Path, cli) -> None:
    path = mini_repo / "standards/demo.yaml"
    path.write_text(path.read_text().replace("service.accessibility.statement_url != null", "service.(("))
    run = cli("check", "--as-of", "2026-11-01", cwd=mini_repo)
    assert run.exit_code == 1
    assert (
        "standards/demo.yaml:21:12: E307 [error] DEMO-01.check: expression `service.((` does not compile" in run.stdout
    )
    assert "manifests/leeds/good.yaml" in run.stdout  # every manifest now has an error result for DEMO-01
    assert "could not be checked" in run.stdout
