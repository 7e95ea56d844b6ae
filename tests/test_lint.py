"""`standards lint`, alone and against a base ref in a real temporary Git repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import AS_OF, MINI
from gitrepo import commit_all, edit, init_repo

NEW_MUST = (
    "  - id: DEMO-05\n    title: Name a service owner\n    level: must\n    guidance: Someone is accountable for it.\n"
    "    check: service.owner.service_owner != null\n    field: owner.service_owner\n"
    "    fix: Name the service owner in owner.service_owner.\n    references:\n"
    "      - title: Point 6\n        url: https://www.gov.uk/service-manual/service-standard/point-6-have-a-multidisciplinary-team\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo", MINI)


def lint(cli, repo: Path, *args: str):
    return cli("lint", "--as-of", AS_OF, *args, cwd=repo)


def test_clean_repository_lints_clean(repo: Path, cli) -> None:
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 0, run.stdout
    assert run.stdout.endswith("lint: 0 errors\n")
    assert "blast radius against HEAD: 0 newly failing, 0 newly passing" in run.stdout


def test_content_change_needs_a_version_bump(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", "guidance: Audits go stale.", "guidance: Audits go stale within a year.")
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 1
    assert (
        "standards/demo.yaml:6:10: E400 [error] content changed since HEAD but the version is still 2.1.0" in run.stdout
    )
    assert "help: bump the version: `version: 2.1.1` (wording only) or `2.2.0`" in run.stdout
    edit(repo / "standards/demo.yaml", "version: 2.1.0", "version: 2.1.1")
    assert lint(cli, repo, "--base", "HEAD").exit_code == 0


def test_breaking_change_needs_a_major_bump_and_shows_the_blast_radius(repo: Path, cli) -> None:
    path = repo / "standards/demo.yaml"
    path.write_text(path.read_text().replace("version: 2.1.0", "version: 2.2.0") + NEW_MUST)
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 1
    assert "E401 [error] breaking change needs a major version bump (DEMO-05: new must)" in run.stdout
    assert "help: set `version: 3.0.0`" in run.stdout
    assert "newly failing: leeds/good demo (compliant -> not compliant)" in run.stdout
    assert "newly failing: leeds/waived demo (compliant -> not compliant)" in run.stdout
    edit(path, "version: 2.2.0", "version: 3.0.0")
    edit(repo / "manifests/leeds/good.yaml", "version: 2", "version: 3")
    markdown = lint(cli, repo, "--base", "HEAD", "--format", "markdown")
    assert markdown.exit_code == 0
    assert "| leeds | waived | demo | compliant | not compliant |" in markdown.stdout
    data = json.loads(lint(cli, repo, "--base", "HEAD", "--format", "json").stdout)
    assert data["changed"][0]["breaking"] and {i["service"] for i in data["blast_radius"]} == {"good", "waived"}


def test_raised_level_is_breaking(repo: Path, cli) -> None:
    edit(
        repo / "standards/demo.yaml",
        "title: Audit within the last year\n    level: should",
        "title: Audit within the last year\n    level: must",
    )
    edit(repo / "standards/demo.yaml", "version: 2.1.0", "version: 2.2.0")
    run = lint(cli, repo, "--base", "HEAD")
    assert "DEMO-02: level raised from should to must" in run.stdout and run.exit_code == 1


def test_version_never_goes_backwards(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", "version: 2.1.0", "version: 2.0.9")
    run = lint(cli, repo, "--base", "HEAD")
    assert "E402 [error] version went backwards from 2.1.0 to 2.0.9" in run.stdout and run.exit_code == 1


def test_version_that_is_not_semver(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", "version: 2.1.0", "version: v2.1")
    run = lint(cli, repo)
    assert run.exit_code == 1
    assert "standards/demo.yaml:6:10: E205 [error] 'version' should be a semantic version; got 'v2.1'" in run.stdout


def test_retired_id_reused_for_a_different_requirement(repo: Path, cli) -> None:
    path = repo / "standards/demo.yaml"
    text = path.read_text()
    start = text.index("  - id: DEMO-03")
    end = text.index("  - id: DEMO-04")
    path.write_text(text[:start] + text[end:])
    edit(path, "version: 2.1.0", "version: 3.0.0")
    commit_all(repo, "retire DEMO-03")
    path.write_text(
        path.read_text().replace("version: 3.0.0", "version: 3.1.0")
        + NEW_MUST.replace("DEMO-05", "DEMO-03").replace("level: must", "level: should")
    )
    run = lint(cli, repo, "--base", "HEAD")
    assert "E403 [error] requirement id DEMO-03 was retired ('Live services publish performance data')" in run.stdout


def test_two_standards_claiming_one_id(repo: Path, cli) -> None:
    copy = repo / "standards/demo-copy.yaml"
    copy.write_text((repo / "standards/demo.yaml").read_text().replace("prefix: DEMO", "prefix: DEMOB"))
    run = lint(cli, repo)
    assert run.exit_code == 1
    assert "demo-copy.yaml:3:5: E304 [error] id 'demo' does not match the file name 'demo-copy.yaml'" in run.stdout
    assert "E306 [error] another file already defines standard 'demo'" in run.stdout


def test_prefix_and_requirement_ids_unique_across_standards(repo: Path, cli) -> None:
    other = repo / "standards/other.yaml"
    other.write_text((repo / "standards/demo.yaml").read_text().replace("id: demo", "id: other"))
    run = lint(cli, repo)
    assert "standards/other.yaml:4:9: E404 [error] prefix DEMO is already used by standard 'demo'" in run.stdout
    assert "E306 [error] requirement id DEMO-01 is also used by standard 'demo'" in run.stdout


def test_broken_at_base_fixed_now_and_the_reverse(repo: Path, cli) -> None:
    std = repo / "standards/demo.yaml"
    good = std.read_text()
    std.write_text(good.replace("status: active", "status: [active"))
    commit_all(repo, "break demo")
    std.write_text(good)
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 0
    assert "note: standards/demo.yaml could not be read at HEAD, so its changes are not version-checked" in run.stdout
    commit_all(repo, "fix demo")
    std.write_text(good.replace("status: active", "status: [active"))
    run = lint(cli, repo, "--base", "HEAD")
    assert run.exit_code == 1 and "standards/demo.yaml:8:10: E105 [error] YAML syntax error" in run.stdout
    assert "was removed" not in run.stdout


def test_broken_expression_is_caught(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", "check: service.performance.kpis_url != null", "check: service.performance.(")
    run = lint(cli, repo)
    assert (
        run.exit_code == 1
        and "E307 [error] DEMO-03.check: expression `service.performance.(` does not compile" in run.stdout
    )


def test_pattern_naming_an_unknown_requirement(repo: Path, cli) -> None:
    edit(repo / "standards/patterns/gov-uk-notify.yaml", "helps_meet: [DEMO-01]", "helps_meet: [DEMO-01, DEMO-77]")
    run = lint(cli, repo)
    assert "gov-uk-notify.yaml:13:23: E303 [error] helps_meet names unknown requirement(s): DEMO-77" in run.stdout


def test_unknown_base_ref(repo: Path, cli) -> None:
    run = lint(cli, repo, "--base", "origin/nope")
    assert run.exit_code == 2 and "'origin/nope' is not a commit, branch or tag" in run.stderr


def test_shipped_standards_lint_clean(cli) -> None:
    from conftest import ROOT

    run = cli("lint", cwd=ROOT)
    assert run.exit_code == 0, run.stdout
