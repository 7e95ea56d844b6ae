"""`standards reorganise OLD... --into NEW` in a real Git repository (a copy of tests/fixtures/mini).

Allerdale and Carlisle (which became Cumberland on 1 April 2023) each have a folder with
services committed over two commits; reorganising them into Cumberland must move the files with
their history, record where each came from, and leave a tree `standards check` accepts. Every
bad input must say what is wrong and move nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from conftest import AS_OF, MINI, Run, run_standards
from gitrepo import commit_all, edit, git, init_repo
from registry.cli import app
from registry.scaffold.inheritance import with_inheritance

SERVICE = """kind: Service
schema_version: 1
sample: true
id: {id}
name: {name}
phase: live
channels: [phone]
owner:
  team: {team}
# The team's notes stay with the service when it moves.
privacy:
  handles_personal_data: false
"""

COUNCILS = {
    "allerdale": ("Allerdale Borough Council", "E07000026", "ALL", "NMD", "North West", "@allerdale/digital"),
    "carlisle": ("Carlisle City Council", "E07000028", "CAR", "NMD", "North West", "@carlisle/web"),
    "bradford": (
        "City of Bradford Metropolitan District Council",
        "E08000032",
        "BRD",
        "MD",
        "Yorkshire and The Humber",
        "@bradford/digital",
    ),
    "cumbria": ("Cumbria County Council", "E10000006", "CMA", "CTY", "North West", "@cumbria/digital"),
    "cumberland": ("Cumberland Council", "E06000063", "CBD", "UA", "North West", "@cumberland/digital"),
}


def _council(folder: str) -> str:
    name, gss, code, kind, region, owner = COUNCILS[folder]
    return (
        f"kind: Council\nschema_version: 1\nsample: true\nid: {folder}\nname: {name}\ngss_code: {gss}\n"
        f"register_code: {code}\ntype: {kind}\nnation: England\nregion: {region}\nowners: ['{owner}']\n"
    )


def _write(root: Path, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Allerdale (bins, parking) and Carlisle (bins) in a Git repository, before the merger."""
    root = init_repo(tmp_path / "repo", MINI)
    for folder in ("allerdale", "carlisle"):
        _write(root, f"manifests/{folder}/council.yaml", _council(folder))
    _write(root, "manifests/allerdale/bins.yaml", SERVICE.format(id="bins", name="Report a missed bin", team="Waste"))
    _write(root, "manifests/allerdale/parking.yaml", SERVICE.format(id="parking", name="Parking", team="Parking"))
    _write(root, "manifests/carlisle/bins.yaml", SERVICE.format(id="bins", name="Bin collections", team="Streets"))
    commit_all(root, "Allerdale and Carlisle describe their services", date="2022-05-01T10:00:00+00:00")
    edit(root / "manifests/allerdale/bins.yaml", "team: Waste", "team: Waste and Recycling")
    commit_all(root, "Allerdale renames its waste team", date="2022-09-01T10:00:00+00:00")
    return root


