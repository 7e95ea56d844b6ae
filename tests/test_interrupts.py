"""Ctrl-C and SIGTERM in the middle of the work, as a terminal, a CI runner or systemd sends them.

Real subprocesses of the installed `standards` script, each in a new session, on a repository big
enough that the work is still going when the signal lands: sent once to the process alone and once to
its whole process group (what Ctrl-C in a terminal and most service managers do). Afterwards the exit
code says which signal it was, the target's folder holds exactly what it held before, the old output
is byte for byte the same, and no process of the session is left running.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import AS_OF, MINI, ROOT, run_standards
from registry.playbook.build import MARKER

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads processes from /proc")

STANDARDS = Path(sys.executable).with_name("standards")
COPIES = 2000  # above the parallel threshold, and a few seconds of work on two cores


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """MINI with thousands of services, the site's sources and an index to build the site from."""
    repo = tmp_path_factory.mktemp("interrupts") / "repo"
    shutil.copytree(MINI, repo)
    shutil.copytree(ROOT / "site", repo / "site", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    source = (repo / "manifests/leeds/failing.yaml").read_text()
    for i in range(COPIES):
        (repo / f"manifests/leeds/copy-{i:04d}.yaml").write_text(source.replace("id: failing", f"id: copy-{i:04d}"))
    built = run_standards("index", "build", "--as-of", AS_OF, "--output", "build/index.sqlite", cwd=repo)
    assert built.returncode == 0, built.stderr
    return repo


def _processes() -> list[tuple[int, str, int, int]]:
    """(pid, state, parent pid, session) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # it ended while we looked
            found.append((int(entry.name), fields[0], int(fields[1]), int(fields[3])))
    return found


def _session(session: int) -> list[tuple[int, str]]:
    return [(pid, state) for pid, state, _, sid in _processes() if sid == session]


def _old_index(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE yesterday (x)")
    conn.commit()
    conn.close()


def _old_site(path: Path) -> None:
    path.mkdir()
    (path / MARKER).write_text("built by `standards site build`\n")
    (path / "index.html").write_text("<h1>yesterday's site</h1>\n")


def _old_report(path: Path) -> None:
    path.write_text('{"yesterday": true}\n')


def _snapshot(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {".": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


# What is interrupted, how its old output is made, and whether worker processes show the work has begun.
COMMANDS: dict[str, tuple[Callable[[Path], list[str]], Callable[[Path], None], bool]] = {
    "check": (
        lambda target: ["check", "--as-of", AS_OF, "--jobs", "2", "--format", "json", "--output", str(target)],
        _old_report,
        True,
    ),
    "index build": (
        lambda target: ["index", "build", "--as-of", AS_OF, "--jobs", "2", "--output", str(target)],
        _old_index,
        True,
    ),
    "site build": (
        lambda target: ["site", "build", "--index", "build/index.sqlite", "--output", str(target)],
        _old_site,
        False,
    ),
}


def _wait_until_working(proc: subprocess.Popen[str], folder: Path, before: set[str], workers: bool) -> None:
    """Until a temporary output has appeared beside the target (and, for a parallel run, workers exist)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = set(os.listdir(folder)) != before
        if started and (not workers or any(parent == proc.pid for _, _, parent, _ in _processes())):
            return
        assert proc.poll() is None, f"finished before it could be interrupted: {proc.communicate()}"
        time.sleep(0.01)
    pytest.fail("the work never visibly started")


@pytest.mark.parametrize("to_group", [False, True], ids=["to the process", "to the process group"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_interrupt_mid_work_leaves_the_old_output_and_nothing_else(
    big_repo: Path, tmp_path: Path, command: str, signum: signal.Signals, to_group: bool
) -> None:
    arguments, make_old, workers = COMMANDS[command]
    target = tmp_path / "out" / "target"
    target.parent.mkdir()
    make_old(target)
    old, before = _snapshot(target), set(os.listdir(target.parent))
    proc = subprocess.Popen(
        [str(STANDARDS), *arguments(target)],
        cwd=big_repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # As a terminal starts it: a shell's background job (`pytest &`) hands on SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        _wait_until_working(proc, target.parent, before, workers)
        (os.killpg if to_group else os.kill)(proc.pid, signum)
        try:
            _, stderr = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running 15 s after {signum.name}: {_session(proc.pid)}")
        left = [(pid, state) for pid, state in _session(proc.pid) if state != "Z"]
    finally:
        for pid, _ in _session(proc.pid):  # whatever a failure left running, by id (workers have groups of their own)
            os.kill(pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == 128 + signum, stderr
    assert not left, f"worker processes outlived the command: {left}"
    assert sorted(os.listdir(target.parent)) == sorted(before), "temporary files or folders were left behind"
    assert _snapshot(target) == old
    assert "Traceback" not in stderr


def test_a_usage_error_leaves_the_output_file_untouched(mini_repo: Path, tmp_path: Path) -> None:
    report = tmp_path / "reports" / "report.json"
    report.parent.mkdir()
    _old_report(report)
    mode = report.stat().st_mode
    proc = run_standards(
        "check", "--as-of", AS_OF, "--output", str(report), "manifests/leeds/good.yaml", "manifests/nope.yaml",
        cwd=mini_repo,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "manifests/nope.yaml:1:1: E100 [error] path does not exist" in proc.stderr
    assert f"error: {report} was not written" in proc.stderr
    assert report.read_text() == '{"yesterday": true}\n' and report.stat().st_mode == mode
    assert os.listdir(report.parent) == ["report.json"]
