"""`standards check --profile`: where the time goes, summed over every process, and nothing else changed."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from checks import profile as profiling
from checks.profile import PHASES, Profile
from conftest import AS_OF, MINI, run_standards

_ROW = re.compile(r"^  (?P<name>.+?) +(?P<seconds>\d+\.\d\d) s +(?P<share>\d+\.\d)%$")


def _rows(stderr: str) -> dict[str, float]:
    return {m["name"]: float(m["seconds"]) for m in map(_ROW.match, stderr.splitlines()) if m}


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_nested_phase_is_taken_out_of_the_one_around_it() -> None:
    profile = Profile()
    with profile._timed("rules"):
        _spin(0.02)
        with profile._timed("positions"):
            _spin(0.05)
    assert profile.seconds["positions"] >= 0.05
    # Counted once: rules holds only its own 0.02 s, not the 0.05 s of positions inside it.
    assert 0.02 <= profile.seconds["rules"] < 0.05


def test_phases_cost_nothing_and_record_nothing_when_off() -> None:
    assert profiling.active() is None
    assert profiling.phase("parse") is profiling.phase("rules")  # one shared do-nothing context


def test_workers_send_their_phases_to_the_parent(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo)
    source = (repo / "manifests/leeds/failing.yaml").read_text()
    for i in range(450):  # above the threshold at which work is spread across processes
        (repo / f"manifests/leeds/copy-{i:03d}.yaml").write_text(source.replace("id: failing", f"id: copy-{i:03d}"))
    plain = run_standards("check", "--as-of", AS_OF, "--format", "json", "--jobs", "2", cwd=repo)
    profiled = run_standards("check", "--as-of", AS_OF, "--format", "json", "--jobs", "2", "--profile", cwd=repo)
    assert profiled.returncode == plain.returncode == 1
    assert profiled.stdout == plain.stdout  # the report is untouched; the split goes to stderr
    rows = _rows(profiled.stderr)
    assert list(rows) == ["start-up (interpreter, imports)", *PHASES, "other"]
    # The 451 files were parsed and judged in the workers only: without their figures these are 0.00.
    assert rows["parse"] > 0 and rows["rules"] > 0 and rows["validate"] > 0
    assert profiled.stderr.startswith("profile: ")
    assert "in this process and 2 workers" in profiled.stderr


def test_profiling_stops_with_the_run(mini_repo: Path, cli) -> None:
    run = cli("check", "--as-of", AS_OF, "--jobs", "1", "--profile", cwd=mini_repo)
    assert run.exit_code == 1
    assert "profile: " in run.stderr and "in one process" in run.stderr
    # In-process (the API, the tests): a later run is not profiled, and pays nothing for it.
    assert profiling.active() is None
