"""`standards new council` and `standards new service`: valid from the start, never overwriting, clear when misused."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from checks.models import Council, Service
from checks.repository import Repository
from checks.results import Outcome
from checks.runner import check_target
from conftest import AS_OF, ROOT, Run, shared_data
from registry.cli import app
from registry.cli import new as scaffold_cli
from registry.scaffold.field_guide import COUNCIL_NOTES, SERVICE_NOTES
from registry.scaffold.registers import councils, find_council, search_lgsl, suggest_councils
from registry.scaffold.render import _field_paths

Runner = Callable[..., Run]


@pytest.fixture
def new(monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Run `standards new ...` in-process from a folder, with optional typed input."""

    def run(*args: str, cwd: Path, input: str | None = None) -> Run:
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(app, ["new", *args], input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def _checked(repo: Path, path: Path):
    repository = Repository(repo)
    catalogue, broken = repository.load_catalogue()
    assert broken == []
    return check_target(repository.target(path), catalogue, dt.date.fromisoformat(AS_OF))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- councils


def test_new_council_by_gss_code(new: Runner, mini_repo: Path, cli) -> None:
    run = new("council", "E08000036", "--owner", "@wakefield-council/digital", cwd=mini_repo)
    assert run.exit_code == 0, run.stderr
    path = mini_repo / "manifests/wakefield/council.yaml"
    assert "wrote manifests/wakefield/council.yaml" in run.stdout
    text = path.read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schemas/council.schema.json"
    council = Council.model_validate(yaml.safe_load(text))
    assert council.model_dump() == {
        "kind": "Council",
        "schema_version": 1,
        "sample": False,
        "id": "wakefield",
        "name": "Wakefield Metropolitan District Council",
        "gss_code": "E08000036",
        "register_code": "WKF",
        "type": "MD",
        "nation": "England",
        "region": "Yorkshire and The Humber",
        "website": council.website,
        "owners": ["@wakefield-council/digital"],
        "contact": None,
    }
    assert council.website and council.website.startswith("http")
    # Every field is explained by a comment just above it.
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[a-z_]+:", line):
            assert lines[i - 1].startswith("#"), line
    result = _checked(mini_repo, path)
    assert result.valid, result.problems
    check = cli("check", "manifests/wakefield/", cwd=mini_repo)
    assert check.exit_code == 0, check.stdout


def test_new_council_by_register_code_in_any_case(new: Runner, mini_repo: Path) -> None:
    run = new("council", "cmd", "--owner", "@camden-council/digital", "--owner", "@someone", cwd=mini_repo)
    assert run.exit_code == 0, run.stderr
    council = Council.model_validate(yaml.safe_load((mini_repo / "manifests/camden/council.yaml").read_text()))
    assert (council.name, council.gss_code, council.type, council.region) == (
        "London Borough of Camden",
        "E09000007",
        "LBO",
        "London",
    )
    assert council.owners == ["@camden-council/digital", "@someone"]
    assert not list((mini_repo / "manifests/camden").glob(".*.tmp"))


def test_unknown_code_suggests_the_council_and_writes_nothing(new: Runner, mini_repo: Path) -> None:
    before = _files(mini_repo)
    run = new("council", "LDX", "--owner", "@x/y", cwd=mini_repo)
    assert run.exit_code == 2
    assert "no current UK council has the code 'LDX'" in run.stderr
    assert "did you mean:" in run.stderr and "LDS  E08000035  Leeds City Council" in run.stderr
    run = new("council", "E08000053", "--owner", "@x/y", cwd=mini_repo)  # digits swapped
    assert run.exit_code == 2 and "LDS  E08000035" in run.stderr
    assert _files(mini_repo) == before


def test_a_name_lists_the_matching_codes(new: Runner, mini_repo: Path) -> None:
    run = new("council", "leeds", cwd=mini_repo)
    assert run.exit_code == 2
    assert "'leeds' is not a council code" in run.stderr
    assert "LDS  E08000035  Leeds City Council" in run.stderr
    run = new("council", "kensington", cwd=mini_repo)
    assert "KEC" in run.stderr and "Royal Borough of Kensington and Chelsea" in run.stderr
    run = new("council", "no such place", cwd=mini_repo)
    assert run.exit_code == 2 and "no council's name matches it" in run.stderr
    assert "Traceback" not in run.stderr


def test_refuses_to_overwrite_a_council(new: Runner, mini_repo: Path) -> None:
    path = mini_repo / "manifests/leeds/council.yaml"
    before = path.read_bytes()
    run = new("council", "LDS", "--owner", "@leeds/new-team", cwd=mini_repo)
    assert run.exit_code == 2
    assert "manifests/leeds/council.yaml already exists; it was not changed" in run.stderr
    assert path.read_bytes() == before


def test_refuses_a_council_already_registered_under_another_folder(new: Runner, mini_repo: Path) -> None:
    old = mini_repo / "manifests/leeds"
    renamed = mini_repo / "manifests/city-of-leeds"
    old.rename(renamed)
    (renamed / "council.yaml").write_text(
        (renamed / "council.yaml").read_text().replace("id: leeds", "id: city-of-leeds")
    )
    run = new("council", "E08000035", "--owner", "@leeds/digital", cwd=mini_repo)
    assert run.exit_code == 2
    assert "Leeds City Council is already in the registry: manifests/city-of-leeds/council.yaml" in run.stderr
    assert not old.exists()


def test_outside_the_registry_nothing_is_written(new: Runner, tmp_path: Path) -> None:
    run = new("council", "LDS", "--owner", "@leeds/digital", cwd=tmp_path)
    assert run.exit_code == 2
    assert "is not inside the registry" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_owner_is_required_and_checked(new: Runner, mini_repo: Path) -> None:
    run = new("council", "WKF", cwd=mini_repo)  # CliRunner's stdin is not a terminal
    assert run.exit_code == 2
    assert "missing --owner" in run.stderr
    run = new("council", "WKF", "--owner", "wakefield digital", cwd=mini_repo)
    assert run.exit_code == 2
    assert "'wakefield digital' is not a GitHub team or user" in run.stderr
    assert not (mini_repo / "manifests/wakefield").exists()


def test_owner_is_asked_for_interactively(new: Runner, mini_repo: Path) -> None:
    run = new("council", "WKF", "--interactive", cwd=mini_repo, input="not a team\n@wakefield-council/digital\n")
    assert run.exit_code == 0, run.stderr
    assert "Wakefield Metropolitan District Council (WKF, E08000036)" in run.stdout
    assert "'not a team' is not a GitHub team or user" in run.stdout + run.stderr
    council = yaml.safe_load((mini_repo / "manifests/wakefield/council.yaml").read_text())
    assert council["owners"] == ["@wakefield-council/digital"]


def test_terminal_decides_when_not_told(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.setattr(sys, "stdin", Stdin(True))
    assert scaffold_cli._asks(None) is True
    assert scaffold_cli._asks(False) is False
    monkeypatch.setattr(sys, "stdin", Stdin(False))
    assert scaffold_cli._asks(None) is False
    assert scaffold_cli._asks(True) is True


# --------------------------------------------------------------------------- services

FLAGS = (
    "--name",
    "Report a missed bin: garden waste",
    "--phase",
    "beta",
    "--channel",
    "web",
    "--channel",
    "phone",
    "--team",
    "Waste & Recycling",
    "--handles-personal-data",
    "--lgsl",
    "524",
)


def test_new_service_with_flags_is_valid_straight_away(new: Runner, mini_repo: Path, cli) -> None:
    run = new("service", "leeds", *FLAGS, cwd=mini_repo)
    assert run.exit_code == 0, run.stderr
    path = mini_repo / "manifests/leeds/report-a-missed-bin-garden-waste.yaml"
    assert "wrote manifests/leeds/report-a-missed-bin-garden-waste.yaml" in run.stdout
    assert "standards check manifests/leeds/report-a-missed-bin-garden-waste.yaml" in run.stdout
    text = path.read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schemas/service.schema.json"
    service = Service.model_validate(yaml.safe_load(text))
    assert service.name == "Report a missed bin: garden waste"
    assert (service.lgsl, service.phase, service.channels, service.owner.team) == (
        524,
        "beta",
        ["web", "phone"],
        "Waste & Recycling",
    )
    assert service.sample is False and service.privacy.handles_personal_data is True
    assert [(c.standard, c.version) for c in service.conforms_to] == [("demo", 2)]

    result = _checked(mini_repo, path)
    assert result.valid, result.problems
    assert not result.warnings
    outcomes = {r.requirement: r.outcome for r in result.results}
    assert Outcome.ERROR not in outcomes.values()
    assert outcomes["DEMO-01"] is Outcome.FAIL  # only the council can fill in the evidence
    check = cli("check", "--as-of", AS_OF, "manifests/leeds/report-a-missed-bin-garden-waste.yaml", cwd=mini_repo)
    assert check.exit_code == 1
    assert not re.search(r": E\d{3} ", check.stdout), check.stdout
    assert "0 invalid" in check.stdout


def test_every_field_is_present_and_explained(new: Runner, mini_repo: Path) -> None:
    assert new("service", "leeds", *FLAGS, "--id", "bins", cwd=mini_repo).exit_code == 0
    text = (mini_repo / "manifests/leeds/bins.yaml").read_text()
    lines = text.splitlines()
    keys = []
    for i, line in enumerate(lines):
        match = re.match(r"^((?:  )?)([a-z_]+):", line)  # fields and section fields, not list items
        if match:
            keys.append((len(match[1]), match[2]))
            assert lines[i - 1].lstrip().startswith("#"), f"no comment above {line!r}"
    top = {name for indent, name in keys if indent == 0}
    assert top == set(Service.model_fields)
    nested = {name for indent, name in keys if indent == 2}
    assert {"statement_url", "handles_personal_data", "caf_assessed", "kpis_url", "roles", "team"} <= nested
    # Notes name the values a field takes and the requirements that read it.
    assert re.search(r"# Read by DEMO-01\.\n  statement_url:", text)
    assert "# One of: discovery, alpha, beta, live, retired." in text
    assert "# For example:\n# waivers:\n#   - requirement:" in text
    # The editor sees the same rules: the JSON Schema accepts it as written.
    schema = json.loads((ROOT / "schemas/service.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(text))


def test_new_service_against_the_real_standards(new: Runner, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "standards", repo / "standards")
    (repo / "manifests/camden").mkdir(parents=True)
    shutil.copy(ROOT / "manifests/camden/council.yaml", repo / "manifests/camden/council.yaml")
    run = new("service", "camden", "--name", "Parking permits", "--phase", "live", "--channel", "web", "--team",
              "Parking", "--no-handles-personal-data", cwd=repo)  # fmt: skip
    assert run.exit_code == 0, run.stderr
    path = repo / "manifests/camden/parking-permits.yaml"
    text = path.read_text()
    assert re.search(r"# Read by ACC-01[,.].*\n  statement_url:", text)
    result = _checked(repo, path)
    assert result.valid, result.problems
    assert not result.warnings
    assert all(r.outcome is not Outcome.ERROR for r in result.results)
    failing = {r.requirement for r in result.results if r.outcome is Outcome.FAIL}
    assert "ACC-01" in failing
    declared = {c.standard for c in Service.model_validate(yaml.safe_load(text)).conforms_to}
    assert {"accessibility", "service-standard"} <= declared
    assert "privacy" not in declared  # it handles no personal data, so privacy does not apply


def test_new_service_writes_the_restricted_file_beside_the_manifest(new: Runner, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "standards", repo / "standards")
    (repo / "manifests/camden").mkdir(parents=True)
    shutil.copy(ROOT / "manifests/camden/council.yaml", repo / "manifests/camden/council.yaml")
    run = new("service", "camden", "--name", "Parking permits", "--phase", "live", "--channel", "web", "--team",
              "Parking", "--no-handles-personal-data", cwd=repo)  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert "wrote manifests/camden/parking-permits.restricted.yaml: the restricted facts" in run.stdout
    public = yaml.safe_load((repo / "manifests/camden/parking-permits.yaml").read_text())
    restricted_text = (repo / "manifests/camden/parking-permits.restricted.yaml").read_text()
    restricted = yaml.safe_load(restricted_text)
    assert restricted["kind"] == "RestrictedService" and restricted["id"] == "parking-permits"
    catalogue, _ = Repository(repo).load_catalogue()
    for dotted in catalogue.restricted_fields():
        if dotted.startswith("evidence."):
            continue
        section, name = dotted.split(".")
        assert name not in public.get(section, {}), dotted
        assert name in restricted[section], dotted
    # Public security fields stay in the public manifest, and nothing else is in the restricted file.
    assert {"cyber_essentials", "tls_min_version"} <= public["security"].keys()
    assert set(restricted) == {"kind", "schema_version", "id", "security", "evidence", "waivers"}
    assert "Never commit this file" in restricted_text
    result = _checked(repo, repo / "manifests/camden/parking-permits.yaml")
    assert result.valid, result.problems
    # Checked with its restricted file: the restricted requirements themselves, not an attestation.
    ids = {r.requirement for r in result.results}
    assert "CAF-B2" in ids and "CAF-ATTESTED" not in ids


def test_missing_flags_off_a_terminal_are_named(new: Runner, mini_repo: Path) -> None:
    before = _files(mini_repo)
    run = new("service", "leeds", "--name", "Bins", "--channel", "web", cwd=mini_repo)
    assert run.exit_code == 2
    assert "missing --phase, --team, --handles-personal-data or --no-handles-personal-data" in run.stderr
    assert "--name" not in run.stderr.split("missing", 1)[1].splitlines()[0]
    assert _files(mini_repo) == before


def test_bad_flags_are_usage_errors(new: Runner, mini_repo: Path) -> None:
    before = _files(mini_repo)
    run = new("service", "leeds", *FLAGS, "--id", "Bad Id", cwd=mini_repo)
    assert run.exit_code == 2 and "'Bad Id' cannot be a service id" in run.stderr
    run = new("service", "leeds", *FLAGS[:-1], "parking permit", cwd=mini_repo)
    assert run.exit_code == 2
    assert "an LGSL code is a number, not 'parking permit'" in run.stderr
    assert "474  Parking permits" in run.stderr
    run = new("service", "leeds", *FLAGS[:-1], "5240", cwd=mini_repo)  # `check` would reject it (E314)
    assert run.exit_code == 2 and "5240 is not in the Local Government Service List shipped here" in run.stderr
    run = new("service", "leeds", *FLAGS, "--phase", "finished", cwd=mini_repo)
    assert run.exit_code == 2 and "--phase" in run.stderr
    assert _files(mini_repo) == before


def test_unknown_council_folder_suggests_one(new: Runner, mini_repo: Path) -> None:
    run = new("service", "leds", *FLAGS, cwd=mini_repo)
    assert run.exit_code == 2
    assert "no council folder manifests/leds/" in run.stderr
    assert "did you mean leeds?" in run.stderr
    assert "standards new council CODE" in run.stderr
    assert new("service", "manifests/leeds/", *FLAGS, cwd=mini_repo).exit_code == 0  # a path to the folder works


def test_a_folder_without_council_yaml_is_refused(new: Runner, mini_repo: Path) -> None:
    (mini_repo / "manifests/york").mkdir()
    run = new("service", "york", *FLAGS, cwd=mini_repo)
    assert run.exit_code == 2
    assert "manifests/york/ has no council.yaml" in run.stderr
    assert list((mini_repo / "manifests/york").iterdir()) == []


def test_refuses_to_overwrite_a_service(new: Runner, mini_repo: Path) -> None:
    path = mini_repo / "manifests/leeds/good.yaml"
    before = path.read_bytes()
    run = new("service", "leeds", *FLAGS, "--id", "good", cwd=mini_repo)
    assert run.exit_code == 2
    assert "manifests/leeds/good.yaml already exists" in run.stderr
    assert path.read_bytes() == before


def test_interactive_service(new: Runner, mini_repo: Path) -> None:
    answers = [
        "Apply for a parking permit",  # name
        "",  # id: take the default from the name
        "parking permit",  # LGSL: search
        "4740",  # not in the list: asked again
        "474",  # then choose
        "soon",  # phase: not a phase, asked again
        "beta",
        "web, carrier pigeon",  # channels: asked again
        "web, phone",
        "Parking Services",  # team
        "y",  # personal data
    ]
    run = new("service", "leeds", "--interactive", cwd=mini_repo, input="\n".join(answers) + "\n")
    assert run.exit_code == 0, run.stdout + run.stderr
    shown = run.stdout + run.stderr
    assert "[apply-for-a-parking-permit]" in shown
    assert "474  Parking permits" in shown and "474: Parking permits" in shown
    assert "4740 is not in the Local Government Service List shipped here" in shown
    assert "'soon' is not a phase" in shown
    assert "'carrier' is not a channel" in shown
    path = mini_repo / "manifests/leeds/apply-for-a-parking-permit.yaml"
    service = Service.model_validate(yaml.safe_load(path.read_text()))
    assert (service.name, service.lgsl, service.phase, service.channels, service.owner.team) == (
        "Apply for a parking permit",
        474,
        "beta",
        ["web", "phone"],
        "Parking Services",
    )
    assert service.privacy.handles_personal_data is True
    assert _checked(mini_repo, path).valid


def test_interactive_asks_only_for_what_flags_leave_out(new: Runner, mini_repo: Path) -> None:
    # Given: name, phase, channels. Asked: id (default taken), LGSL (left blank), team, personal data.
    run = new("service", "leeds", "--interactive", *FLAGS[:8], cwd=mini_repo, input="\n\nWaste\nn\n")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "Service name" not in run.stdout and "Phase" not in run.stdout and "Channels" not in run.stdout
    assert "Service id" in run.stdout and "LGSL" in run.stdout and "Team" in run.stdout
    service = yaml.safe_load((mini_repo / "manifests/leeds/report-a-missed-bin-garden-waste.yaml").read_text())
    assert service["lgsl"] is None and service["owner"]["team"] == "Waste"
    assert service["privacy"]["handles_personal_data"] is False


# --------------------------------------------------------------------------- the registers and notes


def test_every_field_has_a_note() -> None:
    assert set(_field_paths(Service)) <= set(SERVICE_NOTES), set(_field_paths(Service)) - set(SERVICE_NOTES)
    assert set(_field_paths(Council)) <= set(COUNCIL_NOTES), set(_field_paths(Council)) - set(COUNCIL_NOTES)


def test_register_holds_every_current_council() -> None:
    entries = councils()
    assert len(entries) >= 380
    assert len({e.slug for e in entries}) == len({e.gss_code for e in entries}) == len(entries)
    for entry in entries:
        Council.model_validate(
            {"kind": "Council", "schema_version": 1, "id": entry.slug, "name": entry.name, "gss_code": entry.gss_code,
             "register_code": entry.register_code, "type": entry.type, "nation": entry.nation,
             "region": entry.region, "website": entry.website or None, "owners": ["@org/team"]}
        )  # fmt: skip
    # The shipped sample councils are where `standards new council` would put them.
    for path in (ROOT / "manifests").glob("*/council.yaml"):
        sample = yaml.safe_load(path.read_text())
        entry = find_council(sample["gss_code"])
        assert entry is not None and entry.slug == path.parent.name
        assert find_council(sample["register_code"]) == entry


def test_suggestions_and_lgsl_search() -> None:
    assert [e.register_code for e in suggest_councils("LDX")][:1] == ["LDS"]
    assert [e.register_code for e in suggest_councils("york")][:1] == ["YOR"]
    assert [e.register_code for e in suggest_councils("camdn")] == ["CMD"]
    assert [s.id for s in search_lgsl("parking permits")][:1] == [474]
    assert 524 in [s.id for s in search_lgsl("household waste collection")]
    assert search_lgsl("") == []
    # By the words people use, not only the LGSL label (checks/data/lgsl_terms.csv).
    assert [s.id for s in search_lgsl("missed bin")][:1] == [524]
    assert [s.id for s in search_lgsl("blue badge")][:1] == [279]


def test_shipped_registers_are_current() -> None:
    # The files scripts/build_councils_register.py reads, each required so a missing one is named.
    data = shared_data("uk_local_authorities.csv").parent
    shared_data("govuk_local_authorities.csv")
    shared_data("lgsl_services_2015.csv")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts/build_councils_register.py"), "--check", "--data", str(data)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
