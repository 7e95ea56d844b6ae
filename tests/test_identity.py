"""Council files and services' LGSL codes are checked against the registers the project ships (checks/data).

Each case edits a real file in a copy of the mini fixture and runs `standards check`; the
problem must name the expected value and point at the field that is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from checks import registers
from checks.identity import council_problems
from checks.models import Council
from checks.repository import Repository
from checks.runner import check_target
from conftest import ROOT, run_standards

AS_OF = "2026-11-01"
LEEDS = "manifests/leeds/council.yaml"
# The mini fixture's Leeds: name on line 5, then gss_code, register_code, type, nation, region.
LINES = {
    "name": (5, 7),
    "gss_code": (6, 11),
    "register_code": (7, 16),
    "type": (8, 7),
    "nation": (9, 9),
    "region": (10, 9),
}


def _problems(cli, repo: Path, path: str) -> list[dict[str, object]]:
    run = cli("check", path, "--as-of", AS_OF, "--format", "json", cwd=repo)
    assert run.exit_code == 1, run.stdout
    [file] = json.loads(run.stdout)["files"]
    assert file["valid"] is False
    return list(file["problems"])


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


MISMATCHES = {
    # case: (text in the file, replacement, field, words the message must hold, expected value)
    "Leeds with Lewes's GSS code": ("E08000035", "E07000063", "gss_code", "Lewes District Council's", "E08000035"),
    "an invented GSS code": ("E08000035", "E08000099", "gss_code", "E08000099 is not in the register", "E08000035"),
    "Wales on an English code": ("nation: England", "nation: Wales", "nation", "'Wales'", "England"),
    "a wrong type": ("type: MD", "type: UA", "type", "a metropolitan district", "MD"),
    "a wrong region": ("region: Yorkshire", "region: North East", "region", "North East", "Yorkshire and The Humber"),
    "another council's register code": ("LDS", "LEE", "register_code", "Lewes District Council's", "LDS"),
    "an invented register code": ("LDS", "LDZ", "register_code", "LDZ is not in the register", "LDS"),
    "a wrong name": (
        "name: Leeds City Council",
        "name: Leeds Council",
        "name",
        "'Leeds Council'",
        "Leeds City Council",
    ),
}


@pytest.mark.parametrize("case", sorted(MISMATCHES))
def test_a_field_that_differs_from_the_register_names_the_expected_value(cli, mini_repo: Path, case: str) -> None:
    old, new, field, words, expected = MISMATCHES[case]
    _edit(mini_repo / LEEDS, old, new)
    [problem] = _problems(cli, mini_repo, LEEDS)  # one wrong field is one problem, not five
    assert problem["code"] == "E312"
    assert (problem["line"], problem["column"]) == LINES[field]
    assert words in str(problem["message"]) and expected in str(problem["message"])
    assert f"set `{field}: {expected}`" in str(problem["help"])


def test_the_cli_prints_the_located_error_and_its_help(mini_repo: Path) -> None:
    _edit(mini_repo / LEEDS, "E08000035", "E07000063")
    proc = run_standards("check", LEEDS, "--as-of", AS_OF, cwd=mini_repo)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == (
        f"{LEEDS}:6:11: E312 [error] gss_code E07000063 is Lewes District Council's; Leeds City Council's is E08000035"
    )
    assert lines[1].strip().startswith("help: set `gss_code: E08000035`")


FORMER = {
    # register code of a council abolished since 2019: (its folder's file, words the message must hold)
    "CRA": ("Craven District Council", "North Yorkshire Council (NYE, E06000065)"),
    "NYK": ("North Yorkshire County Council", "North Yorkshire Council (NYE, E06000065)"),
    "SOM": ("Somerset County Council", "Somerset Council (SMT, E06000066)"),
    "CMA": ("Cumbria County Council", "Cumberland Council (CBD, E06000063) and Westmorland and Furness Council (WAF"),
    "WYO": ("Wycombe District Council", "Buckinghamshire Council (BUC, E06000060)"),
    "NTH": ("Northamptonshire County Council", "North Northamptonshire Council (NNT, E06000061) and West"),
    "TAU": ("Taunton Deane Borough Council", "merged into Somerset West and Taunton Council, now Somerset Council"),
}


@pytest.mark.parametrize("code", sorted(FORMER))
def test_a_former_council_is_told_its_successor(cli, mini_repo: Path, code: str) -> None:
    name, successor = FORMER[code]
    entry = next(c for c in registers.former_councils() if c.register_code == code)
    council = mini_repo / LEEDS
    for old, new in (
        ("Leeds City Council", entry.name),
        ("E08000035", entry.gss_code),
        ("LDS", entry.register_code),
        ("type: MD", f"type: {entry.type}"),
        ("region: Yorkshire and The Humber", f"region: {entry.region or 'England'}"),
    ):
        _edit(council, old, new)
    [problem] = _problems(cli, mini_repo, LEEDS)
    assert problem["code"] == "E313" and (problem["line"], problem["column"]) == LINES["gss_code"]
    message = str(problem["message"])
    assert message.startswith(f"{name} ({code}, {entry.gss_code}) is a former council"), message
    assert successor in message and f"abolished in {entry.end_date[:4]}" in message
    assert "`standards new council " in str(problem["help"])


def test_the_councils_merged_since_2019_ship_with_their_successors() -> None:
    former = {c.register_code: c for c in registers.former_councils()}
    current = {c.register_code for c in registers.councils()}
    assert {"CRA", "HAG", "SEL", "MEN", "SEG", "ALL", "EDN", "AYL", "CHN", "KET", "POL", "FOR"} <= set(former)
    assert all(c.successors and set(c.successors) <= current for c in former.values())
    assert not set(former) & current


def test_a_council_the_register_does_not_know_gets_suggestions(cli, mini_repo: Path) -> None:
    for old, new in (("E08000035", "E07777777"), ("LDS", "QQQ"), ("Leeds City Council", "Leds City Council")):
        _edit(mini_repo / LEEDS, old, new)
    [problem] = _problems(cli, mini_repo, LEEDS)
    assert problem["code"] == "E311" and (problem["line"], problem["column"]) == LINES["gss_code"]
    assert "E07777777" in str(problem["message"]) and "QQQ" in str(problem["message"])
    assert str(problem["help"]).startswith("did you mean Leeds City Council (LDS, E08000035)")


def test_every_register_entry_passes_and_the_shipped_councils_are_right(cli) -> None:
    for entry in registers.councils():
        council = Council.model_validate(
            {"kind": "Council", "schema_version": 1, "id": entry.slug, "name": entry.name, "gss_code": entry.gss_code,
             "register_code": entry.register_code, "type": entry.type, "nation": entry.nation,
             "region": entry.region, "owners": ["@org/team"]}
        )  # fmt: skip
        assert council_problems(council, lambda path: (1, 1)) == [], entry
    for folder in (ROOT / "manifests", ROOT / "tests/fixtures/mini/manifests", ROOT / "standards/examples"):
        for path in folder.rglob("council.yaml"):
            run = cli("check", str(path), "--as-of", AS_OF, "--format", "json", cwd=ROOT)
            assert json.loads(run.stdout)["files"][0]["problems"] == [], path


# --------------------------------------------------------------------------- LGSL


def test_an_lgsl_code_not_in_the_list_suggests_labels_from_the_service_name(cli, mini_repo: Path) -> None:
    path = "manifests/leeds/failing.yaml"  # "Apply for a parking permit"
    _edit(mini_repo / path, "phase: beta\n", "lgsl: 4740\nphase: beta\n")
    [problem] = _problems(cli, mini_repo, path)
    assert problem["code"] == "E314" and (problem["line"], problem["column"]) == (6, 7)
    assert problem["message"] == "lgsl 4740 is not a service in the Local Government Service List"
    assert str(problem["help"]).startswith("did you mean 474 (Parking permits) or 279 (Disabled people - parking")


def test_a_listed_lgsl_code_passes(cli, mini_repo: Path) -> None:
    path = "manifests/leeds/failing.yaml"
    _edit(mini_repo / path, "phase: beta\n", "lgsl: 474\nphase: beta\n")
    run = cli("check", path, "--as-of", AS_OF, "--format", "json", cwd=mini_repo)
    [file] = json.loads(run.stdout)["files"]
    assert file["valid"] is True and file["results"]


def test_validate_rejects_an_unlisted_lgsl_and_still_checks_against_index_councils(api) -> None:
    passing = (ROOT / "manifests/bristol/pest-control.yaml").read_text(encoding="utf-8")
    assert "\nlgsl: " in passing
    ok = api.post("/api/v1/validate", content=passing, params={"council": "bristol", "as_of": AS_OF})
    assert ok.status_code == 200 and ok.json()["council"] == "bristol"
    lines = passing.splitlines()
    row = next(i for i, line in enumerate(lines, 1) if line.startswith("lgsl: "))
    bad = "\n".join(line if not line.startswith("lgsl: ") else "lgsl: 99999" for line in lines) + "\n"
    r = api.post("/api/v1/validate", content=bad, params={"council": "bristol", "as_of": AS_OF})
    assert r.status_code == 422, r.text
    [problem] = r.json()["error"]["details"]
    assert (problem["code"], problem["line"], problem["column"]) == ("E314", row, 7)
    assert str(problem["help"]).startswith("did you mean ")


# --------------------------------------------------------------------------- cost


def test_the_registers_are_read_once_per_process(mini_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = registers.register_rows
    monkeypatch.setattr(registers, "register_rows", lambda name: reads.append(name) or real(name))
    for cached in (registers.councils, registers.former_councils, registers.council_index, registers.lgsl_services):
        cached.cache_clear()
    repo = Repository(mini_repo)
    catalogue, _ = repo.load_catalogue()
    paths = [mini_repo / LEEDS, *sorted((mini_repo / "manifests/leeds").glob("[!c]*.yaml"))] * 50
    for path in paths:
        result = check_target(repo.target(path), catalogue, dt.date.fromisoformat(AS_OF))
        assert not [p for p in result.problems if p.code in ("E311", "E312", "E313", "E314")]
    assert sorted(reads) == ["councils.csv", "former_councils.csv", "lgsl.csv"]
