"""The documentation says what the code does: help for every command, and the numbers the prose quotes.

Modelled on Datasette's documentation tests: the prose is read as a user reads it and each claim
checked against the code, so a changed limit or a new option fails here until the docs follow.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import pytest
import typer

from conftest import MINI, ROOT, run_standards
from registry import __version__
from registry.cli import app, main


def _command_paths(
    command: typer.main.TyperGroup | typer.main.TyperCommand, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*path, name))


ALL_COMMANDS = list(_command_paths(typer.main.get_command(app)))


def _help(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """What `standards ARGS` prints, through the console script's own entry point."""
    monkeypatch.setattr(sys, "argv", ["standards", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code in (0, None), args
    return capsys.readouterr().out


def test_every_command_is_walked() -> None:
    # The walk below must reach nested commands, or a missing <bool> fix there would go unseen.
    assert ("insights", "windows") in ALL_COMMANDS and ("new", "service") in ALL_COMMANDS
    assert len(ALL_COMMANDS) > 20


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "standards")
def test_help_has_no_bool_placeholder_and_h_is_help(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    long = _help(capsys, monkeypatch, *path, "--help")
    assert "Usage: standards" in long
    assert "<bool>" not in long
    assert "--help" in long and "-h" in long
    assert _help(capsys, monkeypatch, *path, "-h") == long


def test_version_from_the_console_script() -> None:
    proc = run_standards("--version", cwd=MINI)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"standards {__version__}\n"
    short = run_standards("-h", cwd=MINI)
    assert short.returncode == 0 and "--version" in short.stdout and "<bool>" not in short.stdout


# --------------------------------------------------------------------------- numbers in the prose


def _read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def _number(text: str, pattern: str) -> float:
    """The number `pattern` (a regex with one group) finds in `text`, exactly once."""
    found = re.findall(pattern, text)
    assert len(found) == 1, f"{pattern!r} found {len(found)} times"
    return float(found[0].replace(",", ""))


def test_readme_quotes_the_limits_the_code_uses() -> None:
    from checks import problems
    from registry.index import reindex
    from registry.insights import figures as insights
    from registry.insights import suppliers

    readme = _read("README.md")
    assert _number(readme, r"a contract over (\d+) years") == insights.LONG_CONTRACT_YEARS
    assert _number(readme, r"`windows \[--horizon-months (\d+)\]") == insights.DEFAULT_HORIZON_MONTHS
    assert _number(readme, r"above ([\d,]+) highly concentrated") == insights.HIGHLY_CONCENTRATED
    flat = " ".join(readme.split())
    assert suppliers.SHARED_SERVICE in flat  # how a service with two suppliers in one role counts, said once
    assert _number(flat, r"fewer than (\d+) services or fewer than") == insights.MIN_SERVICES
    assert _number(flat, r"or fewer than (\d+) councils is reported") == insights.MIN_COUNCILS
    assert _number(readme, r"`STANDARDS_REBUILDS_PER_MINUTE` \(default (\d+)\)") == reindex.REBUILDS_PER_MINUTE
    assert _number(readme, r"`STANDARDS_RECHECK_SECONDS`, default (\d+)\)") == reindex.RECHECK_SECONDS
    assert _number(readme, r"listed \(the first (\d+), then `E114`") == problems.MAX_PROBLEMS_PER_FILE


@pytest.mark.parametrize("page", ["README.md", "CONTRIBUTING.md", "site/docs/contribute.md"])
def test_exit_codes_in_the_guides_are_the_codes(page: str) -> None:
    from registry.cli.errors import ExitCode

    text = " ".join(_read(page).split())
    assert _number(text, r"`(\d)` (?:when )?nothing fails at") == ExitCode.OK
    assert _number(text, r"`(\d)` (?:when )?(?:a manifest failed|something fails)") == ExitCode.FAILED
    assert _number(text, r"`(\d)` (?:when )?the command (?:itself )?was used wrongly") == ExitCode.USAGE


def test_the_rule_limits_table_is_the_limits() -> None:
    from checks import celsyntax, loading, rules

    guide = _read("standards/README.md")
    table = {
        row.split("|")[1].strip(): row.split("|")[2].strip()
        for row in guide.split("### Limits", 1)[1].splitlines()
        if row.startswith("| ") and not row.startswith("| limit")
    }
    assert _number(table["length"], r"([\d,]+) characters") == rules.MAX_SOURCE
    assert _number(table["parts (names, operators, literals, calls)"], r"([\d,]+)") == rules.MAX_NODES
    macros = next(v for k, v in table.items() if k.startswith("comprehension macros"))
    assert _number(macros, r"(\d+)") == rules.MAX_MACRO_DEPTH
    assert _number(table["brackets and operators inside one another"], r"(\d+)") == celsyntax.MAX_NESTING
    assert _number(guide, r"a manifest is at most (\d+) MB") * 1_000_000 == loading.MAX_BYTES


def test_help_quotes_the_same_limits(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from registry.insights import figures as insights

    monkeypatch.setenv("COLUMNS", "300")
    lock_in = _help(capsys, monkeypatch, "insights", "lock-in", "--help")
    assert f"contract over {insights.LONG_CONTRACT_YEARS} years" in lock_in
    windows = _help(capsys, monkeypatch, "insights", "windows", "--help")
    assert re.search(rf"--horizon-months .*\[default: {insights.DEFAULT_HORIZON_MONTHS}\]", windows)


def _options(command: typer.main.TyperGroup | typer.main.TyperCommand) -> Iterator[tuple[str, str]]:
    for path in ALL_COMMANDS:
        sub = command
        for name in path:
            sub = sub.commands[name]  # type: ignore[union-attr]
        for param in sub.params:
            for opt in (*param.opts, *param.secondary_opts):
                if opt.startswith("--"):
                    yield " ".join(path), opt


def test_every_option_is_documented() -> None:
    # `check`'s options are in README's option tables; every other command's somewhere in README
    # or, for the council-facing `new`, CONTRIBUTING.
    readme, contributing = _read("README.md"), _read("CONTRIBUTING.md")
    rows = "\n".join(line for line in readme.splitlines() if line.startswith("|"))
    missing = []
    for command, opt in _options(typer.main.get_command(app)):
        where = rows if command == "check" else readme + contributing
        if not re.search(rf"{re.escape(opt)}\b", where):
            missing.append(f"standards {command} {opt}".replace("  ", " "))
    assert not missing, f"options no documentation mentions: {missing}"


# --------------------------------------------------------------------------- the site's pages


def test_site_pages_take_their_numbers_from_the_code() -> None:
    from registry.insights import figures as insights
    from registry.playbook.doc_constants import PLACEHOLDER, fill

    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "site" / "docs").glob("*.md"))}
    used = {name for text in pages.values() for name in PLACEHOLDER.findall(text)}
    assert {"long_contract_years", "default_horizon_months", "max_manifest_mb"} <= used
    filled = {name: fill(text, name) for name, text in pages.items()}
    assert not any("{{" in text for text in filled.values())
    assert f"longer than {insights.LONG_CONTRACT_YEARS} years" in " ".join(filled["index.md"].split())
    assert f"within {insights.DEFAULT_HORIZON_MONTHS} months" in " ".join(filled["index.md"].split())


