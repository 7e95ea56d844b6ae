"""Restricted requirements: facts kept out of public manifests, merged on a council's machine, and
published only as attestations (issue 14). The mini repository's DEMO-02 (the audit date) is made
restricted, so `accessibility.last_audit` is a restricted field."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from checks.attestation import block, with_block
from checks.engine import Catalogue
from checks.models import Attestation
from checks.repository import Repository
from conftest import AS_OF, ROOT

DEMO = "standards/demo.yaml"
AUDIT = "  last_audit: 2026-06-01\n"
RESTRICTED = "kind: RestrictedService\nschema_version: 1\nid: good\naccessibility:\n"


def _restrict(repo: Path) -> None:
    demo = repo / DEMO
    text = demo.read_text(encoding="utf-8")
    marked = text.replace(
        "    level: should\n    guidance: Audits go stale.",
        "    level: should\n    visibility: restricted\n    guidance: Audits go stale.",
    )
    assert marked != text
    demo.write_text(marked, encoding="utf-8")


@pytest.fixture
def council(mini_repo: Path) -> Path:
    """The mini repository with DEMO-02 restricted and good.yaml's audit date in good.restricted.yaml."""
    _restrict(mini_repo)
    good = mini_repo / "manifests/leeds/good.yaml"
    text = good.read_text(encoding="utf-8")
    assert AUDIT in text
    good.write_text(text.replace(AUDIT, ""), encoding="utf-8")
    (mini_repo / "manifests/leeds/good.restricted.yaml").write_text(
        "kind: RestrictedService\nschema_version: 1\nid: good\nsecurity:\n  patching_days: 7\n", encoding="utf-8"
    )
    return mini_repo


# --------------------------------------------------------------------------- which fields


def test_restricted_fields_come_from_the_restricted_rules_of_the_shipped_standards() -> None:
    catalogue, broken = Repository(ROOT).load_catalogue()
    assert broken == []
    fields = catalogue.restricted_fields()
    for name in ("mfa_for_admins", "mfa_for_staff", "patching_days", "penetration_test", "backups_tested"):
        assert f"security.{name}" in fields, name
    for name in ("logging_monitored", "incident_response_plan", "vulnerability_scanning", "caf_assessed"):
        assert f"security.{name}" in fields, name
    assert "evidence.CAF-A2.1" in fields
    # Public on purpose: anyone can scan a TLS endpoint or look a certificate up on the register.
    assert "security.tls_min_version" not in fields and "security.cyber_essentials" not in fields
    # Public requirements never read a restricted field (they could not be judged in public).
    for compiled in catalogue.standards.values():
        for r in compiled.requirements:
            if not r.restricted and r.check is not None and r.check.paths:
                assert not (r.check.paths & fields.keys()), (r.requirement.id, r.check.paths & fields.keys())


def test_a_field_a_restricted_check_starts_reading_becomes_restricted(mini_repo: Path) -> None:
    catalogue, _ = Repository(mini_repo).load_catalogue()
    assert catalogue.restricted_fields() == {}
    _restrict(mini_repo)
    catalogue, _ = Repository(mini_repo).load_catalogue()
    assert catalogue.restricted_fields() == {"accessibility.last_audit": "DEMO-02"}
    assert catalogue.standards["demo"].attestation is not None
    assert [r.requirement.id for r in catalogue.standards["demo"].public_view] == [
        "DEMO-01",
        "DEMO-03",
        "DEMO-04",
        "DEMO-ATTESTED",
    ]


# --------------------------------------------------------------------------- checking


def test_a_restricted_field_in_a_public_manifest_is_a_located_error(mini_repo: Path, cli) -> None:
    _restrict(mini_repo)
    run = cli("check", "manifests/leeds/good.yaml", "--as-of", AS_OF, cwd=mini_repo)
    assert run.exit_code == 1
    assert (
        "manifests/leeds/good.yaml:17:3: E320 [error] accessibility.last_audit is restricted: move it to "
        "good.restricted.yaml and keep that file out of public repositories"
    ) in run.stdout
    assert "  help: a restricted requirement reads it: `standards check` reads good.restricted.yaml" in run.stdout