def _reorganise(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_standards("reorganise", *args, "--as-of", AS_OF, cwd=root)


def _tree(root: Path) -> dict[str, bytes]:
    """Every file but Git's own, with its bytes, and what Git has staged."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else b"<folder>" for p in root.rglob("*")}
    files = {k: v for k, v in sorted(files.items()) if not k.startswith(".git/")}
    return {**files, "<staged>": git(root, "diff", "--staged", "--name-status").encode()}


def _check(root: Path) -> dict[str, object]:
    run = run_standards("check", "--as-of", AS_OF, "--format", "json", cwd=root)
    return json.loads(run.stdout)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- a merger


def test_a_merger_moves_the_services_with_their_history(repo: Path) -> None:
    run = _reorganise(repo, "ALL", "CAR", "--into", "CBD", "--on-clash", "prefix")
    assert run.returncode == 0, run.stderr
    assert "moved manifests/carlisle/bins.yaml -> manifests/cumberland/carlisle-bins.yaml" in run.stdout
    assert "vesting 2023-04-01" in run.stdout  # the register's vesting day for Cumberland
    assert not (repo / "manifests/allerdale").exists() and not (repo / "manifests/carlisle").exists()
    folder = repo / "manifests/cumberland"
    assert sorted(p.name for p in folder.iterdir()) == [
        "allerdale-bins.yaml",
        "carlisle-bins.yaml",
        "council.yaml",
        "parking.yaml",
    ]
    bins = yaml.safe_load((folder / "allerdale-bins.yaml").read_text(encoding="utf-8"))
    assert bins["id"] == "allerdale-bins" and bins["owner"]["team"] == "Waste and Recycling"
    assert bins["inherited_from"] == {"council": "ALL", "service": "bins"}
    parking = yaml.safe_load((folder / "parking.yaml").read_text(encoding="utf-8"))
    assert parking["id"] == "parking" and parking["inherited_from"] == {"council": "ALL", "service": "parking"}
    assert "# The team's notes stay with the service" in (folder / "parking.yaml").read_text(encoding="utf-8")
    council = yaml.safe_load((folder / "council.yaml").read_text(encoding="utf-8"))
    assert (council["register_code"], council["gss_code"]) == ("CBD", "E06000063")
    assert council["owners"] == ["@allerdale/digital", "@carlisle/web"]  # until the new council says otherwise

    # Staged as renames, and once committed `git log --follow` shows the predecessor's commits.
    staged = git(repo, "diff", "--staged", "--name-status", "-M")
    assert "manifests/allerdale/bins.yaml\tmanifests/cumberland/allerdale-bins.yaml" in staged
    commit_all(repo, "Reorganise Allerdale and Carlisle into Cumberland", date="2023-04-01T10:00:00+00:00")
    log = git(repo, "log", "--follow", "--format=%s", "--", "manifests/cumberland/allerdale-bins.yaml")
    # (--follow may go on past the first commit to a similar fixture file: Git guesses copies by likeness.)
    assert log.splitlines()[:3] == [
        "Reorganise Allerdale and Carlisle into Cumberland",
        "Allerdale renames its waste team",
        "Allerdale and Carlisle describe their services",
    ]

    report = _check(repo)
    assert all(f["valid"] for f in report["files"]), [f for f in report["files"] if not f["valid"]]  # type: ignore[union-attr,index]
    checked = {f["path"] for f in report["files"]}  # type: ignore[union-attr,index]
    assert "manifests/cumberland/carlisle-bins.yaml" in checked and "manifests/carlisle/bins.yaml" not in checked


def test_suffix_renames_the_other_way_and_an_existing_folder_is_kept(repo: Path) -> None:
    _write(repo, "manifests/cumberland/council.yaml", _council("cumberland"))
    _write(repo, "manifests/cumberland/parking.yaml", SERVICE.format(id="parking", name="Parking", team="Roads"))
    commit_all(repo, "Cumberland describes parking")
    council_before = (repo / "manifests/cumberland/council.yaml").read_bytes()
    run = _reorganise(repo, "ALL", "--into", "E06000063", "--on-clash", "suffix")
    assert run.returncode == 0, run.stderr
    folder = repo / "manifests/cumberland"
    assert (folder / "council.yaml").read_bytes() == council_before
    assert yaml.safe_load((folder / "parking.yaml").read_text(encoding="utf-8"))["owner"]["team"] == "Roads"
    moved = yaml.safe_load((folder / "parking-allerdale.yaml").read_text(encoding="utf-8"))
    assert moved["inherited_from"] == {"council": "ALL", "service": "parking"}
    assert (folder / "bins.yaml").is_file()  # no clash with Carlisle, which stays where it was
    assert (repo / "manifests/carlisle/bins.yaml").is_file()
    invalid = [f for f in _check(repo)["files"] if not f["valid"]]  # type: ignore[union-attr,index]
    assert [f["path"] for f in invalid] == ["manifests/carlisle/council.yaml"]  # Carlisle's turn is still to come
    [e313] = invalid[0]["problems"]
    assert e313["code"] == "E313" and "merged into Cumberland Council (CBD, E06000063)" in e313["message"]
    assert "`standards reorganise CAR --into CBD`" in e313["help"]


def test_a_clash_is_asked_about_at_a_terminal(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(
        app,
        ["reorganise", "ALL", "CAR", "--into", "CBD", "--interactive", "--as-of", AS_OF],
        input="bins-workington\nBad Id\nbins-carlisle\n",
    )
    assert result.exit_code == 0, result.output
    assert "the id 'bins' is already taken" in result.output
    assert "cannot be a service id" in result.output  # a bad answer is explained and asked again
    assert sorted(p.name for p in (repo / "manifests/cumberland").iterdir()) == [
        "bins-carlisle.yaml",
        "bins-workington.yaml",
        "council.yaml",
        "parking.yaml",
    ]


# --------------------------------------------------------------------------- bad input


def _refused(root: Path, *args: str) -> Run:
    before = _tree(root)
    run = _reorganise(root, *args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert _tree(root) == before, "something moved"
    return Run(run.returncode, run.stdout, run.stderr)


def test_a_council_named_twice(repo: Path) -> None:
    run = _refused(repo, "ALL", "E07000026", "--into", "CBD")
    assert "error: Allerdale Borough Council (ALL) is named twice (ALL and E07000026)" in run.stderr
    assert "  name each predecessor council once" in run.stderr


def test_a_council_as_its_own_predecessor(repo: Path) -> None:
    run = _refused(repo, "ALL", "CBD", "--into", "cbd")
    assert "error: Cumberland Council (CBD) cannot be a predecessor of itself" in run.stderr


def test_a_vesting_date_before_a_predecessor_existed(repo: Path) -> None:
    # Somerset West and Taunton began on 1 April 2019; a merger of it cannot vest before then.
    _write(repo, "manifests/swt/council.yaml", _council("allerdale"))
    run = _refused(repo, "SWT", "--into", "SMT", "--vesting", "2018-04-01")
    assert "error: vesting date 2018-04-01 is before Somerset West and Taunton Council (SWT) existed" in run.stderr
    assert "began on 2019-04-01" in run.stderr and "--vesting" in run.stderr


def test_an_unknown_code(repo: Path) -> None:
    run = _refused(repo, "LDX", "--into", "CBD")
    assert "error: no UK council, current or former, has the code 'LDX'" in run.stderr
    assert "did you mean:" in run.stderr and "LDS  E08000035  Leeds City Council" in run.stderr
    run = _refused(repo, "ALL", "--into", "QQQ")
    assert "has the code 'QQQ'" in run.stderr


def test_a_former_council_that_went_elsewhere(repo: Path) -> None:
    run = _refused(repo, "ALL", "--into", "WAF")
    assert "Allerdale Borough Council (ALL) did not become Westmorland and Furness Council" in run.stderr
    assert "its area is served by Cumberland Council now" in run.stderr
    assert "standards reorganise ALL --into CBD" in run.stderr


def test_into_a_former_council_names_its_successors(repo: Path) -> None:
    run = _refused(repo, "ALL", "--into", "CMA")
    assert "cannot reorganise into a former council: Cumbria County Council (CMA, E10000006)" in run.stderr
    assert "split between Cumberland Council (CBD, E06000063) and Westmorland and Furness" in run.stderr


def test_clashing_ids_without_a_flag_off_a_terminal(repo: Path) -> None:
    run = _refused(repo, "ALL", "CAR", "--into", "CBD")
    lines = run.stdout.splitlines()
    for path, council in (("allerdale", "ALL"), ("carlisle", "CAR")):
        other = "carlisle" if path == "allerdale" else "allerdale"
        finding = (
            f"manifests/{path}/bins.yaml:4:5: E317 [error] service id 'bins' from {council} is already taken in the "
            f"successor's folder, by manifests/{other}/bins.yaml"
        )
        assert finding in lines, run.stdout
        assert lines[lines.index(finding) + 1] == (
            f"  help: pass --on-clash prefix to make it {path}-bins (or --on-clash suffix: bins-{path}), "
            "or run at a terminal to choose a new id"
        )
    assert "error: nothing was moved: 2 problems above" in run.stderr


def test_a_dirty_working_tree(repo: Path) -> None:
    edit(repo / "manifests/allerdale/parking.yaml", "team: Parking", "team: Parking Services")
    run = _refused(repo, "ALL", "--into", "CBD")
    assert "error: the working tree has uncommitted changes (manifests/allerdale/parking.yaml)" in run.stderr
    assert "git stash" in run.stderr
    git(repo, "checkout", "--", ".")
    _write(repo, "notes.txt", "untracked\n")
    run = _refused(repo, "ALL", "--into", "CBD")
    assert "uncommitted changes (notes.txt)" in run.stderr


def test_a_predecessor_without_a_folder(repo: Path) -> None:
    run = _refused(repo, "ALL", "COP", "--into", "CBD")
    assert "no folder under manifests/ describes Copeland Borough Council (COP)" in run.stderr


def test_a_predecessor_with_an_invalid_manifest(repo: Path) -> None:
    edit(repo / "manifests/allerdale/parking.yaml", "phase: live", "phase: alive")
    commit_all(repo, "a mistake")
    run = _refused(repo, "ALL", "--into", "CBD")
    assert "manifests/allerdale/parking.yaml:" in run.stdout and "[error]" in run.stdout


def test_not_a_git_repository(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "plain")
    _write(tmp_path / "plain", "manifests/allerdale/council.yaml", _council("allerdale"))
    run = _reorganise(tmp_path / "plain", "ALL", "--into", "CBD")
    assert run.returncode == 2 and "is not in a Git repository" in run.stderr
    assert (tmp_path / "plain/manifests/allerdale/council.yaml").is_file()


def test_a_restricted_file_moves_with_its_service(repo: Path) -> None:
    _write(
        repo, "manifests/allerdale/parking.restricted.yaml", "kind: RestrictedService\nschema_version: 1\nid: parking\n"
    )
    _write(repo, "manifests/cumberland/council.yaml", _council("cumberland"))
    _write(repo, "manifests/cumberland/parking.yaml", SERVICE.format(id="parking", name="Parking", team="Roads"))
    commit_all(repo, "Allerdale keeps parking facts restricted; Cumberland describes parking")
    run = _reorganise(repo, "ALL", "--into", "CBD", "--on-clash", "prefix")
    assert run.returncode == 0, run.stderr
    moved = repo / "manifests/cumberland/allerdale-parking.restricted.yaml"
    assert yaml.safe_load(moved.read_text(encoding="utf-8"))["id"] == "allerdale-parking"
    assert "manifests/allerdale/parking.restricted.yaml" in git(repo, "diff", "--staged", "--name-status", "-M")
    assert not (repo / "manifests/allerdale").exists()


def test_current_councils_merging_need_a_vesting_day(repo: Path) -> None:
    # Not in the register (a proposal): the vesting day must be given, and is shown.
    _write(repo, "manifests/bradford/council.yaml", _council("bradford"))
    run = _refused(repo, "LDS", "--into", "BRD")
    assert "the register records no merger of LDS into BRD" in run.stderr and "--vesting" in run.stderr
    commit_all(repo, "Bradford")
    run = _reorganise(repo, "LDS", "--into", "BRD", "--vesting", "2027-04-01")
    assert run.returncode == 0, run.stderr
    assert "vesting 2027-04-01" in run.stdout and (repo / "manifests/bradford/good.yaml").is_file()


def test_a_result_check_would_refuse_is_put_back(repo: Path) -> None:
    # Cumberland's own folder holds a broken manifest: the moved tree would fail `check`, so nothing stays moved.
    _write(repo, "manifests/cumberland/council.yaml", _council("cumberland"))
    _write(
        repo,
        "manifests/cumberland/roads.yaml",
        SERVICE.format(id="roads", name="Roads", team="Roads").replace("live", "alive"),
    )
    commit_all(repo, "Cumberland, with a mistake")
    run = _refused(repo, "ALL", "--into", "CBD")
    assert "manifests/cumberland/roads.yaml:" in run.stdout and "error: nothing was moved" in run.stderr


def test_a_service_inherited_before_names_its_latest_predecessor() -> None:
    text = SERVICE.format(id="bins", name="Bins", team="Waste").replace(
        "name: Bins\n", "inherited_from:\n  council: TAU\n  service: rubbish\nname: Bins\n"
    )
    rewritten = with_inheritance(text, "swt-bins", "SWT", "bins")
    data = yaml.safe_load(rewritten)
    assert (data["id"], data["inherited_from"], data["name"]) == (
        "swt-bins",
        {"council": "SWT", "service": "bins"},
        "Bins",
    )
    assert rewritten.count("inherited_from:") == 1 and "# The team's notes" in rewritten


def test_a_restricted_file_kept_out_of_git_moves_and_is_put_back(repo: Path) -> None:
    _write(repo, ".gitignore", "*.restricted.yaml\n")
    _write(repo, "manifests/cumberland/council.yaml", _council("cumberland"))
    _write(
        repo,
        "manifests/cumberland/roads.yaml",
        SERVICE.format(id="roads", name="Roads", team="x").replace("live", "alive"),
    )
    commit_all(repo, "Restricted files stay out of Git; Cumberland, with a mistake")
    secret = repo / "manifests/allerdale/bins.restricted.yaml"
    secret.write_text("kind: RestrictedService\nschema_version: 1\nid: bins\n", encoding="utf-8")
    _refused(repo, "ALL", "--into", "CBD")  # the broken roads.yaml: everything is put back, the secret too
    assert secret.is_file()
    edit(repo / "manifests/cumberland/roads.yaml", "alive", "live")
    commit_all(repo, "Cumberland fixes its mistake")
    assert _reorganise(repo, "ALL", "--into", "CBD").returncode == 0
    moved = repo / "manifests/cumberland/bins.restricted.yaml"
    assert not secret.exists() and moved.is_file() and not git(repo, "ls-files", str(moved))


def test_codeowners_follows_the_folders(repo: Path) -> None:
    assert run_standards("codeowners", cwd=repo).returncode == 0
    commit_all(repo, "CODEOWNERS")
    run = _reorganise(repo, "ALL", "CAR", "--into", "CBD", "--on-clash", "prefix")
    assert run.returncode == 0 and "updated .github/CODEOWNERS" in run.stdout, run.stderr
    assert run_standards("codeowners", "--check", cwd=repo).returncode == 0
    owners = (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/manifests/cumberland/ @allerdale/digital @carlisle/web" in owners and "/manifests/allerdale/" not in owners
    assert ".github/CODEOWNERS" in git(repo, "diff", "--staged", "--name-only")


def test_a_split_county_is_noted(repo: Path) -> None:
    _write(repo, "manifests/cumbria/council.yaml", _council("cumbria"))
    _write(repo, "manifests/cumbria/libraries.yaml", SERVICE.format(id="libraries", name="Libraries", team="Libraries"))
    commit_all(repo, "Cumbria describes its libraries")
    run = _reorganise(repo, "CMA", "ALL", "--into", "CBD")
    assert run.returncode == 0, run.stderr
    assert "note: CMA's area was split, with WAF taking a share" in run.stdout
    assert "note: ALL" not in run.stdout  # Allerdale merged whole
