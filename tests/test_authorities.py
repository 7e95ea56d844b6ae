"""Strategic authorities (issue 17, build item 3) on a small hand-built registry, worked out by hand.

The registry (judged at 2026-11-01, the mini fixture's `demo` standard: two musts, DEMO-01 a
statement URL and DEMO-04 usability evidence). Manchester and Salford are in the Greater Manchester
Combined Authority (GMCA, 10 constituents in the register), Leeds in West Yorkshire (WYCA, 5);
Camden in none (the Greater London Authority is not in the register).

    council     service   LGSL  musts met  patterns        suppliers
    manchester  bins      524   2 of 2     gov-uk-notify   Acme: Collect -> 2027-06-30
    manchester  planning  487   1 of 2     gov-uk-pay      Plan Co: Portal            (no statement URL)
    salford     bins      524   1 of 2     gov-uk-notify   ACME LTD: collect -> 2027-09-30  (no evidence)
    salford     parking   474   2 of 2     -               Permitly: PermitHub
    leeds       bins      524   2 of 2     gov-uk-notify   Acme: Collect -> 2027-12-31
    leeds       parking   474   2 of 2     -               Permitly: PermitHub
    camden      bins      524   2 of 2     -               Acme: Collect

Worked out by hand:

* GMCA: 2 of its 10 councils have services: 4 services, 2 compliant (manchester/bins, salford/parking),
  musts met 6 of 8. Manchester 2 services, 1 compliant, 3 of 4 musts; Salford the same.
* GMCA's shared solutions (two councils or more): the product `acme|collect` (Acme and ACME LTD are
  one supplier; manchester, salford; 2 services) and the pattern gov-uk-notify (the same two, 2
  services): equal councils and services, so by name, "ACME LTD: collect" before "GOV.UK Notify".
  GOV.UK Pay (manchester only) and Permitly (salford only; Leeds is outside GMCA) are not shared.
* WYCA: 1 of 5 councils, 2 services, both compliant, nothing shared (one council).
* Filtered by GMCA, reuse of 524 counts 2 councils and 2 services (4 and 4 over the registry); 474
  one council (2 over the registry); 487 one.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hand_registry import read_index, write_council
from test_insights import _service, _supplier

from conftest import MINI
from registry.api.app import create_app
from registry.index.authorities import UnknownAuthority, authority_scope
from registry.index.build import build_index
from registry.insights import authorities as auth
from registry.insights import figures as ins
from registry.playbook import authorities as pages
from registry.playbook.common import SiteContext

AS_OF = dt.date(2026, 11, 1)
COUNCILS = {
    "manchester": ("MD", "North West", "E08000003", "MAN", "Manchester City Council"),
    "salford": ("MD", "North West", "E08000006", "SLF", "Salford City Council"),
    "leeds": ("MD", "Yorkshire and The Humber", "E08000035", "LDS", "Leeds City Council"),
    "camden": ("LBO", "London", "E09000007", "CMD", "London Borough of Camden"),
}
NOTIFY, PAY = ("gov-uk-notify",), ("gov-uk-pay",)
SERVICES = {
    "manchester": {
        "bins": _service("bins", 524, patterns=NOTIFY, suppliers=(_supplier("Acme", "Collect", end="2027-06-30"),)),
        "planning": _service(
            "planning", 487, statement=False, patterns=PAY, suppliers=(_supplier("Plan Co", "Portal"),)
        ),
    },
    "salford": {
        "bins": _service(
            "bins",
            524,
            evidence=False,
            patterns=NOTIFY,
            suppliers=(_supplier("ACME LTD", "collect", end="2027-09-30"),),
        ),
        "parking": _service("parking", 474, suppliers=(_supplier("Permitly", "PermitHub"),)),
    },
    "leeds": {
        "bins": _service("bins", 524, patterns=NOTIFY, suppliers=(_supplier("Acme", "Collect", end="2027-12-31"),)),
        "parking": _service("parking", 474, suppliers=(_supplier("Permitly", "PermitHub"),)),
    },
    "camden": {"bins": _service("bins", 524, suppliers=(_supplier("Acme", "Collect"),))},
}
GMCA = ("manchester", "salford")


def make_registry(root: Path, councils: tuple[str, ...] = tuple(COUNCILS)) -> Path:
    """The registry in the module docstring under `root`, with only `councils` in it."""
    (root / "standards" / "patterns").mkdir(parents=True)
    shutil.copy(MINI / "standards" / "demo.yaml", root / "standards" / "demo.yaml")
    notify = (MINI / "standards" / "patterns" / "gov-uk-notify.yaml").read_text(encoding="utf-8")
    (root / "standards" / "patterns" / "gov-uk-notify.yaml").write_text(notify, encoding="utf-8")
    pay = notify.replace("id: gov-uk-notify", "id: gov-uk-pay").replace("name: GOV.UK Notify", "name: GOV.UK Pay")
    (root / "standards" / "patterns" / "gov-uk-pay.yaml").write_text(pay, encoding="utf-8")
    for council in councils:
        folder = write_council(root, council, COUNCILS[council])
        for sid, text in SERVICES[council].items():
            (folder / f"{sid}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_registry(tmp_path_factory.mktemp("authorities") / "repo")
    path = root / "build" / "index.sqlite"
    summary = build_index(root, path, AS_OF, jobs=1)
    assert (summary.services, summary.invalid) == (7, 0)
    return path


@pytest.fixture(scope="module")
def gmca_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same registry holding only GMCA's councils: what every figure filtered by GMCA must equal."""
    root = make_registry(tmp_path_factory.mktemp("gmca") / "repo", GMCA)
    path = root / "build" / "index.sqlite"
    assert build_index(root, path, AS_OF, jobs=1).services == 4
    return path


