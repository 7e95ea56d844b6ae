"""Sector insights (registry/insights/figures.py) on a small hand-built registry, every figure worked out by hand.

The registry (judged at 2026-11-01, the `demo` standard from the mini fixture, which applies to
web services and has two musts: DEMO-01 a statement URL, DEMO-04 usability evidence):

    council type region service    LGSL web musts met patterns       suppliers (name: product, start -> end)
    a       MD   North  bins       524  yes 2 of 2    gov-uk-notify  Acme: Collect 2023-05-01 -> 2028-05-01,
                                                                     Acme: Routes (no dates)
    a       MD   North  pest       431  yes 2 of 2    -              Acme: Pest
    a       MD   North  planning   487  yes 2 of 2    gov-uk-pay     Plan Co: Portal -> 2027-03-15, Quill Ltd: Docs
    a       MD   North  directory  -    yes 2 of 2    -              -
    b       MD   South  bins       524  yes 1 of 2    gov-uk-notify  Acme: Collect -> 2026-10-31,
                                                                     Bolt: Bins 2021-10-31 -> 2026-11-01
    b       MD   South  planning   487  yes 2 of 2    gov-uk-notify  Rota Ltd, Sigma Ltd
    b       MD   South  directory  -    yes 2 of 2    -              -
    c       UA   North  bins       524  yes 1 of 2    -              Bolt: Bins -> 2028-05-02
    c       UA   North  planning   487  yes 2 of 2    -              PLAN CO: portal -> 2027-09-30, Tally Ltd
    d       LBO  London bins       524  no  0 of 0    -              -
    d       LBO  London planning   487  yes 2 of 2    -              Quill Ltd: Docs

The councils are Leeds, Manchester, York and Camden (check validates their codes against the register);
"North" above is Yorkshire and The Humber and "South" is North West.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hand_registry import read_index, write_council

from conftest import MINI
from registry.index.build import build_index
from registry.insights import figures as ins

AS_OF = dt.date(2026, 11, 1)

# Real councils' register entries (check validates them), in two regions with a metropolitan district each.
COUNCILS = {
    "a": ("MD", "Yorkshire and The Humber", "E08000035", "LDS", "Leeds City Council"),
    "b": ("MD", "North West", "E08000003", "MAN", "Manchester City Council"),
    "c": ("UA", "Yorkshire and The Humber", "E06000014", "YOR", "City of York Council"),
    "d": ("LBO", "London", "E09000007", "CMD", "London Borough of Camden"),
}


def _supplier(name: str, product: str | None = None, start: str | None = None, end: str | None = None) -> str:
    lines = [f"  - name: {json.dumps(name)}", "    role: line-of-business system"]
    if product:
        lines.append(f"    product: {json.dumps(product)}")
    if start:
        lines.append(f"    contract_start: {start}")
    if end:
        lines.append(f"    contract_end: {end}")
    return "\n".join(lines)


def _service(
    sid: str,
    lgsl: int | None,
    *,
    web: bool = True,
    statement: bool = True,
    evidence: bool = True,
    patterns: tuple[str, ...] = (),
    suppliers: tuple[str, ...] = (),
    data: str = "",
) -> str:
    text = [
        "kind: Service",
        "schema_version: 1",
        "sample: true",
        f"id: {sid}",
        f"name: {sid.title()} service",
        *([f"lgsl: {lgsl}"] if lgsl else []),
        "phase: live",
        f"channels: [{'web' if web else 'phone'}]",
        "owner:",
        "  team: Digital",
        # Declared only where it applies anyway (web services), so the phone-only service has no musts.
        *(["conforms_to:", "  - standard: demo", "    version: 2"] if web else []),
        f"patterns: [{', '.join(patterns)}]",
    ]
    if suppliers:
        text += ["suppliers:", *suppliers]
    if statement:
        text += ["accessibility:", "  statement_url: https://example.gov.uk/accessibility"]
    if data:
        text += ["data:", data]
    text += ["privacy:", "  handles_personal_data: false"]
    if evidence:
        text += ["evidence:", "  DEMO-04:", "    status: met", "    date: 2026-05-01"]
    return "\n".join(text) + "\n"


SERVICES = {
    "a": {
        "bins": _service(
            "bins",
            524,
            patterns=("gov-uk-notify",),
            suppliers=(_supplier("Acme", "Collect", "2023-05-01", "2028-05-01"), _supplier("Acme", "Routes")),
            data="  handles_addresses: true\n  standards: [uprn, usrn]\n  export_formats: [csv]\n"
            "  open_api:\n    url: https://api.example.gov.uk/bins",
        ),
        "pest": _service("pest", 431, suppliers=(_supplier("Acme", "Pest"),), data="  export_formats: [csv]"),
        "planning": _service(
            "planning",
            487,
            patterns=("gov-uk-pay",),
            suppliers=(_supplier("Plan Co", "Portal", end="2027-03-15"), _supplier("Quill Ltd", "Docs")),
        ),
        "directory": _service("directory", None, data="  is_directory: true\n  standards: [open-referral-uk]"),
    },
    "b": {
        "bins": _service(
            "bins",
            524,
            statement=False,
            patterns=("gov-uk-notify",),
            suppliers=(
                _supplier("Acme", "Collect", end="2026-10-31"),
                _supplier("Bolt", "Bins", "2021-10-31", "2026-11-01"),
            ),
            data="  handles_addresses: true\n  standards: [uprn]\n  export_formats: [pdf]\n  proprietary_format: true",
        ),
        "planning": _service(
            "planning", 487, patterns=("gov-uk-notify",), suppliers=(_supplier("Rota Ltd"), _supplier("Sigma Ltd"))
        ),
        "directory": _service("directory", None, data="  is_directory: true"),
    },
    "c": {
        "bins": _service(
            "bins",
            524,
            evidence=False,
            suppliers=(_supplier("Bolt", "Bins", end="2028-05-02"),),
            data="  handles_addresses: true\n  export_formats: [json]",
        ),
        "planning": _service(
            "planning",
            487,
            suppliers=(_supplier("PLAN CO", "portal", end="2027-09-30"), _supplier("Tally Ltd")),
        ),
    },
    "d": {
        "bins": _service("bins", 524, web=False),
        "planning": _service("planning", 487, suppliers=(_supplier("Quill Ltd", "Docs"),)),
    },
}


def make_registry(root: Path) -> Path:
    """Write the registry in the module docstring under `root`."""
    (root / "standards" / "patterns").mkdir(parents=True)
    shutil.copy(MINI / "standards" / "demo.yaml", root / "standards" / "demo.yaml")
    notify = (MINI / "standards" / "patterns" / "gov-uk-notify.yaml").read_text(encoding="utf-8")
    (root / "standards" / "patterns" / "gov-uk-notify.yaml").write_text(notify, encoding="utf-8")
    pay = notify.replace("id: gov-uk-notify", "id: gov-uk-pay").replace("name: GOV.UK Notify", "name: GOV.UK Pay")
    (root / "standards" / "patterns" / "gov-uk-pay.yaml").write_text(pay, encoding="utf-8")
    for council, entry in COUNCILS.items():
        folder = write_council(root, council, entry)
        for sid, text in SERVICES[council].items():
            (folder / f"{sid}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_registry(tmp_path_factory.mktemp("insights") / "repo")


@pytest.fixture(scope="module")
def index(registry: Path) -> Path:
    path = registry / "build" / "index.sqlite"
    summary = build_index(registry, path, AS_OF, jobs=1)
    assert (summary.services, summary.invalid) == (11, 0)
    return path


@pytest.fixture
def db(index: Path) -> Iterator[sqlite3.Connection]:
    yield from read_index(index)


# --------------------------------------------------------------------------- the index's facts


def test_the_index_holds_each_services_musts_and_data_facts(db: sqlite3.Connection) -> None:
    facts = {r["service_key"]: dict(r) for r in db.execute("SELECT * FROM service_facts")}
    assert len(facts) == 11
    # DEMO-01 and DEMO-04 both pass; b/bins fails DEMO-01, c/bins DEMO-04; d/bins is phone-only so demo
    # does not apply and no must is counted.
    assert (facts["a/bins"]["musts_applicable"], facts["a/bins"]["musts_met"]) == (2, 2)
    assert (facts["b/bins"]["musts_applicable"], facts["b/bins"]["musts_met"]) == (2, 1)
    assert (facts["c/bins"]["musts_applicable"], facts["c/bins"]["musts_met"]) == (2, 1)
    assert (facts["d/bins"]["musts_applicable"], facts["d/bins"]["musts_met"]) == (0, 0)
    assert [facts["a/bins"][k] for k in ("open_api", "uprn", "usrn", "open_export")] == [1, 1, 1, 1]
    # pdf is not an open format
    assert [facts["b/bins"][k] for k in ("open_export", "proprietary_format")] == [0, 1]
    assert facts["a/directory"]["open_referral_uk"] == 1 and facts["a/directory"]["lgsl"] is None
    assert tuple(db.execute("SELECT label, function FROM lgsl WHERE id = 524").fetchone()) == (
        "Household waste collection",
        "Environmental protection",
    )


# --------------------------------------------------------------------------- reuse


def test_reuse_by_service_type_counts_councils_and_solutions(db: sqlite3.Connection) -> None:
    types = {t.lgsl: t for t in ins.reuse_by_service_type(db)}
    # Ordered by councils: 524 and 487 have four each; 524 < 487 is not the tie-break, services (4 each)
    # are tied too, so the LGSL code decides: 487 before 524. 431 has one council.
    assert [t.lgsl for t in ins.reuse_by_service_type(db)] == [487, 524, 431]
    bins = types[524]
    assert (bins.label, bins.function, bins.councils, bins.services, bins.compliant) == (
        "Household waste collection",
        "Environmental protection",
        4,
        4,
        2,  # a/bins and d/bins (no must applies) have no failing must; b and c each fail one
    )
    # Solutions: gov-uk-notify, Acme: Collect, Acme: Routes, Bolt: Bins. d/bins names nothing.
    assert (bins.solutions, bins.services_without_solution) == (4, 1)
    assert [(p.pattern, p.councils, p.services) for p in bins.patterns] == [("gov-uk-notify", 2, 2)]
    # Tie: gov-uk-notify, Acme: Collect and Bolt: Bins are each used by 2 councils' 2 services;
    # patterns come before products.
    assert bins.top_solution is not None and bins.top_solution.id == "gov-uk-notify"
    # Its services a/bins (2 of 2) and b/bins (1 of 2): 3 / 4 musts met; 1 of 2 compliant.
    assert (bins.top_solution.musts_met, bins.top_solution.musts_applicable) == (3, 4)
    assert bins.top_solution.musts_met_rate == pytest.approx(0.75)
    assert bins.top_solution.compliance_rate == pytest.approx(0.5)
    planning = types[487]
    # gov-uk-pay (a), gov-uk-notify (b), plan co|portal (a, c), quill ltd|docs (a, d), rota ltd|, sigma ltd|,
    # tally ltd|: seven. Top: Plan Co and Quill both have 2 councils and 2 services, both products: by id.
    assert planning.solutions == 7
    assert planning.top_solution is not None and planning.top_solution.id == "plan co|portal"
    # "Plan Co: Portal" and "PLAN CO: portal" are one product; its name is the first spelling in sort order.
    assert planning.top_solution.name == "PLAN CO: portal"
    assert [(p.pattern, p.councils) for p in planning.patterns] == [("gov-uk-notify", 1), ("gov-uk-pay", 1)]


def test_solutions_for_one_type_are_ordered_by_councils_then_services_then_patterns_first(
    db: sqlite3.Connection,
) -> None:
    rows = ins.solutions(db, 524)
    assert [(s.kind, s.id, s.councils, s.services) for s in rows] == [
        ("pattern", "gov-uk-notify", 2, 2),
        ("product", "acme|collect", 2, 2),
        ("product", "bolt|bins", 2, 2),
        ("product", "acme|routes", 1, 1),
    ]
    bolt = rows[2]
    # b/bins (1 of 2) and c/bins (1 of 2): 2 of 4 musts met, neither compliant.
    assert (bolt.musts_met_rate, bolt.compliance_rate, bolt.name) == (0.5, 0.0, "Bolt: Bins")


def test_reuse_suggestion_compares_with_the_other_councils(db: sqlite3.Connection) -> None:
    s = ins.reuse_suggestion(db, "c", "bins")
    # Other councils: a, b, d. Among their services, gov-uk-notify (a, b) and Acme: Collect (a, b) tie on
    # 2 councils and 2 services; the pattern wins. Their services meet (2 + 1) / (2 + 2) = 75%; c/bins 1 / 2.
    assert s.other_councils == 3 and s.solution is not None and s.solution.id == "gov-uk-notify"
    assert (s.solution.musts_met_rate, s.your_musts_met_rate, s.you_use_it) == (0.75, 0.5, False)
    assert s.text == (
        "Of the 3 other councils delivering Household waste collection (LGSL 524), 2 use the pattern GOV.UK Notify; "
        "their services meet 75% of the musts against your 50%."
    )
    mine = ins.reuse_suggestion(db, "a", "bins")
    # Without a: Bolt: Bins (b and c) has 2 councils; gov-uk-notify and Acme: Collect only b. Bolt's services
    # meet (1 + 1) / (2 + 2) = 50%, against a/bins' 2 / 2; a names no Bolt product.
    assert mine.solution is not None and mine.solution.id == "bolt|bins" and not mine.you_use_it
    assert mine.text == (
        "Of the 3 other councils delivering Household waste collection (LGSL 524), 2 use Bolt: Bins; "
        "their services meet 50% of the musts against your 100%."
    )
    same = ins.reuse_suggestion(db, "b", "planning")
    # Without b: Plan Co: Portal (a, c) and Quill Ltd: Docs (a, d) tie on 2 councils and 2 services: by id.
    assert same.solution is not None and same.solution.id == "plan co|portal"
    uses = ins.reuse_suggestion(db, "c", "planning")
    # Without c: Quill Ltd: Docs (a, d) has 2 councils, Plan Co: Portal only a; c names Tally and PLAN CO.
    assert uses.solution is not None and uses.solution.id == "quill|docs" and not uses.you_use_it
    notify = ins.reuse_suggestion(db, "d", "planning")
    # Without d: Plan Co: Portal (a, c) leads; d names Quill Ltd: Docs only.
    assert notify.solution is not None and notify.solution.id == "plan co|portal"
    b_bins = ins.reuse_suggestion(db, "b", "bins")
    # Without b: gov-uk-notify, Acme: Collect, Acme: Routes (a) and Bolt: Bins (c) have one council and one
    # service each; the pattern wins, and b uses it too. a/bins meets 2 of 2; b/bins 1 of 2.
    assert b_bins.you_use_it and b_bins.text == (
        "Of the 3 other councils delivering Household waste collection (LGSL 524), 1 uses the pattern GOV.UK Notify "
        "(as you do); their services meet 100% of the musts against your 50%."
    )
    a_planning = ins.reuse_suggestion(db, "a", "planning")
    # Without a: every solution has one council and one service; gov-uk-notify (b) is the only pattern: it
    # wins the tie. a uses gov-uk-pay, not Notify.
    assert a_planning.solution is not None and a_planning.solution.id == "gov-uk-notify"
    assert not a_planning.you_use_it and "1 uses the pattern GOV.UK Notify;" in a_planning.text
    phone = ins.reuse_suggestion(db, "d", "bins")
    assert phone.your_musts_met_rate is None and phone.text.endswith("against your no applicable musts.")


def test_reuse_suggestion_without_peers_or_code_says_so(db: sqlite3.Connection) -> None:
    alone = ins.reuse_suggestion(db, "a", "pest")
    assert alone.other_councils == 0 and alone.solution is None
    assert (
        alone.text
        == "No other council in the registry delivers Pest control (LGSL 431) yet, so there is nothing to compare with."
    )
    no_code = ins.reuse_suggestion(db, "a", "directory")
    assert no_code.lgsl is None and "has no LGSL code" in no_code.text
    with pytest.raises(ins.UnknownService):
        ins.reuse_suggestion(db, "a", "nothing")


# --------------------------------------------------------------------------- hotspots


# --------------------------------------------------------------------------- suppliers
# Supplier markets (service type x role), shares and the ranking: tests/test_insight_markets.py, on a
# registry whose suppliers name their roles.


def test_lock_in_signals(db: sqlite3.Connection) -> None:
    page = ins.lock_in_signals(db, min_signals=0)
    by_key = {i.service: i for i in page.items}
    # a/bins: open API, csv export; its Acme contract 2023-05-01 -> 2028-05-01 is exactly five years: none.
    assert by_key["a/bins"].signals == 0
    # b/bins: no API, pdf only, proprietary, Bolt 2021-10-31 -> 2026-11-01 is five years and a day: all four.
    b = by_key["b/bins"]
    assert (b.no_open_api, b.no_open_export, b.proprietary_format, b.long_contract, b.signals) == (
        True,
        True,
        True,
        True,
        4,
    )
    # c/bins: no API (json export is open): one. d/bins: no API, no export: two.
    assert (by_key["c/bins"].signals, by_key["d/bins"].signals) == (1, 2)
    assert page.items[0].service == "b/bins"  # most signals first
    assert (page.services, page.long_contract, page.proprietary_format) == (11, 1, 1)
    # Every service but a/bins lacks an open API; a/bins and a/pest have csv, c/bins json: 8 lack an open export.
    assert (page.no_open_api, page.no_open_export) == (10, 8)
    first_two = ins.lock_in_signals(db, min_signals=2, limit=2)
    # Two or more signals: b/bins (4), then the services with two (no API, no export), by key.
    assert first_two.total == 9 - 1 and [i.service for i in first_two.items] == ["b/bins", "a/directory"]


# --------------------------------------------------------------------------- procurement windows


def test_horizon_end_is_the_same_day_or_the_months_last_day() -> None:
    assert ins.add_months(dt.date(2026, 11, 1), 18) == dt.date(2028, 5, 1)
    assert ins.add_months(dt.date(2026, 8, 31), 18) == dt.date(2028, 2, 29)  # leap year
    assert ins.add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert ins.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert ins.add_months(dt.date(9999, 12, 1), 1) == dt.date.max


def test_interoperability_by_council_type(db: sqlite3.Connection) -> None:
    groups = {g.group: g for g in ins.interoperability(db, "type")}
    md = groups["MD"]  # a and b: seven services
    # Open API: a/bins only, 1/7. Directories: a/directory (Open Referral UK) and b/directory (not): 1/2.
    # Address services: a/bins (uprn, usrn) and b/bins (uprn): UPRN 2/2, USRN 1/2.
    assert (md.name, md.councils, md.services, md.open_api) == ("Metropolitan district", 2, 7, 1)
    assert md.open_api_share == pytest.approx(1 / 7)
    assert (md.directories, md.open_referral_uk, md.open_referral_uk_share) == (2, 1, 0.5)
    assert (md.address_services, md.uprn, md.uprn_share, md.usrn, md.usrn_share) == (2, 2, 1.0, 1, 0.5)
    ua = groups["UA"]  # c: no directory, so no share; c/bins handles addresses without UPRN.
    assert (ua.directories, ua.open_referral_uk_share, ua.address_services, ua.uprn_share) == (0, None, 1, 0.0)
    assert list(groups) == ["LBO", "MD", "UA"]
    everyone = ins.interoperability(db)
    assert [(g.group, g.services, g.open_api, g.address_services, g.uprn) for g in everyone] == [("all", 11, 1, 3, 2)]
    regions = {g.group: g.services for g in ins.interoperability(db, "region")}
    assert regions == {"London": 2, "Yorkshire and The Humber": 6, "North West": 3}
    with pytest.raises(ValueError):
        ins.interoperability(db, "council")
