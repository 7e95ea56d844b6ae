"""Supplier markets (service type x role), shares, HHI, "too few to judge" and the sector supplier ranking,
on a hand-built registry of 12 services in 5 councils, every answer worked out by hand below; checked
in the computation, the command line (JSON), the API (the real app) and the site's pages as MkDocs
renders them.

The registry is judged at 2026-11-01 against the `demo` standard of the mini fixture (it applies to
web services; two musts: DEMO-01 a statement URL, DEMO-04 usability evidence). Every service is
on the web and meets both musts except: b/bins has no statement, c/bins no evidence (each fails
one must), d/bins is phone-only (demo does not apply, so it meets every must that applies).

    service     LGSL  suppliers (name, role, contract end)
    a/bins      524   Acme LOB (product Collect, ends 2027-06-30), Acme LOB (product Routes), Eve CRM
    a/garden    524   Acme LOB (ends 2028-05-01, the horizon's last day)
    a/planning  487   Plan Co LOB (ends 2027-03-15), Form Ltd forms
    b/bins      524   Acme LOB (ended 2026-10-31), EVE Ltd. CRM (Eve in capitals, with a company form)
    b/bulky     524   Bolt LOB
    b/planning  487   Quill Ltd LOB
    c/bins      524   Bolt LOB, Cog LOB (two suppliers in one role)
    c/planning  487   Rota Ltd LOB
    d/bins      524   Dart LOB (ends 2028-05-02, a day past the horizon), Gull web platform
    d/planning  487   Sigma Ltd LOB
    e/bins      524   Dart LOB (ends 2026-11-01, the as-of date), Fern CRM
    e/planning  487   Tally Ltd LOB, Unrolled Ltd (no role)

(LOB = line-of-business system.) The councils are Leeds (a), Manchester (b), York (c), Camden (d)
and Bristol (e), with their register entries.

Markets (service type x role), by default judged from 5 services in 3 councils:

    market              services councils  shares (services)                           HHI      verdict
    524 LOB             7        5         Acme 3/7 = 43% (3), Dart 2/7 = 29% (2),     3,163.27 highly concentrated
                                           Bolt 1.5/7 = 21% (2), Cog 0.5/7 = 7% (1)
    487 LOB             5        5         Plan Co, Quill, Rota, Sigma, Tally 20% each 2,000    not highly concentrated
    524 CRM             3        3         EVE Ltd. 2/3 (2), Fern 1/3 (1)              -        too few to judge
    487 forms           1        1         Form Ltd 100%                               -        too few to judge
    524 web platform    1        1         Gull 100%                                   -        too few to judge

* Acme is on 3 of the 7 services: 43%, not the 38% (3 of 8 service-supplier pairs) the old definition
  gave. c/bins names Bolt and Cog in one role: half a service each. a/bins names Acme twice (two
  products): once. HHI 524 LOB = (100/7)^2 x (3^2 + 2^2 + 1.5^2 + 0.5^2) = 10,000 x 15.5 / 49 = 3,163.27;
  top-3 = (3 + 2 + 1.5) / 7 = 92.86%.
* 487 LOB: five suppliers, one service each: 5 x 20^2 = 2,000, top-3 60%.
* 524 CRM with --min-services 3: judged, (200/3)^2 + (100/3)^2 = 5,555.56; with --min-councils 4 too few again.
* Unrolled Ltd names no role: in no market.

Ranking (councils, services, markets led most first, then name); ending = contracts ending 2026-11-01 to
2028-05-01; demo = services demo applies to / those meeting its musts; all = services meeting every must:

    supplier      councils services markets led ending demo  all
    Acme          2        3        1       1   2      3/2   2     (a/bins 2027-06-30 and a/garden 2028-05-01)
    Bolt          2        2        1       0   0      2/1   1
    Dart          2        2        1       0   1      1/1   2     (e/bins 2026-11-01; d/bins is phone-only)
    EVE Ltd.      2        2        1       0   0      2/1   1
    Plan Co       1        1        1       1   1      1/1   1     (the 487 LOB leaders tie at 20%: each leads)
    Quill Ltd     1        1        1       1   0      1/1   1
    Rota Ltd      1        1        1       1   0      1/1   1
    Sigma Ltd     1        1        1       1   0      1/1   1
    Tally Ltd     1        1        1       1   0      1/1   1
    Cog           1        1        1       0   0      1/0   0
    Fern          1        1        1       0   0      1/1   1
    Form Ltd      1        1        1       0   0      1/1   1
    Gull          1        1        1       0   0      -     1     (d/bins: demo does not apply)
    Unrolled Ltd  1        1        0       0   0      1/1   1
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hand_registry import read_index, write_council
from test_site_insights import _Parsed, _render

from conftest import MINI
from registry.api.app import create_app
from registry.index.build import build_index
from registry.insights import figures as ins
from registry.playbook.insights import pages as registry_pages
from sitegen import site_context

AS_OF = dt.date(2026, 11, 1)
LOB, CRM = "line-of-business system", "CRM"
COUNCILS = {
    "a": ("MD", "Yorkshire and The Humber", "E08000035", "LDS", "Leeds City Council"),
    "b": ("MD", "North West", "E08000003", "MAN", "Manchester City Council"),
    "c": ("UA", "Yorkshire and The Humber", "E06000014", "YOR", "City of York Council"),
    "d": ("LBO", "London", "E09000007", "CMD", "London Borough of Camden"),
    "e": ("UA", "South West", "E06000023", "BST", "Bristol City Council"),
}
Supplier = tuple[str, str | None, str | None, str | None]  # name, role, product, contract end
SERVICES: dict[str, dict[str, tuple[int, tuple[Supplier, ...]]]] = {
    "a": {
        "bins": (
            524,
            (("Acme", LOB, "Collect", "2027-06-30"), ("Acme", LOB, "Routes", None), ("Eve", CRM, None, None)),
        ),
        "garden": (524, (("Acme", LOB, None, "2028-05-01"),)),
        "planning": (487, (("Plan Co", LOB, None, "2027-03-15"), ("Form Ltd", "forms", None, None))),
    },
    "b": {
        "bins": (524, (("Acme", LOB, None, "2026-10-31"), ("EVE Ltd.", CRM, None, None))),
        "bulky": (524, (("Bolt", LOB, None, None),)),
        "planning": (487, (("Quill Ltd", LOB, None, None),)),
    },
    "c": {
        "bins": (524, (("Bolt", LOB, None, None), ("Cog", LOB, None, None))),
        "planning": (487, (("Rota Ltd", LOB, None, None),)),
    },
    "d": {
        "bins": (524, (("Dart", LOB, None, "2028-05-02"), ("Gull", "web platform", None, None))),
        "planning": (487, (("Sigma Ltd", LOB, None, None),)),
    },
    "e": {
        "bins": (524, (("Dart", LOB, None, "2026-11-01"), ("Fern", CRM, None, None))),
        "planning": (487, (("Tally Ltd", LOB, None, None), ("Unrolled Ltd", None, None, None))),
    },
}
NO_STATEMENT, NO_EVIDENCE, PHONE = {"b/bins"}, {"c/bins"}, {"d/bins"}

# The answers, as the module docstring works them out.
MARKETS = [  # (key, role, services, councils, verdict, hhi)
    ("524", LOB, 7, 5, "highly concentrated", 10_000 * 15.5 / 49),
    ("487", LOB, 5, 5, "not highly concentrated", 2000.0),
    ("524", CRM, 3, 3, "too few to judge", None),
    ("487", "forms", 1, 1, "too few to judge", None),
    ("524", "web platform", 1, 1, "too few to judge", None),
]
BINS_LOB_SHARES = [("Acme", 3, 3 / 7), ("Dart", 2, 2 / 7), ("Bolt", 2, 1.5 / 7), ("Cog", 1, 0.5 / 7)]
RANKING = [  # (name, councils, services, markets, led, ending, compliant, {standard: (services, meeting)})
    ("Acme", 2, 3, 1, 1, 2, 2, {"demo": (3, 2)}),
    ("Bolt", 2, 2, 1, 0, 0, 1, {"demo": (2, 1)}),
    ("Dart", 2, 2, 1, 0, 1, 2, {"demo": (1, 1)}),
    ("EVE Ltd.", 2, 2, 1, 0, 0, 1, {"demo": (2, 1)}),
    ("Plan Co", 1, 1, 1, 1, 1, 1, {"demo": (1, 1)}),
    ("Quill Ltd", 1, 1, 1, 1, 0, 1, {"demo": (1, 1)}),
    ("Rota Ltd", 1, 1, 1, 1, 0, 1, {"demo": (1, 1)}),
    ("Sigma Ltd", 1, 1, 1, 1, 0, 1, {"demo": (1, 1)}),
    ("Tally Ltd", 1, 1, 1, 1, 0, 1, {"demo": (1, 1)}),
    ("Cog", 1, 1, 1, 0, 0, 0, {"demo": (1, 0)}),
    ("Fern", 1, 1, 1, 0, 0, 1, {"demo": (1, 1)}),
    ("Form Ltd", 1, 1, 1, 0, 0, 1, {"demo": (1, 1)}),
    ("Gull", 1, 1, 1, 0, 0, 1, {}),
    ("Unrolled Ltd", 1, 1, 0, 0, 0, 1, {"demo": (1, 1)}),
]


def _supplier(name: str, role: str | None, product: str | None, end: str | None) -> list[str]:
    lines = [f"  - name: {json.dumps(name)}"]
    lines += [f"    role: {role}"] if role else []
    lines += [f"    product: {product}"] if product else []
    lines += [f"    contract_end: {end}"] if end else []
    return lines


def _service(key: str, lgsl: int, suppliers: tuple[Supplier, ...]) -> str:
    sid = key.split("/")[1]
    web = key not in PHONE
    text = [
        "kind: Service",
        "schema_version: 1",
        "sample: true",
        f"id: {sid}",
        f"name: {sid.title()} service",
        f"lgsl: {lgsl}",
        "phase: live",
        f"channels: [{'web' if web else 'phone'}]",
        "owner:",
        "  team: Digital",
        *(["conforms_to:", "  - standard: demo", "    version: 2"] if web else []),
        "suppliers:",
        *(line for s in suppliers for line in _supplier(*s)),
        "privacy:",
        "  handles_personal_data: false",
    ]
    if key not in NO_STATEMENT:
        text += ["accessibility:", "  statement_url: https://example.gov.uk/accessibility"]
    if key not in NO_EVIDENCE:
        text += ["evidence:", "  DEMO-04:", "    status: met", "    date: 2026-05-01"]
    return "\n".join(text) + "\n"


def make_registry(root: Path) -> Path:
    """Write the registry in the module docstring under `root`."""
    (root / "standards").mkdir(parents=True)
    shutil.copy(MINI / "standards" / "demo.yaml", root / "standards" / "demo.yaml")
    for council, entry in COUNCILS.items():
        folder = write_council(root, council, entry)
        for sid, (lgsl, suppliers) in SERVICES[council].items():
            (folder / f"{sid}.yaml").write_text(_service(f"{council}/{sid}", lgsl, suppliers), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_registry(tmp_path_factory.mktemp("markets") / "repo")


@pytest.fixture(scope="module")
def index(registry: Path) -> Path:
    path = registry / "build" / "index.sqlite"
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


def _markets(markets: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(m["key"], m["role"], m["services"], m["councils"], m["verdict"], m["hhi"]) for m in markets]


def _approx(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(pytest.approx(v, abs=0.01) if isinstance(v, float) else v for v in row) for row in rows]


def _ranking(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            r["name"],
            r["councils"],
            r["services"],
            r["markets"],
            r["markets_led"],
            r["contracts_ending"],
            r["compliant"],
            {s["standard"]: (s["services"], s["meeting"]) for s in r["standards"]},
        )
        for r in rows
    ]


# --------------------------------------------------------------------------- the computation


def test_markets_are_a_service_type_and_a_role_judged_from_5_services_in_3_councils(db: sqlite3.Connection) -> None:
    markets = ins.supplier_concentration(db)
    got = [(m.key, m.role, m.services, m.councils, m.verdict, m.hhi) for m in markets]
    assert got == _approx(MARKETS)
    bins = markets[0]
    assert [(s.name, s.services, s.share) for s in bins.suppliers] == _approx(BINS_LOB_SHARES)
    assert bins.top3_share == pytest.approx(6.5 / 7) and bins.highly_concentrated and bins.judged
    assert bins.type_services == 7 and sum(s.share for s in bins.suppliers) == pytest.approx(1.0)
    planning = markets[1]
    assert planning.top3_share == pytest.approx(0.6) and planning.highly_concentrated is False
    assert planning.leaders == ("Plan Co", "Quill Ltd", "Rota Ltd", "Sigma Ltd", "Tally Ltd")
    # Too few to judge: shares listed, but no HHI, top-3 or flag; a one-service market is never HHI 10,000.
    web = markets[4]
    assert (web.judged, web.hhi, web.top3_share, web.highly_concentrated) == (False, None, None, None)
    assert [(s.name, s.share) for s in web.suppliers] == [("Gull", 1.0)]


def test_the_thresholds_can_be_lowered_or_raised(db: sqlite3.Connection) -> None:
    crm = ins.supplier_concentration(db, key="524", role=CRM, min_services=3)
    assert [(m.verdict, m.hhi) for m in crm] == [("highly concentrated", pytest.approx(10_000 * 5 / 9))]
    assert [(s.name, s.services) for s in crm[0].suppliers] == [("EVE Ltd.", 2), ("Fern", 1)]
    assert ins.supplier_concentration(db, key="524", role=CRM, min_services=3, min_councils=4)[0].hhi is None
    assert ins.supplier_concentration(db, key="524", role=LOB, min_services=8)[0].verdict == "too few to judge"
    assert ins.supplier_concentration(db, key="487", role=LOB, min_councils=6)[0].verdict == "too few to judge"
    with pytest.raises(ValueError, match="unknown role"):
        ins.supplier_concentration(db, role="crm-ish")


def test_function_markets_group_the_types_functions(db: sqlite3.Connection) -> None:
    env = {m.role: m for m in ins.supplier_concentration(db, "function", "Environmental protection")}
    # 524 is the only Environmental protection type here: the same market as 524 LOB.
    assert (env[LOB].services, env[LOB].hhi) == (7, pytest.approx(10_000 * 15.5 / 49))
    assert set(env) == {LOB, CRM, "web platform"}


def test_the_ranking(db: sqlite3.Connection) -> None:
    ranks = ins.supplier_ranking(db)
    assert _ranking([asdict(r) for r in ranks]) == RANKING
    # From a day later, Dart's e/bins contract (ending 2026-11-01) has ended; d/bins' 2028-05-02 is now in.
    later = {r.name: r.contracts_ending for r in ins.supplier_ranking(db, as_of=dt.date(2026, 11, 2))}
    assert (later["Dart"], later["Acme"]) == (1, 2)
    # With markets judged from 3 services, EVE Ltd. leads 524 CRM too.
    assert {r.name: r.markets_led for r in ins.supplier_ranking(db, min_services=3)}["EVE Ltd."] == 1


# --------------------------------------------------------------------------- the command line and the API


def test_the_command_line_gives_the_same_answers(cli, registry: Path, index: Path) -> None:
    run = cli("insights", "suppliers", "--format", "json", "--index", str(index), cwd=registry)
    assert run.exit_code == 0, run.stderr
    markets = json.loads(run.stdout)
    assert _markets(markets) == _approx(MARKETS)
    assert [(s["name"], s["services"], s["share"]) for s in markets[0]["suppliers"]] == _approx(BINS_LOB_SHARES)
    crm = ("--lgsl", "524", "--role", "crm", "--min-services", "3")  # the role in any case
    one = cli("insights", "suppliers", *crm, "--format", "json", "--index", str(index), cwd=registry)
    assert one.exit_code == 0, one.stderr
    assert (json.loads(one.stdout)["verdict"], json.loads(one.stdout)["hhi"]) == ("highly concentrated", 5555.5556)
    text = cli("insights", "suppliers", "--index", str(index), cwd=registry).stdout
    assert "5 markets; 2 with at least 5 services in 3 councils are judged, 3 are too few to judge." in text
    ranking = cli("insights", "ranking", "--format", "json", "--index", str(index), cwd=registry)
    assert ranking.exit_code == 0, ranking.stderr
    assert _ranking(json.loads(ranking.stdout)) == RANKING


def test_the_api_gives_the_same_answers(client: TestClient) -> None:
    r = client.get("/api/v1/insights/suppliers", params={"limit": 100})
    assert r.status_code == 200, r.text
    assert r.json()["total"] == 5 and _markets(r.json()["items"]) == _approx(MARKETS)
    first = r.json()["items"][0]["suppliers"]
    assert [(s["name"], s["services"], s["share"]) for s in first] == _approx(BINS_LOB_SHARES)
    crm = client.get("/api/v1/insights/suppliers", params={"key": "524", "role": CRM, "min_services": 3}).json()
    assert [(m["verdict"], m["hhi"]) for m in crm["items"]] == [("highly concentrated", 5555.5556)]
    assert client.get("/api/v1/insights/suppliers", params={"role": "crm-ish"}).status_code == 422
    assert client.get("/api/v1/insights/suppliers", params={"min_councils": 0}).status_code == 422
    csv = client.get("/api/v1/insights/suppliers", params={"format": "csv"}).text.splitlines()
    assert csv[0].startswith("by,key,label,role,services,councils") and csv[1].startswith("service-type,524,")
    ranking = client.get("/api/v1/insights/ranking", params={"limit": 100})
    assert ranking.status_code == 200, ranking.text
    assert _ranking(ranking.json()["items"]) == RANKING
    flat = client.get("/api/v1/insights/ranking", params={"format": "csv", "limit": 1}).text.splitlines()
    assert flat == [
        "name,councils,services,markets,markets_led,contracts_ending,compliant,musts_met",
        "Acme,2,3,1,1,2,2,demo 2/3",
    ]


# --------------------------------------------------------------------------- the site's pages


@pytest.fixture(scope="module")
def pages(registry: Path, index: Path) -> dict[str, Any]:
    """The insights pages built from the registry's index, rendered as MkDocs renders them, and parsed."""
    ctx = site_context(index, registry)
    try:
        built = [p for p in registry_pages(ctx) if hasattr(p, "markdown")]
    finally:
        ctx.conn.close()
    return {p.path: _Parsed(_render(p)) for p in built}


