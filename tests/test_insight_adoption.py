"""Each council's compliance trend and each pattern's adopters at month ends, and the candidates to
reuse a pattern, from a real temporary Git repository with dated commits, worked by hand and checked
in the functions, the command line (JSON) and the API.

The repository: MINI without leeds's `failing` and `waived`, plus a `basics` standard (a must:
name a service owner; applies to every service) and a second pattern, GOV.UK Pay.

- 2026-01-10 A: leeds/good (web, LGSL 524, names Notify; meets demo in every month of 2026, see
  test_insight_trend.py) and leeds/phone-only (no LGSL); York's york/bins (phone, LGSL 524, no
  pattern). Nobody names a service owner.
- 2026-02-12 B: york/bins names Notify and a service owner.
- 2026-04-03 C: Bath joins with bath/bins (phone, LGSL 524, names Pay, has an owner); leeds's
  phone-only names an owner; leeds/good names Pay too.

Worked by hand at each month end (March has no commit, so it reads B again):

| month | commit | leeds basics | leeds demo | york basics | bath basics | Notify        | Pay          |
|-------|--------|--------------|------------|-------------|-------------|---------------|--------------|
| Jan   | A      | 0/2          | 1/1        | 0/1         | -           | leeds         | -            |
| Feb   | B      | 0/2          | 1/1        | 1/1         | -           | leeds, york   | -            |
| Mar   | B      | 0/2          | 1/1        | 1/1         | -           | leeds, york   | -            |
| Apr   | C      | 1/2          | 1/1        | 1/1         | 1/1         | leeds, york   | bath, leeds  |

Sector basics: 0/3, 1/3, 1/3, 3/4. Pay is named in the period, so it has a point (0 councils)
from January on. First named: Notify leeds January (already at the start), york February; Pay
bath and leeds April. Candidates at C: LGSL 524 is delivered by leeds, york and bath; Notify is
used for it by leeds and york, so bath is its candidate (1 service); Pay by bath and leeds, so
york is its candidate.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_insight_trend import BASICS

from conftest import MINI
from gitrepo import commit_all, edit, git
from registry.api.app import create_app
from registry.index.build import build_index
from registry.index.connection import connect_readonly
from registry.insights.pattern_reuse import (
    Adopter,
    AdoptionPoint,
    PatternCandidate,
    PatternReuse,
    pattern_adoption,
    pattern_candidates,
    pattern_reuse,
)
from registry.insights.trend import CouncilTrendPoint, compliance_trend

PAY = """kind: Pattern
schema_version: 1
id: gov-uk-pay
name: GOV.UK Pay
category: common_platform
summary: Takes payments.
solves: Every council integrating its own payment provider.
when_to_use: When a service takes money.
maintainer: Government Digital Service
open_source: true
licence: MIT
url: https://www.payments.service.gov.uk
helps_meet: [DEMO-01]
type: solution
"""

BINS = """kind: Service
schema_version: 1
sample: true
id: bins
name: Report a missed bin
lgsl: 524
phase: live
channels: [phone]
owner:
  team: Waste
privacy:
  handles_personal_data: false