@pytest.fixture
def db(index: Path) -> Iterator[sqlite3.Connection]:
    yield from read_index(index)


@pytest.fixture(scope="module")
def client(index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(index)) as c:
        yield c


# --------------------------------------------------------------------------- the register and the index


def test_the_index_stores_each_councils_strategic_authority(db: sqlite3.Connection) -> None:
    rows = db.execute(
        """SELECT c.id, m.authority FROM councils c LEFT JOIN authority_councils m
           ON m.register_code = c.register_code ORDER BY c.id"""
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("camden", None),
        ("leeds", "WYCA"),
        ("manchester", "GMCA"),
        ("salford", "GMCA"),
    ]
    gmca = db.execute("SELECT * FROM strategic_authorities WHERE code = 'GMCA'").fetchone()
    assert (gmca["name"], gmca["gss_code"], gmca["start_date"]) == (
        "Greater Manchester Combined Authority",
        "E47000001",
        "2014-04-01",
    )
    assert db.execute("SELECT count(*) FROM authority_councils WHERE authority = 'GMCA'").fetchone()[0] == 10


# --------------------------------------------------------------------------- the figures


def test_an_authority_summary_is_worked_out_by_hand(db: sqlite3.Connection) -> None:
    found = {a.code: a for a in auth.authority_summaries(db)}
    assert len(found) == 14  # every combined authority in the register
    g = found["GMCA"]
    assert (g.constituents, g.councils, g.services, g.compliant, g.musts_applicable, g.musts_met) == (10, 2, 4, 2, 8, 6)
    assert (g.compliance_rate, g.musts_met_rate, g.shared_solutions) == (0.5, 0.75, 2)
    w = found["WYCA"]
    assert (w.constituents, w.councils, w.services, w.compliant, w.shared_solutions) == (5, 1, 2, 2, 0)
    assert [a.code for a in auth.authority_summaries(db, with_services=True)] == ["GMCA", "WYCA"]


def test_constituents_and_shared_solutions_are_worked_out_by_hand(db: sqlite3.Connection) -> None:
    members = {m.register_code: m for m in auth.constituents(db, "GMCA")}
    assert len(members) == 10
    man, slf = members["MAN"], members["SLF"]
    assert (man.council, man.services, man.compliant, man.musts_applicable, man.musts_met) == ("manchester", 2, 1, 4, 3)
    assert (slf.council, slf.services, slf.compliant, slf.musts_applicable, slf.musts_met) == ("salford", 2, 1, 4, 3)
    bolton = members["BOL"]
    assert (bolton.name, bolton.council, bolton.services, bolton.compliance_rate) == (
        "Bolton Metropolitan Borough Council",
        None,
        0,
        None,
    )
    shared = [(s.kind, s.id, s.name, s.council_ids, s.services) for s in auth.shared_solutions(db, "GMCA")]
    assert shared == [
        ("product", "acme|collect", "ACME LTD: collect", ["manchester", "salford"], 2),
        ("pattern", "gov-uk-notify", "GOV.UK Notify", ["manchester", "salford"], 2),
    ]
    assert auth.shared_solutions(db, "WYCA") == []


