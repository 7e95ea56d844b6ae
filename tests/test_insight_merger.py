"""What a new council inherits (registry/insights/merger.py), worked out by hand on a small registry.

Leeds (a, LDS), Manchester (b, MAN) and York (c, YOR) merge on vesting day 2027-04-01; Camden (d)
stays out. Judged at 2026-11-01 against the mini `demo` standard (musts DEMO-01 a statement URL,
DEMO-04 usability evidence). "Runs past" means ending on or after 2029-04-01 (two years).

    council service    LGSL  musts met  solution                            contracts (end, notice months)
    a       bins       524   2 of 2     Kerbside Logic Ltd: RoundPlanner    RoundPlanner [lob] 2027-08-31 (6)
    a       planning   487   1 of 2     bops pattern                        -
    b       bins       524   0 of 2     KERBSIDE LOGIC LIMITED: roundplanner roundplanner [lob] 2029-06-30;
                                                                             Fernleaf Forms [forms] 2027-01-31
    b       planning   487   2 of 2     Penhallow Software plc: Regulate    Penhallow [lob] 2026-12-31 (3)
    c       bins       524   2 of 2     in-house (github.com/york/bins)     -
    c       directory  1579  1 of 2     -                                   -
    d       bins       524   2 of 2     Tallowmere Rounds                   (not in the merger)

Data: a's and c's bins use UPRN, b's does not; c's directory publishes Open Referral UK.

Worked out by hand:

* 524 (three councils): RoundPlanner is shared by LDS and MAN (one product however spelt). Candidates:
  RoundPlanner first (2 councils; musts 2 + 0 of 4 = 50%; latest end 2029-06-30, 26 months past
  vesting), then York's in-house build (1 council, 2 of 2). Camden's Tallowmere never appears.
* 487 (two councils): nothing shared. Penhallow ranks above BOPS though both have one council: its
  musts are 2 of 2 against BOPS's 1 of 2. Its runway is -3 months (ended 2026-12-31).
* 1579 (York alone): no solution, so no candidate.
* Ending before vesting: Penhallow 2026-12-31 (notice by 2026-09-30; -3 months), Fernleaf Forms
  2027-01-31 (-2). Running past: Manchester's roundplanner 2029-06-30 (+26). Leeds's RoundPlanner
  (2027-08-31, +4) is neither.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hand_registry import read_index, write_council
from test_insights import COUNCILS
from typer.testing import CliRunner

from conftest import MINI, ROOT
from registry.api.app import create_app
from registry.cli import app
from registry.index.build import build_index
from registry.insights.merger_figures import MERGER
from registry.insights.merger_rows import Merger
from registry.insights.shared import rounded

AS_OF = dt.date(2026, 11, 1)
VESTING = dt.date(2027, 4, 1)
LOB = "line-of-business system"


def supplier(name: str, product: str, role: str, end: str, notice: int | None = None) -> str:
    lines = [f"  - name: {json.dumps(name)}", f"    product: {json.dumps(product)}", f"    role: {role}"]
    lines += [f"    contract_end: {end}"] + ([f"    notice_period_months: {notice}"] if notice else [])
    return "\n".join(lines)


def service(
    sid: str,
    lgsl: int,
    *suppliers: str,
    patterns: str = "",
    statement: bool = True,
    tested: bool = True,
    data: str = "",
    repo: str = "",
) -> str:
    text = ["kind: Service", "schema_version: 1", "sample: true", f"id: {sid}", f"name: {sid.title()}", f"lgsl: {lgsl}"]
    text += ["phase: live", "channels: [web]", "owner:", "  team: Digital", f"patterns: [{patterns}]"]
    text += ["suppliers:", *suppliers] if suppliers else []
    text += ["accessibility:", "  statement_url: https://example.org/a11y"] if statement else []
    text += ["data:", *[f"  {line}" for line in data.split(";")]] if data else []
    text += ["source_code:", f"  url: {repo}", "  open: true", "  licence: MIT"] if repo else []
    text += ["privacy:", "  handles_personal_data: false"]
    text += ["evidence:", "  DEMO-04:", "    status: met", "    date: 2026-06-01"] if tested else []
    return "\n".join(text) + "\n"


ADDRESSES = "handles_addresses: true;standards: [uprn]"
SERVICES = {
    "a": {
        "bins": service(
            "bins", 524, supplier("Kerbside Logic Ltd", "RoundPlanner", LOB, "2027-08-31", 6), data=ADDRESSES
        ),
        "planning": service("planning", 487, patterns="bops", tested=False),
    },
    "b": {
        "bins": service(
            "bins",
            524,
            supplier("KERBSIDE LOGIC LIMITED", "roundplanner", LOB, "2029-06-30"),
            supplier("Fernleaf CX", "Fernleaf Forms", "forms", "2027-01-31"),
            statement=False,
            tested=False,
            data="handles_addresses: true",
        ),
        "planning": service(
            "planning", 487, supplier("Penhallow Software plc", "Penhallow Regulate", LOB, "2026-12-31", 3)
        ),
    },
    "c": {
        "bins": service("bins", 524, data=ADDRESSES, repo="https://github.com/york/bins"),
        "directory": service("directory", 1579, tested=False, data="is_directory: true;standards: [open-referral-uk]"),
    },
    "d": {"bins": service("bins", 524, supplier("Tallowmere Municipal Ltd", "Tallowmere Rounds", LOB, "2028-05-01"))},
}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("merger") / "repo"
    patterns = root / "standards" / "patterns"
    patterns.mkdir(parents=True)
    shutil.copy(MINI / "standards" / "demo.yaml", root / "standards" / "demo.yaml")
    notify = (MINI / "standards" / "patterns" / "gov-uk-notify.yaml").read_text(encoding="utf-8")
    bops = notify.replace("id: gov-uk-notify", "id: bops").replace("name: GOV.UK Notify", "name: BOPS")
    (patterns / "bops.yaml").write_text(bops.replace("type: building_block", "type: solution"), encoding="utf-8")
    for council, entry in COUNCILS.items():
        folder = write_council(root, council, entry)
        for sid, text in SERVICES[council].items():
            (folder / f"{sid}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def index(registry: Path) -> Path:
    path = registry.parent / "index.sqlite"
    summary = build_index(registry, path, AS_OF, jobs=1)
    assert (summary.services, summary.invalid) == (7, 0)
    return path


@pytest.fixture
def db(index: Path) -> Iterator[sqlite3.Connection]:
    yield from read_index(index)


@pytest.fixture
def merged(db: sqlite3.Connection) -> Merger:
    result: Merger = MERGER.compute(db, ["LDS", "MAN", "E06000014"], VESTING)
    return result


def test_each_service_type_with_each_councils_solution(merged: Merger) -> None:
    assert [(t.lgsl, t.councils) for t in merged.service_types] == [
        (524, ("LDS", "MAN", "YOR")),
        (487, ("LDS", "MAN")),
        (1579, ("YOR",)),
    ]
    bins = {s.council: s for s in merged.service_types[0].services}
    assert bins["LDS"].solutions == ("Kerbside Logic Ltd: RoundPlanner",)
    assert (bins["LDS"].contract_end, bins["LDS"].notice_date) == ("2027-08-31", "2027-02-28")
    # The forms contract is a building block: Manchester's contract end is its round-planning product's.
    assert (bins["MAN"].contract_end, bins["MAN"].kinds) == ("2029-06-30", ("product",))
    assert bins["YOR"].kinds == ("in_house",) and bins["YOR"].contract_end is None
    assert [(m.standard, m.failed_must, m.compliant) for m in bins["MAN"].musts] == [("demo", 2, False)]
    assert [(m.standard, m.failed_must, m.compliant) for m in bins["LDS"].musts] == [("demo", 0, True)]
    assert bins["LDS"].data_standards == ("UPRN",) and bins["MAN"].data_standards == ()
    assert [c.services for c in merged.councils] == [2, 2, 2]
    assert all("Tallowmere" not in s for t in merged.service_types for x in t.services for s in x.solutions)


def test_shared_solutions_and_ranked_candidates_with_their_reasons(merged: Merger) -> None:
    bins, planning, directory = merged.service_types
    assert [(s.solution, s.councils) for s in bins.shared] == [("Kerbside Logic Ltd: RoundPlanner", ("LDS", "MAN"))]
    assert [
        (c.rank, c.kind, c.councils, c.musts_met, c.musts_applicable, c.runway_months) for c in bins.candidates
    ] == [
        (1, "product", 2, 2, 4, 26),
        (2, "in_house", 1, 2, 2, None),
    ]
    assert bins.candidates[0].reason == (
        "Used by 2 of the 3 councils delivering it (LDS, MAN); its services meet 2 of 4 musts (50%); "
        "its contract runs to 30 June 2029, 26 months past vesting day."
    )
    assert planning.shared == ()
    assert [(c.solution, c.musts_met_rate, c.runway_months) for c in planning.candidates] == [
        ("Penhallow Software plc: Penhallow Regulate", 1.0, -3),
        ("BOPS", 0.5, None),
    ]
    assert "ended 31 December 2026, before vesting day" in planning.candidates[0].reason
    assert directory.candidates == ()


def test_contracts_ending_before_and_running_past_vesting(merged: Merger) -> None:
    assert [
        (c.council, c.product, c.contract_end, c.notice_date, c.months_after_vesting) for c in merged.ending_before
    ] == [
        ("MAN", "Penhallow Software plc: Penhallow Regulate", "2026-12-31", "2026-09-30", -3),
        ("MAN", "Fernleaf CX: Fernleaf Forms", "2027-01-31", None, -2),
    ]
    assert [(c.council, c.contract_end, c.months_after_vesting) for c in merged.running_past] == [
        ("MAN", "2029-06-30", 26)
    ]


def test_data_standards_per_council(merged: Merger) -> None:
    rows = [(d.council, d.services, d.address_services, d.uprn, d.directories, d.open_referral_uk) for d in merged.data]
    assert rows == [("LDS", 2, 1, 1, 0, 0), ("MAN", 2, 1, 0, 0, 0), ("YOR", 2, 1, 1, 1, 1)]


def test_vesting_defaults_to_the_index_date_for_current_councils(db: sqlite3.Connection) -> None:
    result = MERGER.compute(db, ["LDS", "MAN"])
    assert result.vesting == AS_OF.isoformat() and result.as_of == AS_OF.isoformat()
    # Judged at 2026-11-01, Penhallow (2026-12-31) has not ended yet: nothing ends before vesting day.
    assert result.ending_before == ()


def _merger(registry: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(registry)
    result = CliRunner().invoke(app, ["insights", "merger", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_command_prints_the_same_figures_as_json(
    registry: Path, index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = _merger(
        registry,
        monkeypatch,
        "--councils",
        "LDS,MAN,YOR",
        "--vesting",
        "2027-04-01",
        "--index",
        str(index),
        "-f",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert [t["lgsl"] for t in data["service_types"]] == [524, 487, 1579]
    assert [c["contract_end"] for c in data["ending_before"]] == ["2026-12-31", "2027-01-31"]
    code, out, _ = _merger(registry, monkeypatch, "--councils", "LDS,MAN,YOR", "--index", str(index), "-f", "csv")
    assert code == 0 and out.splitlines()[0] == "lgsl,label,councils,solutions,shared,candidate,reason"


@pytest.mark.parametrize(
    ("councils", "vesting", "says"),
    [
        ("LDS,MAN,E08000035", None, "Leeds City Council (LDS) is named twice ('LDS' and 'E08000035')"),
        ("LDS,XYZ", None, "no council in the register has the code 'XYZ'"),
        ("LDS,,MAN", None, "has an empty code"),
        ("LDS", None, "a merger needs at least two councils"),
        ("CBD,WAF", "2020-04-01", "Cumberland Council (CBD) did not exist until 1 April 2023"),
        ("ALL,CAR", "2024-04-01", "Allerdale Borough Council (ALL) was abolished on 1 April 2023"),
    ],
)
def test_bad_councils_or_dates_are_refused_before_any_index_is_built(
    registry: Path, monkeypatch: pytest.MonkeyPatch, councils: str, vesting: str | None, says: str
) -> None:
    args = ["--councils", councils] + (["--vesting", vesting] if vesting else [])
    code, out, err = _merger(registry, monkeypatch, *args)
    assert code == 2 and out == ""
    assert says in err and "Traceback" not in err
    assert not (registry / "build").exists()  # nothing was built for a command that cannot run


def test_a_proposal_naming_an_unknown_code_is_refused_with_its_place(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = registry / "reorganisations"
    folder.mkdir(exist_ok=True)
    (folder / "west.yaml").write_text(
        "kind: Reorganisation\nschema_version: 1\nname: West\ncouncils: [LDS, MAX]\nvesting: 2028-04-01\n",
        encoding="utf-8",
    )
    try:
        code, _, err = _merger(registry, monkeypatch, "--reorganisation", "west")
        line = "reorganisations/west.yaml:4:17: E340 [error] no council in the register has the code 'MAX'"
        assert code == 1 and line in err.splitlines()
        assert "help: did you mean MAI (Maidstone Borough Council)" in err
        checked = CliRunner().invoke(app, ["check", "reorganisations/west.yaml"])
        assert checked.exit_code == 1 and line in checked.stdout.splitlines()
    finally:
        shutil.rmtree(folder)


def test_the_cumbria_sample_reads_its_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped sample: a snapshot of five predecessors, indexed the day before vesting day with no invalid file."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "standards", root / "standards")
    shutil.copytree(ROOT / "reorganisations", root / "reorganisations")
    code, out, err = _merger(root, monkeypatch, "--councils", "ALL,CAR,EDN,SLA", "-f", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["vesting"] == "2023-04-01" and data["as_of"] == "2023-03-31"
    taxes = next(t for t in data["service_types"] if t["lgsl"] == 59)
    assert [(s["solution"], s["councils"]) for s in taxes["shared"]] == [
        ("Corvane Systems Ltd: Corvane Revenues", ["ALL", "CAR", "EDN", "SLA"])
    ]
    assert ("EDN", "2023-03-31") in [(c["council"], c["contract_end"]) for c in data["ending_before"]]
    whole = CliRunner().invoke(app, ["insights", "merger", "--reorganisation", "cumbria-2023", "-f", "json"])
    assert whole.exit_code == 0
    assert [c["services"] > 0 for c in json.loads(whole.stdout)["councils"]] == [
        True,
        True,
        False,
        True,
        False,
        True,
        True,
    ]


@pytest.fixture(scope="module")
def client(index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(index)) as c:
        yield c


def test_the_api_gives_the_same_figure(client: TestClient, merged: Merger) -> None:
    response = client.get("/api/v1/insights/merger", params={"councils": "LDS,MAN,E06000014", "vesting": "2027-04-01"})
    assert response.status_code == 200
    body = response.json()
    assert body == json.loads(json.dumps(rounded(asdict(merged))))
    assert body["service_types"][0]["candidates"][0]["reason"].startswith("Used by 2 of the 3 councils")


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"councils": "LDS,LDS"}, "Leeds City Council (LDS) is named twice"),
        ({"councils": "LDS,XYZ"}, "no council in the register has the code 'XYZ'"),
        ({"councils": "CBD,WAF", "vesting": "2020-04-01"}, "did not exist until 1 April 2023"),
        ({"councils": "LDS,MAN", "vesting": "2027-02-30"}, "is not a date"),
        ({"councils": "LDS;MAN"}, ""),
    ],
)
def test_the_api_refuses_bad_councils_and_dates(client: TestClient, params: dict[str, str], says: str) -> None:
    response = client.get("/api/v1/insights/merger", params=params)
    assert response.status_code == 422
    assert says in response.json()["error"]["message"]


def test_a_snapshot_is_valid_the_day_before_vesting_and_a_former_council_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample's predecessors as manifests/: E313 judged today, valid judged on 31 March 2023."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "standards", root / "standards")
    shutil.copytree(ROOT / "reorganisations" / "cumbria-2023", root / "manifests")
    monkeypatch.chdir(root)
    today = CliRunner().invoke(app, ["check", "--as-of", "2026-11-01", "--format", "json"])
    invalid = {
        f["path"]: [p["code"] for p in f["problems"]] for f in json.loads(today.stdout)["files"] if f["problems"]
    }
    assert invalid["manifests/allerdale/council.yaml"] == ["E313"]
    assert {path for path, codes in invalid.items() if codes == ["E313"]} >= {
        f"manifests/{c}/council.yaml" for c in ("allerdale", "carlisle", "cumbria", "eden", "south-lakeland")
    }
    before = CliRunner().invoke(app, ["check", "--as-of", "2023-03-31", "--format", "json"])
    assert json.loads(before.stdout)["summary"]["invalid"] == 0


def test_checking_the_reorganisations_folder_checks_the_files_not_the_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["check", "reorganisations/"])
    assert result.exit_code == 0 and "Checked 1 file:" in result.stdout
