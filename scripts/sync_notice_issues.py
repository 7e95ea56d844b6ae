"""Keep one GitHub issue per council in step with `standards notices`.

    standards notices --format json > build/notices.json
    python scripts/sync_notice_issues.py build/notices.json [--include-sample] [--dry-run]

Reads GITHUB_REPOSITORY (owner/name), GITHUB_TOKEN and GITHUB_API_URL (default
https://api.github.com), which GitHub Actions sets; the tests point GITHUB_API_URL at a fake
issue store on 127.0.0.1 (tests/fake_github.py).

Each council's issue carries a marker in its body, `<!-- standards-notices council=ID digest=... -->`,
and the label `standards-notices`: the marker finds it again (open or closed), so a council never
gets a second one. With notices, the issue is opened, or reopened, or its body replaced when the
notices changed (the digest), with a comment mentioning the council's owners so they are told.
With nothing left, an open issue is closed with a comment saying so. An unchanged council is left
alone: nobody is notified twice of the same notices. Sample councils (`sample: true`) get no issue
unless --include-sample is given: the shipped sample data is not any real council's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.notice_render import council_markdown, from_json, markdown, to_json
from checks.notices import CouncilNotices, NoticesReport

LABEL = "standards-notices"
_EPOCH = dt.date(2000, 1, 1)  # the digest leaves out the run's dates
MARKER = re.compile(r"<!-- standards-notices council=([a-z0-9-]+) digest=([0-9a-f]*) -->")


@dataclass
class Issue:
    number: int
    state: str
    council: str
    digest: str


class GitHub:
    """The few calls of GitHub's REST API the sync needs."""

    def __init__(self, api: str, repository: str, token: str) -> None:
        self.base = f"{api.rstrip('/')}/repos/{repository}"
        self.token = token

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise SystemExit(f"error: {method} {path} answered {exc.code}: {detail}") from None
        except urllib.error.URLError as exc:
            raise SystemExit(f"error: {method} {path} could not reach {self.base}: {exc.reason}") from None

    def notice_issues(self) -> dict[str, Issue]:
        """Every council's issue, open or closed, found by its marker (the open one if there are two)."""
        found: dict[str, Issue] = {}
        page = 1
        while True:
            batch = self.call("GET", f"/issues?state=all&labels={LABEL}&per_page=100&page={page}")
            for item in batch:
                match = MARKER.search(item.get("body") or "")
                if match is None or "pull_request" in item:
                    continue
                issue = Issue(item["number"], item["state"], match.group(1), match.group(2))
                known = found.get(issue.council)
                if known is None or (known.state != "open" and issue.state == "open"):
                    found[issue.council] = issue
            if len(batch) < 100:
                return found
            page += 1


def digest(council: CouncilNotices) -> str:
    """What the notices say, without the dates the run was made: unchanged notices, unchanged digest."""
    report = to_json(NoticesReport(since=_EPOCH, as_of=_EPOCH, within_days=0, councils=[council]))
    return hashlib.sha256(json.dumps(report["councils"], sort_keys=True).encode()).hexdigest()[:16]


def body(report: NoticesReport, council: CouncilNotices) -> str:
    return (
        f"<!-- standards-notices council={council.council} digest={digest(council)} -->\n"
        + council_markdown(report, council)
        + "\n---\nThe registry's daily run (`standards notices`) updates this issue and closes it when nothing "
        "is left. Fix a notice by pull request to your council's folder.\n"
    )


def sync(github: GitHub, report: NoticesReport, include_sample: bool, dry_run: bool) -> list[str]:
    """Open, update, reopen or close each council's issue; returns what was done, a line each."""
    issues = github.notice_issues()
    done: list[str] = []
    councils = [c for c in report.councils if include_sample or not c.sample]
    for council in councils:
        issue = issues.get(council.council)
        action = _action(issue, council)
        if action is None:
            continue
        done.append(f"{action} issue for {council.council}" + (f" (#{issue.number})" if issue else ""))
        if not dry_run:
            _apply(github, report, council, issue, action)
    listed = {c.council for c in report.councils}
    for council_id, issue in sorted(issues.items()):
        if council_id not in listed and issue.state == "open":
            done.append(f"close issue for {council_id} (#{issue.number}): no longer in the register")
            if not dry_run:
                github.call("POST", f"/issues/{issue.number}/comments", {"body": "This council is no longer listed."})
                github.call("PATCH", f"/issues/{issue.number}", {"state": "closed", "state_reason": "not_planned"})
    return done


def _action(issue: Issue | None, council: CouncilNotices) -> str | None:
    if council.empty:
        return "close" if issue is not None and issue.state == "open" else None
    if issue is None:
        return "open"
    if issue.state != "open":
        return "reopen"
    return "update" if issue.digest != digest(council) else None


def _apply(github: GitHub, report: NoticesReport, council: CouncilNotices, issue: Issue | None, action: str) -> None:
    owners = " ".join(council.owners)
    if action == "open":
        github.call(
            "POST",
            "/issues",
            {"title": f"Standards notices: {council.name}", "body": body(report, council), "labels": [LABEL]},
        )
        return
    assert issue is not None
    if action == "close":
        note = f"{owners}: as of {report.as_of} nothing newly fails and nothing is due by {report.until}. Closing."
        github.call("POST", f"/issues/{issue.number}/comments", {"body": note})
        github.call("PATCH", f"/issues/{issue.number}", {"state": "closed", "state_reason": "completed"})
        return
    github.call("PATCH", f"/issues/{issue.number}", {"state": "open", "body": body(report, council)})
    counts = f"{len(council.newly_failing)} newly failing, {len(council.upcoming)} due by {report.until}"
    github.call(
        "POST",
        f"/issues/{issue.number}/comments",
        {"body": f"{owners}: the notices changed as of {report.as_of} ({counts}); see the description."},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notices", type=Path, help="the output of `standards notices --format json`")
    parser.add_argument("--include-sample", action="store_true", help="give sample councils an issue too")
    parser.add_argument("--dry-run", action="store_true", help="say what would be done, change nothing")
    parser.add_argument("--summary", type=Path, help="append every council's notices, as Markdown, to this file")
    args = parser.parse_args(argv)
    try:
        report = from_json(json.loads(args.notices.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: {args.notices} is not the output of `standards notices --format json`: {exc}", file=sys.stderr)
        return 2
    repository, token = os.environ.get("GITHUB_REPOSITORY"), os.environ.get("GITHUB_TOKEN")
    if not repository or not token:
        print("error: GITHUB_REPOSITORY and GITHUB_TOKEN must be set (GitHub Actions sets them)", file=sys.stderr)
        return 2
    github = GitHub(os.environ.get("GITHUB_API_URL", "https://api.github.com"), repository, token)
    done = sync(github, report, args.include_sample, args.dry_run)
    for line in done:
        print(line)
    if args.summary is not None:
        with args.summary.open("a", encoding="utf-8") as summary:
            summary.write(
                markdown(report) + "\n## Issues\n\n" + "".join(f"- {line}\n" for line in done or ["none changed"])
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