def test_the_authority_scope_filters_every_table_and_is_undone(db: sqlite3.Connection) -> None:
    with authority_scope(db, "gmca") as scoped:
        reuse = {r.lgsl: (r.councils, r.services) for r in ins.reuse_by_service_type(scoped)}
        assert reuse == {524: (2, 2), 487: (1, 1), 474: (1, 1)}
        assert {r[0] for r in scoped.execute("SELECT DISTINCT council_id FROM services")} == set(GMCA)
        assert scoped.execute("SELECT count(*) FROM suppliers").fetchone()[0] == 4
    # Afterwards the connection sees the whole registry again.
    reuse = {r.lgsl: (r.councils, r.services) for r in ins.reuse_by_service_type(db)}
    assert reuse == {524: (4, 4), 487: (1, 1), 474: (2, 2)}
    with pytest.raises(UnknownAuthority) as caught, authority_scope(db, "GLA"):
        pass
    assert "no strategic authority 'GLA'" in str(caught.value) and "GMCA" in caught.value.hint


# Every insight over the index the command line offers: each filtered by GMCA must equal the same
# insight over a registry holding only GMCA's councils.
INSIGHTS = [
    ["reuse"],
    ["hotspots", "--min-councils", "1", "--min-solutions", "1"],
    ["suppliers", "--min-services", "1", "--min-councils", "1"],
    ["ranking", "--min-services", "1", "--min-councils", "1"],
    ["lock-in", "--min-signals", "0"],
    ["windows", "--min-councils", "1"],
    ["interop", "--by", "region"],
    ["pattern-reuse"],
    ["headlines"],
]


@pytest.mark.parametrize("args", INSIGHTS, ids=[a[0] for a in INSIGHTS])
def test_every_insight_filtered_by_authority_equals_it_over_the_authoritys_councils_alone(
    cli, index: Path, gmca_only: Path, args: list[str]
) -> None:
    filtered = cli(
        "insights", *args, "--authority", "GMCA", "--format", "json", "--index", str(index), cwd=index.parent
    )
    alone = cli("insights", *args, "--format", "json", "--index", str(gmca_only), cwd=gmca_only.parent)
    whole = cli("insights", *args, "--format", "json", "--index", str(index), cwd=index.parent)
    assert filtered.exit_code == alone.exit_code == whole.exit_code == 0, filtered.stderr
    assert json.loads(filtered.stdout) == json.loads(alone.stdout)
    if args[0] not in ("pattern-reuse",):  # every other figure counts Leeds or Camden over the whole registry
        assert json.loads(filtered.stdout) != json.loads(whole.stdout)


def test_an_unknown_authority_on_the_command_line_is_exit_2_with_the_codes(cli, index: Path) -> None:
    run = cli("insights", "reuse", "--authority", "GLA", "--index", str(index), cwd=index.parent)
    assert run.exit_code == 2
    assert "error: --authority: no strategic authority 'GLA'" in run.stderr
    assert "use a combined authority's register code: CPCA, EMCA" in run.stderr and "Traceback" not in run.stderr


# --------------------------------------------------------------------------- the API


def test_the_api_filters_insights_and_roll_ups_by_authority(client: TestClient) -> None:
    r = client.get("/api/v1/insights/reuse", params={"authority": "GMCA"})
    assert r.status_code == 200
    assert {i["lgsl"]: (i["councils"], i["services"]) for i in r.json()["items"]} == {
        524: (2, 2),
        487: (1, 1),
        474: (1, 1),
    }
    by_council = client.get("/api/v1/compliance/by-council", params={"authority": "GMCA"}).json()["items"]
    assert [(g["group"], g["services"], g["compliant"]) for g in by_council] == [
        ("manchester", 2, 1),
        ("salford", 2, 1),
    ]
    overall = client.get("/api/v1/compliance", params={"authority": "GMCA"}).json()
    assert (overall["services"], overall["compliant"]) == (4, 2)
    # The shared connection is never left scoped: the next request sees the whole registry.
    assert client.get("/api/v1/compliance").json()["services"] == 7


