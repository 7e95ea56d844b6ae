"""A whole run remembered (checks/run_memo.py, registry/entry.py): an unchanged register is answered with
the report and exit code of the run that last checked it, without loading the command line; anything
changed, another option, or a damaged memo runs in full. In real Git repositories, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checks import run_memo
from conftest import AS_OF, MINI
from gitrepo import edit, init_repo

# As the console script runs: registry.entry's main, its imports timed so a test can see what was loaded.
ENTRY = "import sys; from registry.entry import main; sys.argv[0] = 'standards'; main()"


def _standards(repo: Path, *args: str) -> tuple[int, str, bool]:
    """Exit code, stdout, and whether the full command line (Typer) was loaded."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", ENTRY.replace("main()", f"sys.argv[1:] = {list(args)!r}; main()")],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    return proc.returncode, proc.stdout, " typer" in proc.stderr


def _settle() -> None:
    # A file changed within RACY_SECONDS of a run may change again unseen; such a run is not remembered.
    time.sleep(run_memo.RACY_SECONDS + 0.1)


def _memos(repo: Path) -> list[Path]:
    folder = repo / run_memo.MEMO_FOLDER
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


@pytest.fixture(scope="module")
def remembered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """A Git work tree whose text report at AS_OF is remembered, with that report and its exit code."""
    repo = init_repo(tmp_path_factory.mktemp("memo") / "repo", MINI)
    _settle()
    code, first, full = _standards(repo, "check", "--as-of", AS_OF)  # makes build/cache/: nothing remembered yet
    assert full and _memos(repo) == []
    code, second, full = _standards(repo, "check", "--as-of", AS_OF)
    assert full and len(_memos(repo)) == 1 and second == first
    return repo, code, second


def test_an_unchanged_register_is_answered_without_loading_the_command_line(remembered: tuple[Path, int, str]) -> None:
    repo, code, report = remembered
    again = _standards(repo, "check", "--as-of", AS_OF)
    assert again == (code, report, False)
    cold = _standards(repo, "check", "--as-of", AS_OF, "--no-cache")
    assert cold == (code, report, True)
    assert code == 1 and "DEMO-01 [must]" in report  # the mini repository fails a must


@pytest.mark.parametrize(
    "options",
    [["--format", "json"], ["--fail-on", "should"], ["--public"], ["--as-of", "2027-06-01"], ["manifests/leeds"]],
)
def test_other_options_are_never_given_the_remembered_report(
    remembered: tuple[Path, int, str], options: list[str]
) -> None:
    repo = remembered[0]
    as_of = [] if "--as-of" in options else ["--as-of", AS_OF]
    code, out, full = _standards(repo, "check", *as_of, *options)
    assert full
    assert (code, out) == _standards(repo, "check", *as_of, *options, "--no-cache")[:2]


