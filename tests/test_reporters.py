"""Each reporter's exact output is pinned; SARIF and JSON validate against their schemas.

Regenerate the golden files after an intended change with:
    UPDATE_GOLDEN=1 pytest tests/test_reporters.py
"""

from __future__ import annotations

import json
import os
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.reporters import REPORTER_BY_NAME, ReportContext
from checks.reporters.inert import visible
from checks.schemas import rendered_schemas
from conftest import AS_OF, MINI, shared_data

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
EXTENSION = {"text": "txt", "json": "json", "junit": "xml", "sarif": "sarif", "github": "txt", "markdown": "md"}


def _report(cli, fmt: str, cwd: Path = MINI) -> tuple[int, str]:
    run = cli("check", "--as-of", AS_OF, "--format", fmt, cwd=cwd)
    return run.exit_code, run.stdout


@pytest.mark.parametrize("fmt", sorted(REPORTER_BY_NAME))
def test_reporter_output_is_pinned(fmt: str, cli) -> None:
    code, out = _report(cli, fmt)
    assert code == 1  # the mini repository has a failing must
    # SARIF names the repository's absolute root, which differs between machines.
    out = out.replace(MINI.resolve().as_uri() + "/", "file:///REPO/")
    golden = GOLDEN / f"check.{fmt}.{EXTENSION[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_sarif_validates_against_the_official_schema(cli) -> None:
    schema = json.loads(shared_data("sarif-schema-2.1.0.json").read_text())
    _, out = _report(cli, "sarif")
    log = json.loads(out)
    jsonschema.Draft7Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"DEMO-01", "DEMO-02", "DEMO-04"}
    region = results[0]["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "manifests/leeds/failing.yaml"
    assert region["region"]["startLine"] >= 1


def test_sarif_for_invalid_files_validates_too(mini_repo: Path, cli) -> None:
    (mini_repo / "manifests/leeds/broken.yaml").write_text("kind: Service\nphase: [\n")
    schema = json.loads(shared_data("sarif-schema-2.1.0.json").read_text())
    _, out = _report(cli, "sarif", mini_repo)
    log = json.loads(out)
    jsonschema.Draft7Validator(schema).validate(log)
    assert any(r["ruleId"] == "E105" for r in log["runs"][0]["results"])


def test_json_report_matches_its_published_schema(mini_repo: Path, cli) -> None:
    (mini_repo / "manifests/leeds/broken.yaml").write_text("kind: Service\nphase: [\n")
    _, out = _report(cli, "json", mini_repo)
    report = json.loads(out)
    schema = json.loads(rendered_schemas()["report.schema.json"])
    jsonschema.Draft202012Validator(schema).validate(report)
    paths = [f["path"] for f in report["files"]]
    # Every manifest is listed by its repository-relative path, passing ones included.
    assert paths == sorted(paths) and "manifests/leeds/good.yaml" in paths and "manifests/leeds/council.yaml" in paths
    good = next(f for f in report["files"] if f["path"] == "manifests/leeds/good.yaml")
    assert good["valid"] and good["standards"][0]["compliant"] and len(good["results"]) == 4
    assert report["summary"]["invalid"] == 1


def test_junit_has_a_case_per_manifest_and_requirement(cli) -> None:
    _, out = _report(cli, "junit")
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == 3 * 4  # three web services × four requirements; the phone-only service has none
    failures = [c for c in cases if c.find("failure") is not None]
    assert {c.get("classname") for c in failures} == {"manifests/leeds/failing.yaml"}
    assert suite.get("failures") == "3"


def test_github_annotations_escape_their_properties(mini_repo: Path, cli) -> None:
    (mini_repo / "manifests/leeds/broken.yaml").write_text(
        "kind: Service\nschema_version: 1\nid: broken\nname: 'a, b: c'\nphase: 'li%ve'\n"
    )
    _, out = _report(cli, "github", mini_repo)
    line = next(x for x in out.splitlines() if "li%25ve" in x)
    assert line.startswith("::error file=manifests/leeds/broken.yaml,line=")
    assert "%25" in line  # a literal % in the message is escaped
    assert "\n" not in line


def test_markdown_escapes_manifest_text(mini_repo: Path, cli) -> None:
    path = mini_repo / "manifests/leeds/failing.yaml"
    path.write_text(path.read_text().replace("Apply for a parking permit", "<script>alert(1)</script> | x"))
    _, out = _report(cli, "markdown", mini_repo)
    # The name is in the raw-HTML summary line, so it is HTML-escaped there, inside <code>.
    assert "<script>" not in out and "<code>&lt;script&gt;alert(1)&lt;/script&gt; | x</code>" in out


def test_output_file_is_written_atomically(mini_repo: Path, cli) -> None:
    target = mini_repo / "out" / "report.sarif"
    run = cli("check", "--as-of", AS_OF, "--format", "sarif", "--output", str(target), cwd=mini_repo)
    assert run.exit_code == 1 and run.stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert [p.name for p in target.parent.iterdir()] == ["report.sarif"]  # no temporary file left behind


def test_failed_run_leaves_the_previous_output_untouched(mini_repo: Path, monkeypatch: pytest.MonkeyPatch, cli) -> None:
    target = mini_repo / "report.json"
    target.write_text("previous")

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("checks.reporters.json_report.JsonReporter.finish", explode)
    with pytest.raises(RuntimeError):
        cli("check", "--as-of", AS_OF, "--format", "json", "--output", str(target), cwd=mini_repo)
    assert target.read_text() == "previous"
    assert sorted(p.name for p in mini_repo.iterdir() if p.name.startswith(".report")) == []


def test_fail_on_should_raises_the_bar(mini_repo: Path, cli) -> None:
    failing = mini_repo / "manifests/leeds/failing.yaml"
    failing.unlink()
    assert cli("check", "--as-of", AS_OF, cwd=mini_repo).exit_code == 0
    path = mini_repo / "manifests/leeds/good.yaml"
    path.write_text(path.read_text().replace("last_audit: 2026-06-01", "last_audit: 2024-06-01"))
    assert cli("check", "--as-of", AS_OF, cwd=mini_repo).exit_code == 0
    assert cli("check", "--as-of", AS_OF, "--fail-on", "should", cwd=mini_repo).exit_code == 1


def test_output_to_a_pipe_or_device_is_written_in_place(mini_repo: Path, cli) -> None:
    import threading

    fifo = mini_repo / "report.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    run = cli("check", "--as-of", AS_OF, "--format", "json", "--output", str(fifo), cwd=mini_repo)
    reader.join(timeout=30)
    assert run.exit_code == 1
    assert fifo.is_fifo()  # renaming a temporary file over it would have replaced the pipe
    assert json.loads(received[0])["summary"]["services"] == 4


def test_output_through_a_symlink_replaces_the_target(mini_repo: Path, cli) -> None:
    target = mini_repo / "reports" / "latest.md"
    target.parent.mkdir()
    target.write_text("old")
    link = mini_repo / "latest.md"
    link.symlink_to(target)
    cli("check", "--as-of", AS_OF, "--format", "markdown", "--output", str(link), cwd=mini_repo)
    assert link.is_symlink() and target.read_text().startswith("## Standards check")


def test_text_in_colour_is_what_rich_prints() -> None:
    """Findings are written as plain strings (Rich's per-line rendering was most of a large run); in a
    terminal they carry exactly the codes Rich gave them: bold place, level coloured, help dimmed."""
    import datetime as dt
    import io

    from checks.engine import Catalogue
    from checks.problems import Problem
    from checks.results import FileResult, Outcome, RequirementResult

    fail = RequirementResult("R-1", "demo", "1.0.0", "Named", "should", Outcome.FAIL, "x", line=4, column=3)
    result = FileResult("m/a.yaml", "Service", problems=[Problem("E101", "bad \x1b[2J", "fix it")], results=[fail])
    out = io.StringIO()
    context = ReportContext(Catalogue(), dt.date(2026, 11, 1), "must", "1", color=True)
    REPORTER_BY_NAME["text"](out, context).file(result)
    assert out.getvalue() == (
        "\x1b[1mm/a.yaml:1:1:\x1b[0m E101 \x1b[1;31m[error]\x1b[0m bad \\x1b[2J\n\x1b[2m  help: fix it\x1b[0m\n"
        "\x1b[1mm/a.yaml:4:3:\x1b[0m R-1 \x1b[33m[should]\x1b[0m Named (x)\n\x1b[2m  help: \x1b[0m\n"
    )


_NAMES = st.text(alphabet=st.sampled_from([*string.ascii_letters, *string.digits, *" -_[]/\\", "é", "界", "\u0301"]))


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(
    councils=st.dictionaries(
        _NAMES,
        st.dictionaries(
            _NAMES, st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.floats(0, 10**6)), min_size=1
        ),
        max_size=6,
    ),
    long_name=st.integers(0, 220),
)
def test_the_closing_table_is_what_rich_prints(
    councils: dict[str, dict[str, tuple[int, int, float]]], long_name: int
) -> None:
    """The table per council and standard is written by hand when Rich would only pad it (Rich took 0.9 s
    for 382 councils); whatever the names (wide, combining, Rich's markup, too long to fit), the report
    is Rich's own, byte for byte."""
    import datetime as dt
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from checks.engine import Catalogue
    from checks.reporters.text import closing_line
    from checks.results import RunSummary

    if councils:
        councils["x" * long_name] = {"standard": (1, 1, 0.5)}
    summary = RunSummary()
    summary.by_council = {c: {s: list(v) for s, v in by.items()} for c, by in councils.items()}
    out = io.StringIO()
    REPORTER_BY_NAME["text"](out, ReportContext(Catalogue(), dt.date(2026, 11, 1), "must", "1")).finish(summary)

    expected = io.StringIO()
    console = Console(file=expected, force_terminal=False, no_color=True, highlight=False, width=200)
    if summary.by_council:
        table = Table(title="Compliance by council and standard", title_justify="left")
        for header in ("council", "standard"):
            table.add_column(header)
        for header in ("services", "compliant", "mean score"):
            table.add_column(header, justify="right")
        for council in sorted(summary.by_council):
            for standard, (checked, compliant, total) in sorted(summary.by_council[council].items()):
                score = f"{total / checked:.0%}" if checked else "-"
                cells = (
                    visible(council),
                    visible(standard),
                    str(int(checked)),
                    f"{int(compliant)}/{int(checked)}",
                    score,
                )
                table.add_row(*(Text(c) for c in cells))
        console.print()
        console.print(table)
    console.print()
    console.print(Text(closing_line(summary)), soft_wrap=True)
    assert out.getvalue() == expected.getvalue()
