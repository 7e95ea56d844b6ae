"""One result from the checker to every surface: the CLI's JSON report, `POST /api/v1/validate`,
`GET /api/v1/services/...` and the built council page agree on every requirement's outcome, level and
detail, for manifests pinned to two major versions of a standard, served by a real `standards serve`.

The standard moves from 2.1.0 to 3.0.0 in Git history: DEMO-03 is dropped, DEMO-01 goes from must to
should (it passes everywhere, so only a correct cache keeps its level apart) and DEMO-02 from should to
must. One manifest pins version 2 and holds a waiver for DEMO-03, which only 2.x has.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import MINI, ROOT, require
from gitrepo import commit_all, edit, init_repo

TODAY = dt.date.today()
FRESH = (TODAY - dt.timedelta(days=30)).isoformat()

PINNED_TWO = f"""\
kind: Service
schema_version: 1
sample: true
id: pinned-two
name: Renew a resident parking permit
phase: live
channels: [web]
owner:
  team: Parking
privacy:
  handles_personal_data: true
accessibility:
  statement_url: https://www.leeds.gov.uk/accessibility
  last_audit: 2024-01-10
conforms_to:
  - standard: demo
    version: 2
evidence:
  DEMO-04:
    status: met
    date: {FRESH}
waivers:
  - requirement: DEMO-03
    reason: The KPI dashboard moves to the open data site.
    approved_by: Head of Digital
    expires: 2099-03-31
"""

ON_THREE = """\
kind: Service
schema_version: 1
sample: true
id: on-three
name: Apply for a visitor parking permit
phase: beta
channels: [web]
owner:
  team: Parking
privacy:
  handles_personal_data: true
accessibility:
  statement_url: https://www.leeds.gov.uk/accessibility
  last_audit: 2024-01-10
conforms_to:
  - standard: demo
    version: 3
evidence:
  DEMO-04:
    status: planned
waivers:
  - requirement: DEMO-02
    reason: Audit booked for the spring.
    approved_by: Head of Digital
    expires: 2025-01-31
