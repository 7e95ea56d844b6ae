"""Compliance by standard at month ends, from real temporary Git repositories with dated commits.

The repository (MINI plus a `basics` standard that applies to every service):

- 2026-01-10 A: demo applies to failing, good and waived (web); failing's DEMO-04 evidence is met
  (2026-01-05) and its DEMO-01 is waived until 2026-01-31. No service names a service owner.
- 2026-01-20 A2: good names a service owner.
- 2026-03-15 B: failing publishes its statement (the fix); phone-only names a service owner.

Worked by hand, judged at each month end:

- January (A2, 2026-01-31): demo 3/3 - failing's waiver still runs on the 31st (expires >= as-of),
  waived's DEMO-04 evidence (2026-03-01) is dated after the as-of date, so not stale; basics 1/4 (good).
- February (A2 again, 2026-02-28): demo 2/3 - failing's waiver has expired and it has no statement;
  basics 1/4. Same commit as January, different as-of, different figure.
- March (B, 2026-03-31): demo 3/3; basics 2/4 (good, phone-only).
- April (no commit, B carried, 2026-04-30): as March.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import registry.index.build
from conftest import MINI
from gitrepo import ENV, commit_all, edit, git, init_repo
from registry.insights.trend import TrendError, TrendPoint, compliance_trend

BASICS = """kind: Standard
schema_version: 1
id: basics
prefix: BAS
title: Basics every service meets
version: 1.0.0
status: active
published: 2025-01-15
owner: Test suite
summary: One must that applies to every service.
references:
  - title: GOV.UK Service Standard
    url: https://www.gov.uk/service-manual/service-standard
applies_to:
  all_services: true
requirements:
  - id: BAS-01
    title: Name a service owner
    level: must
    guidance: Someone is accountable for the service.
    check: service.owner.service_owner != null
    field: owner.service_owner
    fix: Set owner.service_owner.
    references:
      - title: Point 6
        url: https://www.gov.uk/service-manual/service-standard/point-6-have-a-multidisciplinary-team
