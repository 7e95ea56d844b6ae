"""Duplication hotspots, product grouping and buying windows, worked out by hand on a small registry.

The registry (judged at 2026-11-01; windows run 18 months, to 2028-05-01). `bops` is a *solution*
pattern, `gov-uk-notify` a *building block*. Suppliers: name: product [role] end (notice months).
The councils a-e are Leeds, Manchester, York, Camden and Bristol (real register entries).

    council  service   LGSL  patterns        suppliers (or source_code.url)
    a        bins      524   gov-uk-notify   Kerbside Logic Ltd: RoundPlanner [line-of-business system]
                                             2027-08-31 (6)
    b        bins      524   gov-uk-notify   KERBSIDE LOGIC LIMITED: roundplanner [no role] 2027-03-31;
                                             Fernleaf CX Ltd: Fernleaf Forms [forms] 2027-06-30
    c        bins      524   gov-uk-notify   Tallowmere Municipal Ltd: Tallowmere Rounds
                                             [line-of-business system] 2028-05-01
    d        bins      524   gov-uk-notify   none; source_code.url https://github.com/camden/bin-days/
    e        bins      524   -               Pellingham Waste Software Ltd: Pellingham Waste [case
                                             management] 2028-05-02; Fernleaf CX: Fernleaf Forms
                                             [forms] 2027-09-30 (3)
    a        planning  487   bops, notify    Ottercombe Digital Ltd: BOPS [line-of-business system]
                                             2027-03-31
    b        planning  487   bops            none; source_code.url https://github.com/unboxed/bops
    c        planning  487   -               Penhallow Software plc: Penhallow Regulate
                                             [line-of-business system] 2027-03-31 (9)
    d        planning  487   -               Penhallow Software: Penhallow Regulate. [no role] 2027-12-31
    e        planning  487   -               Ardent Case Systems Ltd: Ardent Planning [other] (no end)
    a        parking   474   -               Permitly: PermitHub [line-of-business system] 2027-01-31
    e        parking   474   -               Permitly Ltd: PermitHub [line-of-business system] 2026-10-31

Worked out by hand:

* Products: `Kerbside Logic Ltd: RoundPlanner` and `KERBSIDE LOGIC LIMITED: roundplanner` are one
  product, `kerbside logic|roundplanner`; so are the two Penhallow spellings (`plc`, a full stop) and
  the two Fernleaf ones (`Ltd` or not), and `Permitly` / `Permitly Ltd`.
* Hotspots (at least 3 councils and 3 core solutions). 524: Notify is a building block and Fernleaf
  Forms has a building-block role (forms), so the core solutions are Kerbside (a, b), Tallowmere (c),
  Camden's in-house build (d) and Pellingham (e): 4, one shared, 3 councils working alone. Under the
  old definition every council but e shared Notify, so it was no hotspot. 487: a's `BOPS` product is
  the bops pattern, b has the pattern (so its repository is not an in-house build), Penhallow (c, d),
  Ardent (e, role `other` counts): 3 solutions, 2 shared, 1 council alone. 474: 2 councils, no hotspot.
* Windows by product, two councils or more: Kerbside (b 2027-03-31, a 2027-08-31; a's notice date is
  2027-08-31 less 6 months = 2027-02-28), Penhallow (c 2027-03-31 with notice 2026-06-30, already
  passed; d 2027-12-31), Fernleaf (b 2027-06-30, e 2027-09-30 less 3 months = 2027-06-30). Kerbside
  and Penhallow tie on councils and first end: by key. One council only: Permitly at a (e's ended
  2026-10-31), Ottercombe BOPS at a, Tallowmere at c (2028-05-01, the horizon's last day);
  Pellingham (2028-05-02) is a day past it.
* Windows by service type: 524 at a, b, c, e (5 contracts, 2027-03-31 to 2028-05-01, next notice
  2027-02-28); 487 at a, c, d (3 contracts, no notice to come); 474 only at a.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hand_registry import read_index, write_council
from test_insights import COUNCILS as FOUR_COUNCILS

from conftest import MINI
from registry.api.app import create_app
from registry.index.build import build_index
from registry.index.products import company_key, notice_date, product_key
from registry.insights import figures as ins
from registry.insights.hotspots import HOTSPOTS as HOTSPOT_FIGURE

AS_OF = dt.date(2026, 11, 1)
COUNCILS = {**FOUR_COUNCILS, "e": ("UA", "South West", "E06000023", "BST", "Bristol City Council")}


def supplier(
    name: str, product: str, role: str | None = None, end: str | None = None, notice: int | None = None
) -> str:
    lines = [f"  - name: {json.dumps(name)}", f"    product: {json.dumps(product)}"]
    lines += [f"    role: {role}"] if role else []
    lines += [f"    contract_end: {end}"] if end else []
    lines += [f"    notice_period_months: {notice}"] if notice is not None else []
    return "\n".join(lines)


def service(sid: str, lgsl: int, patterns: tuple[str, ...] = (), *suppliers: str, repo: str = "") -> str:
    text = [
        "kind: Service",
        "schema_version: 1",
        "sample: true",
        f"id: {sid}",
        f"name: {sid.title()}",
        f"lgsl: {lgsl}",
        "phase: live",
        "channels: [web]",
        "owner:",
        "  team: Digital",
        f"patterns: [{', '.join(patterns)}]",
    ]
    if suppliers:
        text += ["suppliers:", *suppliers]
    if repo:
        text += ["source_code:", f"  url: {repo}", "  open: true", "  licence: MIT"]
    text += ["privacy:", "  handles_personal_data: false"]
    return "\n".join(text) + "\n"


LOB, NOTIFY = "line-of-business system", "gov-uk-notify"
SERVICES = {
    "a": {
        "bins": service("bins", 524, (NOTIFY,), supplier("Kerbside Logic Ltd", "RoundPlanner", LOB, "2027-08-31", 6)),
        "planning": service(
            "planning", 487, ("bops", NOTIFY), supplier("Ottercombe Digital Ltd", "BOPS", LOB, "2027-03-31")
        ),
        "parking": service("parking", 474, (), supplier("Permitly", "PermitHub", LOB, "2027-01-31")),
    },
    "b": {
        "bins": service(
            "bins",
            524,
            (NOTIFY,),
            supplier("KERBSIDE LOGIC LIMITED", "roundplanner", None, "2027-03-31"),
            supplier("Fernleaf CX Ltd", "Fernleaf Forms", "forms", "2027-06-30"),
        ),
        "planning": service("planning", 487, ("bops",), repo="https://github.com/unboxed/bops"),
    },
    "c": {
        "bins": service(
            "bins", 524, (NOTIFY,), supplier("Tallowmere Municipal Ltd", "Tallowmere Rounds", LOB, "2028-05-01")
        ),
        "planning": service(
            "planning", 487, (), supplier("Penhallow Software plc", "Penhallow Regulate", LOB, "2027-03-31", 9)
        ),
    },
    "d": {
        "bins": service("bins", 524, (NOTIFY,), repo="https://github.com/camden/bin-days/"),
        "planning": service(
            "planning", 487, (), supplier("Penhallow Software", "Penhallow Regulate.", None, "2027-12-31")
        ),
    },
    "e": {
        "bins": service(
            "bins",
            524,
            (),
            supplier("Pellingham Waste Software Ltd", "Pellingham Waste", "case management", "2028-05-02"),
            supplier("Fernleaf CX", "Fernleaf Forms", "forms", "2027-09-30", 3),
        ),
        "planning": service("planning", 487, (), supplier("Ardent Case Systems Ltd", "Ardent Planning", "other")),
        "parking": service("parking", 474, (), supplier("Permitly Ltd", "PermitHub", LOB, "2026-10-31")),
    },
}


def make_registry(root: Path) -> Path:
    """Write the registry in the module docstring under `root`."""
    patterns = root / "standards" / "patterns"
    patterns.mkdir(parents=True)
    shutil.copy(MINI / "standards" / "demo.yaml", root / "standards" / "demo.yaml")
    notify = (MINI / "standards" / "patterns" / "gov-uk-notify.yaml").read_text(encoding="utf-8")
    (patterns / "gov-uk-notify.yaml").write_text(notify, encoding="utf-8")
    bops = notify.replace("id: gov-uk-notify", "id: bops").replace("name: GOV.UK Notify", "name: BOPS")
    (patterns / "bops.yaml").write_text(bops.replace("type: building_block", "type: solution"), encoding="utf-8")
    for council, entry in COUNCILS.items():
        folder = write_council(root, council, entry)
        for sid, text in SERVICES[council].items():
            (folder / f"{sid}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_registry(tmp_path_factory.mktemp("solutions") / "repo")


@pytest.fixture(scope="module")
def index(registry: Path) -> Path:
    path = registry.parent / "index.sqlite"
    summary = build_index(registry, path, AS_OF, jobs=1)
    assert (summary.services, summary.invalid) == (12, 0)
    return path


@pytest.fixture
def db(index: Path) -> Iterator[sqlite3.Connection]:
    yield from read_index(index)


@pytest.fixture(scope="module")
def client(index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(index)) as c:
        yield c


# The hand-computed answers, as the JSON of the CLI and the API give them.
HOTSPOTS = [
    (524, 5, 4, 1, 3, 0),  # lgsl, councils, solutions, shared, working alone, naming none
    (487, 5, 3, 2, 1, 0),
]
WASTE_SOLUTIONS = [
    ("product", "kerbside logic|roundplanner", "KERBSIDE LOGIC LIMITED: roundplanner", ["a", "b"]),
    ("in_house", "github.com/camden/bin-days", "In-house build (github.com/camden/bin-days)", ["d"]),
    ("product", "pellingham waste software|pellingham waste", "Pellingham Waste Software Ltd: Pellingham Waste", ["e"]),
    ("product", "tallowmere municipal|tallowmere rounds", "Tallowmere Municipal Ltd: Tallowmere Rounds", ["c"]),
]
PLANNING_SOLUTIONS = [
    ("pattern", "bops", "BOPS", ["a", "b"]),
    ("product", "penhallow software|penhallow regulate", "Penhallow Software plc: Penhallow Regulate", ["c", "d"]),
    ("product", "ardent case systems|ardent planning", "Ardent Case Systems Ltd: Ardent Planning", ["e"]),
]
WINDOWS = [  # key, councils, contracts, earliest end, latest end, next notice, (council, end, notice date) each
    (
        "kerbside logic|roundplanner",
        ["a", "b"],
        2,
        "2027-03-31",
        "2027-08-31",
        "2027-02-28",
        [("b", "2027-03-31", None), ("a", "2027-08-31", "2027-02-28")],
    ),
    (
        "penhallow software|penhallow regulate",
        ["c", "d"],
        2,
        "2027-03-31",
        "2027-12-31",
        None,  # c's notice date (2026-06-30) passed before the window starts
        [("c", "2027-03-31", "2026-06-30"), ("d", "2027-12-31", None)],
    ),
    (
        "fernleaf cx|fernleaf forms",
        ["b", "e"],
        2,
        "2027-06-30",
        "2027-09-30",
        "2027-06-30",
        [("b", "2027-06-30", None), ("e", "2027-09-30", "2027-06-30")],
    ),
]
SINGLE_COUNCIL_WINDOWS = ["permitly|permithub", "ottercombe digital|bops", "tallowmere municipal|tallowmere rounds"]


def hotspot_answers(items: list[dict]) -> tuple[list[tuple], list[tuple], list[tuple]]:
    got = [
        (
            h["lgsl"],
            h["councils"],
            h["solutions"],
            h["shared_solutions"],
            h["separate_councils"],
            h["councils_without_solution"],
        )
        for h in items
    ]
    by_type = {h["lgsl"]: [(s["kind"], s["id"], s["name"], s["council_ids"]) for s in h["by_solution"]] for h in items}
    return got, by_type.get(524, []), by_type.get(487, [])


def window_answers(items: list[dict]) -> list[tuple]:
    return [
        (
            w["key"],
            list(w["council_ids"]),
            w["contracts"],
            w["earliest_end"],
            w["latest_end"],
            w["next_notice"],
            [(e["council_id"], e["contract_end"], e["notice_date"]) for e in w["ends"]],
        )
        for w in items
    ]


# --------------------------------------------------------------------------- products


def test_one_product_however_it_is_spelt() -> None:
    assert company_key("Kerbside Logic Ltd") == company_key("KERBSIDE LOGIC LIMITED") == "kerbside logic"
    assert company_key("Penhallow Software plc.") == company_key(" penhallow  software ") == "penhallow software"
    assert company_key("Smith & Jones LLP") == company_key("Smith and Jones") == "smith and jones"
    assert company_key("Limited") == "limited"  # a name that is only a company form is kept
    assert product_key("Penhallow Software plc", "Penhallow Regulate.") == "penhallow software|penhallow regulate"
    # The product keeps every word: "Limited Edition" is not a company form.
    assert product_key("Acme", "Limited Edition") == "acme|limited edition"
    assert product_key("Acme Ltd", None) == "acme|"
    assert notice_date(dt.date(2027, 8, 31), 6) == dt.date(2027, 2, 28)
    assert notice_date(dt.date(2027, 8, 31), None) is None and notice_date(None, 6) is None


def test_the_index_holds_each_suppliers_keys_and_notice_date(db: sqlite3.Connection) -> None:
    rows = {
        (r["service_key"], r["name"]): (r["product_key"], r["notice_months"], r["notice_date"])
        for r in db.execute("SELECT * FROM suppliers")
    }
    assert rows[("b/bins", "KERBSIDE LOGIC LIMITED")] == ("kerbside logic|roundplanner", None, None)
    assert rows[("a/bins", "Kerbside Logic Ltd")] == ("kerbside logic|roundplanner", 6, "2027-02-28")
    assert rows[("c/planning", "Penhallow Software plc")] == ("penhallow software|penhallow regulate", 9, "2026-06-30")


def test_each_services_core_solutions_leave_out_building_blocks(db: sqlite3.Connection) -> None:
    got: dict[str, set[tuple[str, str]]] = {}
    for r in db.execute("SELECT service_key, kind, solution FROM service_solutions"):
        got.setdefault(r["service_key"], set()).add((r["kind"], r["solution"]))
    assert got["b/bins"] == {("product", "kerbside logic|roundplanner")}  # Notify and the forms supplier left out
    assert got["d/bins"] == {("in_house", "github.com/camden/bin-days")}
    assert got["a/planning"] == {("pattern", "bops")}  # the BOPS product is the pattern
    assert got["b/planning"] == {("pattern", "bops")}  # a pattern, so its repository is not an in-house build
    assert got["e/planning"] == {("product", "ardent case systems|ardent planning")}
    assert "a/bins" in got and len(got) == 12


# --------------------------------------------------------------------------- hotspots


def test_hotspots_count_distinct_core_solutions(db: sqlite3.Connection) -> None:
    from dataclasses import asdict

    items = [asdict(h) for h in ins.duplication_hotspots(db)]
    got, waste, planning = hotspot_answers(items)
    assert got == HOTSPOTS
    assert [(k, i, n, list(c)) for k, i, n, c in waste] == WASTE_SOLUTIONS
    assert [(k, i, n, list(c)) for k, i, n, c in planning] == PLANNING_SOLUTIONS
    assert items[0]["text"] == (
        "5 of the 5 councils delivering Household waste collection run 4 different core solutions; 1 is shared: "
        "KERBSIDE LOGIC LIMITED: roundplanner (a, b)."
    )
    assert [h.lgsl for h in ins.duplication_hotspots(db, min_solutions=4)] == [524]
    assert [h.lgsl for h in ins.duplication_hotspots(db, min_councils=2, min_solutions=1)] == [524, 487, 474]
    assert ins.duplication_hotspots(db, min_councils=6) == []
    with pytest.raises(ValueError):
        ins.duplication_hotspots(db, min_solutions=0)


def test_hotspots_in_the_cli_json_and_csv(cli, registry: Path, index: Path) -> None:
    run = cli("insights", "hotspots", "--format", "json", "--index", str(index), cwd=registry)
    assert run.exit_code == 0, run.stderr
    got, waste, planning = hotspot_answers(json.loads(run.stdout))
    assert (got, waste, planning) == (HOTSPOTS, WASTE_SOLUTIONS, PLANNING_SOLUTIONS)
    table = cli("insights", "hotspots", "--format", "csv", "--index", str(index), cwd=registry)
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert rows[0]["by_solution"].split(";")[0] == "KERBSIDE LOGIC LIMITED: roundplanner (a, b)"


def test_hotspots_in_the_api(client: TestClient) -> None:
    r = client.get("/api/v1/insights/hotspots")
    assert r.status_code == 200, r.text
    got, waste, planning = hotspot_answers(r.json()["items"])
    assert (got, waste, planning) == (HOTSPOTS, WASTE_SOLUTIONS, PLANNING_SOLUTIONS)
    assert [
        h["lgsl"] for h in client.get("/api/v1/insights/hotspots", params={"min_solutions": 4}).json()["items"]
    ] == [524]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/insights/hotspots", params={"format": "csv"}).text)))
    assert [(r["lgsl"], r["solutions"]) for r in rows] == [("524", "4"), ("487", "3")]


def test_household_waste_in_the_sample_data_is_a_hotspot(shipped_index: Path) -> None:
    conn = sqlite3.connect(f"file:{shipped_index}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        waste = next(h for h in ins.duplication_hotspots(conn) if h.lgsl == 524)
    finally:
        conn.close()
    # Nine councils (Salford's missed bins beside Manchester's); the three waste products and Leeds's own build
    # at least, whatever else they name.
    names = {s.id for s in waste.by_solution}
    assert waste.councils == 9 and waste.solutions >= 4
    assert {
        "kerbside logic|roundplanner",
        "tallowmere municipal|tallowmere rounds",
        "pellingham waste software|pellingham waste management",
        "github.com/leeds-city-council/bin-days",
    } <= names
    assert not {"gov-uk-notify", "design-system-addresses", "uprn-address-lookup"} & names


# --------------------------------------------------------------------------- buying windows


def test_windows_need_two_councils_by_default(db: sqlite3.Connection) -> None:
    from dataclasses import asdict

    result = ins.procurement_windows(db)
    assert (result.as_of, result.horizon_end) == ("2026-11-01", "2028-05-01")
    assert window_answers([asdict(w) for w in result.windows]) == WINDOWS
    assert result.windows[0].label == "KERBSIDE LOGIC LIMITED: roundplanner"
    assert result.windows[0].text == (
        "2 councils' contracts for KERBSIDE LOGIC LIMITED: roundplanner end between March and August 2027; "
        "the next notice is due by 28 February 2027"
    )
    every = [w.key for w in ins.procurement_windows(db, min_councils=1).windows]
    assert every == [w[0] for w in WINDOWS] + SINGLE_COUNCIL_WINDOWS
    by_type = ins.procurement_windows(db, by="service-type").windows
    assert [(w.key, w.council_ids, w.contracts, w.earliest_end, w.latest_end, w.next_notice) for w in by_type] == [
        ("524", ("a", "b", "c", "e"), 5, "2027-03-31", "2028-05-01", "2027-02-28"),
        ("487", ("a", "c", "d"), 3, "2027-03-31", "2027-12-31", None),
    ]


def test_windows_in_the_cli_json(cli, registry: Path, index: Path) -> None:
    run = cli("insights", "windows", "--format", "json", "--index", str(index), cwd=registry)
    assert run.exit_code == 0, run.stderr
    assert window_answers(json.loads(run.stdout)["windows"]) == WINDOWS
    every = cli("insights", "windows", "--min-councils", "1", "--format", "json", "--index", str(index), cwd=registry)
    assert [w["key"] for w in json.loads(every.stdout)["windows"]] == [w[0] for w in WINDOWS] + SINGLE_COUNCIL_WINDOWS


def test_windows_in_the_api(client: TestClient) -> None:
    r = client.get("/api/v1/insights/windows")
    assert r.status_code == 200, r.text
    assert window_answers(r.json()["items"]) == WINDOWS
    every = client.get("/api/v1/insights/windows", params={"min_councils": 1}).json()["items"]
    assert [w["key"] for w in every] == [w[0] for w in WINDOWS] + SINGLE_COUNCIL_WINDOWS
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/insights/windows", params={"format": "csv"}).text)))
    assert rows[0]["ends"] == "b 2027-03-31;a 2027-08-31 (notice by 2027-02-28)"
    assert rows[0]["window_end"] == "2028-05-01"


# --------------------------------------------------------------------------- the site's pages


@pytest.fixture(scope="module")
def pages(index: Path, registry: Path) -> dict[str, Any]:
    """The built hotspots and windows pages of the registry above, rendered as MkDocs renders them."""
    from test_site_insights import _Parsed, _render

    import registry.playbook.insights as site_insights
    from sitegen import site_context

    ctx = site_context(index, registry)
    try:
        built = {p.path: p for p in site_insights.pages(ctx) if hasattr(p, "markdown")}
    finally:
        ctx.conn.close()
    return {
        name: (built[f"insights/{name}.md"], _Parsed(_render(built[f"insights/{name}.md"])))
        for name in ("hotspots", "windows")
    }


LEEDS, MANCHESTER, YORK, CAMDEN, BRISTOL = (COUNCILS[c][4] for c in "abcde")


def test_hotspots_page(pages: dict[str, Any]) -> None:
    page, parsed = pages["hotspots"]
    assert parsed.body("table-hotspots") == [
        ["Household waste collection (LGSL 524)", "Environmental protection", "5", "5", "4", "1", "3", "0"],
        ["Full planning applications (LGSL 487)", "Planning and building control", "5", "5", "3", "2", "1", "0"],
    ]
    assert parsed.body("table-hotspot-524") == [
        ["KERBSIDE LOGIC LIMITED: roundplanner", "Supplier product", "2", f"{LEEDS}, {MANCHESTER}"],
        ["In-house build (github.com/camden/bin-days)", "In-house build", "1", CAMDEN],
        ["Pellingham Waste Software Ltd: Pellingham Waste", "Supplier product", "1", BRISTOL],
        ["Tallowmere Municipal Ltd: Tallowmere Rounds", "Supplier product", "1", YORK],
    ]
    assert parsed.body("table-hotspot-487")[0] == ["BOPS", "Solution pattern", "2", f"{LEEDS}, {MANCHESTER}"]
    # The definition is shown beside the figure, in the declaration's words.
    assert "## How it is computed" in page.markdown and HOTSPOT_FIGURE.definition[0] in page.markdown


def test_windows_page_and_its_timeline(pages: dict[str, Any]) -> None:
    page, parsed = pages["windows"]
    body = parsed.body("table-windows-product")
    assert [row[:7] for row in body] == [
        [
            "KERBSIDE LOGIC LIMITED: roundplanner",
            "2",
            "2",
            "2027-03-31",
            "2027-08-31",
            "2027-02-28",
            f"{LEEDS}, {MANCHESTER}",
        ],
        ["Penhallow Software plc: Penhallow Regulate", "2", "2", "2027-03-31", "2027-12-31", "–", f"{YORK}, {CAMDEN}"],
        [
            "Fernleaf CX Ltd: Fernleaf Forms",
            "2",
            "2",
            "2027-06-30",
            "2027-09-30",
            "2027-06-30",
            f"{MANCHESTER}, {BRISTOL}",
        ],
    ]
    assert [row[:6] for row in parsed.body("table-windows-type")] == [
        ["Household waste collection (LGSL 524)", "4", "5", "2027-03-31", "2028-05-01", "2027-02-28"],
        ["Full planning applications (LGSL 487)", "3", "3", "2027-03-31", "2027-12-31", "–"],
    ]
    assert parsed.body("table-windows-timeline") == [
        ["KERBSIDE LOGIC LIMITED: roundplanner", MANCHESTER, "b/bins", "2027-03-31", "–"],
        ["KERBSIDE LOGIC LIMITED: roundplanner", LEEDS, "a/bins", "2027-08-31", "2027-02-28"],
        ["Penhallow Software plc: Penhallow Regulate", YORK, "c/planning", "2027-03-31", "2026-06-30"],
        ["Penhallow Software plc: Penhallow Regulate", CAMDEN, "d/planning", "2027-12-31", "–"],
        ["Fernleaf CX Ltd: Fernleaf Forms", MANCHESTER, "b/bins", "2027-06-30", "–"],
        ["Fernleaf CX Ltd: Fernleaf Forms", BRISTOL, "e/bins", "2027-09-30", "2027-06-30"],
    ]
    svg = next(b for b in page.html_blocks.values() if 'id="chart-windows-title"' in b)
    svg = svg[: svg.index("</svg>")]
    # Six bars (one per contract), two notices still to come marked, York's past one printed as past.
    assert svg.count('fill="#1d70b8"') == 6 and svg.count("<path d=") == 2
    assert "ends 2027-03-31; notice by 2026-06-30 (past)" in svg and "ends 2027-08-31; notice by 2027-02-28" in svg
    assert '<title id="chart-windows-title">Contracts ending 2026-11-01 to 2028-05-01, a row per product</title>' in svg
    # Single-council renewals are left out of the page, as of the figure by default.
    assert "Tallowmere" not in parsed.all_text and "Permitly" not in parsed.all_text


# --------------------------------------------------------------------------- pattern types and notice periods


def test_every_shipped_pattern_says_what_it_is(api) -> None:
    solutions = {
        p["id"] for p in api.get("/api/v1/patterns", params={"type": "solution", "limit": 500}).json()["items"]
    }
    blocks = {
        p["id"] for p in api.get("/api/v1/patterns", params={"type": "building_block", "limit": 500}).json()["items"]
    }
    assert {"bops", "planx", "fixmystreet-pro", "gov-uk-pay"} <= solutions
    assert {"gov-uk-notify", "gov-uk-design-system", "design-system-addresses", "uprn-address-lookup"} <= blocks
    everything = api.get("/api/v1/patterns", params={"limit": 500}).json()["items"]
    assert not solutions & blocks and solutions | blocks == {p["id"] for p in everything}
    assert api.get("/api/v1/patterns/bops").json()["type"] == "solution"


def test_the_pattern_catalogue_shows_each_patterns_type(shipped_index: Path) -> None:
    import registry.playbook.patterns as catalogue
    from conftest import ROOT
    from sitegen import site_context

    ctx = site_context(shipped_index, ROOT)
    try:
        built = {p.path: p for p in catalogue.pages(ctx)}
    finally:
        ctx.conn.close()
    assert "| Type | Category |" in built["patterns/bops.md"].markdown
    assert "| Solution | Open-source products |" in built["patterns/bops.md"].markdown
    assert "| Building block | Common platforms |" in built["patterns/gov-uk-notify.md"].markdown
    index = built["patterns/index.md"].markdown
    assert "A **solution** delivers a service" in index and "](bops.md) | Solution |" in index


def test_a_pattern_without_a_type_or_a_bad_notice_period_is_a_clear_error(cli, mini_repo: Path) -> None:
    notify = mini_repo / "standards" / "patterns" / "gov-uk-notify.yaml"
    notify.write_text(notify.read_text(encoding="utf-8").replace("type: building_block\n", ""), encoding="utf-8")
    run = cli("lint", cwd=mini_repo)
    assert run.exit_code == 1
    assert "standards/patterns/gov-uk-notify.yaml:1:1: E202 [error] missing required field 'type'" in run.stdout
    service = mini_repo / "manifests" / "leeds" / "bad-notice.yaml"
    service.write_text(
        service_text := service_yaml_with_notice("61"),
        encoding="utf-8",
    )
    assert "notice_period_months: 61" in service_text
    checked = cli("check", str(service), cwd=mini_repo)
    assert checked.exit_code == 1 and "notice_period_months" in checked.stdout and "Traceback" not in checked.stdout


def service_yaml_with_notice(months: str) -> str:
    return service("bad-notice", 524, (), supplier("Acme", "Bins", None, "2027-03-31", None)).replace(
        "    contract_end: 2027-03-31\n", f"    contract_end: 2027-03-31\n    notice_period_months: {months}\n"
    )
