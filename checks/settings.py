"""`standards.toml`: which release of the standards a council's repository is checked against.

    # standards.toml, at the root of a council's repository
    release = "0.1.0"

Without it (or without `release`), a repository with no `standards/` of its own is checked against
the release this version of the tool ships with. A repository that keeps its own `standards/`
(this registry) is checked against those, so it cannot also name a release. Every mistake is a
problem placed on its line and column in the file, like a manifest's.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from checks.problems import Problem
from checks.releases import PackagedReleases, Release
from checks.results import FileResult

FILE = "standards.toml"
KEYS = ("release",)
TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class SettingsError(Exception):
    """The repository's choice of standards cannot be used; `result` places each problem in its file."""

    def __init__(self, result: FileResult) -> None:
        super().__init__("; ".join(p.message for p in result.problems))
        self.result = result


@dataclass(frozen=True, slots=True)
class Settings:
    release: str | None = None
    position: tuple[int, int] = (1, 1)  # of the release's value in the file


def read_settings(root: Path) -> Settings:
    """The repository's standards.toml (empty settings when it has none); raises SettingsError."""
    path = root / FILE
    if not path.is_file():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise _error(Problem("E115", f"could not be read: {exc}", "save it as UTF-8 text")) from None
    except tomllib.TOMLDecodeError as exc:
        found = TOML_POSITION.search(str(exc))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        message = TOML_POSITION.sub("", str(exc)).strip()
        help_text = 'write it as TOML, e.g. `release = "0.1.0"` (see https://toml.io)'
        raise _error(Problem("E115", f"not valid TOML: {message}", help_text, line, column)) from None
    for key, value in data.items():
        line, column = _position(text, key)
        if key not in KEYS:
            help_text = f"the keys it may hold: {', '.join(KEYS)}"
            raise _error(Problem("E115", f"unknown setting '{key}'", help_text, line, column))
        if not isinstance(value, str) or not value:
            help_text = 'quote it: `release = "0.1.0"`'
            raise _error(Problem("E115", "`release` must be a release name in quotes", help_text, line, column))
    return Settings(data.get("release"), _position(text, "release"))


class ReleaseOptionError(Exception):
    """`--standards-release` names a release that cannot be used: a usage error, with how to fix it."""

    def __init__(self, message: str, help_text: str) -> None:
        super().__init__(message)
        self.help = help_text


def choose_release(root: Path, releases: PackagedReleases, own_standards: bool, named: str | None) -> Release | None:
    """The packaged release to check against, or None for the repository's own standards/.

    `named` comes from the command line (`--standards-release`) and wins over standards.toml; a
    wrong one raises ReleaseOptionError. A wrong standards.toml raises SettingsError, placed in it.
    """
    if named is not None:
        try:
            return _release(releases, own_standards, named)
        except _Refused as refused:
            raise ReleaseOptionError(f"--standards-release: {refused.problem.message}", refused.problem.help) from None
    settings = read_settings(root)
    if settings.release is None and not own_standards:
        return releases.release(None)
    if settings.release is None:
        return None
    try:
        return _release(releases, own_standards, settings.release)
    except _Refused as refused:
        problem = Problem(refused.problem.code, refused.problem.message, refused.problem.help, *settings.position)
        raise SettingsError(FileResult(FILE, "Settings", problems=[problem])) from None


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _release(releases: PackagedReleases, own_standards: bool, name: str) -> Release:
    if own_standards:
        raise _Refused(
            Problem(
                "E316",
                f"release '{name}' is named, but this repository keeps its own standards/",
                "remove the release to check against standards/, or remove standards/ to use the release",
            )
        )
    found = releases.release(name)
    if found is None:
        known = ", ".join(releases.names())
        raise _Refused(
            Problem(
                "E315",
                f"no standards release '{name}'",
                f"name one this version of the tool carries ({known}), or remove it to use {releases.tool_release}",
            )
        )
    return found


def _error(problem: Problem) -> SettingsError:
    return SettingsError(FileResult(FILE, "Settings", problems=[problem]))


def _position(text: str, key: str) -> tuple[int, int]:
    """Where `key`'s value starts (1-based), or the key itself when the value cannot be found."""
    for number, line in enumerate(text.splitlines(), start=1):
        found = re.match(rf"\s*['\"]?{re.escape(key)}['\"]?\s*=\s*", line)
        if found:
            return number, found.end() + 1
    return 1, 1