def test_a_waiver_for_a_restricted_requirement_is_restricted_too(mini_repo: Path, cli) -> None:
    # A waiver's reason says what is missing, so it belongs with the facts.
    _restrict(mini_repo)
    path = mini_repo / "manifests/leeds/waived.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  - requirement: DEMO-03\n" in text
    path.write_text(text.replace("  - requirement: DEMO-03\n", "  - requirement: DEMO-02\n"), encoding="utf-8")
    line = text[: text.index("  - requirement: DEMO-03")].count("\n") + 1
    run = cli("check", "manifests/leeds/waived.yaml", "--as-of", AS_OF, cwd=mini_repo)
    assert (
        f"manifests/leeds/waived.yaml:{line}:5: E320 [error] the waiver for DEMO-02 is restricted: move it to "
        "waived.restricted.yaml"
    ) in run.stdout, run.stdout


def test_a_private_check_merges_the_restricted_file(council: Path, cli) -> None:
    (council / "manifests/leeds/good.restricted.yaml").write_text(RESTRICTED + AUDIT, encoding="utf-8")
    run = cli("check", "manifests/leeds/good.yaml", "--as-of", AS_OF, "--format", "json", cwd=council)
    assert run.exit_code == 0, run.stdout
    ids = re.findall(r'"requirement": "([A-Z0-9.-]+)"', run.stdout)
    assert "DEMO-02" in ids and "DEMO-ATTESTED" not in ids
    # Without the file's date, DEMO-02 would fail: the merged value was judged.
    assert '"outcome": "fail"' not in run.stdout


def test_a_public_check_judges_the_attestation_instead(council: Path, cli) -> None:
    (council / "manifests/leeds/good.restricted.yaml").write_text(RESTRICTED + AUDIT, encoding="utf-8")
    run = cli("check", "manifests/leeds/good.yaml", "--public", "--as-of", AS_OF, cwd=council)
    assert run.exit_code == 1
    assert "DEMO-02" not in run.stdout
    assert (
        "manifests/leeds/good.yaml:1:1: DEMO-ATTESTED [must] Attest the restricted requirements of Demonstration "
        "standard for the test suite (demo is not attested)"
    ) in run.stdout
    assert "  help: With the restricted file beside the manifest, run `standards attest" in run.stdout
    assert "2026-06-01" not in run.stdout


def test_a_restricted_file_needs_its_public_manifest(council: Path, cli) -> None:
    (council / "manifests/leeds/orphan.restricted.yaml").write_text(
        RESTRICTED.replace("id: good", "id: orphan") + AUDIT, encoding="utf-8"
    )
    run = cli("check", "--as-of", AS_OF, cwd=council)
    assert (
        "manifests/leeds/orphan.restricted.yaml:1:1: E322 [error] restricted file for a service with no public "
        "manifest: orphan.yaml is not beside it"
    ) in run.stdout


def test_a_broken_restricted_file_is_reported_in_its_own_place(council: Path, cli) -> None:
    (council / "manifests/leeds/good.restricted.yaml").write_text(
        RESTRICTED + "  last_audit: yesterday\n", encoding="utf-8"
    )
    run = cli("check", "--as-of", AS_OF, cwd=council)
    assert run.exit_code == 1
    assert re.search(r"^manifests/leeds/good\.restricted\.yaml:5:15: E20\d \[error\]", run.stdout, re.M), run.stdout


# --------------------------------------------------------------------------- attesting


def _attest(council: Path, cli, *extra: str) -> str:
    run = cli("attest", "manifests/leeds/good.yaml", "--by", "SIRO", "--as-of", "2026-10-01", *extra, cwd=council)
    assert run.exit_code == 0, run.stdout + run.stderr
    return run.stdout


