"""Manifest text never acts on a reader: every reporter against the same hostile values.

A value in a manifest (its name, a field quoted in a detail, a waiver's reason) or a file's path
reaches people through the reports: a terminal, the GitHub job log and annotations, a pull-request
comment, code scanning. Each reporter is run on manifests carrying each hostile value and must show
it inertly (text, GitHub, Markdown) or carry it exactly as data (JSON, SARIF, JUnit). The escaped
output of one manifest carrying many of them at once is pinned per reporter in
tests/fixtures/golden/hostile.*; regenerate with `UPDATE_GOLDEN=1 pytest tests/test_hostile_reports.py`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

import jsonschema
import pytest
from markdown_it import MarkdownIt

from checks.engine import Catalogue
from checks.problems import Problem
from checks.reporters import REPORTER_BY_NAME, ReportContext
from checks.reporters.inert import escaped, visible
from checks.reporters.sarif import artifact_uri
from checks.results import FileResult, Outcome, RequirementResult, RunSummary, StandardSummary, WaiverNote
from conftest import AS_OF, MINI, ROOT, require, run_standards, shared_data

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
EXTENSION = {"text": "txt", "json": "json", "junit": "xml", "sarif": "sarif", "github": "txt", "markdown": "md"}
FORGED = "manifests/leeds/forged.yaml:1:1: DEMO-01 [must] ok"

HOSTILE: dict[str, str] = {
    "ansi-clear-screen": "\x1b[2J\x1b[3J\x1b[H",
    "osc8-hyperlink": "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "carriage-return": f"\r{FORGED}",
    "line-feed": f"x\n{FORGED}\n::error file=a::forged",
    "bidi-override": "abc\u202eexe.txt\u202c \u2066isolate\u2069\u200f",
    "c0-c1-del": "\x07bell\x08\x7fdel\x9b2J\x85next",
    "line-separators": "a\u2028b\u2029c",
    "markdown-image": "![x](http://evil/x.png)",
    "javascript-link": "[click](javascript:alert(1))",
    "raw-html": "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "heading": "# Heading",
    "heading-after-break": "x\n\n# Heading\n\n</details>",
    "emphasis": "**bold** __b__ *em* _em_ ~~gone~~",
    "table-breakers": "a | b |\n|---|---|\n| c | d",
    "backticks": "`code` ``two`` ```fence``` `",
    "percent-escapes": "%0A%0D%25 %3A%2C :: ,",
    "bare-url": "https://evil.example www.evil.example evil@evil.example",
    "mentions": "@everyone #1 :shipit:",
    "backslash-pipe": "a\\|b \\[x](y) \\",
}

TEAM_RULE = """
  - id: DEMO-05
    title: Team names are plain words
    level: should
    guidance: A team is named in words a person can read.
    check: 'service.owner.team.matches("^[A-Za-z ]+$")'
    field: owner.team
    fix: Name the team in plain words.
    references:
      - title: Point 1
        url: https://www.gov.uk/service-manual/service-standard/point-1-understand-user-needs
"""
HELP = "Name the team in plain words."


def yaml_string(value: str) -> str:
    # A YAML double-quoted scalar: JSON's escapes are YAML's, plus DEL, which JSON leaves raw and
    # the loader refuses as a control character in the file's text.
    return json.dumps(value).replace("\x7f", "\\x7f")


def manifest(service_id: str, name: str, team: str, reason: str) -> str:
    """A web service whose only finding is DEMO-05, quoting its team, with an expired waiver."""
    return f"""kind: Service
schema_version: 1
sample: true
id: {service_id}
name: {yaml_string(name)}
phase: beta
channels: [web]
owner:
  team: {yaml_string(team)}
privacy:
  handles_personal_data: true
accessibility:
  statement_url: https://www.leeds.gov.uk/accessibility
  last_audit: 2026-06-01
evidence:
  DEMO-04:
    status: met
    date: 2026-05-01
waivers:
  - requirement: DEMO-05
    reason: {yaml_string(reason)}
    approved_by: Head of Digital
    expires: 2026-01-31
