"""A council's own repository: only `manifests/<council>/`, checked by this registry's hook and action.

A fresh Git repository holds Camden's council.yaml and two of its services, copied from the
registry (real register entries). The real `pre-commit try-repo` installs this repository's hook
(from a snapshot of the working tree, as tests/test_precommit.py does) and the action's steps run
from scripts/action.sh, as action.yml runs them. Both must find exactly what `standards check`
finds for the same files inside the registry, with no standards of the council's own: the
standards travel in the package. Both judge at today's date, as the hook cannot take `--as-of`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_precommit import _env, hook_repo  # noqa: F401 (hook_repo is a fixture used here)

from conftest import ROOT, require, run_standards
from gitrepo import commit_all, edit, git
from registry import __version__

TRY_REPO_OPTIONS = ("--color", "never", "--all-files", "--verbose")
COUNCIL = "camden"
SERVICES = ("parking-permits.yaml", "report-a-street-problem.yaml")
PATHS = [f"manifests/{COUNCIL}/{name}" for name in SERVICES]
# A finding and its help line, as the text report prints them.
FINDING = re.compile(r"^manifests/\S+:\d+:\d+: [A-Z]+-?\d+ \[\w+\] .*$|^  help: .*$", re.MULTILINE)


@pytest.fixture(scope="module", autouse=True)
def _git_is_installed() -> None:
    require("git", "the council's repository is a real Git repository: install git (.ci/run does)")


def _council_repository(path: Path) -> Path:
    folder = path / "manifests" / COUNCIL
    folder.mkdir(parents=True)
    for name in ("council.yaml", *SERVICES):
        shutil.copy(ROOT / "manifests" / COUNCIL / name, folder / name)
    git(path, "init", "-q", "-b", "main")
    commit_all(path, "our services")
    return path


@pytest.fixture
def council_repo(tmp_path: Path) -> Path:
    return _council_repository(tmp_path / "council")


def _findings(output: str) -> list[str]:
    return FINDING.findall(output)


def _in_the_registry(*paths: str) -> tuple[int, list[str]]:
    run = run_standards("check", *paths, cwd=ROOT)
    found = _findings(run.stdout)
    assert found, "the services chosen must have findings, or the comparison shows nothing"
    return run.returncode, found


def _action_check(workspace: Path, tmp_path: Path, **inputs: str) -> tuple[int, str, str]:
    """`scripts/action.sh check` as the action's check step runs it, with the suite's `standards`."""
    runner_temp = tmp_path / "runner-temp"
    venv_bin = runner_temp / "standards-venv" / "bin"
    if not venv_bin.exists():
        venv_bin.mkdir(parents=True)
        (venv_bin / "standards").symlink_to(Path(sys.executable).with_name("standards"))
    output, summary = tmp_path / "github-output", tmp_path / "step-summary"
    output.write_text("")
    summary.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GIT_"))}
    env |= {"ACTION_PATH": str(ROOT), "RUNNER_TEMP": str(runner_temp), "CI": "true"}
    env |= {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "FORMAT": "text"}
    env |= {name.upper(): value for name, value in inputs.items()}
    run = subprocess.run(
        ["bash", str(ROOT / "scripts" / "action.sh"), "check"],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert output.read_text() == f"exit-code={run.returncode}\n"
    return run.returncode, run.stdout + run.stderr, summary.read_text()


@pytest.mark.slow
def test_the_hook_finds_what_the_registry_finds(hook_repo: Path, tmp_path: Path) -> None:  # noqa: F811
    council = _council_repository(tmp_path / "council")
    run = subprocess.run(
        # --verbose: the report is shown whether the hook passes or fails.
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "standards-check", *TRY_REPO_OPTIONS],
        cwd=council,
        env=_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home")),
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = run.stdout + run.stderr
    code, expected = _in_the_registry(*PATHS)
    assert "E303" not in output and "E300" not in output, output  # the standards came with the hook
    assert _findings(output) == expected, output
    assert run.returncode == code, output
    verdict = "Failed" if code else "Passed"
    assert re.search(rf"check service manifests against the standards\.+{verdict}", output), output
    assert re.search(r"Checked 3 files:", output), output  # council.yaml and the two services


def test_the_action_finds_what_the_registry_finds(council_repo: Path, tmp_path: Path) -> None:
    code, output, summary = _action_check(council_repo, tmp_path)
    expected_code, expected = _in_the_registry(*PATHS)
    assert f"Using the standards this version of the action ships (standards {__version__})" in output
    assert _findings(output) == expected, output
    assert code == expected_code
    assert summary.startswith("## Standards check")
    assert git(council_repo, "status", "--porcelain") == "", "the action leaves the repository as it was"


def test_changed_since_checks_only_what_changed(council_repo: Path, tmp_path: Path) -> None:
    changed = council_repo / PATHS[1]
    edit(changed, "name: ", "name: Resident ")
    _, output, _ = _action_check(council_repo, tmp_path, changed_since="HEAD")
    assert re.search(r"^Checked 1 file:", output, re.MULTILINE), output
    assert {line.split(":")[0] for line in _findings(output) if not line.startswith("  ")} == {PATHS[1]}
    commit_all(council_repo, "rename the service")
    _, output, _ = _action_check(council_repo, tmp_path, changed_since="HEAD~1")
    assert re.search(r"^Checked 1 file:", output, re.MULTILINE), output
    # Naming another release of the standards may change every result: everything is checked.
    (council_repo / "standards.toml").write_text(f'release = "{__version__}"\n')
    _, output, _ = _action_check(council_repo, tmp_path, changed_since="HEAD")
    assert "Using the standards release standards.toml names" in output
    assert re.search(r"^Checked 3 files:", output, re.MULTILINE), output  # council.yaml too


def test_the_action_says_what_is_wrong_with_a_council_repository(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q", "-b", "main")
    code, output, summary = _action_check(empty, tmp_path, format="github")
    assert code == 2
    assert "::error file=manifests/,line=1,col=1,title=E116" in output, output
    assert summary == ""
    council = _council_repository(tmp_path / "council")
    code, output, _ = _action_check(council, tmp_path, standards_release="0.0.0-nothing")
    assert code == 2
    assert "error: --standards-release: no standards release '0.0.0-nothing'" in output