"""

LEEDS, YORK, BATH = "Leeds City Council", "City of York Council", "Bath and North East Somerset Council"
BASICS_TITLE, DEMO_TITLE = "Basics every service meets", "Demonstration standard for the test suite"
SINCE, UNTIL = dt.date(2026, 1, 1), dt.date(2026, 4, 30)


def _council(path: Path, ident: str, name: str, gss: str, code: str, region: str) -> None:
    text = (MINI / "manifests/leeds/council.yaml").read_text(encoding="utf-8")
    swaps = (
        ("leeds", ident),
        ("Leeds City Council", name),
        ("E08000035", gss),
        ("LDS", code),
        ("type: MD", "type: UA"),
    )
    for old, new in (*swaps, ("Yorkshire and The Humber", region)):
        text = text.replace(old, new)
    (path / "manifests" / ident).mkdir(parents=True)
    (path / "manifests" / ident / "council.yaml").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("adoption") / "repo"
    shutil.copytree(MINI, path)
    for gone in ("failing", "waived"):
        (path / f"manifests/leeds/{gone}.yaml").unlink()
    (path / "standards/basics.yaml").write_text(BASICS, encoding="utf-8")
    (path / "standards/patterns/gov-uk-pay.yaml").write_text(PAY, encoding="utf-8")
    _council(path, "york", YORK, "E06000014", "YOR", "Yorkshire and The Humber")
    (path / "manifests/york/bins.yaml").write_text(BINS, encoding="utf-8")
    git(path, "init", "-q", "-b", "main")
    shas = {"A": commit_all(path, "A", "2026-01-10T10:00:00+00:00")}
    edit(path / "manifests/york/bins.yaml", "  team: Waste", "  team: Waste\n  service_owner: Yan Owner")
    (path / "manifests/york/bins.yaml").write_text(
        (path / "manifests/york/bins.yaml").read_text(encoding="utf-8") + "patterns: [gov-uk-notify]\n",
        encoding="utf-8",
    )
    shas["B"] = commit_all(path, "B: york names Notify and an owner", "2026-02-12T10:00:00+00:00")
    _council(path, "bath", BATH, "E06000022", "BAS", "South West")
    bath = BINS.replace("  team: Waste", "  team: Waste\n  service_owner: Bea Owner") + "patterns: [gov-uk-pay]\n"
    (path / "manifests/bath/bins.yaml").write_text(bath, encoding="utf-8")
    edit(path / "manifests/leeds/phone-only.yaml", "  team: Waste", "  team: Waste\n  service_owner: Pat Owner")
    edit(path / "manifests/leeds/good.yaml", "patterns: [gov-uk-notify]", "patterns: [gov-uk-notify, gov-uk-pay]")
    shas["C"] = commit_all(path, "C: bath joins with Pay; leeds adds Pay", "2026-04-03T10:00:00+00:00")
    return path, shas


def _council_points(shas: dict[str, str]) -> list[CouncilTrendPoint]:
    months = [("2026-01", "2026-01-31", "A"), ("2026-02", "2026-02-28", "B"), ("2026-03", "2026-03-31", "B")]
    rows: list[CouncilTrendPoint] = []
    for month, day, sha in months:
        owned = 0 if sha == "A" else 1
        rows += [
            CouncilTrendPoint(month, day, shas[sha], "leeds", LEEDS, "basics", BASICS_TITLE, 2, 0, 0.0),
            CouncilTrendPoint(month, day, shas[sha], "leeds", LEEDS, "demo", DEMO_TITLE, 1, 1, 1.0),
            CouncilTrendPoint(month, day, shas[sha], "york", YORK, "basics", BASICS_TITLE, 1, owned, float(owned)),
        ]
    c = shas["C"]
    rows += [
        CouncilTrendPoint("2026-04", "2026-04-30", c, "bath", BATH, "basics", BASICS_TITLE, 1, 1, 1.0),
        CouncilTrendPoint("2026-04", "2026-04-30", c, "leeds", LEEDS, "basics", BASICS_TITLE, 2, 1, 0.5),
        CouncilTrendPoint("2026-04", "2026-04-30", c, "leeds", LEEDS, "demo", DEMO_TITLE, 1, 1, 1.0),
        CouncilTrendPoint("2026-04", "2026-04-30", c, "york", YORK, "basics", BASICS_TITLE, 1, 1, 1.0),
    ]
    return rows


def _adoption(shas: dict[str, str]) -> list[AdoptionPoint]:
    def point(month: str, day: str, sha: str, pid: str, now: list[str], new: list[str]) -> AdoptionPoint:
        name = {"gov-uk-notify": "GOV.UK Notify", "gov-uk-pay": "GOV.UK Pay"}[pid]
        return AdoptionPoint(month, day, shas[sha], pid, name, len(now), now, new)

    return [
        point("2026-01", "2026-01-31", "A", "gov-uk-notify", ["leeds"], ["leeds"]),
        point("2026-01", "2026-01-31", "A", "gov-uk-pay", [], []),
        point("2026-02", "2026-02-28", "B", "gov-uk-notify", ["leeds", "york"], ["york"]),
        point("2026-02", "2026-02-28", "B", "gov-uk-pay", [], []),
        point("2026-03", "2026-03-31", "B", "gov-uk-notify", ["leeds", "york"], []),
        point("2026-03", "2026-03-31", "B", "gov-uk-pay", [], []),
        point("2026-04", "2026-04-30", "C", "gov-uk-notify", ["leeds", "york"], []),
        point("2026-04", "2026-04-30", "C", "gov-uk-pay", ["bath", "leeds"], ["bath", "leeds"]),
    ]


def _adopters(shas: dict[str, str]) -> list[Adopter]:
    return [
        Adopter("gov-uk-notify", "GOV.UK Notify", "leeds", LEEDS, "2026-01", "2026-01-31", shas["A"], True),
        Adopter("gov-uk-notify", "GOV.UK Notify", "york", YORK, "2026-02", "2026-02-28", shas["B"], False),
        Adopter("gov-uk-pay", "GOV.UK Pay", "bath", BATH, "2026-04", "2026-04-30", shas["C"], False),
        Adopter("gov-uk-pay", "GOV.UK Pay", "leeds", LEEDS, "2026-04", "2026-04-30", shas["C"], False),
    ]


def test_each_councils_trend_worked_by_hand(history, tmp_path: Path) -> None:
    path, shas = history
    result = compliance_trend(path, SINCE, UNTIL, cache_dir=tmp_path / "cache")
    assert result.councils == _council_points(shas)
    # The sector's line is the councils' pooled: basics 0/3, 1/3, 1/3, 3/4.
    basics = [(p.month, p.standard, p.services, p.compliant) for p in result.points if p.standard_id == "basics"]
    assert basics == [
        ("2026-01", BASICS_TITLE, 3, 0),
        ("2026-02", BASICS_TITLE, 3, 1),
        ("2026-03", BASICS_TITLE, 3, 1),
        ("2026-04", BASICS_TITLE, 4, 3),
    ]


def test_adopters_at_each_month_end_worked_by_hand(history, tmp_path: Path) -> None:
    path, shas = history
    result = pattern_adoption(path, SINCE, UNTIL, cache_dir=tmp_path / "cache")
    assert (result.since, result.until) == ("2026-01-01", "2026-04-30")
    assert result.points == _adoption(shas)
    assert result.adopters == _adopters(shas)


def test_adoption_from_a_later_start_marks_who_was_there_already(history, tmp_path: Path) -> None:
    path, _ = history
    result = pattern_adoption(path, dt.date(2026, 3, 1), UNTIL, pattern="gov-uk-notify", cache_dir=tmp_path / "c")
    # From March, leeds and york both already name Notify: neither's first month is known, both at start.
    assert [(a.council_id, a.first_month, a.at_start) for a in result.adopters] == [
        ("leeds", "2026-03", True),
        ("york", "2026-03", True),
    ]
    assert [(p.month, p.new_council_ids) for p in result.points] == [
        ("2026-03", ["leeds", "york"]),
        ("2026-04", []),
    ]


def test_the_trend_and_adoption_share_one_build_per_month(history, tmp_path: Path, monkeypatch) -> None:
    import registry.index.build

    path, _ = history
    cache = tmp_path / "cache"
    compliance_trend(path, SINCE, UNTIL, cache_dir=cache)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("adoption must read the trend's cached snapshots")

    monkeypatch.setattr(registry.index.build, "build_index", refuse)
    assert len(pattern_adoption(path, SINCE, UNTIL, cache_dir=cache).points) == 8


@pytest.fixture(scope="module")
def index(history) -> Path:
    path, _ = history
    out = path.parent / "index.sqlite"
    build_index(path, out, UNTIL, jobs=1)
    return out


def _connect(index: Path) -> sqlite3.Connection:
    return connect_readonly(index)


def test_candidates_to_reuse_each_pattern_worked_by_hand(index: Path) -> None:
    conn = _connect(index)
    try:
        assert pattern_reuse(conn) == [
            PatternReuse("gov-uk-notify", "GOV.UK Notify", 2, 1, 1, 1),
            PatternReuse("gov-uk-pay", "GOV.UK Pay", 2, 1, 1, 1),
        ]
        # York delivers household waste collection (LGSL 524) without Pay, which bath and leeds use for it.
        assert pattern_candidates(conn, "gov-uk-pay") == [
            PatternCandidate("gov-uk-pay", "york", YORK, 524, "Household waste collection", 1, 2)
        ]
        assert [(c.council_id, c.services, c.adopters) for c in pattern_candidates(conn, "gov-uk-notify")] == [
            ("bath", 1, 2)
        ]
    finally:
        conn.close()


# --------------------------------------------------------------------------- the command line (JSON)


def _json(cli, path: Path, *args: str) -> object:
    run = cli("insights", *args, "--format", "json", cwd=path)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def test_cli_json_gives_the_worked_figures(cli, history) -> None:
    path, shas = history
    period = ("--since", "2026-01-01", "--until", "2026-04-30")
    york = _json(cli, path, "trend", *period, "--council", "york")
    assert [(p["month"], p["council"], p["standard"], p["services"], p["compliant"]) for p in york["councils"]] == [
        (p.month, p.council, p.standard, p.services, p.compliant)
        for p in _council_points(shas)
        if p.council_id == "york"
    ]
    adoption = _json(cli, path, "adoption", *period)
    assert [(p["month"], p["pattern_id"], p["council_ids"], p["new_council_ids"]) for p in adoption["points"]] == [
        (p.month, p.pattern_id, p.council_ids, p.new_council_ids) for p in _adoption(shas)
    ]
    assert [(a["council_id"], a["first_month"], a["at_start"]) for a in adoption["adopters"]] == [
        (a.council_id, a.first_month, a.at_start) for a in _adopters(shas)
    ]
    reuse = _json(cli, path, "pattern-reuse")
    assert [(r["pattern_id"], r["adopters"], r["candidate_councils"]) for r in reuse] == [
        ("gov-uk-notify", 2, 1),
        ("gov-uk-pay", 2, 1),
    ]
    pay = _json(cli, path, "pattern-reuse", "--pattern", "gov-uk-pay")
    assert [(c["council_id"], c["lgsl"], c["services"], c["adopters"]) for c in pay] == [("york", 524, 1, 2)]


def test_cli_text_names_standards_by_title_and_refuses_unknown_names(cli, history) -> None:
    path, _ = history
    run = cli("insights", "trend", "--since", "2026-04-01", "--until", "2026-04-30", "--by", "council", cwd=path)
    assert run.exit_code == 0, run.stderr
    assert BASICS_TITLE in run.stdout and DEMO_TITLE in run.stdout
    unknown = cli(
        "insights", "trend", "--since", "2026-04-01", "--until", "2026-04-30", "--council", "nowhere", cwd=path
    )
    assert unknown.exit_code == 2 and "no service of council 'nowhere'" in unknown.stderr
    missing = cli("insights", "pattern-reuse", "--pattern", "no-such-pattern", cwd=path)
    assert missing.exit_code == 2 and "no pattern 'no-such-pattern'" in missing.stderr


# --------------------------------------------------------------------------- the API


def test_api_gives_the_worked_figures(history, index: Path) -> None:
    path, shas = history
    period = {"since": "2026-01-01", "until": "2026-04-30"}
    with TestClient(create_app(index, settings={"repo_root": str(path)})) as c:
        r = c.get("/api/v1/insights/trend/councils", params={**period, "council": "leeds"})
        assert r.status_code == 200, r.text
        assert r.json()["items"] == [{**p.__dict__} for p in _council_points(shas) if p.council_id == "leeds"]
        r = c.get("/api/v1/insights/trend", params=period)
        assert [(p["month"], p["standard"]) for p in r.json()["items"]][:2] == [
            ("2026-01", BASICS_TITLE),
            ("2026-01", DEMO_TITLE),
        ]
        r = c.get("/api/v1/insights/adoption", params=period)
        assert r.status_code == 200, r.text
        assert r.json()["items"] == [{**p.__dict__} for p in _adoption(shas)]
        r = c.get("/api/v1/insights/adoption/adopters", params={**period, "pattern": "gov-uk-pay"})
        assert r.json()["items"] == [{**a.__dict__} for a in _adopters(shas) if a.pattern_id == "gov-uk-pay"]
        r = c.get("/api/v1/insights/pattern-reuse")
        assert [(i["pattern_id"], i["candidate_councils"], i["candidate_services"]) for i in r.json()["items"]] == [
            ("gov-uk-notify", 1, 1),
            ("gov-uk-pay", 1, 1),
        ]
        r = c.get("/api/v1/insights/pattern-reuse/gov-uk-notify")
        assert [(i["council_id"], i["council"], i["lgsl"], i["adopters"]) for i in r.json()["items"]] == [
            ("bath", BATH, 524, 2)
        ]
        csv_text = c.get("/api/v1/insights/pattern-reuse/gov-uk-pay", params={"format": "csv"}).text
        assert csv_text.splitlines()[1].startswith("gov-uk-pay,york,")
        assert c.get("/api/v1/insights/pattern-reuse/no-such").status_code == 404


# --------------------------------------------------------------------------- the site's pages


@pytest.fixture(scope="module")
def site(history, index: Path) -> dict[str, object]:
    import registry.playbook.insights
    from sitegen import site_context

    path, _ = history
    ctx = site_context(index, path)
    try:
        return {p.path: p for p in registry.playbook.insights.pages(ctx) if hasattr(p, "markdown")}
    finally:
        ctx.conn.close()


def _tables(site: dict[str, object], path: str) -> dict[str, list[list[str]]]:
    from test_site_insights import _Parsed, _render

    return _Parsed(_render(site[path])).tables


def test_site_council_trend_pages_give_the_worked_figures(site) -> None:
    # Judged at 2026-04-30, the site's twelve months start in May 2025: January to April have history.
    york = _tables(site, "insights/trend-councils/york.md")["table-council-trend"]
    assert york == [
        ["Standard", "2026-01", "2026-02", "2026-03", "2026-04"],
        [BASICS_TITLE, "0.0% (0 of 1)", "100.0% (1 of 1)", "100.0% (1 of 1)", "100.0% (1 of 1)"],
    ]
    leeds = _tables(site, "insights/trend-councils/leeds.md")["table-council-trend"]
    assert leeds[1:] == [
        [BASICS_TITLE, "0.0% (0 of 2)", "0.0% (0 of 2)", "0.0% (0 of 2)", "50.0% (1 of 2)"],
        [DEMO_TITLE, "100.0% (1 of 1)", "100.0% (1 of 1)", "100.0% (1 of 1)", "100.0% (1 of 1)"],
    ]
    assert "insights/trend-councils/bath.md" in site
    councils = _tables(site, "insights/trend.md")["table-trend-councils"]
    assert councils[1:] == [
        [
            "Bath and North East Somerset Council",
            BASICS_TITLE,
            "2026-04: 100.0% (1 of 1)",
            "2026-04: 100.0% (1 of 1)",
            "+0.0 points",
        ],
        ["City of York Council", BASICS_TITLE, "2026-01: 0.0% (0 of 1)", "2026-04: 100.0% (1 of 1)", "+100.0 points"],
        [LEEDS, BASICS_TITLE, "2026-01: 0.0% (0 of 2)", "2026-04: 50.0% (1 of 2)", "+50.0 points"],
        [LEEDS, DEMO_TITLE, "2026-01: 100.0% (1 of 1)", "2026-04: 100.0% (1 of 1)", "+0.0 points"],
    ]
    trend = site["insights/trend.md"]
    assert "chart-trend-lines" in "".join(trend.html_blocks.values())


def test_site_pattern_pages_give_the_worked_adopters_and_candidates(site) -> None:
    months = _tables(site, "insights/pattern-reuse.md")["table-adoption-months"]
    assert months == [
        ["Pattern", "2026-01", "2026-02", "2026-03", "2026-04"],
        ["GOV.UK Notify", "1", "2", "2", "2"],
        ["GOV.UK Pay", "0", "0", "0", "2"],
    ]
    reuse = _tables(site, "insights/pattern-reuse.md")["table-pattern-reuse"]
    assert reuse[1:] == [["GOV.UK Notify", "2", "1", "1", "1"], ["GOV.UK Pay", "2", "1", "1", "1"]]
    pay = _tables(site, "insights/pattern-adoption/gov-uk-pay.md")
    assert pay["table-adopters"][1:] == [[BATH, "2026-04", "No"], [LEEDS, "2026-04", "No"]]
    assert pay["table-candidates"][1:] == [[YORK, "Household waste collection (LGSL 524)", "1", "2"]]
    notify = _tables(site, "insights/pattern-adoption/gov-uk-notify.md")
    assert notify["table-adopters"][1:] == [[LEEDS, "2026-01", "Yes"], [YORK, "2026-02", "No"]]
    assert notify["table-candidates"][1:] == [[BATH, "Household waste collection (LGSL 524)", "1", "2"]]


# --------------------------------------------------------------------------- by strategic authority

# The register places each fixture council in its own authority: leeds (LDS) in West Yorkshire
# (WYCA), york (YOR) in York and North Yorkshire (YNYC), bath (BAS) in the West of England (WECA).


def _pooled(shas: dict[str, str], councils: set[str]) -> list[tuple[str, str, int, int, float]]:
    """The sector line over `councils`, pooled by hand from their worked per-council points."""
    pooled: dict[tuple[str, str], tuple[int, int]] = {}
    for p in _council_points(shas):
        if p.council_id in councils:
            services, compliant = pooled.get((p.month, p.standard_id), (0, 0))
            pooled[(p.month, p.standard_id)] = (services + p.services, compliant + p.compliant)
    return [(m, sid, n, ok, round(ok / n, 4)) for (m, sid), (n, ok) in sorted(pooled.items())]


def test_the_trend_of_an_authority_pools_only_its_councils(history, tmp_path: Path) -> None:
    path, shas = history
    result = compliance_trend(path, SINCE, UNTIL, cache_dir=tmp_path / "cache", authority="wyca")
    assert result.councils == [p for p in _council_points(shas) if p.council_id == "leeds"]
    line = [(p.month, p.standard_id, p.services, p.compliant, p.rate) for p in result.points]
    assert line == _pooled(shas, {"leeds"})
    # Leeds alone: basics 0/2 until April's 1/2 (the sector's is 0/3, 1/3, 1/3, 3/4), demo 1/1 throughout.
    assert [(p.month, p.services, p.compliant) for p in result.points if p.standard_id == "basics"] == [
        ("2026-01", 2, 0),
        ("2026-02", 2, 0),
        ("2026-03", 2, 0),
        ("2026-04", 2, 1),
    ]
    assert {p.standard for p in result.points} == {BASICS_TITLE, DEMO_TITLE}
    # Bath joins in April: the West of England has no line before it.
    weca = compliance_trend(path, SINCE, UNTIL, cache_dir=tmp_path / "cache", authority="WECA")
    assert [(p.month, p.standard_id, p.services, p.compliant) for p in weca.points] == [("2026-04", "basics", 1, 1)]


def test_a_snapshot_within_two_councils_pools_their_figures(history, tmp_path: Path) -> None:
    from registry.insights.snapshots import month_snapshots

    path, shas = history
    _, _, snapped = month_snapshots(path, SINCE, UNTIL, "HEAD", tmp_path / "cache", None)
    within = [(s.month.label, s.snapshot.within(frozenset({"leeds", "york"}))) for s in snapped]
    line = [(m, f.standard_id, f.services, f.compliant, f.rate) for m, snap in within for f in snap.standards]
    # April: basics is leeds's 1/2 and york's 1/1, 2/3 (bath's 1/1 is left out).
    assert line == _pooled(shas, {"leeds", "york"})
    assert ("2026-04", "basics", 3, 2, 0.6667) in line
    april = within[-1][1]
    assert [(p.pattern_id, p.council_ids) for p in april.patterns] == [
        ("gov-uk-notify", ["leeds", "york"]),
        ("gov-uk-pay", ["leeds"]),
    ]
    assert sorted(april.council_names) == ["leeds", "york"]


def test_adoption_in_an_authority_counts_only_its_councils(history, tmp_path: Path) -> None:
    path, shas = history
    ynyc = pattern_adoption(path, SINCE, UNTIL, cache_dir=tmp_path / "cache", authority="YNYC")
    # York never names Pay, so it has no point; Notify is york's from February.
    assert [(p.month, p.pattern_id, p.council_ids, p.new_council_ids) for p in ynyc.points] == [
        ("2026-01", "gov-uk-notify", [], []),
        ("2026-02", "gov-uk-notify", ["york"], ["york"]),
        ("2026-03", "gov-uk-notify", ["york"], []),
        ("2026-04", "gov-uk-notify", ["york"], []),
    ]
    assert ynyc.adopters == [a for a in _adopters(shas) if a.council_id == "york"]
    weca = pattern_adoption(path, SINCE, UNTIL, cache_dir=tmp_path / "cache", authority="weca")
    assert [a.council_id for a in weca.adopters] == ["bath"]
    assert [(p.month, p.councils) for p in weca.points] == [
        ("2026-01", 0),
        ("2026-02", 0),
        ("2026-03", 0),
        ("2026-04", 1),
    ]


def test_cli_filters_the_trend_and_adoption_by_authority(cli, history) -> None:
    path, shas = history
    period = ("--since", "2026-01-01", "--until", "2026-04-30")
    trend = _json(cli, path, "trend", *period, "--authority", "WYCA")
    assert [(p["month"], p["standard_id"], p["services"], p["compliant"], p["rate"]) for p in trend["points"]] == (
        _pooled(shas, {"leeds"})
    )
    assert {p["council_id"] for p in trend["councils"]} == {"leeds"}
    adoption = _json(cli, path, "adoption", *period, "--by", "council", "--authority", "ynyc")
    assert [(a["pattern_id"], a["council_id"], a["first_month"]) for a in adoption["adopters"]] == [
        ("gov-uk-notify", "york", "2026-02")
    ]
    for command in ("trend", "adoption"):
        run = cli("insights", command, *period, "--authority", "GLA", cwd=path)
        assert run.exit_code == 2, run.stderr
        assert "error: --authority: no strategic authority 'GLA'" in run.stderr
        assert "use a combined authority's register code: CPCA, EMCA" in run.stderr and "Traceback" not in run.stderr


def test_api_filters_the_trend_and_adoption_by_authority(history, index: Path) -> None:
    path, shas = history
    period = {"since": "2026-01-01", "until": "2026-04-30"}
    with TestClient(create_app(index, settings={"repo_root": str(path)})) as c:
        r = c.get("/api/v1/insights/trend", params={**period, "authority": "WYCA"})
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert [(p["month"], p["standard_id"], p["services"], p["compliant"], p["rate"]) for p in items] == (
            _pooled(shas, {"leeds"})
        )
        r = c.get("/api/v1/insights/trend/councils", params={**period, "authority": "YNYC"})
        assert r.json()["items"] == [{**p.__dict__} for p in _council_points(shas) if p.council_id == "york"]
        r = c.get("/api/v1/insights/adoption", params={**period, "authority": "WECA"})
        assert [(p["month"], p["pattern_id"], p["council_ids"]) for p in r.json()["items"]][-1] == (
            "2026-04",
            "gov-uk-pay",
            ["bath"],
        )
        r = c.get("/api/v1/insights/adoption/adopters", params={**period, "authority": "YNYC"})
        assert r.json()["items"] == [{**a.__dict__} for a in _adopters(shas) if a.council_id == "york"]
        for url in ("trend", "trend/councils", "adoption", "adoption/adopters"):
            r = c.get(f"/api/v1/insights/{url}", params={**period, "authority": "GLA"})
            assert r.status_code == 422, r.text
            error = r.json()["error"]
            assert (error["code"], error["details"][0]["parameter"]) == ("invalid_parameter", "authority")
