"""Versions from Git history, pinned versions, diffs and shallow clones, on real temporary repositories."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import AS_OF, MINI
from gitrepo import ENV, commit_all, edit, init_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """demo 2.1.0 in the first commit; 3.0.0 (DEMO-02 raised to must, DEMO-05 added) in the second."""
    path = init_repo(tmp_path / "repo", MINI)
    std = path / "standards/demo.yaml"
    edit(std, "version: 2.1.0", "version: 3.0.0")
    edit(
        std,
        "  - id: DEMO-02\n    title: Audit within the last year\n    level: should",
        "  - id: DEMO-02\n    title: Audit within the last year\n    level: must",
    )
    edit(std, "status: active", "status: active\nupdated: 2026-03-01")
    text = std.read_text()
    std.write_text(
        text
        + (
            "  - id: DEMO-05\n    title: Name a service owner\n    level: should\n"
            "    guidance: Someone is accountable.\n"
            "    check: service.owner.service_owner != null\n    field: owner.service_owner\n"
            "    fix: Name the service owner in owner.service_owner.\n    references:\n"
            "      - title: Point 6\n        url: https://www.gov.uk/service-manual/service-standard/point-6-have-a-multidisciplinary-team\n"
        )
    )
    for name in ("good", "waived"):
        edit(path / f"manifests/leeds/{name}.yaml", "version: 2", "version: 3") if name == "good" else None
    commit_all(path, "demo 3.0.0: audits become a must", date="2026-03-01T09:00:00+00:00")
    return path


def test_versions_lists_each_version_with_its_first_commit(repo: Path, cli) -> None:
    run = cli("versions", "demo", "--json", cwd=repo)
    assert run.exit_code == 0
    found = json.loads(run.stdout)
    assert [v["version"] for v in found] == ["2.1.0", "3.0.0"]
    assert found[0]["date"].startswith("2026-01-05") and found[1]["date"].startswith("2026-03-01")
    assert found[0]["author"] == "Test Author" and len(found[1]["commit"]) == 40
    text = cli("versions", "demo", cwd=repo).stdout
    assert text.splitlines()[0] == "demo: 2 versions"


def test_diff_shows_what_changed_and_that_it_breaks(repo: Path, cli) -> None:
    run = cli("diff", "demo", "2.1.0", "3.0.0", cwd=repo)
    assert run.exit_code == 0
    assert run.stdout.splitlines() == [
        "demo 2.1.0 -> 3.0.0 (breaking)",
        "  ~ DEMO-02 [must] changed (level): breaking, level raised from should to must",
        "  + DEMO-05 [should] added",
    ]
    data = json.loads(cli("diff", "demo", "2.1.0", "3.0.0", "--json", cwd=repo).stdout)
    assert data["breaking"] and data["requirements"][0]["fields"]["level"] == {"from": "should", "to": "must"}


def test_diff_of_unknown_version_is_a_clear_usage_error(repo: Path, cli) -> None:
    run = cli("diff", "demo", "1.0.0", "3.0.0", cwd=repo)
    assert run.exit_code == 2
    assert "demo has no version 1.0.0 (versions in history: 2.1.0, 3.0.0)" in run.stderr


def test_manifest_pinned_to_an_old_major_is_checked_against_that_version(repo: Path, cli) -> None:
    # failing.yaml declares nothing; pin it to 2 so DEMO-02 is judged as a should, as it was in 2.1.0.
    failing = repo / "manifests/leeds/failing.yaml"
    edit(failing, "owner:\n", "conforms_to:\n  - standard: demo\n    version: 2\nowner:\n")
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/failing.yaml", cwd=repo)
    assert (
        "failing.yaml:10:14: W001 [warning] checked against demo 2.1.0 as pinned; the current version is 3.0.0"
        in run.stdout
    )
    assert "help: see what changed with `standards diff demo 2.1.0 3.0.0`, then move to `version: 3`" in run.stdout
    assert "DEMO-02 [should]" in run.stdout
    assert "DEMO-05" not in run.stdout  # did not exist in 2.1.0
    edit(failing, "version: 2", "version: 3")
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/failing.yaml", cwd=repo)
    assert "DEMO-02 [must]" in run.stdout and "DEMO-05 [should]" in run.stdout and "W001" not in run.stdout


def test_exact_pin_and_missing_version(repo: Path, cli) -> None:
    good = repo / "manifests/leeds/good.yaml"
    edit(good, "version: 3", 'version: "2.1.0"')
    assert "W001" in cli("check", "--as-of", AS_OF, "manifests/leeds/good.yaml", cwd=repo).stdout
    edit(good, 'version: "2.1.0"', "version: 1")
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/good.yaml", cwd=repo)
    assert run.exit_code == 1
    assert (
        "E305 [error] demo version 1 is not available: the standard is at 3.0.0, and neither Git history nor "
        "the tool's releases have that version (versions: 2.1.0, 3.0.0)" in run.stdout
    )


def test_shallow_clone_says_how_to_fetch_history(repo: Path, tmp_path: Path, cli) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], env=ENV, check=True)
    edit(clone / "manifests/leeds/good.yaml", "version: 3", "version: 2")
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/good.yaml", cwd=clone)
    assert run.exit_code == 1
    assert "this clone is shallow" in run.stdout and "fetch-depth: 0" in run.stdout


def test_deprecated_and_sunset_pins_are_reported(repo: Path, cli) -> None:
    std = repo / "standards/demo.yaml"
    edit(std, "status: active", "status: deprecated\nsunset: 2026-06-30")
    edit(std, "version: 3.0.0", "version: 3.1.0")
    commit_all(repo, "deprecate demo")
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/good.yaml", cwd=repo)
    assert "W002 [warning] demo 3.1.0 is deprecated" in run.stdout
    assert "W003 [warning] demo 3.1.0 passed its sunset date on 2026-06-30" in run.stdout


def test_not_a_git_repository_still_checks_current_versions(tmp_path: Path, cli) -> None:
    import shutil

    plain = tmp_path / "plain"
    shutil.copytree(MINI, plain)
    run = cli("check", "--as-of", AS_OF, cwd=plain)
    assert run.exit_code == 1 and "Checked 5 files" in run.stdout
    run = cli("versions", "demo", cwd=plain)
    assert run.exit_code == 2 and "is not a Git repository" in run.stderr


def test_deleted_standard_still_pinned_is_explained(repo: Path, cli) -> None:
    (repo / "standards/demo.yaml").unlink()
    (repo / "standards/patterns/gov-uk-notify.yaml").unlink()
    commit_all(repo, "retire demo")
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/good.yaml", cwd=repo)
    assert run.exit_code == 1
    assert (
        "E300 [error] standard 'demo' was removed; its last version was 3.0.0 (first committed 2026-03-01)"
        in run.stdout
    )
