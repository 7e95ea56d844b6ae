"""The documentation says what the code does: help for every command, and the numbers the prose quotes.

Modelled on Datasette's documentation tests: the prose is read as a user reads it and each claim
checked against the code, so a changed limit or a new option fails here until the docs follow.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
import typer

from conftest import MINI, run_standards
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
