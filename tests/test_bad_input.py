"""Every mistake a council officer can make gets a clear, located error, and the other files are still checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks.loading import load_file, parse
from conftest import AS_OF, run_standards

VALID_HEAD = """kind: Service
schema_version: 1
id: broken
name: Broken service
channels: [web]
owner:
  team: Testing
privacy:
  handles_personal_data: false
"""

CASES = {
    "yaml-syntax": (VALID_HEAD + "phase: live\nurl: [unclosed\n", "E105", "12:1", "YAML syntax error"),
    "duplicate-key": (
        VALID_HEAD + "phase: live\nname: Again\n",
        "E106",
        "11:1",
        "duplicate key 'name' (first on line 4)",
    ),
    "unknown-field": (VALID_HEAD + "phase: live\nchanels: [web]\n", "E201", "11:1", "did you mean `channels`?"),
    "wrong-type": (VALID_HEAD + "phase: live\nlgsl: lots\n", "E204", "11:7", "'lgsl' should be a whole number"),
    "enum-misspelt": (VALID_HEAD + "phase: liev\n", "E203", "10:8", "did you mean 'live'?"),
    "yaml11-boolean": (
        VALID_HEAD + "phase: NO\n",
        "E203",
        "10:8",
        'YAML reads an unquoted NO as false; write it in quotes: "NO"',
    ),
    "yaml11-float-version": (
        VALID_HEAD + "phase: live\nconforms_to:\n  - standard: demo\n    version: 1.10\n",
        "E205",
        "13:14",
        'YAML reads 1.10 as a number; write it in quotes to keep it as text: "1.10"',
    ),
    "python-tag": (
        VALID_HEAD + "phase: !!python/object:os.system live\n",
        "E108",
        "10:8",
        "tag !!python/object:os.system is not allowed",
    ),
    "custom-tag": (VALID_HEAD + "phase: !Ref live\n", "E108", "10:8", "tag !Ref is not allowed"),
    "anchor": (VALID_HEAD + "phase: &p live\n", "E107", "10:8", "anchor &p is not allowed"),
    "empty": ("", "E104", "1:1", "file is empty"),
    "comments-only": ("# nothing yet\n", "E104", "1:1", "file is empty"),
    "not-a-mapping": ("- a\n- b\n", "E109", "1:1", "must be a mapping"),
    "two-documents": (VALID_HEAD + "phase: live\n---\nkind: Service\n", "E110", "11:1", "more than one YAML document"),
    "missing-field": (VALID_HEAD, "E202", "1:1", "missing required field 'phase'"),
    "unknown-standard": (
        VALID_HEAD + "phase: live\nconforms_to:\n  - standard: dmeo\n    version: 2\n",
        "E300",
        "12:15",
        "unknown standard 'dmeo'",
    ),
    "unknown-pattern": (
        VALID_HEAD + "phase: live\npatterns: [gov-uk-notfy]\n",
        "E301",
        "11:12",
        "did you mean 'gov-uk-notify'?",
    ),
    "unknown-requirement-evidence": (
        VALID_HEAD + "phase: live\nevidence:\n  DEMO-99:\n    status: met\n",
        "E303",
        "12:3",
        "evidence for unknown requirement 'DEMO-99'",
    ),
    "waiver-unknown-requirement": (
        VALID_HEAD + "phase: live\nwaivers:\n  - requirement: DEMO-42\n    reason: x\n    approved_by: y\n"
        "    expires: 2027-01-01\n",
        "E303",
        "12:18",
        "waiver for unknown requirement 'DEMO-42'",
    ),
    "id-not-file-name": (
        VALID_HEAD.replace("id: broken", "id: other") + "phase: live\n",
        "E304",
        "3:5",
        "id 'other' does not match the file name 'broken.yaml'",
    ),
    "unavailable-version": (
        VALID_HEAD + "phase: live\nconforms_to:\n  - standard: demo\n    version: 1\n",
        "E305",
        "13:14",
        "demo version 1 is not available: the standard is at 2.1.0",
    ),
    "bad-date": (
        VALID_HEAD + "phase: live\naccessibility:\n  last_audit: 2025-02-30\n",
        "E204",
        "12:15",
        "should be a date like 2025-03-31",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_manifest_is_reported_with_location_and_others_still_checked(name: str, mini_repo: Path, cli) -> None:
    text, code, where, words = CASES[name]
    (mini_repo / "manifests/leeds/broken.yaml").write_text(text, encoding="utf-8")
    run = cli("check", "--as-of", AS_OF, cwd=mini_repo)
    assert run.exit_code == 1
    assert f"manifests/leeds/broken.yaml:{where}: {code} [error]" in run.stdout, run.stdout
    assert words in run.stdout
    finding = run.stdout.split(f"broken.yaml:{where}: {code}", 1)[1].splitlines()
    assert finding[1].startswith("  help: ")
    # The good and failing manifests beside it were still checked.
    assert "manifests/leeds/failing.yaml:16:13: DEMO-04 [must]" in run.stdout
    assert "Checked 6 files: 4 services" in run.stdout and "1 invalid" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_unknown_council_folder(mini_repo: Path, cli) -> None:
    folder = mini_repo / "manifests/nowhere"
    folder.mkdir()
    (folder / "svc.yaml").write_text(VALID_HEAD.replace("id: broken", "id: svc") + "phase: live\n")
    run = cli("check", "--as-of", AS_OF, cwd=mini_repo)
    assert run.exit_code == 1
    assert "manifests/nowhere/svc.yaml:1:1: E302 [error] no council.yaml for council folder 'nowhere'" in run.stdout
    assert "failing.yaml:16:13: DEMO-04" in run.stdout


def test_every_error_in_a_file_is_reported_not_just_the_first(mini_repo: Path, cli) -> None:
    (mini_repo / "manifests/leeds/broken.yaml").write_text(
        VALID_HEAD + "phase: liev\nlgsl: lots\nchanels: [web]\n", encoding="utf-8"
    )
    run = cli("check", "--as-of", AS_OF, cwd=mini_repo)
    assert "broken.yaml:10:8: E203" in run.stdout
    assert "broken.yaml:11:7: E204" in run.stdout
    assert "broken.yaml:12:1: E201" in run.stdout


def test_non_utf8_bytes_are_located(mini_repo: Path, cli) -> None:
    (mini_repo / "manifests/leeds/broken.yaml").write_bytes(
        VALID_HEAD.encode() + b"phase: live\ndescription: caf\xe9 opening hours\n"
    )
    run = cli("check", "--as-of", AS_OF, cwd=mini_repo)
    assert "manifests/leeds/broken.yaml:11:17: E103 [error] byte 0xe9 is not valid UTF-8" in run.stdout
    assert "help: save the file as UTF-8" in run.stdout
    assert "failing.yaml:16:13: DEMO-04" in run.stdout


def test_ten_megabyte_file_is_refused_without_parsing(mini_repo: Path, cli) -> None:
    big = mini_repo / "manifests/leeds/broken.yaml"
    big.write_text(VALID_HEAD + "phase: live\ndescription: " + "x" * 10_000_000 + "\n")
    run = cli("check", "--as-of", AS_OF, cwd=mini_repo)
    assert "manifests/leeds/broken.yaml:1:1: E102 [error] file is 10.0 MB; files must be under 1.0 MB" in run.stdout
    assert "failing.yaml:16:13: DEMO-04" in run.stdout


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
        f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]"
        for i in range(8)
    ]
)


def _check_with_peak_memory(repo: Path, out: Path) -> tuple[int, str, int]:
    """`standards check` in a fresh process: exit code, output, and the peak RSS (KiB) of that run alone.

    wait4 reports the usage of the one child it reaps (with its own waited-for children), so an
    earlier, larger process in this test session cannot hide this one, as RUSAGE_CHILDREN's
    session-wide high-water mark would.
    """
    exe = Path(sys.executable).with_name("standards")
    with out.open("w") as stdout:
        command = [str(exe), "check", "--as-of", AS_OF]
        proc = subprocess.Popen(command, cwd=repo, stdout=stdout, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, out.read_text(), usage.ru_maxrss


def test_billion_laughs_is_rejected_at_once_in_bounded_memory(mini_repo: Path, tmp_path: Path) -> None:
    code, _, baseline = _check_with_peak_memory(mini_repo, tmp_path / "baseline.txt")
    assert code == 1
    (mini_repo / "manifests/leeds/broken.yaml").write_text(BILLION_LAUGHS)
    code, output, peak = _check_with_peak_memory(mini_repo, tmp_path / "laughs.txt")
    assert code == 1
    assert "manifests/leeds/broken.yaml:1:4: E107 [error] anchor &a is not allowed" in output
    assert "failing.yaml:16:13: DEMO-04" in output
    # A fully expanded document would need gigabytes; the check stays at the size of a normal run.
    assert peak < baseline + 50_000, f"peak {peak} KiB against {baseline} KiB for the same repository without it"


def test_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    doc = parse(f"kind: Service\nx: !!python/object/apply:os.system ['touch {marker}']\n")
    assert isinstance(doc, list) and doc[0].code == "E108"
    assert not marker.exists()


def test_symlink_outside_the_repository_is_not_followed(mini_repo: Path, tmp_path: Path, cli) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("kind: Service\n")
    os.symlink(secret, mini_repo / "manifests/leeds/link.yaml")
    run = cli("check", "--as-of", AS_OF, cwd=mini_repo)
    assert run.exit_code == 1
    assert "manifests/leeds/link.yaml:1:1: E111 [error] symlink points outside the repository" in run.stdout
    assert "failing.yaml:16:13: DEMO-04" in run.stdout


def test_missing_path_on_the_command_line_is_a_usage_error_but_the_rest_is_checked(mini_repo: Path, cli) -> None:
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/nope.yaml", "manifests/leeds/failing.yaml", cwd=mini_repo)
    assert run.exit_code == 2
    assert "manifests/leeds/nope.yaml:1:1: E100 [error] path does not exist" in run.stdout
    assert "failing.yaml:16:13: DEMO-04" in run.stdout


def test_bad_as_of_date_is_a_usage_error_without_traceback(mini_repo: Path) -> None:
    proc = run_standards("check", "--as-of", "31/03/2026", cwd=mini_repo)
    assert proc.returncode == 2
    assert "'31/03/2026' is not a date; use YYYY-MM-DD" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_loader_reads_a_valid_file(mini_repo: Path) -> None:
    doc = load_file(mini_repo / "manifests/leeds/good.yaml")
    assert not isinstance(doc, list)
    assert doc.data["accessibility"]["last_audit"].isoformat() == "2026-06-01"


def test_thousands_of_unknown_keys_are_reported_in_linear_time(mini_repo: Path, cli) -> None:
    import time

    body = VALID_HEAD + "phase: live\n" + "".join(f"unknown_{i}: {i}\n" for i in range(20_000))
    (mini_repo / "manifests/leeds/broken.yaml").write_text(body)
    start = time.monotonic()
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/broken.yaml", cwd=mini_repo)
    # A correctness bound, not a benchmark: the quadratic version took minutes here.
    assert time.monotonic() - start < 30
    assert run.stdout.count(" E201 [error] ") == 20_000
    assert "broken.yaml:20010:1: E201 [error] unknown field 'unknown_19999'" in run.stdout


def test_deep_nesting_is_refused_not_crashed(mini_repo: Path, cli) -> None:
    deep = "[" * 2000 + "]" * 2000
    (mini_repo / "manifests/leeds/broken.yaml").write_text(VALID_HEAD + f"phase: live\ndescription: {deep}\n")
    (mini_repo / "manifests/leeds/deeper.yaml").write_text("x: " + "{a: " * 40 + "1" + "}" * 40 + "\n")
    run = cli("check", "--as-of", AS_OF, cwd=mini_repo)
    assert run.exit_code == 1
    assert "manifests/leeds/broken.yaml" in run.stdout and "E112 [error]" in run.stdout
    assert "manifests/leeds/deeper.yaml:1:" in run.stdout and "nested more than 32 levels deep" in run.stdout
    assert "failing.yaml:16:13: DEMO-04" in run.stdout
