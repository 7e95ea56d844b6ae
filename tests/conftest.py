from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import checks.runner
from registry.cli import app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
# The public reference data (DEVELOPERS.md): beside the project, as in CI, or where STANDARDS_SHARED_DATA
# says (the benchmarks read the same variable).
SHARED_DATA = Path(os.environ.get("STANDARDS_SHARED_DATA") or ROOT.parent / "shared" / "data")
AS_OF = "2026-11-01"


IN_CI = os.environ.get("CI") == "true"
CHROMIUM = Path("/usr/bin/chromium")
NODE_MODULES = ROOT / "node_modules"
NPM_CI = "run `npm ci` in the project root (`make test` does, given npm)"


def require(what: Path | str, how: str) -> Path:
    """`what`, which something outside the Python packages provides; `how` says what provides it.

    `what` is a path, or the name of a command looked up on PATH. A clone on a developer's
    machine may lack it (no reference data beside it, no `npm ci` yet, no Chromium): the test
    is skipped there, saying how to get it. In CI (CI=true), where `.ci/run` provides
    everything, a missing piece fails the test instead of hiding it. Every test that needs
    something from outside goes through here: nothing else in tests/ may skip.
    """
    if isinstance(what, str):
        found = shutil.which(what)
        path = Path(found) if found else None
        missing = f"`{what}` is not on PATH: {how}"
    else:
        path = what if what.exists() else None
        missing = f"{what} is missing: {how}"
    if path is None:
        if IN_CI:
            pytest.fail(missing)
        pytest.skip(missing)
    return path


def shared_data(name: str) -> Path:
    """A file of the public reference data; the pull-request workflow fetches the same files."""
    return require(
        SHARED_DATA / name,
        "the public reference data is read from ../shared/data beside the project "
        "(or the folder STANDARDS_SHARED_DATA names)",
    )


def chromium() -> Path:
    return require(CHROMIUM, "install Debian's chromium (`apt-get install chromium`; .ci/run does)")


def pytest_configure(config: pytest.Config) -> None:
    # A golden file rewritten by the run that compares with it cannot fail.
    if IN_CI and os.environ.get("UPDATE_GOLDEN"):
        raise pytest.UsageError("UPDATE_GOLDEN is set in CI: golden files would be rewritten, not compared")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI a skipped test is a failed one, however it was skipped: nothing is hidden there."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (CI=true), where every test must run: {reason}"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files a run judged afresh (not served from the cache), in order: check_target's calls."""
    seen: list[str] = []
    real = checks.runner.check_target

    def counting(target, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(target.display)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(checks.runner, "check_target", counting)
    return seen


@pytest.fixture
def mini_repo(tmp_path: Path) -> Path:
    """A private copy of the small fixture repository, safe to break."""
    target = tmp_path / "repo"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run `standards` in-process from a given folder."""

    def run(*args: str, cwd: Path) -> Run:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(app, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def run_standards(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed console script as a user would, in a real subprocess."""
    exe = Path(sys.executable).with_name("standards")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the shipped standards and sample manifests, judged at AS_OF."""
    import datetime as dt

    from registry.index.build import build_index

    path = tmp_path_factory.mktemp("index") / "index.sqlite"
    build_index(ROOT, path, dt.date.fromisoformat(AS_OF), jobs=1)
    return path


@pytest.fixture(scope="session")
def generated_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A registry of 300 generated service manifests (benchmarks/generate.py), read-only: copy it to change it."""
    tree = tmp_path_factory.mktemp("generated")
    generate = [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--count", "300", "--out", str(tree)]
    subprocess.run(generate, check=True, capture_output=True)
    return tree


@pytest.fixture
def api(shipped_index: Path):
    """A TestClient over the shipped index."""
    from fastapi.testclient import TestClient

    from registry.api.app import create_app

    with TestClient(create_app(shipped_index)) as client:
        yield client