"""

MANIFESTS = {"pinned-two": PINNED_TWO, "on-three": ON_THREE}


def _standards(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("standards")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def _two_versions(path: Path) -> Path:
    """A repository whose demo standard went 2.1.0 -> 3.0.0, with the site's configuration committed."""
    repo = init_repo(path, MINI)
    demo = repo / "standards/demo.yaml"
    edit(demo, "version: 2.1.0", "version: 3.0.0")
    edit(
        demo,
        "    title: Publish an accessibility statement\n    level: must",
        "    title: Publish an accessibility statement\n    level: should",
    )
    edit(
        demo,
        "    title: Audit within the last year\n    level: should",
        "    title: Audit within the last year\n    level: must",
    )
    text = demo.read_text(encoding="utf-8")
    start = text.index("  - id: DEMO-03")
    demo.write_text(text[:start] + text[text.index("  - id: DEMO-04") :], encoding="utf-8")
    for name, body in MANIFESTS.items():
        (repo / f"manifests/leeds/{name}.yaml").write_text(body, encoding="utf-8")
    shutil.copytree(ROOT / "site", repo / "site", ignore=shutil.ignore_patterns("__pycache__"))
    commit_all(repo, "demo 3.0.0: DEMO-03 dropped, two levels changed", date="2026-03-01T10:00:00+00:00")
    return repo


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, repo: Path) -> None:
        self.port = _free_port()
        exe = Path(sys.executable).with_name("standards")
        self.proc = subprocess.Popen(
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=repo,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.stderr.read() if self.proc.stderr else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("standards serve did not start")

    def get(self, path: str) -> tuple[int, str]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as r:
            return r.status, r.read().decode()

    def validate(self, body: str) -> dict[str, Any]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/validate?council=leeds&as_of={TODAY.isoformat()}",
            data=body.encode(),
            headers={"Content-Type": "application/yaml"},
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            answer: dict[str, Any] = json.loads(r.read())
            return answer

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("git", "install git")
    repo = _two_versions(tmp_path_factory.mktemp("one-result") / "repo")
    built = _standards("index", "build", "--as-of", TODAY.isoformat(), cwd=repo)
    assert built.returncode == 0, built.stderr
    site = _standards("site", "build", cwd=repo)
    assert site.returncode == 0, site.stderr
    return repo


@pytest.fixture(scope="module")
def server(repo: Path) -> Iterator[Server]:
    running = Server(repo)
    yield running
    running.stop()


def _cli(repo: Path) -> dict[str, list[dict[str, Any]]]:
    run = _standards("check", "--format", "json", "--as-of", TODAY.isoformat(), "manifests/leeds", cwd=repo)
    assert run.returncode == 1, run.stderr  # some requirements fail, on purpose
    report = json.loads(run.stdout)
    return {f["service"]: f["results"] for f in report["files"] if f["service"] in MANIFESTS}


FIELDS = ("requirement", "standard", "version", "title", "level", "outcome", "detail", "says", "waiver", "evidence")


def _fields(results: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(json.dumps(r[k]) for k in FIELDS) for r in results]


def _page_failures(page: str, name: str) -> list[tuple[str, str, str, str]]:
    """(requirement, version, level, line) for each line of the council page that names the service:
    one line in each failing requirement's section, saying what its manifest says."""
    found = []
    for section in re.findall(r'<section class="sitegen-fix" id="fix-[^"]+">.*?</section>', page, re.S):
        level = re.search(r'<span class="sitegen-level">(\w+)</span>', section)
        checked = re.search(r'#[^"]+">([^<]+)</a>, version ([^<]+)\.</p></details>', section)
        assert level and checked, section
        for line in re.findall(r"<li>(.*?)</li>", section, re.S):
            if html.escape(name) in line:
                found.append((checked.group(1), checked.group(2), level.group(1).lower(), html.unescape(line)))
    return found


def _shown(result: dict[str, Any], name: str) -> tuple[str, str]:
    """How a failing result's line on the council page starts (its `says`) and how it names the
    service (with a waiver that expired after the name); services saying the same share the line."""
    waiver = result["waiver"]
    if waiver is not None and result["outcome"] == "fail":
        expires = dt.date.fromisoformat(waiver["expires"])
        name += f" (its waiver, approved by {waiver['approved_by']}, expired on {expires.day} {expires:%B %Y})"
    return f"{result['says']} (", name


def test_every_surface_gives_the_same_result(repo: Path, server: Server) -> None:
    cli = _cli(repo)
    # The versions judged, as pinned: 2.x keeps DEMO-03 and its old levels, 3.0.0 has neither.
    two = {r["requirement"]: r for r in cli["pinned-two"]}
    three = {r["requirement"]: r for r in cli["on-three"]}
    assert {r["version"] for r in two.values()} == {"2.1.0"} and {r["version"] for r in three.values()} == {"3.0.0"}
    assert (two["DEMO-01"]["level"], three["DEMO-01"]["level"]) == ("must", "should")
    assert (two["DEMO-02"]["level"], three["DEMO-02"]["level"]) == ("should", "must")
    assert two["DEMO-03"]["outcome"] == "waived" and two["DEMO-03"]["waiver"]["expires"] == "2099-03-31"
    assert "DEMO-03" not in three
    assert three["DEMO-02"]["outcome"] == "fail" and three["DEMO-02"]["waiver"]["expires"] == "2025-01-31"
    assert three["DEMO-04"]["detail"] == "evidence status is 'planned', not 'met'"

    status, page = server.get("/councils/leeds/")
    assert status == 200
    for service, body in MANIFESTS.items():
        expected = _fields(cli[service])
        _, served = server.get(f"/api/v1/services/leeds/{service}")
        assert _fields(json.loads(served)["results"]) == expected, service
        assert _fields(server.validate(body)["results"]) == expected, service
        failing = [r for r in cli[service] if r["outcome"] in ("fail", "error")]
        assert failing, service
        name = yaml.safe_load(body)["name"]
        lines = _page_failures(page, name)
        assert len(lines) == len(failing), service
        for r in failing:
            start, mention = _shown(r, name)
            assert [
                line
                for rid, version, level, line in lines
                if (rid, version, level) == (r["requirement"], r["version"], r["level"])
                and line.startswith(start)
                and (f"({mention})" in line or f": {mention}" in line or f"; {mention}" in line)
            ], (service, r["requirement"], lines)
    # The waiver for a requirement only version 2 has is listed with the service's waivers.
    assert (
        "&ldquo;Live services publish performance data&rdquo;: active until 31 March 2099, approved by Head of Digital"
        in page
    )


def test_validate_answers_do_not_depend_on_earlier_requests(repo: Path, server: Server) -> None:
    # A second server, asked in the other order: a cache keyed without the standard's version would
    # label DEMO-01 (passing in both) with the level of whichever manifest came first.
    first = {name: server.validate(MANIFESTS[name]) for name in ("pinned-two", "on-three")}
    other = Server(repo)
    try:
        second = {name: other.validate(MANIFESTS[name]) for name in ("on-three", "pinned-two")}
    finally:
        other.stop()
    for name in MANIFESTS:
        assert first[name] == second[name], name
    assert _fields(first["on-three"]["results"]) == _fields(_cli(repo)["on-three"])


def test_a_waiver_for_a_requirement_only_the_pinned_version_has_is_valid_and_helped(repo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(repo, copy, symlinks=True)
    expired = PINNED_TWO.replace("id: pinned-two", "id: expired-two").replace("2099-03-31", "2025-06-30")
    (copy / "manifests/leeds/expired-two.yaml").write_text(expired, encoding="utf-8")
    run = _standards("check", "--as-of", TODAY.isoformat(), "manifests/leeds/expired-two.yaml", cwd=copy)
    assert run.returncode == 0, run.stderr  # only a should and a may fail
    assert "E303" not in run.stdout
    lines = run.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if " DEMO-03 [may] " in line)
    assert lines[at].endswith(
        "Live services publish performance data (performance.kpis_url is not set) (waiver expired on 2025-06-30)"
    )
    # The help is the fix of DEMO-03 as version 2.1.0 wrote it: the current version has no DEMO-03.
    assert lines[at + 1] == "  help: Publish KPIs and set performance.kpis_url."
