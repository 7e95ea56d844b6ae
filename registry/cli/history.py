"""`standards versions` and `standards diff`: a standard's life in Git history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from checks.history import History, HistoryError, StandardVersion
from checks.models import Standard
from checks.repository import Repository
from checks.standard_diff import StandardDiff, diff_standards
from registry.cli.errors import ExitCode, UsageError


def versions(
    standard: Annotated[str, typer.Argument(help="Standard id, e.g. accessibility.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every version of a standard with the commit, date and author where it first appeared."""
    raise typer.Exit(int(run_versions(Path.cwd(), standard, json_output)))


def diff(
    standard: Annotated[str, typer.Argument(help="Standard id.")],
    old: Annotated[str, typer.Argument(help="Older version, e.g. 1.0.0.")],
    new: Annotated[str, typer.Argument(help="Newer version, e.g. 2.0.0.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Requirements added, removed and changed between two versions of a standard."""
    raise typer.Exit(int(run_diff(Path.cwd(), standard, old, new, json_output)))


def _fail(message: str) -> NoReturn:
    raise UsageError(message)


def _current(repo: Repository, standard_id: str) -> Standard | None:
    catalogue, _ = repo.load_catalogue()
    compiled = catalogue.standards.get(standard_id)
    return compiled.standard if compiled else None


def _known_ids(repo: Repository) -> list[str]:
    return sorted(p.stem for p in repo.standard_files())


def run_versions(root: Path, standard_id: str, as_json: bool) -> ExitCode:
    repo = Repository.find(root)
    try:
        found = History(repo.root).versions(standard_id)
    except HistoryError as exc:
        _fail(str(exc))
    if not found:
        known = ", ".join(_known_ids(repo))
        _fail(f"no standard '{standard_id}' in this repository's history (known: {known})")
    if as_json:
        typer.echo(json.dumps([_version_record(v) for v in found], indent=2))
        return ExitCode.OK
    typer.echo(f"{standard_id}: {len(found)} version{'s' if len(found) != 1 else ''}")
    for v in found:
        status = v.standard.status if v.standard else "invalid at this commit"
        typer.echo(f"  {v.version:<10} {v.date.date().isoformat()}  {v.commit[:10]}  {status:<11} {v.author}")
    return ExitCode.OK


def _version_record(v: StandardVersion) -> dict[str, object]:
    return {
        "version": v.version,
        "commit": v.commit,
        "date": v.date.isoformat(),
        "author": v.author,
        "status": v.standard.status if v.standard else None,
        "requirements": len(v.standard.requirements) if v.standard else None,
    }


def _resolve(repo: Repository, history: History, standard_id: str, version: str) -> Standard | str:
    current = _current(repo, standard_id)
    if current is not None and current.version == version:
        return current  # the working tree's version, committed or not
    for v in history.versions(standard_id):
        if v.version == version:
            if v.standard is None:
                return f"{standard_id} {version} does not validate at commit {v.commit[:10]}"
            return v.standard
    listed = ", ".join(v.version for v in history.versions(standard_id)) or "none"
    return f"{standard_id} has no version {version} (versions in history: {listed})"


def run_diff(root: Path, standard_id: str, old: str, new: str, as_json: bool) -> ExitCode:
    repo = Repository.find(root)
    history = History(repo.root)
    try:
        before = _resolve(repo, history, standard_id, old)
        after = _resolve(repo, history, standard_id, new)
    except HistoryError as exc:
        _fail(str(exc))
    for side in (before, after):
        if isinstance(side, str):
            _fail(side)
    assert isinstance(before, Standard) and isinstance(after, Standard)
    result = diff_standards(before, after)
    typer.echo(json.dumps(result.as_dict(), indent=2) if as_json else render_diff(result))
    return ExitCode.OK


def render_diff(result: StandardDiff) -> str:
    title = f"{result.standard} {result.old_version} -> {result.new_version}"
    if not result.changed:
        return f"{title}: no changes"
    lines = [f"{title}{' (breaking)' if result.breaking else ''}"]
    for name, (a, b) in result.metadata.items():
        lines.append(f"  * {name} changed" + (f": {a} -> {b}" if name in ("status", "sunset", "title") else ""))
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for change in result.requirements:
        detail = ", ".join(change.changes) if change.changes else ""
        line = f"  {marks[change.kind]} {change.id} [{change.level}] {change.kind}"
        if detail:
            line += f" ({detail})"
        if change.breaking:
            line += f": breaking, {change.reason}" if change.reason else ": breaking"
        lines.append(line)
    return "\n".join(lines)
