"""`standards insights ...` and /api/v1/insights/...: the same figures as registry/insights/figures.py, in every format.

The registry is the hand-built one in test_insights.py; its figures are worked out there (supplier
markets and the ranking, on a registry of their own: test_insight_markets.py).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_insights import AS_OF, make_registry

from gitrepo import commit_all, git
from registry.api.app import create_app
from registry.index.build import build_index

DAY = AS_OF.isoformat()


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_registry(tmp_path_factory.mktemp("insights-cli") / "repo")


@pytest.fixture(scope="module")
def index(registry: Path) -> Path:
    path = registry.parent / "index.sqlite"
    build_index(registry, path, AS_OF, jobs=1)
    return path


@pytest.fixture(scope="module")
def client(index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(index)) as c:
        yield c


# --------------------------------------------------------------------------- CLI


def test_windows_csv_lists_each_group_with_its_councils(cli, registry: Path, index: Path) -> None:
    run = cli("insights", "windows", "--format", "csv", "--index", str(index), cwd=registry)
    assert run.exit_code == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    # By default a window needs two councils: only Plan Co's portal (a and c).
    assert [(r["label"], r["councils"], r["council_ids"], r["earliest_end"], r["latest_end"]) for r in rows] == [
        ("PLAN CO: portal", "2", "a;c", "2027-03-15", "2027-09-30"),
    ]
    every = cli("insights", "windows", "--min-councils", "1", "--format", "csv", "--index", str(index), cwd=registry)
    assert [(r["label"], r["council_ids"]) for r in csv.DictReader(io.StringIO(every.stdout))] == [
        ("PLAN CO: portal", "a;c"),
        ("Bolt: Bins", "b"),
        ("Acme: Collect", "a"),
    ]
    short = cli(
        "insights",
        "windows",
        "--horizon-months",
        "6",
        "--min-councils",
        "1",
        "--format",
        "csv",
        "--index",
        str(index),
        cwd=registry,
    )
    # To 2027-05-01: Bolt Bins and only a's Plan Co contract (spelt as a spells it; c's ends in September).
    assert [r["label"] for r in csv.DictReader(io.StringIO(short.stdout))] == ["Bolt: Bins", "Plan Co: Portal"]


def test_text_output_has_a_heading_and_the_suggestion(cli, registry: Path, index: Path) -> None:
    run = cli("insights", "reuse", "--council", "c", "--service", "bins", "--index", str(index), cwd=registry)
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Reuse suggestion for Bins service (c/bins)" and set(lines[1]) == {"="}
    assert (
        "Of the 3 other councils delivering Household waste collection (LGSL 524), 2 use the pattern GOV.UK Notify; "
        "their services meet 75% of the musts against your 50%." in run.stdout
    )
    hot = cli("insights", "hotspots", "--index", str(index), cwd=registry)
    assert hot.stdout.startswith("Duplication hotspots") and "Full planning applications" in hot.stdout
    interop = cli("insights", "interop", "--by", "type", "--index", str(index), cwd=registry)
    assert "Metropolitan district" in interop.stdout and "14%" in interop.stdout  # 1 of 7 open APIs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["reuse", "--council", "a"], "give both --council and --service"),
        (["reuse", "--council", "a", "--service", "nothing"], "no service 'nothing' at council 'a'"),
        (["reuse", "--lgsl", "99"], "no indexed service has LGSL code 99"),
        (["suppliers", "--lgsl", "524", "--function", "Housing"], "give --lgsl or --function, not both"),
        (["suppliers", "--function", "Nothing"], "names a supplier"),
        (["windows", "--as-of", "2026-02-30"], "is not a date"),
        (["windows", "--horizon-months", "0"], "--horizon-months"),
        (["interop", "--by", "council"], "--by"),
    ],
)
def test_bad_input_is_exit_2_with_a_message(cli, registry: Path, index: Path, args: list[str], message: str) -> None:
    run = cli("insights", *args, "--index", str(index), cwd=registry)
    assert run.exit_code == 2
    assert message in run.stderr and "Traceback" not in run.stderr + run.stdout


def test_a_missing_index_named_with_index_is_not_built(cli, tmp_path: Path, registry: Path) -> None:
    missing = tmp_path / "none.sqlite"
    run = cli("insights", "hotspots", "--index", str(missing), cwd=registry)
    assert run.exit_code == 2 and "does not exist" in run.stderr and not missing.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    run = cli("insights", "hotspots", cwd=empty)
    assert run.exit_code == 2 and "holds no standards/ folder" in run.stderr


def test_without_index_the_default_one_is_built(cli, tmp_path: Path, registry: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(registry, copy, ignore=shutil.ignore_patterns("build"))
    run = cli("insights", "hotspots", "--format", "json", cwd=copy)
    assert run.exit_code == 0, run.stderr
    assert (copy / "build" / "index.sqlite").is_file()
    assert [h["lgsl"] for h in json.loads(run.stdout)] == [487, 524]


def test_trend_is_wired_to_the_history(cli, tmp_path: Path, registry: Path) -> None:
    repo = tmp_path / "history"
    shutil.copytree(registry, repo, ignore=shutil.ignore_patterns("build"))
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "registry", date="2026-02-10T10:00:00+00:00")
    run = cli("insights", "trend", "--since", "2026-01-01", "--until", "2026-03-31", "--format", "csv", cwd=repo)
    assert run.exit_code == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    # January ends before the first commit, so February and March: the demo standard each month.
    assert [(r["month"], r["standard_id"]) for r in rows] == [("2026-02", "demo"), ("2026-03", "demo")]
    backwards = cli("insights", "trend", "--since", "2026-03-01", "--until", "2026-01-01", cwd=repo)
    assert backwards.exit_code == 2 and "error:" in backwards.stderr


# --------------------------------------------------------------------------- API


def test_api_reuse_pages_and_suggestion(client: TestClient) -> None:
    r = client.get("/api/v1/insights/reuse", params={"limit": 1, "offset": 1})
    assert r.status_code == 200 and r.json()["total"] == 3 and r.headers["X-Total-Count"] == "3"
    assert [i["lgsl"] for i in r.json()["items"]] == [524] and 'rel="next"' in r.headers["Link"]
    r = client.get("/api/v1/insights/reuse/solutions", params={"lgsl": 524, "format": "csv"})
    assert [row["id"] for row in csv.DictReader(io.StringIO(r.text))] == [
        "gov-uk-notify",
        "acme|collect",
        "bolt|bins",
        "acme|routes",
    ]
    r = client.get("/api/v1/insights/reuse/c/bins")
    assert r.status_code == 200 and r.json()["solution"]["id"] == "gov-uk-notify"
    assert r.json()["your_musts_met_rate"] == 0.5
    missing = client.get("/api/v1/insights/reuse/a/nothing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_api_windows_lock_in_interop_and_hotspots(client: TestClient) -> None:
    r = client.get("/api/v1/insights/windows", params={"by": "service-type"})
    items = r.json()["items"]
    assert [(i["key"], i["councils"]) for i in items] == [("524", 2), ("487", 2)]
    assert (items[0]["window_start"], items[0]["window_end"]) == (DAY, "2028-05-01")
    bad = client.get("/api/v1/insights/windows", params={"as_of": "2026-13-01"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_parameter"
    r = client.get("/api/v1/insights/lock-in", params={"min_signals": 4})
    assert r.json()["total"] == 1 and r.json()["items"][0]["service"] == "b/bins"
    r = client.get("/api/v1/insights/interop", params={"by": "type", "format": "csv"})
    rows = {row["group"]: row for row in csv.DictReader(io.StringIO(r.text))}
    assert (rows["MD"]["open_referral_uk_share"], rows["UA"]["open_referral_uk_share"]) == ("0.5", "")
    # 487 runs five core solutions, 524 three (worked out in test_insights_solutions.py's terms: no pattern
    # here is a solution and no supplier has a role, so every product counts).
    r = client.get("/api/v1/insights/hotspots", params={"min_solutions": 4})
    assert [(h["lgsl"], h["solutions"]) for h in r.json()["items"]] == [(487, 5)]


def test_api_trend_needs_a_repository(client: TestClient, index: Path, registry: Path, tmp_path: Path) -> None:
    r = client.get("/api/v1/insights/trend", params={"since": "2026-01-01"})
    assert r.status_code == 503 and r.json()["error"]["code"] == "not_available"
    repo = tmp_path / "history"
    shutil.copytree(registry, repo, ignore=shutil.ignore_patterns("build"))
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "registry", date="2026-02-10T10:00:00+00:00")
    with TestClient(create_app(index, settings={"repo_root": str(repo)})) as c:
        r = c.get("/api/v1/insights/trend", params={"since": "2026-02-01", "until": "2026-02-28"})
        assert r.status_code == 200, r.text
        assert [(p["month"], p["standard_id"]) for p in r.json()["items"]] == [("2026-02", "demo")]
        wrong = c.get("/api/v1/insights/trend", params={"since": "2026-03-01", "until": "2026-02-01"})
        assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_parameter"
        # Five years at most: each uncached month is a whole index build.
        long = c.get("/api/v1/insights/trend", params={"since": "2021-01-01", "until": "2026-01-31"})
        assert long.status_code == 400 and "more than 60 months" in long.json()["error"]["message"]
        assert c.get("/api/v1/insights/trend", params={"since": "2021-02-01", "until": "2026-01-31"}).status_code == 200
        # One trend computes at a time; another request is told when to come back, not queued.
        from registry.api.routes import history as insight_routes

        with insight_routes._TREND_LOCK:
            busy = c.get("/api/v1/insights/trend", params={"since": "2026-02-01", "until": "2026-02-28"})
        assert busy.status_code == 503 and busy.json()["error"]["code"] == "busy"
        assert busy.headers["retry-after"] == "30"
        assert c.get("/api/v1/insights/trend", params={"since": "2026-02-01", "until": "2026-02-28"}).status_code == 200


# --------------------------------------------------------------------------- headline figures

# Worked by hand from the registry in test_insights.py: LGSL 524, 431 and 487 have services, 524
# and 487 in all four councils; both are hotspots (test_hotspots_rank_types_by_councils_working_separately);
# every supplier is a line-of-business system, so the markets are 524 (3 services), 487 (4) and 431 (1):
# each below the default 5 services in 3 councils, so none is judged and all 3 are too few to judge;
# within 18 months of 2026-11-01 (to 2028-05-01) only Plan Co: Portal has contracts in two
# councils (a 2027-03-15 and c 2027-09-30): Acme: Collect and Bolt: Bins have one each in it.
HEADLINES = [
    ("reuse", 2, 3, "2 of the 3 service types are delivered by two or more councils."),
    ("hotspots", 2, 2, "2 of those 2 service types are duplication hotspots."),
    (
        "suppliers",
        0,
        0,
        "0 of the 0 service-type supplier markets large enough to judge are highly concentrated (HHI above 2,500); "
        "3 more are too few to judge.",
    ),
    (
        "windows",
        1,
        2,
        "1 supplier product has contracts in two or more councils ending by 2028-05-01, in 2 councils in all.",
    ),
]


def test_headlines_in_the_cli_json_and_the_api_are_worked_by_hand(cli, registry: Path, index: Path, client) -> None:
    run = cli("insights", "headlines", "--format", "json", "--index", str(index), cwd=registry)
    assert run.exit_code == 0, run.stderr
    assert [(h["figure"], h["count"], h["of"], h["text"]) for h in json.loads(run.stdout)] == HEADLINES
    r = client.get("/api/v1/insights/headlines")
    assert r.status_code == 200, r.text
    assert [(h["figure"], h["count"], h["of"], h["text"]) for h in r.json()["items"]] == HEADLINES
    assert all(h["counts"] for h in r.json()["items"])


def test_a_market_too_few_to_judge_is_never_counted_as_concentrated(index: Path) -> None:
    """The suppliers headline reads the figure's result: a market without an HHI is too few to judge."""
    import dataclasses

    from registry.index.connection import connect_readonly
    from registry.insights.headlines import headlines_of
    from registry.insights.hotspots import HOTSPOTS
    from registry.insights.reuse import REUSE
    from registry.insights.suppliers import MARKET
    from registry.insights.windows import WINDOWS

    conn = connect_readonly(index)
    try:
        # Every market judged (no minimum size): 524 (Acme 1.5 of 3 services, Bolt 1.5: HHI 5,000) is highly
        # concentrated, 487 (Plan Co 1, Quill 1.5, Rota, Sigma, Tally 0.5 each of 4: HHI 2,500) is not.
        markets = MARKET.compute(conn, "service-type", None, 1, None, 1)
        # As the figure reports a market below its minimum size: no HHI, no verdict.
        small = [dataclasses.replace(m, hhi=None, highly_concentrated=None) if m.key == "431" else m for m in markets]
        found = headlines_of(REUSE.compute(conn), HOTSPOTS.compute(conn), small, WINDOWS.compute(conn))
    finally:
        conn.close()
    suppliers = next(h for h in found if h.figure == "suppliers")
    assert (suppliers.count, suppliers.of) == (1, 2)
    assert suppliers.text == (
        "1 of the 2 service-type supplier markets large enough to judge are highly concentrated (HHI above 2,500); "
        "1 more are too few to judge."
    )
