"""The pre-commit hooks this repository offers, driven by the real `pre-commit try-repo`.

`try-repo` takes a hook repository at a Git commit. Pointed at a working copy
with uncommitted changes it commits only changes to files Git already tracks,
so new files would be left out; these tests therefore snapshot the working
tree (tracked and untracked, less what .gitignore excludes) into a fresh
repository and try that. pre-commit then builds the hook's own virtualenv from
it with pip, as it would for a council, which takes a few seconds per run.

The manifests used here pass or fail whatever the date: the hook judges
time-based rules at today's date and try-repo cannot pass `--as-of`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import MINI, ROOT, require

HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
CONFIG_FILE = ROOT / ".pre-commit-config.yaml"


@pytest.fixture(scope="module", autouse=True)
def _git_is_installed() -> None:
    require("git", "pre-commit needs git: install it (.ci/run does)")


def _git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def _env(**extra: str) -> dict[str, str]:
    # Nothing from an enclosing git operation or hook run may leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return env | extra


def _commit_all(repo: Path) -> None:
    _git("init", "--quiet", cwd=repo)
    _git("config", "user.name", "Test suite", cwd=repo)
    _git("config", "user.email", "tests@example.invalid", cwd=repo)
    _git("config", "commit.gpgsign", "false", cwd=repo)
    _git("add", "--all", cwd=repo)
    _git("commit", "--quiet", "--message", "snapshot", cwd=repo)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project's working tree as one commit: what a council would install the hooks from."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout.decode()
    target = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    assert (target / HOOKS_FILE.name).is_file()
    _commit_all(target)
    return target


@pytest.fixture(scope="module")
def council_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A council's repository: standards/ and manifests/leeds/, one valid and one broken manifest."""
    repo = tmp_path_factory.mktemp("council-repo")
    shutil.copytree(MINI, repo, dirs_exist_ok=True)
    leeds = repo / "manifests" / "leeds"
    # Dated a month ago, so the audit and the evidence are recent on any day the tests run.
    recent = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    good = (leeds / "good.yaml").read_text(encoding="utf-8")
    good = re.sub(r"last_audit: \d{4}-\d{2}-\d{2}", f"last_audit: {recent}", good)
    good = re.sub(r"date: \d{4}-\d{2}-\d{2}", f"date: {recent}", good)
    (leeds / "good.yaml").write_text(good, encoding="utf-8")
    broken = good.replace("phase: live", "phase: liev")
    assert broken != good
    (leeds / "broken.yaml").write_text(broken, encoding="utf-8")
    _commit_all(repo)
    return repo


def _try_repo(hook_repo: Path, council_repo: Path, tmp_path: Path, hook: str, *files: str) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook, "--color", "never", "--files", *files],
        cwd=council_repo,
        env=_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home")),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return result.returncode, result.stdout + result.stderr


def test_hook_definitions_and_config_are_valid() -> None:
    for command, path in (("validate-manifest", HOOKS_FILE), ("validate-config", CONFIG_FILE)):
        result = subprocess.run(
            [sys.executable, "-m", "pre_commit", command, str(path)],
            cwd=ROOT,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_standards_check_hook_matches_manifests_only() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))}
    check = hooks["standards-check"]
    assert check["entry"] == "standards check"
    assert check["language"] == "python"
    assert check["pass_filenames"] is True
    files = re.compile(check["files"])
    for path in ("manifests/leeds/good.yaml", "manifests/leeds/council.yml"):
        assert files.search(path), path
    elsewhere = ("standards/accessibility.yaml", "manifests/README.md", "tests/fixtures/mini/manifests/leeds/good.yaml")
    for path in elsewhere:
        assert not files.search(path), path
    assert re.compile(hooks["standards-lint"]["files"]).search("standards/patterns/gov-uk-notify.yaml")


@pytest.mark.slow
def test_valid_manifest_passes(hook_repo: Path, council_repo: Path, tmp_path: Path) -> None:
    code, output = _try_repo(hook_repo, council_repo, tmp_path, "standards-check", "manifests/leeds/good.yaml")
    assert code == 0, output
    assert re.search(r"check service manifests against the standards\.+Passed", output), output


@pytest.mark.slow
def test_broken_manifest_fails_with_its_position(hook_repo: Path, council_repo: Path, tmp_path: Path) -> None:
    code, output = _try_repo(
        hook_repo, council_repo, tmp_path, "standards-check", "manifests/leeds/broken.yaml", "standards/demo.yaml"
    )
    assert code == 1, output
    assert re.search(r"check service manifests against the standards\.+Failed", output), output
    assert re.search(r"^manifests/leeds/broken\.yaml:\d+:\d+: E203 \[error\] 'phase' must be one of", output, re.M), (
        output
    )
    assert "did you mean 'live'?" in output
    # The standard was filtered out by the hook's `files`, so only the manifest was checked.
    assert re.search(r"Checked 1 files?:", output), output


def test_restricted_hook_matches_restricted_files_only() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))}
    refuse = hooks["standards-restricted"]
    assert refuse["entry"] == "standards check --public"
    files = re.compile(refuse["files"])
    assert files.search("manifests/leeds/good.restricted.yaml")
    assert files.search("manifests/leeds/good.restricted.yml")
    assert not files.search("manifests/leeds/good.yaml")


@pytest.mark.slow
def test_restricted_file_staged_for_commit_is_refused(hook_repo: Path, council_repo: Path, tmp_path: Path) -> None:
    # A council's repository without the .gitignore line: the hook is what stops the file.
    restricted = council_repo / "manifests" / "leeds" / "good.restricted.yaml"
    restricted.write_text(
        "kind: RestrictedService\nschema_version: 1\nid: good\nsecurity:\n  mfa_for_admins: false\n", encoding="utf-8"
    )
    _git("add", "manifests/leeds/good.restricted.yaml", cwd=council_repo)
    try:
        # With neither --files nor --all-files, try-repo runs on what is staged, as a commit would.
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pre_commit",
                "try-repo",
                str(hook_repo),
                "standards-restricted",
                "--color",
                "never",
            ],
            cwd=council_repo,
            env=_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home")),
            capture_output=True,
            text=True,
            timeout=900,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert re.search(r"refuse restricted files\.+Failed", output), output
        assert (
            "manifests/leeds/good.restricted.yaml:1:1: E321 [error] good.restricted.yaml is a restricted file and "
            "must not be committed to a public repository or published"
        ) in output
        # The hook never reads the file, so nothing of it is printed.
        assert "mfa_for_admins" not in output
    finally:
        _git("rm", "--cached", "--quiet", "manifests/leeds/good.restricted.yaml", cwd=council_repo)
        restricted.unlink()


def test_gitignore_keeps_restricted_files_out() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "manifests/camden/parking-permits.restricted.yaml"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ignored.returncode == 0, ignored.stderr
    kept = subprocess.run(
        ["git", "check-ignore", "--no-index", "tests/fixtures/restricted/camden/parking-permits.restricted.yaml"],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert kept.returncode == 1, kept.stdout
