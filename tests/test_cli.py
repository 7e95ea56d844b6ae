"""The command line as a user meets it: help, wrong use, and the real console script."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import AS_OF, MINI, ROOT, run_standards


def test_help_lists_the_commands() -> None:
    proc = run_standards("--help", cwd=MINI)
    assert proc.returncode == 0
    assert "check" in proc.stdout and "schema" in proc.stdout


def test_unknown_format_is_a_usage_error() -> None:
    proc = run_standards("check", "--format", "yaml", cwd=MINI)
    assert proc.returncode == 2
    assert "Invalid value for '--format'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_real_console_script_reports_and_sets_exit_code() -> None:
    proc = run_standards("check", "--as-of", AS_OF, cwd=MINI)
    assert proc.returncode == 1
    assert proc.stdout.startswith("manifests/leeds/failing.yaml:13:15: DEMO-02 [should]")
    assert "\x1b[" not in proc.stdout  # no colour codes when not on a terminal


def test_parallel_and_serial_runs_agree(tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(MINI, repo)
    source = (repo / "manifests/leeds/failing.yaml").read_text()
    for i in range(450):  # above the threshold at which work is spread across processes
        (repo / f"manifests/leeds/copy-{i:03d}.yaml").write_text(source.replace("id: failing", f"id: copy-{i:03d}"))
    serial = run_standards("check", "--as-of", AS_OF, "--format", "json", "--jobs", "1", cwd=repo)
    parallel = run_standards("check", "--as-of", AS_OF, "--format", "json", "--jobs", "2", cwd=repo)
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout


def test_an_index_is_never_renamed_over_a_pipe_or_folder(tmp_path: Path) -> None:
    # A FIFO stands in for /dev/null: renaming the new index over it would replace the device.
    fifo = tmp_path / "index.pipe"
    os.mkfifo(fifo)
    for output in (fifo, tmp_path):
        proc = run_standards("index", "build", "--as-of", AS_OF, "--output", str(output), cwd=MINI)
        assert proc.returncode == 2
        assert f"error: could not use {output}: not a regular file" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert fifo.is_fifo()


def test_unwritable_output_is_a_clear_usage_error(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    for args in (
        ("check", "--as-of", AS_OF, "--output", str(blocked / "report.json")),
        ("schema", "--out", str(blocked / "schemas")),
        ("index", "build", "--as-of", AS_OF, "--output", str(blocked / "index.sqlite")),
    ):
        proc = run_standards(*args, cwd=MINI)
        assert proc.returncode == 2, args
        assert f"error: could not use {blocked}" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_commands_reading_an_index_never_overwrite_a_file_that_is_not_one(tmp_path: Path) -> None:
    # `site build --index /etc/passwd` once replaced the file with a fresh index, as if damaged.
    other = tmp_path / "passwd"
    other.write_text("root:x:0:0:root:/root:/bin/bash\n")
    for cwd, args in (
        (MINI, ("index", "build", "--as-of", AS_OF, "--output", str(other))),
        (ROOT, ("site", "build", "--index", str(other), "--output", str(tmp_path / "site"))),
        (MINI, ("serve", "--index", str(other), "--port", "1")),
    ):
        proc = run_standards(*args, cwd=cwd)
        assert proc.returncode == 2, (args, proc.stderr)
        assert f"error: could not use {other}: exists and is not an index" in proc.stderr, args
        assert "give a path that does not exist yet" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert other.read_text() == "root:x:0:0:root:/root:/bin/bash\n", args
