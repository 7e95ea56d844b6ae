"""`standards check --changed-since REF`: only what a change touches, with the same results as a full run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import AS_OF, MINI
from gitrepo import ENV, commit_all, edit, git, init_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = init_repo(tmp_path / "repo", MINI)
    camden = path / "manifests/camden"
    camden.mkdir()
    council = (path / "manifests/leeds/council.yaml").read_text()
    (camden / "council.yaml").write_text(
        council.replace("id: leeds", "id: camden")
        .replace("Leeds City Council", "London Borough of Camden")
        .replace("E08000035", "E09000007")
        .replace("LDS", "CMD")
        .replace("type: MD", "type: LBO")
        .replace("Yorkshire and The Humber", "London")
        .replace("@leeds/digital", "@camden/digital")
    )
    (camden / "libraries.yaml").write_text(
        (path / "manifests/leeds/waived.yaml").read_text().replace("id: waived", "id: libraries")
    )
    commit_all(path, "add camden")
    return path


def _checked(cli, repo: Path, *extra: str) -> tuple[int, dict[str, dict]]:
    run = cli("check", "--as-of", AS_OF, "--format", "json", *extra, cwd=repo)
    report = json.loads(run.stdout)
    return run.exit_code, {f["path"]: f for f in report["files"]}


def test_nothing_changed_checks_nothing(repo: Path, cli) -> None:
    code, files = _checked(cli, repo, "--changed-since", "HEAD")
    assert code == 0 and files == {}


def test_a_changed_manifest_is_checked_alone_and_matches_a_full_run(repo: Path, cli) -> None:
    edit(repo / "manifests/leeds/good.yaml", "name: Report a missed bin", "name: Report a missed collection")
    _, files = _checked(cli, repo, "--changed-since", "HEAD")
    assert list(files) == ["manifests/leeds/good.yaml"]
    _, full = _checked(cli, repo)
    assert files["manifests/leeds/good.yaml"] == full["manifests/leeds/good.yaml"]


def test_uncommitted_new_manifest_is_included(repo: Path, cli) -> None:
    (repo / "manifests/leeds/new.yaml").write_text(
        (repo / "manifests/leeds/failing.yaml").read_text().replace("id: failing", "id: new")
    )
    code, files = _checked(cli, repo, "--changed-since", "HEAD")
    assert list(files) == ["manifests/leeds/new.yaml"] and code == 1


def test_changed_council_file_rechecks_its_services(repo: Path, cli) -> None:
    edit(repo / "manifests/camden/council.yaml", "region: London", "region: London ")
    commit_all(repo, "touch camden")
    _, files = _checked(cli, repo, "--changed-since", "HEAD~1")
    assert sorted(files) == ["manifests/camden/council.yaml", "manifests/camden/libraries.yaml"]


def test_changed_standard_rechecks_every_service_it_may_apply_to(repo: Path, cli) -> None:
    edit(repo / "standards/demo.yaml", "title: Demonstration standard", "title: A demonstration standard")
    _, files = _checked(cli, repo, "--changed-since", "HEAD")
    _, full = _checked(cli, repo)
    assert files == full  # demo applies to every web service, so everything is rechecked


def test_changed_pattern_rechecks_only_its_users(repo: Path, cli) -> None:
    edit(repo / "standards/patterns/gov-uk-notify.yaml", "Sends emails", "Sends email")
    _, files = _checked(cli, repo, "--changed-since", "HEAD")
    assert list(files) == ["manifests/leeds/good.yaml"]


def test_renamed_and_deleted_manifests(repo: Path, cli) -> None:
    git(repo, "mv", "manifests/leeds/waived.yaml", "manifests/leeds/pay-a-fine.yaml")
    edit(repo / "manifests/leeds/pay-a-fine.yaml", "id: waived", "id: pay-a-fine")
    (repo / "manifests/leeds/phone-only.yaml").unlink()
    code, files = _checked(cli, repo, "--changed-since", "HEAD")
    assert list(files) == ["manifests/leeds/pay-a-fine.yaml"]
    assert code == 0


def test_unknown_ref_is_a_usage_error(repo: Path, cli) -> None:
    run = cli("check", "--changed-since", "no-such-branch", cwd=repo)
    assert run.exit_code == 2
    assert "'no-such-branch' is not a commit, branch or tag in this repository" in run.stderr


def test_ref_that_is_not_a_commit(repo: Path, cli) -> None:
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    run = cli("check", "--changed-since", tree, cwd=repo)
    assert run.exit_code == 2 and "names a tree, not a commit" in run.stderr


def test_paths_and_changed_since_together_is_wrong_use(repo: Path, cli) -> None:
    proc = subprocess.run(
        [
            str(Path(__import__("sys").executable).with_name("standards")),
            "check",
            "--changed-since",
            "HEAD",
            "manifests/leeds/good.yaml",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**ENV, "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2 and "give either paths or --changed-since" in proc.stderr


def test_shallow_clone_with_missing_base(repo: Path, tmp_path: Path, cli) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], env=ENV, check=True)
    run = cli("check", "--changed-since", "HEAD~1", cwd=clone)
    assert run.exit_code == 2 and "this clone is shallow" in run.stderr and "fetch-depth: 0" in run.stderr
