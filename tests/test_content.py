"""The shipped content is real, complete and consistent (issue 2's minimums, and more)."""

from __future__ import annotations

import csv
import json
from collections import Counter

from checks.repository import Repository
from conftest import AS_OF, ROOT, run_standards

REPO = Repository(ROOT)
CATALOGUE, BROKEN = REPO.load_catalogue()


def test_standards_cover_the_sector() -> None:
    expected = {
        "service-standard",
        "technology-code-of-practice",
        "accessibility",
        "local-digital-declaration",
        "cyber-security",
        "data",
        "api-standard",
        "privacy",
    }
    assert expected <= set(CATALOGUE.standards)
    assert len(CATALOGUE.requirement_ids()) >= 80
    assert len(set(CATALOGUE.requirement_ids())) == len(CATALOGUE.requirement_ids())


def test_every_requirement_is_actionable_and_sourced() -> None:
    for compiled in CATALOGUE.standards.values():
        for r in compiled.requirements:
            req = r.requirement
            assert req.check or req.evidence, req.id
            assert len(req.fix) > 20 and len(req.guidance) > 40, req.id
            assert all(ref.url.startswith("https://") for ref in req.references), req.id


def test_patterns_point_at_real_requirements() -> None:
    assert len(CATALOGUE.patterns) >= 15
    known = set(CATALOGUE.requirement_ids())
    for pattern in CATALOGUE.patterns.values():
        assert pattern.helps_meet, f"{pattern.id} helps meet nothing"
        assert set(pattern.helps_meet) <= known, (pattern.id, set(pattern.helps_meet) - known)


def test_sample_councils_are_varied_and_marked_as_sample() -> None:
    councils = [c for c in CATALOGUE.councils.values() if c.id != "examples"]
    assert len(councils) >= 6
    types = {c.type for c in councils}
    assert {"CTY", "NMD", "UA", "LBO", "MD"} <= types and types & {"WPA", "SCO"}
    assert all(c.sample for c in councils)


def _shipped_register(name: str) -> list[dict[str, str]]:
    # checks/data is generated from the public reference data (test_scaffold checks it is current
    # where that data is at hand), so these tests need nothing from outside the project.
    with (ROOT / "checks" / "data" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_sample_councils_match_the_public_register() -> None:
    register = {row["register_code"]: row for row in _shipped_register("councils.csv")}
    councils = [c for c in CATALOGUE.councils.values() if c.id != "examples"]
    assert councils
    for council in councils:
        row = register[council.register_code]
        assert (row["name"], row["gss_code"], row["type"], row["nation"], row["region"]) == (
            council.name,
            council.gss_code,
            council.type,
            council.nation,
            council.region,
        ), council.id


def test_sample_manifests_are_valid_varied_and_marked() -> None:
    proc = run_standards("check", "--as-of", AS_OF, "--format", "json", cwd=ROOT)
    assert proc.returncode == 1  # the sample data deliberately includes failing services
    report = json.loads(proc.stdout)
    assert report["summary"]["invalid"] == 0
    services = [f for f in report["files"] if f["kind"] == "Service"]
    assert all(f["sample"] for f in services)
    per_council = Counter(f["council"] for f in services)
    assert len(per_council) >= 6 and min(per_council.values()) >= 5
    compliant = [f for f in services if all(s["compliant"] for s in f["standards"])]
    assert 0 < len(compliant) < len(services)
    outcomes = Counter(r["outcome"] for f in services for r in f["results"])
    assert outcomes["waived"] > 0 and outcomes["error"] == 0
    assert any("waiver expired" in r["message"] for f in services for r in f["results"])


def test_sample_manifests_use_real_lgsl_codes() -> None:
    codes = {int(row["id"]) for row in _shipped_register("lgsl.csv")}
    checked = 0
    for path in REPO.manifest_files():
        if path.name == "council.yaml":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("lgsl:"):
                assert int(line.split(":", 1)[1]) in codes, path
                checked += 1
    assert checked >= 50