"""


def message(team: str) -> str:
    return f"Team names are plain words (owner.team: {team}) (waiver expired on 2026-01-31)"


def make_repo(target: Path, files: dict[str, str]) -> Path:
    """The mini repository's standards and council, a rule quoting a free-text field, and `files`."""
    shutil.copytree(MINI / "standards", target / "standards")
    (target / "manifests" / "leeds").mkdir(parents=True)
    shutil.copy(MINI / "manifests" / "leeds" / "council.yaml", target / "manifests" / "leeds" / "council.yaml")
    demo = target / "standards" / "demo.yaml"
    demo.write_text(demo.read_text() + TEAM_RULE)
    for name, text in files.items():
        (target / "manifests" / "leeds" / name).write_text(text, encoding="utf-8")
    return target


def path_of(key: str) -> str:
    return f"manifests/leeds/hostile-{key}.yaml"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every reporter's output for a repository with one manifest per hostile value, in every place."""
    files = {f"hostile-{key}.yaml": manifest(f"hostile-{key}", v, v, v) for key, v in HOSTILE.items()}
    repo = make_repo(tmp_path_factory.mktemp("hostile") / "repo", files)
    outputs = {}
    for fmt in REPORTER_BY_NAME:
        run = run_standards("check", "--as-of", AS_OF, "--format", fmt, cwd=repo)
        assert run.returncode == 0, run.stderr  # DEMO-05 fails, but it is a should
        outputs[fmt] = run.stdout
    return outputs


# --------------------------------------------------------------------------- what inert means


def active(text: str) -> list[str]:
    """Characters in `text` that act on a terminal or break a line, other than the reporter's own newlines."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")]


FINDING_LINE = re.compile(r"^(\S.*?):\d+:\d+: ")


def check_text(out: str, key: str, value: str) -> None:
    assert active(out) == []
    lines = out.split("\n")
    ours = [line for line in lines if line.startswith(path_of(key) + ":")]
    assert len(ours) == 1 and ours[0].endswith(f" DEMO-05 [should] {message(visible(value))}")
    assert lines[lines.index(ours[0]) + 1] == f"  help: {HELP}"
    # Nothing in a value starts a line of its own: every finding-shaped line is a real file's.
    starts = {m.group(1) for line in lines if (m := FINDING_LINE.match(line))}
    assert starts == {path_of(k) for k in HOSTILE}


_GITHUB_DECODE = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}


def _github_decode(text: str) -> str:
    return re.sub("%(25|0D|0A|3A|2C)", lambda m: _GITHUB_DECODE[m.group(0)], text)


def check_github(out: str, key: str, value: str) -> None:
    assert active(out) == []
    *commands, closing = out.rstrip("\n").split("\n")
    assert closing.startswith("Checked ") and all(c.startswith("::") for c in commands)
    parsed = [re.fullmatch(r"::(\w+) ([^:]*)::(.*)", c) for c in commands]
    assert all(parsed)
    by_file = {}
    for match in parsed:
        assert match is not None
        props = dict(p.split("=", 1) for p in match.group(2).split(","))
        assert set(props) == {"file", "line", "col", "title"}
        by_file[_github_decode(props["file"])] = _github_decode(match.group(3))
    assert set(by_file) == {path_of(k) for k in HOSTILE}
    # The runner decodes the data: one line break, ours, between the message and its fix.
    assert by_file[path_of(key)] == f"{message(visible(value))}\nhelp: {HELP}"


class _Html(HTMLParser):
    """Every start tag, and the text of every <code> element, of a rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.code: list[str] = []
        self.rows: list[int] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "code":
            self._in_code = True
            self.code.append("")
        elif tag == "tr":
            self.rows.append(0)
        elif tag in ("td", "th"):
            self.rows[-1] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.code[-1] += data


def render_markdown(out: str) -> _Html:
    """The report as GitHub would show it: CommonMark with GFM tables, strikethrough and autolinks."""
    page = _Html()
    page.feed(MarkdownIt("gfm-like").render(out))
    return page


OUR_TAGS = {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "details", "summary"}


def check_markdown(out: str, key: str, value: str) -> None:
    page = render_markdown(out)
    # No image, link, heading, emphasis, strikethrough or raw HTML of a value's making.
    assert set(page.tags) <= OUR_TAGS, set(page.tags) - OUR_TAGS
    assert page.tags.count("h2") == 1 and page.tags.count("h3") == 1
    assert page.tags.count("details") == len(HOSTILE)
    # Every table row has the cells of its table's header: summary 7, councils 4, findings 5 each.
    assert page.rows == [7, 7, 4, 4] + [5, 5] * len(HOSTILE)
    # The value itself is shown, exactly as `visible` spells it, as code: the name and the detail.
    assert visible(value) in page.code
    assert message(visible(value)) in page.code