def test_a_misspelt_placeholder_is_an_error_naming_the_page() -> None:
    from registry.playbook.doc_constants import fill

    with pytest.raises(ValueError, match=r"site/docs/x.md: unknown placeholder \{\{ long_contract \}\}"):
        fill("over {{ long_contract }} years", "site/docs/x.md")


_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "ten": 10}


def test_prose_about_long_contracts_says_the_limit() -> None:
    # Prose that cannot be an f-string (docstrings the API and site quote, the pinned OpenAPI
    # document) still names the limit: in words or figures, it must be the code's.
    from registry.insights import figures as insights

    places = [ROOT / "README.md", *(ROOT / "registry").rglob("*.py"), *(ROOT / "site").rglob("*.py")]
    said = []
    for path in places:
        text = " ".join(path.read_text(encoding="utf-8").split())
        for number in re.findall(r"contract (?:runs )?(?:longer than|over|>) (\w+) years", text, re.IGNORECASE):
            said.append((path.relative_to(ROOT).as_posix(), _WORDS.get(number) or int(number)))
    # README, the CLI, the insight's docstring, the site's page (the lock-in columns' labels are
    # f-strings of the constant in registry/insights/lock_in.py, so they are not prose here)
    assert len(said) >= 7, said
    assert {n for _, n in said} == {insights.LONG_CONTRACT_YEARS}, said
