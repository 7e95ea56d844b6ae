"""scripts/sync_notice_issues.py against a fake GitHub issue store on 127.0.0.1 (tests/fake_github.py).

One issue per council, found again by its marker: opened with notices, left alone when they have
not changed, updated (with a comment mentioning the owners) when they have, closed when nothing is
left, reopened (never duplicated) when notices come back. The notices come from the real command
run on test_notices' hand-dated fixture.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_github import REPOSITORY, TOKEN, Store, fake_github
from test_notices import repo  # noqa: F401  (the fixture)

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "sync_notice_issues.py"
MARKER = "<!-- standards-notices council=leeds digest="


def _notices(cli, repo: Path, out: Path, since: str, as_of: str) -> Path:  # noqa: F811
    run = cli("notices", "--since", since, "--as-of", as_of, "--format", "json", cwd=repo)
    assert run.exit_code == 0, run.stderr
    out.write_text(run.stdout)
    return out


def _sync(api: str, notices: Path, *args: str, token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GITHUB_API_URL": api, "GITHUB_REPOSITORY": REPOSITORY, "GITHUB_TOKEN": token}
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(notices), *args], env=env, capture_output=True, text=True, timeout=60
    )


def _leeds(store: Store) -> list[dict]:
    return [i for i in store.issues if MARKER in (i["body"] or "")]


def test_one_issue_per_council_opened_updated_closed_and_reopened(repo: Path, cli, tmp_path: Path) -> None:  # noqa: F811
    day1 = _notices(cli, repo, tmp_path / "day1.json", "2026-10-15", "2026-11-01")
    day2 = _notices(cli, repo, tmp_path / "day2.json", "2026-11-01", "2026-11-12")
    cleared = json.loads(day2.read_text())
    for council in cleared["councils"]:
        council["newly_failing"], council["upcoming"] = [], []
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps(cleared))
    with fake_github() as (api, store):
        # 105 other labelled issues and a pull request first: the council's issue is on page 2.
        for n in range(105):
            store.add(f"Something else {n}", "no marker here", ["standards-notices"])
        store.add("A pull request", MARKER + "0 -->", ["standards-notices"], pull_request={"url": "x"})

        run = _sync(api, day1, "--include-sample")
        assert run.returncode == 0, run.stderr
        assert run.stdout == "open issue for leeds\n"
        (issue,) = _leeds(store)[1:]  # [0] is the pull request
        assert issue["title"] == "Standards notices: Leeds City Council" and issue["state"] == "open"
        assert [lb["name"] for lb in issue["labels"]] == ["standards-notices"]
        assert "Owners: @leeds/digital." in issue["body"]
        assert "### Newly failing since 2026-10-15 (2)" in issue["body"] and "| 2026-10-21 |" in issue["body"]

        # The same notices again: nothing to do, nobody notified twice.
        calls = len(store.calls)
        run = _sync(api, day1, "--include-sample")
        assert run.stdout == "" and [c[0] for c in store.calls[calls:]] == ["GET", "GET"]

        # New notices: the same issue, its description replaced and the owners told.
        run = _sync(api, day2, "--include-sample")
        assert run.stdout == f"update issue for leeds (#{issue['number']})\n"
        assert len(_leeds(store)) == 2 and "### Newly failing since 2026-11-01 (1)" in issue["body"]
        assert issue["comments"][-1].startswith("@leeds/digital: the notices changed as of 2026-11-12")

        # Nothing left: closed, saying so.
        run = _sync(api, empty, "--include-sample")
        assert run.stdout == f"close issue for leeds (#{issue['number']})\n"
        assert issue["state"] == "closed" and issue["state_reason"] == "completed"
        assert "nothing newly fails and nothing is due by 2026-12-12. Closing." in issue["comments"][-1]
        assert _sync(api, empty, "--include-sample").stdout == ""  # already closed

        # Notices again: the closed issue is reopened, never a second one.
        run = _sync(api, day1, "--include-sample")
        assert run.stdout == f"reopen issue for leeds (#{issue['number']})\n"
        assert issue["state"] == "open" and len(_leeds(store)) == 2
        assert all(i["comments"] == [] for i in store.issues if i is not issue)


def test_sample_councils_get_no_issue_unless_asked(repo: Path, cli, tmp_path: Path) -> None:  # noqa: F811
    day1 = _notices(cli, repo, tmp_path / "day1.json", "2026-10-15", "2026-11-01")
    with fake_github() as (api, store):
        run = _sync(api, day1)
        assert run.returncode == 0 and run.stdout == "" and store.issues == []
        run = _sync(api, day1, "--dry-run", "--include-sample")
        assert run.stdout == "open issue for leeds\n" and store.issues == []
        # The job summary gets every council's notices, sample or not, and what was done.
        summary = tmp_path / "summary.md"
        summary.write_text("earlier steps\n")
        run = _sync(api, day1, "--summary", str(summary))
        text = summary.read_text()
        assert text.startswith("earlier steps\n# Notices as of 2026-11-01\n")
        assert "## Leeds City Council" in text and text.endswith("## Issues\n\n- none changed\n")


@pytest.mark.parametrize("problem", ["not json", "token"])
def test_bad_input_to_the_sync_is_a_clear_error(repo: Path, cli, tmp_path: Path, problem: str) -> None:  # noqa: F811
    notices = tmp_path / "notices.json"
    if problem == "not json":
        notices.write_text("{}")
    else:
        _notices(cli, repo, notices, "2026-10-15", "2026-11-01")
    with fake_github() as (api, _store):
        run = _sync(api, notices, "--include-sample", token="wrong")
    assert run.returncode != 0 and "Traceback" not in run.stderr
    if problem == "not json":
        assert "is not the output of `standards notices --format json`" in run.stderr
    else:
        assert "answered 401" in run.stderr