def check_json(out: str, key: str, value: str) -> None:
    assert active(out) == []  # JSON escapes every control character
    record = next(f for f in json.loads(out)["files"] if f["path"] == path_of(key))
    assert record["name"] == value
    result = next(r for r in record["results"] if r["requirement"] == "DEMO-05")
    assert result["detail"] == f"owner.team: {value}" and result["waiver"]["reason"] == value
    assert result["message"] == message(value)


def sarif_unescape(text: str) -> str:
    """A SARIF plain-text message as a viewer shows it; fails on an embedded link `[..](..)`."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in "\\[]":
            out.append(text[i + 1])
            i += 2
            continue
        assert char not in "[]", f"unescaped {char!r} at {i} would start or end an embedded link: {text!r}"
        out.append(char)
        i += 1
    return "".join(out)


def check_sarif(out: str, key: str, value: str) -> None:
    log = json.loads(out)
    results = log["runs"][0]["results"]
    ours = [
        r
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == artifact_uri(path_of(key))
    ]
    assert len(ours) == 1
    assert sarif_unescape(ours[0]["message"]["text"]) == f"{message(value)}\nhelp: {HELP}"
    fingerprints = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert len(set(fingerprints)) == len(results)


XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def as_xml_keeps(text: str) -> str:
    """What an XML 1.0 document can carry of `text`: all of it but the characters it cannot hold at all."""
    return XML_FORBIDDEN.sub(lambda m: escaped(m.group(0)), text)


def check_junit(out: str, key: str, value: str) -> None:
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", out)  # no raw control characters
    suite = ET.fromstring(out.encode("utf-8")).find("testsuite")
    assert suite is not None
    case = next(
        c for c in suite.iter("testcase") if c.get("classname") == path_of(key) and c.find("failure") is not None
    )
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == as_xml_keeps(message(value))
    assert failure.text == f"help: {HELP}"


CHECKS: dict[str, Callable[[str, str, str], None]] = {
    "text": check_text,
    "github": check_github,
    "markdown": check_markdown,
    "json": check_json,
    "sarif": check_sarif,
    "junit": check_junit,
}


@pytest.mark.parametrize("key", sorted(HOSTILE))
@pytest.mark.parametrize("fmt", sorted(REPORTER_BY_NAME))
def test_manifest_text_never_acts_on_a_reader(fmt: str, key: str, reports: dict[str, str]) -> None:
    CHECKS[fmt](reports[fmt], key, HOSTILE[key])


# --------------------------------------------------------------------------- paths and councils

# Paths come from file names, which can hold anything but `/` and NUL, even bytes that are not UTF-8
# (Python reads those as surrogate escapes); councils and problems' messages are reported as well.
PLACES: dict[str, str] = {**HOSTILE, "undecodable-file-name": "caf\udce9", "dots": "..."}


def broken_path(value: str) -> str:
    # A file or folder name holds anything but `/`.
    return f"manifests/leeds/{value.replace('/', '_')}.yaml"


def judged_path(value: str) -> str:
    return f"manifests/{value.replace('/', '_')}/service.yaml"


def direct_report(fmt: str, value: str) -> str:
    """`fmt`'s report of two files whose path, council, name, title, detail, waiver and problem hold `value`."""
    broken = FileResult(
        path=broken_path(value),
        kind="Service",
        council="leeds",
        problems=[Problem("E201", f"unknown field '{value}'", f"remove '{value}'", 2, 3)],
    )
    judged = FileResult(
        path=judged_path(value),
        kind="Service",
        council=value,
        service="service",
        name=value,
        results=[
            RequirementResult("DEMO-05", "demo", "2.1.0", value, "must", Outcome.FAIL, detail=value, line=3, column=4),
            RequirementResult(
                "DEMO-06",
                "demo",
                "2.1.0",
                value,
                "should",
                Outcome.WAIVED,
                waiver=WaiverNote(value, dt.date(2027, 1, 1), value),
            ),
        ],
        summaries=[StandardSummary(value, "2.1.0", False, 0.5, 0, 1, 1, 0, 0, 1, 0)],
    )
    stream = io.StringIO()
    context = ReportContext(Catalogue(), dt.date.fromisoformat(AS_OF), "must", "0.0.0", root=Path("/repo"))
    reporter = REPORTER_BY_NAME[fmt](stream, context)
    summary = RunSummary()
    for result in (broken, judged):
        summary.add(result)
        reporter.file(result)
    reporter.finish(summary)
    return stream.getvalue()