def test_attest_writes_results_and_counts_never_facts(council: Path, cli) -> None:
    restricted = council / "manifests/leeds/good.restricted.yaml"
    restricted.write_text(RESTRICTED + "  last_audit: 2024-01-10\n", encoding="utf-8")  # stale: DEMO-02 fails
    before = (council / "manifests/leeds/good.yaml").read_text(encoding="utf-8")
    out = _attest(council, cli)
    assert "attested demo 2.1.0 (compliant; 0 must and 1 should failing) by SIRO, until 2027-10-01" in out
    after = (council / "manifests/leeds/good.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # every line kept, the attestation added at the end
    digest = "sha256:" + hashlib.sha256(restricted.read_bytes()).hexdigest()
    assert after[len(before) :] == (
        'attestations:\n  - standard: demo\n    version: "2.1.0"\n    compliant: true\n    failed_must: 0\n'
        '    failed_should: 1\n    date: 2026-10-01\n    attested_by: "SIRO"\n    expires: 2027-10-01\n'
        f"    digest: {digest}\n"
    )
    assert "2024-01-10" not in after and "DEMO-02" not in after
    public = cli("check", "manifests/leeds/good.yaml", "--public", "--as-of", AS_OF, cwd=council)
    assert public.exit_code == 0, public.stdout
    private = cli("check", "manifests/leeds/good.yaml", "--as-of", AS_OF, cwd=council)
    assert "E323" not in private.stdout and "DEMO-02 [should]" in private.stdout


def test_attesting_again_replaces_the_attestation(council: Path, cli) -> None:
    (council / "manifests/leeds/good.restricted.yaml").write_text(RESTRICTED + AUDIT, encoding="utf-8")
    _attest(council, cli)
    _attest(council, cli, "--expires", "2027-03-31")
    text = (council / "manifests/leeds/good.yaml").read_text(encoding="utf-8")
    assert text.count("attestations:") == 1 and text.count("attested_by:") == 1
    assert "expires: 2027-03-31" in text


def test_an_expired_attestation_fails_in_public(council: Path, cli) -> None:
    (council / "manifests/leeds/good.restricted.yaml").write_text(RESTRICTED + AUDIT, encoding="utf-8")
    _attest(council, cli)
    run = cli("check", "manifests/leeds/good.yaml", "--public", "--as-of", "2027-10-02", cwd=council)
    assert run.exit_code == 1
    assert "DEMO-ATTESTED [must]" in run.stdout
    assert "(attested 2026-10-01 by SIRO against 2.1.0; expired on 2027-10-01)" in run.stdout


def test_an_attestation_of_failing_musts_fails_in_public_with_counts_only(council: Path, cli) -> None:
    # DEMO-02 made a must for this test, so a stale audit is a failing restricted must.
    demo = council / DEMO
    demo.write_text(
        demo.read_text(encoding="utf-8").replace(
            "    level: should\n    visibility: restricted", "    level: must\n    visibility: restricted"
        ),
        encoding="utf-8",
    )
    (council / "manifests/leeds/good.restricted.yaml").write_text(RESTRICTED + "  last_audit: 2024-01-10\n")
    _attest(council, cli)
    run = cli("check", "manifests/leeds/good.yaml", "--public", "--as-of", AS_OF, cwd=council)
    assert run.exit_code == 1
    assert "(attested 2026-10-01 by SIRO against 2.1.0: 1 must and 0 shoulds not met)" in run.stdout
    assert "DEMO-02" not in run.stdout and "2024-01-10" not in run.stdout


def test_a_changed_restricted_file_no_longer_matches_its_attestation(council: Path, cli) -> None:
    restricted = council / "manifests/leeds/good.restricted.yaml"
    restricted.write_text(RESTRICTED + AUDIT, encoding="utf-8")
    _attest(council, cli)
    restricted.write_text(RESTRICTED + "  last_audit: 2026-07-01\n", encoding="utf-8")
    run = cli("check", "manifests/leeds/good.yaml", "--as-of", AS_OF, cwd=council)
    assert run.exit_code == 1
    assert re.search(
        r"^manifests/leeds/good\.yaml:\d+:13: E323 \[error\] the attestation's digest does not match "
        r"good\.restricted\.yaml beside it$",
        run.stdout,
        re.M,
    ), run.stdout


def test_attest_without_the_restricted_file_cannot_run(mini_repo: Path, cli) -> None:
    _restrict(mini_repo)
    run = cli("attest", "manifests/leeds/phone-only.yaml", "--by", "SIRO", cwd=mini_repo)
    assert run.exit_code == 2
    assert "error: no readable restricted file beside manifests/leeds/phone-only.yaml" in run.stderr


def _attested(**changes: object) -> str:
    fields: dict[str, object] = dict(
        standard="demo",
        version="2.1.0",
        compliant=True,
        failed_must=0,
        failed_should=0,
        date=dt.date(2026, 10, 1),
        attested_by="SIRO",
        expires=dt.date(2027, 9, 30),
        digest="sha256:" + "0" * 64,
    )
    fields.update(changes)
    return block([Attestation.model_validate(fields)])


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"date": dt.date(2027, 1, 1)}, r":18:11: E324 \[error\] attestation dated 2027-01-01, later than"),
        (
            {"expires": dt.date(2028, 1, 1)},
            r":20:14: E324 \[error\] attestation expires 2028-01-01, more than 365 days after 2026-10-01",
        ),
        ({"version": "7.0.0"}, r":14:14: E325 \[error\] attestation for demo 7.0.0, a version that does not exist"),
        ({"standard": "demo-x"}, r":13:15: E325 \[error\] attestation for unknown standard 'demo-x'"),
    ],
)
def test_impossible_attestations_are_located_errors(
    council: Path, cli, changes: dict[str, object], expected: str
) -> None:
    (council / "manifests/leeds/good.restricted.yaml").unlink()
    path = council / "manifests/leeds/phone-only.yaml"
    path.write_text(with_block(path.read_text(encoding="utf-8"), _attested(**changes)), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    offset = lines.index("attestations:") - 11  # the expected lines are as if the manifest had 11 lines
    run = cli("check", "manifests/leeds/phone-only.yaml", "--as-of", AS_OF, cwd=council)
    assert run.exit_code == 1
    line = int(expected.split(":")[1]) + offset
    pattern = "manifests/leeds/phone-only.yaml:" + str(line) + ":" + expected.split(":", 2)[2]
    assert re.search(pattern, run.stdout), run.stdout


def test_catalogue_attestation_requirement_is_found_for_reporters(mini_repo: Path) -> None:
    _restrict(mini_repo)
    catalogue: Catalogue = Repository(mini_repo).load_catalogue()[0]
    found = catalogue.requirement("demo", "2.1.0", "DEMO-ATTESTED")
    assert found is not None and "standards attest" in found.requirement.fix


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github", "markdown"])
def test_public_reports_carry_the_attestation_only(council: Path, cli, fmt: str) -> None:
    # The restricted file is beside the manifest, with a stale (failing) audit date: no report made with
    # --public may name the requirement or show the date.
    (council / "manifests/leeds/good.restricted.yaml").write_text(
        RESTRICTED + "  last_audit: 2019-05-17\n", encoding="utf-8"
    )
    private = cli("check", "manifests/leeds/", "--as-of", AS_OF, "--format", fmt, cwd=council)
    assert "DEMO-02" in private.stdout  # the council's own run shows it (the test would mean nothing otherwise)
    run = cli("check", "manifests/leeds/", "--public", "--as-of", AS_OF, "--format", fmt, cwd=council)
    assert "DEMO-ATTESTED" in run.stdout
    assert "DEMO-02" not in run.stdout and "2019-05-17" not in run.stdout
