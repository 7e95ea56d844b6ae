"""Standards releases that travel with the tool (checks/data/releases.json), on real Git repositories.

The packaged file must say what Git history says; a pin resolves from it where there is no
history (a council's repository, a copy, a shallow clone); a council's repository may name a
release in standards.toml or with --standards-release; and each wrong name is a located message.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checks import releases as releases_module
from checks.history import HistoryError
from checks.releases import DATA_FILE, PackagedReleases, build_document, dumps
from conftest import AS_OF, MINI, ROOT, run_standards
from gitrepo import ENV, commit_all, edit, git, init_repo

PACKAGED = ROOT / "checks" / "data" / DATA_FILE


# --- the packaged file is what Git history says ------------------------------


def test_the_packaged_releases_are_what_git_history_says() -> None:
    if (ROOT / ".git").is_file() or (ROOT / ".git").is_dir():
        shallow = subprocess.run(
            ["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        assert shallow.stdout.strip() == "false", "the releases are built from the whole history: git fetch --unshallow"
    expected = dumps(build_document(ROOT))
    assert PACKAGED.read_text(encoding="utf-8") == expected, (
        f"{PACKAGED.relative_to(ROOT)} is out of date: run `make releases` and commit it"
    )


def test_the_packaged_versions_are_the_ones_standards_versions_lists() -> None:
    packaged = json.loads(PACKAGED.read_text(encoding="utf-8"))
    own = sorted(p.stem for p in (ROOT / "standards").glob("*.yaml"))
    assert sorted(packaged["standards"]) == own
    for standard_id, versions in packaged["standards"].items():
        listed = json.loads(run_standards("versions", standard_id, "--json", cwd=ROOT).stdout)
        assert [(v["version"], v["commit"], v["date"], v["author"]) for v in listed] == [
            (v["version"], v["commit"], v["date"], v["author"]) for v in versions
        ], standard_id
    (head,) = [r for r in packaged["releases"] if r["name"] == packaged["tool_release"]]
    assert sorted(head["standards"]) == own
    assert sorted(head["patterns"]) == sorted(p.stem for p in (ROOT / "standards" / "patterns").glob("*.yaml"))


def test_the_script_checks_and_refuses_a_shallow_clone(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "build_releases.py"
    check = subprocess.run(
        [sys.executable, str(script), "--check"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert check.returncode == 0, check.stderr
    repo = _registry(tmp_path / "registry")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], env=ENV, check=True)
    with pytest.raises(HistoryError, match=r"git fetch --unshallow"):
        build_document(clone)


# --- a registry with two releases -------------------------------------------------

PYPROJECT = '[project]\nname = "registry"\nversion = "{}"\n'


def _registry(path: Path) -> Path:
    """Release 0.1.0 shipped demo 2.1.0; release 0.2.0 ships demo 3.0.0 (DEMO-02 raised to a must).

    A release is the last commit that had its version in pyproject.toml: what the tool built at
    that version last carried.
    """
    shutil.copytree(MINI, path)
    (path / "pyproject.toml").write_text(PYPROJECT.format("0.1.0"))
    git(path, "init", "-q", "-b", "main")
    commit_all(path, "release 0.1.0", date="2026-01-05T10:00:00+00:00")
    (path / "pyproject.toml").write_text(PYPROJECT.format("0.2.0"))
    commit_all(path, "start 0.2.0", date="2026-03-01T08:00:00+00:00")
    std = path / "standards" / "demo.yaml"
    edit(std, "version: 2.1.0", "version: 3.0.0")
    edit(
        std,
        "title: Audit within the last year\n    level: should",
        "title: Audit within the last year\n    level: must",
    )
    commit_all(path, "demo 3.0.0", date="2026-03-01T09:00:00+00:00")
    return path


@pytest.fixture
def released(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PackagedReleases:
    """The tool as if built from that registry: its packaged releases are the registry's."""
    document = json.loads(dumps(build_document(_registry(tmp_path / "registry"))))
    found = PackagedReleases.from_document(document)
    monkeypatch.setattr(releases_module, "packaged", lambda: found)
    monkeypatch.setattr("checks.repository.packaged", lambda: found)
    return found


def test_each_version_of_the_tool_is_a_release(released: PackagedReleases) -> None:
    assert released.tool_release == "0.2.0"
    assert released.names() == ["0.1.0", "0.2.0"]
    assert dict(released.releases["0.1.0"].standards) == {"demo": "2.1.0"}
    assert dict(released.releases["0.2.0"].standards) == {"demo": "3.0.0"}
    assert [v.version for v in released.versions("demo")] == ["2.1.0", "3.0.0"]
    assert [p.id for p in released.patterns_of(released.releases["0.1.0"])] == ["gov-uk-notify"]