"""


TITLES = {"basics": "Basics every service meets", "demo": "Demonstration standard for the test suite"}


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    # Not init_repo: its first commit has a fixed date, and A's date matters here.
    path = tmp_path / "repo"
    shutil.copytree(MINI, path)
    (path / "standards/basics.yaml").write_text(BASICS, encoding="utf-8")
    edit(
        path / "manifests/leeds/failing.yaml",
        "  DEMO-04:\n    status: planned",
        "  DEMO-04:\n    status: met\n    date: 2026-01-05",
    )
    git(path, "init", "-q", "-b", "main")
    shas = {"A": commit_all(path, "A", "2026-01-10T10:00:00+00:00")}
    edit(path / "manifests/leeds/good.yaml", "  team: Waste", "  team: Waste\n  service_owner: Sam Owner")
    shas["A2"] = commit_all(path, "A2: good names its owner", "2026-01-20T10:00:00+00:00")
    edit(
        path / "manifests/leeds/failing.yaml",
        "accessibility:\n",
        "accessibility:\n  statement_url: https://www.leeds.gov.uk/parking/accessibility\n",
    )
    edit(path / "manifests/leeds/phone-only.yaml", "  team: Waste", "  team: Waste\n  service_owner: Pat Owner")
    shas["B"] = commit_all(path, "B: failing publishes its statement", "2026-03-15T10:00:00+00:00")
    return path, shas


def _expected(shas: dict[str, str]) -> list[TrendPoint]:
    rows = [
        ("2026-01", "2026-01-31", "A2", "basics", 4, 1, 0.25),
        ("2026-01", "2026-01-31", "A2", "demo", 3, 3, 1.0),
        ("2026-02", "2026-02-28", "A2", "basics", 4, 1, 0.25),
        ("2026-02", "2026-02-28", "A2", "demo", 3, 2, 0.6667),
        ("2026-03", "2026-03-31", "B", "basics", 4, 2, 0.5),
        ("2026-03", "2026-03-31", "B", "demo", 3, 3, 1.0),
        ("2026-04", "2026-04-30", "B", "basics", 4, 2, 0.5),
        ("2026-04", "2026-04-30", "B", "demo", 3, 3, 1.0),
    ]
    return [TrendPoint(m, d, shas[c], s, TITLES[s], n, ok, rate) for m, d, c, s, n, ok, rate in rows]


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, dt.date]]:
    """Every index build, as (ref, as-of), while still building for real."""
    seen: list[tuple[str | None, dt.date]] = []
    real = registry.index.build.build_index

    def counting(root: Path, output: Path, as_of: dt.date, ref: str | None = None, jobs: int | None = None):
        seen.append((ref, as_of))
        return real(root, output, as_of, ref=ref, jobs=jobs)

    monkeypatch.setattr(registry.index.build, "build_index", counting)
    return seen


def test_month_end_points_worked_by_hand(repo, builds, tmp_path: Path) -> None:
    path, shas = repo
    result = compliance_trend(path, dt.date(2025, 12, 1), dt.date(2026, 4, 30), cache_dir=tmp_path / "cache")
    # December 2025 ends before the first commit, so it has no points.
    assert (result.since, result.until) == ("2025-12-01", "2026-04-30")
    assert result.points == _expected(shas)
    # One build per (commit, month-end date): A2 twice and B twice, as their as-of dates differ.
    assert builds == [
        (shas["A2"], dt.date(2026, 1, 31)),
        (shas["A2"], dt.date(2026, 2, 28)),
        (shas["B"], dt.date(2026, 3, 31)),
        (shas["B"], dt.date(2026, 4, 30)),
    ]


def test_second_run_reads_the_cache_and_builds_nothing(repo, tmp_path: Path, monkeypatch) -> None:
    path, shas = repo
    cache = tmp_path / "cache"
    first = compliance_trend(path, dt.date(2026, 1, 1), dt.date(2026, 4, 30), cache_dir=cache)
    assert len(list(cache.glob("*.json"))) == 4

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the second run must not build an index")

    monkeypatch.setattr(registry.index.build, "build_index", refuse)
    second = compliance_trend(path, dt.date(2026, 1, 1), dt.date(2026, 4, 30), cache_dir=cache)
    assert second == first
    assert second.points == _expected(shas)


def test_a_damaged_cache_file_is_rebuilt(repo, builds, tmp_path: Path) -> None:
    path, shas = repo
    cache = tmp_path / "cache"
    compliance_trend(path, dt.date(2026, 2, 1), dt.date(2026, 3, 31), cache_dir=cache)
    files = sorted(cache.glob(f"{shas['A2']}-2026-02-28-*.json"))
    assert len(files) == 1
    files[0].write_text('{"format": 1, "figures": [', encoding="utf-8")
    builds.clear()
    result = compliance_trend(path, dt.date(2026, 2, 1), dt.date(2026, 3, 31), cache_dir=cache)
    assert builds == [(shas["A2"], dt.date(2026, 2, 28))]
    assert result.points == _expected(shas)[2:6]
    assert json.loads(files[0].read_text(encoding="utf-8"))["commit"] == shas["A2"]


def test_cache_entry_for_another_commit_is_not_trusted(repo, builds, tmp_path: Path) -> None:
    path, shas = repo
    cache = tmp_path / "cache"
    compliance_trend(path, dt.date(2026, 3, 1), dt.date(2026, 3, 31), cache_dir=cache)
    [file] = cache.glob("*.json")
    entry = json.loads(file.read_text(encoding="utf-8"))
    entry["commit"] = shas["A"]  # valid JSON, but not what the file's name says it holds
    file.write_text(json.dumps(entry), encoding="utf-8")
    builds.clear()
    assert (
        compliance_trend(path, dt.date(2026, 3, 1), dt.date(2026, 3, 31), cache_dir=cache).points
        == (_expected(shas)[4:6])
    )
    assert builds == [(shas["B"], dt.date(2026, 3, 31))]


def test_until_mid_month_judges_the_last_month_at_until(repo, tmp_path: Path) -> None:
    path, shas = repo
    result = compliance_trend(path, dt.date(2026, 1, 15), dt.date(2026, 3, 14), cache_dir=tmp_path / "cache")
    assert result.until == "2026-03-14"
    # B is committed on 2026-03-15, so on the 14th March still stood at A2 (and the waiver had expired).
    assert [(p.month, p.date, p.commit, p.standard_id, p.compliant) for p in result.points] == [
        ("2026-01", "2026-01-31", shas["A2"], "basics", 1),
        ("2026-01", "2026-01-31", shas["A2"], "demo", 3),
        ("2026-02", "2026-02-28", shas["A2"], "basics", 1),
        ("2026-02", "2026-02-28", shas["A2"], "demo", 2),
        ("2026-03", "2026-03-14", shas["A2"], "basics", 1),
        ("2026-03", "2026-03-14", shas["A2"], "demo", 2),
    ]


def test_default_until_carries_the_last_commit_to_today(repo, tmp_path: Path) -> None:
    path, shas = repo
    today = dt.datetime.now(dt.UTC).date()
    since = today.replace(day=1)
    result = compliance_trend(path, since, cache_dir=tmp_path / "cache")
    # Figures at today's date depend on the clock (evidence ages), so only where they come from is asserted.
    assert result.until == today.isoformat()
    assert {(p.month, p.date, p.commit) for p in result.points} == {(f"{today:%Y-%m}", today.isoformat(), shas["B"])}
    assert [p.standard_id for p in result.points] == ["basics", "demo"]


def test_until_past_today_stops_at_today(repo, tmp_path: Path) -> None:
    path, _ = repo
    today = dt.datetime.now(dt.UTC).date()
    result = compliance_trend(path, today.replace(day=1), today + dt.timedelta(days=400), cache_dir=tmp_path / "c")
    assert result.until == today.isoformat()
    assert {p.month for p in result.points} == {f"{today:%Y-%m}"}


def test_first_parent_history_ignores_merged_branch_dates(repo, tmp_path: Path) -> None:
    """A side-branch commit dated in February does not count until its merge lands in March."""
    path, shas = repo
    git(path, "checkout", "-q", "-b", "side", shas["A2"])
    edit(path / "manifests/leeds/waived.yaml", "  team: Parking", "  team: Parking\n  service_owner: Kim Owner")
    side = commit_all(path, "side: waived names its owner", "2026-02-10T10:00:00+00:00")
    git(path, "checkout", "-q", "main")
    date = "2026-03-20T10:00:00+00:00"
    subprocess.run(
        ["git", "merge", "-q", "--no-ff", "-m", "merge side", "side"],
        cwd=path,
        env={**ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
        check=True,
    )
    merge = git(path, "rev-parse", "HEAD")
    result = compliance_trend(path, dt.date(2026, 2, 1), dt.date(2026, 3, 31), cache_dir=tmp_path / "cache")
    assert [(p.month, p.commit, p.standard_id, p.services, p.compliant) for p in result.points] == [
        ("2026-02", shas["A2"], "basics", 4, 1),
        ("2026-02", shas["A2"], "demo", 3, 2),
        ("2026-03", merge, "basics", 4, 3),  # good, phone-only and (from the side branch) waived
        ("2026-03", merge, "demo", 3, 3),
    ]
    assert side not in {p.commit for p in result.points}


def test_a_ref_other_than_head(repo, tmp_path: Path) -> None:
    path, shas = repo
    result = compliance_trend(path, dt.date(2026, 3, 1), dt.date(2026, 3, 31), ref=shas["A2"], cache_dir=tmp_path / "c")
    assert {p.commit for p in result.points} == {shas["A2"]}
    assert [(p.standard_id, p.compliant) for p in result.points] == [("basics", 1), ("demo", 2)]


def test_default_cache_dir_and_nothing_left_behind(repo, tmp_path: Path, monkeypatch) -> None:
    path, shas = repo
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    compliance_trend(path, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert [f.name.split("-2026")[0] for f in (path / "build/trend-cache").iterdir()] == [shas["B"]]
    assert list(temp.iterdir()) == []  # snapshot trees and indexes are deleted
    assert git(path, "status", "--porcelain", "--", "standards", "manifests") == ""


def test_since_after_until_is_an_error(repo, tmp_path: Path) -> None:
    path, _ = repo
    with pytest.raises(TrendError, match=r"since 2026-04-01 is after until 2026-03-01"):
        compliance_trend(path, dt.date(2026, 4, 1), dt.date(2026, 3, 1), cache_dir=tmp_path / "c")


def test_since_in_the_future_is_an_error(repo, tmp_path: Path) -> None:
    path, _ = repo
    later = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=40)
    with pytest.raises(TrendError, match=r"latest date with history"):
        compliance_trend(path, later, cache_dir=tmp_path / "c")


def test_unknown_ref_is_an_error(repo, tmp_path: Path) -> None:
    path, _ = repo
    with pytest.raises(TrendError, match=r"'no-such-branch' is not a commit, branch or tag"):
        compliance_trend(path, dt.date(2026, 1, 1), dt.date(2026, 3, 1), ref="no-such-branch", cache_dir=tmp_path)


def test_not_a_git_repository_is_an_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(MINI, plain)
    with pytest.raises(TrendError, match=r"is not a Git repository: the trend is read from Git history"):
        compliance_trend(plain, dt.date(2026, 1, 1), dt.date(2026, 3, 1), cache_dir=tmp_path / "c")


def test_shallow_clone_says_how_to_fetch_history(repo, tmp_path: Path) -> None:
    path, _ = repo
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{path}", str(clone)], env=ENV, check=True)
    with pytest.raises(TrendError) as caught:
        compliance_trend(clone, dt.date(2026, 1, 1), dt.date(2026, 4, 30), cache_dir=tmp_path / "c")
    assert "this clone is shallow" in str(caught.value)
    assert "git fetch --unshallow" in str(caught.value) and "fetch-depth: 0" in str(caught.value)


def test_init_repo_helper_commits_are_usable(tmp_path: Path) -> None:
    """The shared helper's single January commit gives one point per month from then on."""
    path = init_repo(tmp_path / "r", MINI)
    result = compliance_trend(path, dt.date(2026, 1, 1), dt.date(2026, 2, 28), cache_dir=tmp_path / "c")
    sha = git(path, "rev-parse", "HEAD")
    # MINI as shipped: failing's DEMO-04 evidence is only planned, so it fails in both months.
    assert result.points == [
        TrendPoint("2026-01", "2026-01-31", sha, "demo", TITLES["demo"], 3, 2, 0.6667),
        TrendPoint("2026-02", "2026-02-28", sha, "demo", TITLES["demo"], 3, 2, 0.6667),
    ]


