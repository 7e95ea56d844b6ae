from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from registry.cli import app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
# The public reference data (DEVELOPERS.md): beside the project, as in CI, or where STANDARDS_SHARED_DATA
# says (the benchmarks read the same variable).
SHARED_DATA = Path(os.environ.get("STANDARDS_SHARED_DATA") or ROOT.parent / "shared" / "data")
AS_OF = "2026-11-01"


def require(path: Path, how: str) -> Path:
    """`path`, which something outside the Python packages provides; `how` says what provides it.

    A clone on a developer's machine may lack it (no reference data beside it, no `npm ci` yet,
    no Chromium): the test is skipped there, saying how to get it. In CI (CI=true), where
    `.ci/run` provides everything, a missing piece fails the test instead of hiding it.
    """
    if not path.exists():
        message = f"{path} is missing: {how}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def shared_data(name: str) -> Path:
    return require(
        SHARED_DATA / name,
        "the public reference data is read from ../shared/data beside the project "
        "(or the folder STANDARDS_SHARED_DATA names)",
    )


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


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

    from registry.index import build_index

    path = tmp_path_factory.mktemp("index") / "index.sqlite"
    build_index(ROOT, path, dt.date.fromisoformat(AS_OF), jobs=1)
    return path


@pytest.fixture
def api(shipped_index: Path):
    """A TestClient over the shipped index."""
    from fastapi.testclient import TestClient

    from registry.api import create_app

    with TestClient(create_app(shipped_index)) as client:
        yield client