def _council(path: Path, *services: str) -> Path:
    """A council's repository: manifests/leeds/ only (no standards/), not even a Git repository."""
    (path / "manifests" / "leeds").mkdir(parents=True)
    for name in ("council", *services):
        shutil.copy(MINI / "manifests" / "leeds" / f"{name}.yaml", path / "manifests" / "leeds")
    return path


def test_a_pin_resolves_without_git_history(released: PackagedReleases, tmp_path: Path, cli) -> None:
    council = _council(tmp_path / "council", "good")
    run = cli("check", "--as-of", AS_OF, cwd=council)
    assert "good.yaml:13:14: W001 [warning] checked against demo 2.1.0 as pinned; the current version is 3.0.0" in (
        run.stdout
    )
    judged = json.loads(cli("check", "--as-of", AS_OF, "--format", "json", cwd=council).stdout)
    (good,) = [f for f in judged["files"] if f["path"] == "manifests/leeds/good.yaml"]
    assert {s["standard"]: s["version"] for s in good["standards"]} == {"demo": "2.1.0"}
    edit(council / "manifests/leeds/good.yaml", "version: 2", "version: 3")
    run = cli("check", "--as-of", AS_OF, cwd=council)
    assert "W001" not in run.stdout and "Checked 2 files" in run.stdout


def test_standards_toml_names_the_release(released: PackagedReleases, tmp_path: Path, cli) -> None:
    council = _council(tmp_path / "council", "good")
    (council / "standards.toml").write_text('# the standards we are checked against\nrelease = "0.1.0"\n')
    run = cli("check", "--as-of", AS_OF, "--format", "json", cwd=council)
    (good,) = [f for f in json.loads(run.stdout)["files"] if f["path"] == "manifests/leeds/good.yaml"]
    assert good["warnings"] == []  # 2.1.0 is that release's current version
    assert {s["standard"]: s["version"] for s in good["standards"]} == {"demo": "2.1.0"}
    # The command line wins over the file.
    run = cli("check", "--as-of", AS_OF, "--format", "json", "--standards-release", "0.2.0", cwd=council)
    (good,) = [f for f in json.loads(run.stdout)["files"] if f["path"] == "manifests/leeds/good.yaml"]
    assert [w["code"] for w in good["warnings"]] == ["W001"]


def test_a_release_that_does_not_exist_is_placed_in_standards_toml(
    released: PackagedReleases, tmp_path: Path, cli
) -> None:
    council = _council(tmp_path / "council", "good")
    (council / "standards.toml").write_text('\nrelease   = "0.3.0"\n')
    run = cli("check", "--as-of", AS_OF, cwd=council)
    assert run.exit_code == 2
    assert "standards.toml:2:13: E315 [error] no standards release '0.3.0'" in run.stdout
    assert "help: name one this version of the tool carries (0.1.0, 0.2.0), or remove it to use 0.2.0" in run.stdout
    assert "Checked 1 file: 0 services" in run.stdout  # no manifest was checked against standards it does not have
    run = cli("check", "--standards-release", "0.3.0", cwd=council)
    assert run.exit_code == 2
    assert "error: --standards-release: no standards release '0.3.0'" in run.stderr


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ('release = "0.1.0"\nstandard = "x"\n', "standards.toml:2:12: E115 [error] unknown setting 'standard'"),
        ("release = 1\n", "standards.toml:1:11: E115 [error] `release` must be a release name in quotes"),
        ('release = "0.1.0\n', "standards.toml:1:17: E115 [error] not valid TOML: Illegal character"),
    ],
)
def test_a_broken_standards_toml_is_placed(
    released: PackagedReleases, tmp_path: Path, cli, text: str, printed: str
) -> None:
    council = _council(tmp_path / "council", "good")
    (council / "standards.toml").write_text(text)
    run = cli("check", "--as-of", AS_OF, cwd=council)
    assert run.exit_code == 2
    assert any(line.startswith(printed) for line in run.stdout.splitlines()), run.stdout