@pytest.mark.parametrize("url", ["/api/v1/insights/reuse", "/api/v1/compliance/by-region", "/api/v1/insights/ranking"])
def test_an_unknown_authority_in_the_api_is_a_422_in_the_error_shape(client: TestClient, url: str) -> None:
    r = client.get(url, params={"authority": "GLA"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert (error["status"], error["code"], error["message"]) == (
        422,
        "invalid_parameter",
        "invalid parameter: authority",
    )
    assert error["details"][0]["parameter"] == "authority" and "'GMCA'" in error["details"][0]["message"]


def test_the_document_lists_the_authority_codes(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    codes = spec["components"]["schemas"]["AuthorityCode"]["enum"]
    assert len(codes) == 14 and "GMCA" in codes and "GLA" not in codes


def test_the_authority_routes_give_the_hand_worked_figures(client: TestClient) -> None:
    listed = client.get("/api/v1/authorities", params={"limit": 500}).json()
    assert listed["total"] == 14
    gmca = client.get("/api/v1/authorities/gmca").json()
    assert (gmca["code"], gmca["services"], gmca["compliant"], gmca["musts_met_rate"]) == ("GMCA", 4, 2, 0.75)
    assert [(c["register_code"], c["services"]) for c in gmca["constituents"] if c["services"]] == [
        ("MAN", 2),
        ("SLF", 2),
    ]
    assert [s["id"] for s in gmca["shared"]] == ["acme|collect", "gov-uk-notify"]
    missing = client.get("/api/v1/authorities/NOPE")
    assert missing.status_code == 404 and missing.json()["error"]["message"] == "no strategic authority 'NOPE'"


def test_a_restricted_standard_over_a_small_authority_is_hidden(api) -> None:
    """The shipped samples: GMCA has two councils here, fewer than 5, so the cyber-security figures are hidden."""
    r = api.get("/api/v1/compliance", params={"authority": "GMCA", "standard": "cyber-security"}).json()
    assert (r["services"], r["note"]) == (None, "fewer than 5 councils")
    by_standard = api.get("/api/v1/compliance/by-standard", params={"authority": "GMCA"}).json()["items"]
    cyber = next(g for g in by_standard if g["group"] == "cyber-security")
    assert (cyber["services"], cyber["note"]) == (None, "fewer than 5 councils")
    whole = api.get("/api/v1/compliance", params={"standard": "cyber-security"}).json()
    assert whole["services"] and whole["note"] is None


# --------------------------------------------------------------------------- the site


def _site(db: sqlite3.Connection, root: Path) -> dict[str, str]:
    ctx = SiteContext(db, root, AS_OF.isoformat(), None, frozenset(COUNCILS))
    made = pages.pages(ctx)
    return {p.path: p.markdown + "\n".join(getattr(p, "html_blocks", {}).values()) for p in made}


def test_a_page_per_authority_with_councils_here_and_an_index(db: sqlite3.Connection, index: Path) -> None:
    site = _site(db, index.parent)
    assert sorted(site) == ["authorities/gmca.md", "authorities/index.md", "authorities/wyca.md"]
    text = site["authorities/gmca.md"]
    assert (
        "2 of the 10 councils in Greater Manchester Combined Authority describe 4 services here; 2 of the 4 "
        "meet every must that applies to them, and they already share 2 products or patterns."
    ) in text
    # Constituents, least compliant first, each figure saying what it is out of; the definitions beside them.
    assert '<a href="../../councils/manchester/">Manchester City Council</a>' in text
    assert "1 of 2 (50%)" in text and "3 of 4 (75%)" in text and "none here" in text
    assert "**Compliant services**" in text and "**Musts met**" in text
    shared = text[text.index('id="table-shared"') :]
    assert shared.index("ACME LTD: collect") < shared.index("GOV.UK Notify") and "Permitly" not in shared
    assert "Manchester City Council, Salford City Council" in shared
    wyca = site["authorities/wyca.md"]
    assert "they share no product or pattern yet" in wyca and 'id="table-shared"' not in wyca
    home = site["authorities/index.md"]
    assert "2 of the 14 combined authorities in the register" in home
    assert '<a href="gmca/">Greater Manchester Combined Authority</a>' in home and 'href="cpca/"' not in home