def direct_text(out: str, benign: str, value: str) -> None:
    assert active(out) == [] and out.count("\n") == benign.count("\n")
    shown = visible(value)
    assert out.startswith(f"{visible(broken_path(value))}:2:3: E201 [error] unknown field '{shown}'\n")
    assert f"\n{visible(judged_path(value))}:3:4: DEMO-05 [must] {shown} ({shown})\n" in out


def direct_github(out: str, benign: str, value: str) -> None:
    assert active(out) == [] and out.count("\n") == benign.count("\n")
    files = [_github_decode(m.group(1)) for m in re.finditer(r"^::\w+ file=([^,]*),", out, re.MULTILINE)]
    assert files == [visible(broken_path(value)), visible(judged_path(value))]


def direct_markdown(out: str, benign: str, value: str) -> None:
    page, plain = render_markdown(out), render_markdown(benign)
    assert page.tags == plain.tags and page.rows == plain.rows
    shown = visible(value)
    for text in (visible(broken_path(value)), shown, f"unknown field '{shown}'", f"{shown} ({shown})"):
        assert text in page.code


def direct_json(out: str, benign: str, value: str) -> None:
    broken, judged = json.loads(out)["files"]
    assert broken["path"] == broken_path(value) and broken["problems"][0]["help"] == f"remove '{value}'"
    assert judged["path"] == judged_path(value) and judged["council"] == judged["name"] == value
    assert judged["results"][0]["message"] == f"{value} ({value})"
    assert judged["results"][1]["waiver"] == {"approved_by": value, "expires": "2027-01-01", "reason": value}


def direct_sarif(out: str, benign: str, value: str) -> None:
    log = json.loads(out)
    run = log["runs"][0]
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == "file:///repo/"
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    # Each artifact URI is a relative reference that resolves, under the root, to the file's own bytes.
    resolved = [os.fsdecode(unquote_to_bytes(urlsplit(urljoin(base, uri)).path)) for uri in locations]
    assert resolved == [f"/repo/{broken_path(value)}", f"/repo/{judged_path(value)}"]
    assert all(not set(uri) - URI_CHARACTERS for uri in locations)
    messages = [sarif_unescape(r["message"]["text"]) for r in run["results"]]
    assert messages == [f"unknown field '{value}'\nhelp: remove '{value}'", f"{value} ({value})\nhelp: "]


URI_CHARACTERS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=%")


def direct_junit(out: str, benign: str, value: str) -> None:
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", out)
    suite = ET.fromstring(out.encode("utf-8")).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [c.get("classname") for c in cases] == [
        as_xml_keeps(broken_path(value)),
        *[as_xml_keeps(judged_path(value))] * 2,
    ]
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("message") == as_xml_keeps(f"{value} ({value})")


DIRECT_CHECKS: dict[str, Callable[[str, str, str], None]] = {
    "text": direct_text,
    "github": direct_github,
    "markdown": direct_markdown,
    "json": direct_json,
    "sarif": direct_sarif,
    "junit": direct_junit,
}


@pytest.mark.parametrize("key", sorted(PLACES))
@pytest.mark.parametrize("fmt", sorted(REPORTER_BY_NAME))
def test_paths_councils_and_problems_are_shown_inertly_too(fmt: str, key: str) -> None:
    # Compared with the same report for a plain value: the hostile one changes no line or element.
    DIRECT_CHECKS[fmt](direct_report(fmt, PLACES[key]), direct_report(fmt, "plain"), PLACES[key])


# --------------------------------------------------------------------------- pinned output

HOSTILE_NAME = "\x1b[2J\u202eSpoofed ![x](http://evil/x.png) <b>bold</b> # Heading"
HOSTILE_TEAM = f"Parking\n{FORGED}\r%0A::error:: **b** [click](javascript:alert(1)) `t` | p https://evil.example @all"
HOSTILE_REASON = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ \x9b2J\x7f"
# A file name with a control sequence, a bidi override, a line break, `#`, `%`, a space and non-ASCII.
HOSTILE_FILE = "evil\x1b[2J\u202e\n# café 100%"


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_repo(
        tmp_path_factory.mktemp("pinned") / "repo",
        {
            "hostile.yaml": manifest("hostile", HOSTILE_NAME, HOSTILE_TEAM, HOSTILE_REASON),
            f"{HOSTILE_FILE}.yaml": manifest("evil", "Evil", "Evil", "Evil"),
        },
    )
    # A name that is not UTF-8 at all, as a file system holds it.
    (repo / "manifests" / "leeds" / os.fsdecode(b"caf\xe9.yaml")).write_text(manifest("cafe", "Cafe", "Cafe", "Cafe"))
    return repo


