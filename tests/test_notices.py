"""`standards notices`: what newly fails since the last judged date, and what will fail soon.

The fixture's dates are chosen so each notice can be worked out by hand. The standard `demo`
(tests/fixtures/mini) has DEMO-01 (a statement URL, must), DEMO-02 (an audit within 8760 hours,
should: a rule over `now`), DEMO-03 (KPIs for live services, may) and DEMO-04 (evidence at most
365 days old, must). The index is built as of 2026-10-15 (the last judged date); notices are
judged as of 2026-11-01, looking 30 days ahead to 2026-12-01.

* parking: the DEMO-01 waiver expires 2026-10-20, so DEMO-01 fails from 2026-10-21 (newly);
  the DEMO-04 waiver expires 2026-11-15, so DEMO-04 fails from 2026-11-16 (upcoming); the
  DEMO-02 waiver runs to 2027-01-31, past the window (nothing); it uses gov-uk-notify, which is
  deprecated in favour of notify-two (upcoming, no date).
* stale: DEMO-04 evidence dated 2025-10-25 counts 365 days, to 2026-10-25: fails from
  2026-10-26 (newly).
* bins: DEMO-04 evidence dated 2025-11-10 counts to 2026-11-10: fails from 2026-11-11; its
  audit of 2025-11-20 is exactly 8760 hours old on 2026-11-20 and too old from 2026-11-21
  (both upcoming).
* Every service fails DEMO-03 (no KPIs) at every date: never a notice.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from checks.notice_render import from_json, to_json
from conftest import MINI
from gitrepo import init_repo

SERVICE = """kind: Service
schema_version: 1
sample: true
id: {id}
name: {name}
phase: live
channels: [web]
owner:
  team: Digital
privacy:
  handles_personal_data: false