def test_an_index_of_the_same_snapshot_is_read_not_rebuilt(repo, builds, tmp_path: Path) -> None:
    path, shas = repo
    # The site's own index: built from B (HEAD, clean) as of the last month end of the period.
    index = tmp_path / "current.sqlite"
    registry.index.build.build_index(path, index, dt.date(2026, 4, 30))
    builds.clear()
    result = compliance_trend(
        path, dt.date(2026, 3, 1), dt.date(2026, 4, 30), cache_dir=tmp_path / "cache", current_index=index
    )
    assert result.points == _expected(shas)[4:]
    # March is judged at another date, so only it is built; April comes from the given index.
    assert builds == [(shas["B"], dt.date(2026, 3, 31))]


def test_an_index_of_another_date_is_not_taken_for_the_snapshot(repo, builds, tmp_path: Path) -> None:
    path, shas = repo
    index = tmp_path / "current.sqlite"
    registry.index.build.build_index(path, index, dt.date(2026, 4, 29))
    builds.clear()
    result = compliance_trend(
        path, dt.date(2026, 4, 1), dt.date(2026, 4, 30), cache_dir=tmp_path / "cache", current_index=index
    )
    assert result.points == _expected(shas)[6:]
    assert builds == [(shas["B"], dt.date(2026, 4, 30))]