def test_the_site_gives_the_same_answers(pages: dict[str, Any]) -> None:
    suppliers = pages["insights/suppliers.md"]
    judged = suppliers.body("table-types")
    assert [(r[0], r[1], r[2], r[3], r[6], r[7]) for r in judged] == [
        ("Household waste collection (LGSL 524)", LOB, "7", "5", "3,163", "highly concentrated"),
        ("Full planning applications (LGSL 487)", LOB, "5", "5", "2,000", "not highly concentrated"),
    ]
    assert judged[0][5] == "92.9%"  # top-3
    assert judged[0][8] == "Acme 42.9% (3); Dart 28.6% (2); Bolt 21.4% (2); Cog 7.1% (1)"
    assert [r[:4] for r in suppliers.body("table-types-too-few")] == [
        ["Household waste collection (LGSL 524)", CRM, "3", "3"],
        ["Full planning applications (LGSL 487)", "forms", "1", "1"],
        ["Household waste collection (LGSL 524)", "web platform", "1", "1"],
    ]
    # The chart's table: the top three's share of 524 LOB is 6.5 of its 7 services.
    assert suppliers.body("table-types-top")[0][:3] == ["Household waste collection (LGSL 524): " + LOB, "6.5", "7"]
    assert not any("10,000" in cell for table in suppliers.tables.values() for row in table for cell in row)
    ranking = pages["insights/ranking.md"].body("table-ranking")
    assert [[r[0], *map(int, r[1:6])] for r in ranking] == [
        [name, councils, services, led, ending, compliant]
        for name, councils, services, _markets, led, ending, compliant, _musts in RANKING
    ]
    assert (
        ranking[0][6] == "Demonstration standard for the test suite 2 of 3" and ranking[12][6] == "–"
    )  # Gull: demo does not apply
    bins = pages["insights/service-types/524.md"]
    assert "line-of-business system: 7 of its services in 5 councils name a supplier in this role; HHI 3,163" in (
        bins.all_text
    )
    assert "CRM: 3 of its services in 3 councils name a supplier in this role; too few to judge." in bins.all_text