"""

PARKING = SERVICE.format(id="parking", name="Pay a parking fine") + (
    "patterns: [gov-uk-notify]\n"
    "waivers:\n"
    "  - {requirement: DEMO-01, reason: New statement in October, approved_by: Head of Digital, expires: 2026-10-20}\n"
    "  - {requirement: DEMO-04, reason: Research booked for November, approved_by: Head of Digital, "
    "expires: 2026-11-15}\n"
    "  - {requirement: DEMO-02, reason: Audit after the rebuild, approved_by: Head of Digital, expires: 2027-01-31}\n"
)
STALE = SERVICE.format(id="stale", name="Renew a bus pass") + (
    "accessibility: {statement_url: https://www.leeds.gov.uk/a11y, last_audit: 2026-06-01}\n"
    "evidence:\n  DEMO-04: {status: met, date: 2025-10-25}\n"
)
BINS = SERVICE.format(id="bins", name="Report a missed bin") + (
    "accessibility: {statement_url: https://www.leeds.gov.uk/a11y, last_audit: 2025-11-20}\n"
    "evidence:\n  DEMO-04: {status: met, date: 2025-11-10}\n"
)


def _notice(service: str, cause: str, due: str | None, subject: str) -> tuple[str, str, str | None, str]:
    return (service, cause, due, subject)


NEWLY = [
    _notice("parking", "waiver_expires", "2026-10-21", "DEMO-01"),
    _notice("stale", "evidence_ages", "2026-10-26", "DEMO-04"),
]
UPCOMING = [
    _notice("bins", "evidence_ages", "2026-11-11", "DEMO-04"),
    _notice("parking", "waiver_expires", "2026-11-16", "DEMO-04"),
    _notice("bins", "date_rule", "2026-11-21", "DEMO-02"),
    _notice("parking", "pattern_deprecated", None, "gov-uk-notify"),
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    shutil.copytree(MINI, source)
    for path in (source / "manifests/leeds").glob("*.yaml"):
        if path.name != "council.yaml":
            path.unlink()
    for name, text in (("parking", PARKING), ("stale", STALE), ("bins", BINS)):
        (source / f"manifests/leeds/{name}.yaml").write_text(text)
    patterns = source / "standards/patterns"
    notify = (patterns / "gov-uk-notify.yaml").read_text()
    (patterns / "notify-two.yaml").write_text(
        notify.replace("id: gov-uk-notify", "id: notify-two").replace("name: GOV.UK Notify", "name: Notify two")
    )
    (patterns / "gov-uk-notify.yaml").write_text(notify + "status: deprecated\nsuccessor: notify-two\n")
    return init_repo(tmp_path / "repo", source)


def _judged_on(cli, repo: Path, day: str) -> None:
    built = cli("index", "build", "--as-of", day, cwd=repo)
    assert built.exit_code == 0, built.stdout + built.stderr


def _summary(council: dict) -> tuple[list, list]:
    def rows(notices: list[dict]) -> list:
        return [(n["service"], n["cause"], n["due"], n["subject"]) for n in notices]

    return rows(council["newly_failing"]), rows(council["upcoming"])


def test_json_lists_what_newly_fails_and_what_will_fail_with_its_day(repo: Path, cli) -> None:
    _judged_on(cli, repo, "2026-10-15")
    run = cli("notices", "--as-of", "2026-11-01", "--within", "30d", "--format", "json", cwd=repo)
    assert run.exit_code == 0, run.stderr
    report = json.loads(run.stdout)
    assert (report["since"], report["as_of"], report["until"], report["within_days"]) == (
        "2026-10-15",
        "2026-11-01",
        "2026-12-01",
        30,
    )
    (leeds,) = report["councils"]
    assert leeds["owners"] == ["@leeds/digital"]
    assert _summary(leeds) == (NEWLY, UPCOMING)
    by_due = {n["due"]: n for n in leeds["newly_failing"] + leeds["upcoming"]}
    assert by_due["2026-10-21"]["detail"] == "waiver approved by Head of Digital covers it until 2026-10-20"
    assert by_due["2026-10-21"]["fix"].startswith("Publish a statement and set accessibility.statement_url.")
    assert by_due["2026-11-11"]["detail"] == "evidence dated 2025-11-10 counts until 2026-11-10 (365-day limit)"
    assert "set its `date` to the day you checked" in by_due["2026-11-11"]["fix"]
    assert by_due["2026-11-21"]["detail"] == "accessibility.last_audit: 2025-11-20"
    assert by_due["2026-11-21"]["level"] == "should" and by_due["2026-11-21"]["standard"] == "demo 2.1.0"
    (pattern,) = [n for n in leeds["upcoming"] if n["cause"] == "pattern_deprecated"]
    assert "replace `gov-uk-notify` with `notify-two`" in pattern["fix"]
    assert from_json(report) and to_json(from_json(report)) == report


def test_a_shorter_window_and_a_later_date(repo: Path, cli) -> None:
    # Ten days from 2026-11-01 reach 2026-11-11: only bins' evidence is due by then.
    run = cli("notices", "--since", "2026-11-01", "--as-of", "2026-11-01", "--within", "10d", "-f", "json", cwd=repo)
    (leeds,) = json.loads(run.stdout)["councils"]
    assert _summary(leeds) == ([], [UPCOMING[0], UPCOMING[3]])
    # Judged on 2026-11-12 since 2026-11-01, bins' evidence has newly failed; 2 weeks reach 2026-11-26.
    run = cli("notices", "--since", "2026-11-01", "--as-of", "2026-11-12", "--within", "2w", "-f", "json", cwd=repo)
    (leeds,) = json.loads(run.stdout)["councils"]
    assert _summary(leeds) == ([("bins", "evidence_ages", "2026-11-11", "DEMO-04")], UPCOMING[1:])


def test_markdown_names_the_owners_and_each_notice(repo: Path, cli) -> None:
    _judged_on(cli, repo, "2026-10-15")
    run = cli("notices", "--as-of", "2026-11-01", cwd=repo)
    assert run.exit_code == 0, run.stderr
    text = run.stdout
    assert text.startswith("# Notices as of 2026-11-01\n\n2 newly failing since 2026-10-15 and 4 due by 2026-12-01")
    assert "## Leeds City Council (`leeds`) (sample data)" in text
    assert "Owners: @leeds/digital. Judged as of 2026-11-01; last judged 2026-10-15;" in text
    newly = text.split("### Newly failing since 2026-10-15 (2)")[1].split("### Will fail by 2026-12-01")[0]
    assert [re.match(r"\| (\S+) \|", line).group(1) for line in newly.splitlines() if line.startswith("| 20")] == [
        "2026-10-21",
        "2026-10-26",
    ]
    upcoming = text.split("### Will fail by 2026-12-01, or needs moving (4)")[1]
    assert "| 2026-11-16 | `Pay a parking fine`<br>`manifests/leeds/parking.yaml` | `DEMO-04`" in upcoming
    assert "| now | `Pay a parking fine`" in upcoming and "pattern deprecated: `GOV.UK Notify is deprecated" in upcoming


def test_a_standard_versions_sunset_is_a_notice(repo: Path, cli) -> None:
    demo = repo / "standards/demo.yaml"
    demo.write_text(demo.read_text().replace("published: 2025-01-15\n", "published: 2025-01-15\nsunset: 2026-11-24\n"))
    bins = repo / "manifests/leeds/bins.yaml"
    bins.write_text(bins.read_text() + "conforms_to:\n  - {standard: demo, version: 2}\n")
    run = cli("notices", "--since", "2026-11-01", "--as-of", "2026-11-01", "-f", "json", cwd=repo)
    (leeds,) = json.loads(run.stdout)["councils"]
    sunsets = [n for n in leeds["upcoming"] if n["cause"] == "standard_sunset"]
    # Past its sunset on 2026-11-24 the standard stops applying from the 25th, and a pin to it
    # (bins) is warned about (W003): every service judged against it is told.
    assert [(n["service"], n["due"], n["subject"]) for n in sunsets] == [
        ("bins", "2026-11-25", "demo"),
        ("parking", "2026-11-25", "demo"),
        ("stale", "2026-11-25", "demo"),
    ]
    assert sunsets[0]["detail"] == "demo 2.1.0 reaches its sunset on 2026-11-24"
    # Judged after the sunset, since before it: newly past it.
    run = cli("notices", "--since", "2026-11-20", "--as-of", "2026-11-26", "-f", "json", cwd=repo)
    (leeds,) = json.loads(run.stdout)["councils"]
    assert ("bins", "standard_sunset", "2026-11-25", "demo") in _summary(leeds)[0]


# --- bad input -----------------------------------------------------------------------------


def test_no_prior_judged_date_is_a_clear_error(repo: Path, cli) -> None:
    run = cli("notices", "--as-of", "2026-11-01", cwd=repo)
    assert run.exit_code == 2 and run.stdout == ""
    assert "error: no prior judged date: there is no index at build/index.sqlite" in run.stderr
    assert "standards index build" in run.stderr and "--since DATE" in run.stderr
    (repo / "not-an-index").write_text("hello")
    run = cli("notices", "--index", "not-an-index", cwd=repo)
    assert run.exit_code == 2 and "no prior judged date: this is not a readable index: not-an-index" in run.stderr


def test_a_last_judged_date_after_the_as_of_date(repo: Path, cli) -> None:
    _judged_on(cli, repo, "2026-11-02")
    run = cli("notices", "--as-of", "2026-11-01", cwd=repo)
    assert run.exit_code == 2
    assert "error: the last judged date (2026-11-02) is after the date to judge at (2026-11-01)" in run.stderr


@pytest.mark.parametrize("window", ["soon", "30", "0d", "-3d", "30 days", "99999d", "1.5w"])
def test_a_window_that_does_not_parse(repo: Path, cli, window: str) -> None:
    run = cli("notices", "--since", "2026-11-01", "--within", window, cwd=repo)
    assert run.exit_code == 2 and run.stdout == ""
    assert f"error: --within '{window}' is not a window" in run.stderr
    assert "like 30d or 4w" in run.stderr and "Traceback" not in run.stderr


# --- a deprecated pattern on the site -------------------------------------------------------


def test_a_deprecated_patterns_page_names_its_successor(repo: Path, cli) -> None:
    from registry.playbook.patterns import pages
    from sitegen import site_context

    _judged_on(cli, repo, "2026-11-01")
    ctx = site_context(repo / "build/index.sqlite", repo)
    built = {page.path: page.markdown for page in pages(ctx)}
    notify = built["patterns/gov-uk-notify.md"]
    assert '!!! warning "Deprecated"' in notify
    assert "New services should use [Notify two](notify-two.md) instead" in notify
    assert "!!! warning" not in built["patterns/notify-two.md"]
    assert "| [GOV.UK Notify](gov-uk-notify.md) (deprecated) |" in built["patterns/index.md"]
    assert "| [Notify two](notify-two.md) |" in built["patterns/index.md"]
    row = ctx.conn.execute("SELECT status, successor FROM patterns WHERE id = 'gov-uk-notify'").fetchone()
    assert tuple(row) == ("deprecated", "notify-two")