def test_a_changed_added_or_removed_file_is_checked_again(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo", MINI)
    _settle()
    for _ in range(2):
        _standards(repo, "check", "--as-of", AS_OF)
    assert len(_memos(repo)) == 1
    changes = [
        lambda: edit(repo / "manifests/leeds/failing.yaml", "name:", "name: Renamed\nold_name:"),
        lambda: (repo / "manifests/leeds/extra.yaml").write_text(
            (repo / "manifests/leeds/good.yaml").read_text(encoding="utf-8").replace("id: ", "id: extra-", 1)
        ),
        lambda: (repo / "manifests/leeds/good.yaml").unlink(),
        lambda: edit(repo / "standards/demo.yaml", "title:", "title: Changed\nx_title:"),
    ]
    for change in changes:
        change()
        code, out, full = _standards(repo, "check", "--as-of", AS_OF)
        assert full, "a changed register was answered from memory"
        assert (code, out) == _standards(repo, "check", "--as-of", AS_OF, "--no-cache")[:2]
    assert len(_memos(repo)) == 1, "a run whose files had just changed was remembered"


def test_a_damaged_memo_is_ignored_and_written_again(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo", MINI)
    _settle()
    for _ in range(2):
        code, report, _ = _standards(repo, "check", "--as-of", AS_OF)
    [memo] = _memos(repo)
    memo.write_bytes(memo.read_bytes()[: len(memo.read_bytes()) // 2])  # cut short, as a full disk leaves it
    assert _standards(repo, "check", "--as-of", AS_OF) == (code, report, True)
    assert _standards(repo, "check", "--as-of", AS_OF) == (code, report, False)
    memo.write_bytes(b"nonsense")
    assert _standards(repo, "check", "--as-of", AS_OF) == (code, report, True)


def test_the_key_covers_the_tools_own_code(tmp_path: Path) -> None:
    code = tmp_path / "code"
    (code / "__pycache__").mkdir(parents=True)
    (code / "rules.py").write_text("A = 1\n")
    root = tmp_path / "repo"
    (root / "manifests").mkdir(parents=True)
    key = run_memo.fingerprint(root, ["x"], [code])[0]
    (code / "__pycache__" / "rules.cpython-311.pyc").write_bytes(b"compiled")
    assert run_memo.fingerprint(root, ["x"], [code])[0] == key  # compiled files are not the code
    (code / "rules.py").write_text("A = 2\n")
    assert run_memo.fingerprint(root, ["x"], [code])[0] != key
    assert run_memo.fingerprint(root, ["y"], [code])[0] != run_memo.fingerprint(root, ["x"], [code])[0]


def test_the_key_sees_every_change_a_listing_can_miss(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "manifests" / "leeds").mkdir(parents=True)
    (root / "manifests" / "york").mkdir()
    service = root / "manifests" / "leeds" / "a.yaml"
    service.write_text("name: A\n")
    keys = [run_memo.fingerprint(root, ["x"], [])[0]]

    def changed() -> bool:
        keys.append(run_memo.fingerprint(root, ["x"], [])[0])
        return keys[-1] != keys[-2]

    before = service.stat()
    service.write_text("name: B\n")  # same size, its times put back: only the change time tells
    os.utime(service, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert changed()
    service.rename(root / "manifests" / "york" / "a.yaml")  # the same name in another council
    assert changed()
    (root / "manifests" / "york" / "b").mkdir()  # an empty folder
    assert changed()
    (root / "manifests" / "__pycache__").mkdir()  # compiled Python is no input
    assert not changed()
    (root / "standards.toml").write_text("")
    assert changed()


def test_a_file_removed_just_now_makes_the_listing_unsettled(tmp_path: Path) -> None:
    """A removal leaves no file with a new time, but its folder's: a run right after one is not remembered."""
    (tmp_path / "manifests" / "leeds").mkdir(parents=True)
    (tmp_path / "manifests" / "leeds" / "a.yaml").write_text("name: A\n")
    time.sleep(0.3)  # the times left by writing the file fall well before the removal's
    removed = time.time_ns()
    (tmp_path / "manifests" / "leeds" / "a.yaml").unlink()
    assert run_memo.fingerprint(tmp_path, ["x"], [])[1] > removed - 100_000_000  # a clock tick's leeway


def test_a_run_at_today_s_date_is_remembered_too(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo", MINI)
    _settle()
    for _ in range(2):
        code, report, _ = _standards(repo, "check")
    assert _standards(repo, "check") == (code, report, False)
    assert _standards(repo, "check", "--as-of", time.strftime("%Y-%m-%d")) == (code, report, False)


def test_a_reader_that_goes_away_ends_the_run_quietly(remembered: tuple[Path, int, str]) -> None:
    """`standards check | head`: exit 1 and nothing on stderr, remembered or not (click's own handling)."""
    repo = remembered[0]
    for extra in ([], ["--no-cache"]):
        read, write = os.pipe()
        os.close(read)  # gone before the first write
        with os.fdopen(write, "wb") as stdout:
            proc = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    ENTRY.replace("main()", f"sys.argv[1:] = {['check', '--as-of', AS_OF, *extra]!r}; main()"),
                ],
                cwd=repo,
                stdout=stdout,
                stderr=subprocess.PIPE,
                text=True,
                timeout=300,
                check=False,
            )
        assert (proc.returncode, proc.stderr) == (1, ""), extra


def test_the_entry_reads_the_formats_and_levels_check_takes() -> None:
    from registry.cli.check import FailOn, Format

    assert {f.value for f in Format} == run_memo.FORMATS
    assert {f.value for f in FailOn} == run_memo.FAIL_ON