def test_a_pin_to_a_version_no_release_has(tmp_path: Path) -> None:
    """With the real packaged releases, in a real subprocess: a council's repository, no Git."""
    council = tmp_path / "council"
    camden = council / "manifests" / "camden"
    camden.mkdir(parents=True)
    shutil.copy(ROOT / "manifests" / "camden" / "council.yaml", camden)
    service = sorted(p for p in (ROOT / "manifests" / "camden").glob("*.yaml") if p.name != "council.yaml")[0]
    text = service.read_text(encoding="utf-8")
    assert "conforms_to:\n" in text
    text = text.replace("conforms_to:\n", "conforms_to:\n  - standard: privacy\n    version: 0.9.0\n", 1)
    (camden / service.name).write_text(text, encoding="utf-8")
    line = text.splitlines().index("    version: 0.9.0") + 1
    run = run_standards("check", "--as-of", AS_OF, cwd=council)
    assert run.returncode == 1, run.stdout + run.stderr
    versions = ", ".join(v["version"] for v in json.loads(PACKAGED.read_text())["standards"]["privacy"])
    assert (
        f"manifests/camden/{service.name}:{line}:14: E305 [error] privacy version 0.9.0 is not available: the "
        f"standard is at 1.0.0, and neither Git history nor the tool's releases have that version (versions: "
        f"{versions})"
    ) in run.stdout


def test_no_manifests_folder_is_a_located_message(tmp_path: Path) -> None:
    council = tmp_path / "council"
    council.mkdir()
    (council / "README.md").write_text("Our services\n")
    run = run_standards("check", cwd=council)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "manifests/:1:1: E116 [error] there is no manifests/ folder to check" in run.stdout
    assert f"help: run from the root of the repository (this is {council.resolve()})" in run.stdout


# --- a shallow clone of a registry -------------------------------------------------


def test_a_shallow_clone_says_history_is_missing_and_still_resolves(
    released: PackagedReleases, tmp_path: Path, cli
) -> None:
    repo = tmp_path / "registry"  # made by the fixture
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], env=ENV, check=True)
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/good.yaml", cwd=clone)
    assert "W001 [warning] checked against demo 2.1.0 as pinned; the current version is 3.0.0" in run.stdout
    assert "this clone is shallow" in run.stdout and "git fetch --unshallow" in run.stdout
    assert "read from the releases packaged with the tool" in run.stdout
    run = cli("versions", "demo", cwd=clone)
    assert run.exit_code == 0
    assert run.stdout.splitlines()[0] == "demo: 2 versions"
    assert "(packaged)" in run.stdout.splitlines()[1] and "(packaged)" not in run.stdout.splitlines()[2]
    assert "note: this clone is shallow" in run.stderr and "git fetch --unshallow" in run.stderr
    found = json.loads(cli("versions", "demo", "--json", cwd=clone).stdout)
    assert [(v["version"], v["packaged"]) for v in found] == [("2.1.0", True), ("3.0.0", False)]
    # A version neither has is named, with how to get the history.
    edit(clone / "manifests/leeds/good.yaml", "version: 2", "version: 1")
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/good.yaml", cwd=clone)
    assert "versions: 2.1.0, 3.0.0); this clone is shallow" in run.stdout


def test_a_full_clone_needs_no_note(released: PackagedReleases, tmp_path: Path, cli) -> None:
    repo = tmp_path / "registry"
    run = cli("versions", "demo", cwd=repo)
    assert run.exit_code == 0 and run.stderr == "" and "(packaged)" not in run.stdout
    run = cli("check", "--as-of", AS_OF, "manifests/leeds/good.yaml", cwd=repo)
    assert "W001" in run.stdout and "shallow" not in run.stdout


def test_a_release_named_beside_standards_is_refused(tmp_path: Path, cli) -> None:
    repo = init_repo(tmp_path / "repo", MINI)
    run = cli("check", "--standards-release", "0.1.0", cwd=repo)
    assert run.exit_code == 2
    assert "error: --standards-release: release '0.1.0' is named, but this repository keeps its own standards/" in (
        run.stderr
    )


def test_versions_in_a_council_repository_come_from_the_releases(
    released: PackagedReleases, tmp_path: Path, cli
) -> None:
    council = _council(tmp_path / "council", "good")
    found = json.loads(cli("versions", "demo", "--json", cwd=council).stdout)
    assert [(v["version"], v["packaged"]) for v in found] == [("2.1.0", True), ("3.0.0", True)]
    run = cli("diff", "demo", "2.1.0", "3.0.0", cwd=council)
    assert run.exit_code == 0 and "DEMO-02 [must] changed (level)" in run.stdout
    # Any command that reads the standards places a wrong standards.toml.
    (council / "standards.toml").write_text('release = "1.0"\n')
    run = cli("versions", "demo", cwd=council)
    assert run.exit_code == 2
    assert "error: standards.toml:1:11: E315 no standards release '1.0'" in run.stderr