@pytest.mark.parametrize("fmt", sorted(REPORTER_BY_NAME))
def test_hostile_manifest_output_is_pinned(fmt: str, hostile_repo: Path) -> None:
    run = run_standards("check", "--as-of", AS_OF, "--format", fmt, cwd=hostile_repo)
    assert run.returncode == 1, run.stderr  # the two misnamed files are invalid
    # SARIF names the repository's absolute root, which differs between machines.
    out = run.stdout.replace(hostile_repo.as_uri() + "/", "file:///REPO/")
    golden = GOLDEN / f"hostile.{fmt}.{EXTENSION[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- SARIF validity


def sarif_multitool() -> Path:
    """Microsoft's SARIF validator, the platform binary `@microsoft/sarif-multitool` installs."""
    require(
        ROOT / "node_modules" / "@microsoft" / "sarif-multitool", "run `npm ci` in the project root (`make test` does)"
    )
    where = subprocess.run(
        ["node", "-p", "require('@microsoft/sarif-multitool')"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return require(Path(where.stdout.strip()), "`npm ci` installs the platform's binary as an optional dependency")


@pytest.mark.parametrize("where", ["mini", "hostile"])
def test_sarif_passes_microsofts_validator(where: str, hostile_repo: Path, tmp_path: Path) -> None:
    repo = MINI if where == "mini" else hostile_repo
    report = tmp_path / "report.sarif"
    run = run_standards("check", "--as-of", AS_OF, "--format", "sarif", "--output", str(report), cwd=repo)
    assert run.returncode == 1, run.stderr
    jsonschema.Draft7Validator(json.loads(shared_data("sarif-schema-2.1.0.json").read_text())).validate(
        json.loads(report.read_text())
    )
    verdict = tmp_path / "validation.sarif"
    # Invariant globalization: the self-contained .NET binary then needs no ICU library on the machine.
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    validate = subprocess.run(
        [str(sarif_multitool()), "validate", str(report), "--output", str(verdict), "--log", "ForceOverwrite"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    found = json.loads(verdict.read_text())["runs"][0]
    problems = [r for r in found.get("results", []) if r.get("level", "warning") in ("error", "warning")]
    assert problems == [], validate.stdout
    assert found["invocations"][0]["executionSuccessful"]


def test_sarif_validator_catches_a_relative_base(tmp_path: Path) -> None:
    # The validator is live: the base URI SARIF used to have ("./") is an error it reports.
    log = json.loads(run_standards("check", "--as-of", AS_OF, "--format", "sarif", cwd=MINI).stdout)
    log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] = "./"
    report, verdict = tmp_path / "relative.sarif", tmp_path / "validation.sarif"
    report.write_text(json.dumps(log))
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    subprocess.run([str(sarif_multitool()), "validate", str(report), "--output", str(verdict)], env=env, timeout=300)
    rules = {r["ruleId"] for r in json.loads(verdict.read_text())["runs"][0]["results"] if r.get("level") == "error"}
    assert rules == {"SARIF1004"}


def _fingerprints(repo: Path) -> list[tuple[int, str]]:
    log = json.loads(run_standards("check", "--as-of", AS_OF, "--format", "sarif", cwd=repo).stdout)
    return [
        (r["locations"][0]["physicalLocation"]["region"]["startLine"], r["partialFingerprints"]["findingIdentity/v1"])
        for r in log["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("failing.yaml")
    ]


def test_sarif_fingerprints_are_distinct_and_survive_moved_lines(mini_repo: Path) -> None:
    failing = mini_repo / "manifests" / "leeds" / "failing.yaml"
    # Two unknown fields: two results with one code in one file (they shared `E201:path` before).
    failing.write_text(failing.read_text() + "colour: red\nflavour: sweet\nflavour_2: sweet\n")
    before = _fingerprints(mini_repo)
    codes = [fp for _, fp in before]
    assert len(before) == 3 and len(set(codes)) == 3
    failing.write_text("# a comment moves every line down\n\n" + failing.read_text())
    after = _fingerprints(mini_repo)
    assert [fp for _, fp in after] == codes  # same findings, same identities
    assert [line for line, _ in after] == [line + 2 for line, _ in before]
