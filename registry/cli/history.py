"""`standards versions` and `standards diff`: a standard's life in Git history and the tool's releases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from checks.engine import Catalogue
from checks.history import StandardVersion
from checks.models import Standard
from checks.releases import VersionSource
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


def _catalogue(repo: Repository) -> tuple[Catalogue, VersionSource]:
    catalogue, _ = repo.load_catalogue()  # a wrong standards.toml is the app's usage error
    assert catalogue.version_source is not None
    return catalogue, catalogue.version_source


def _known_ids(catalogue: Catalogue, source: VersionSource) -> list[str]:
    return sorted({*catalogue.standards, *source.releases.raw_versions})


def _no_history(repo: Repository, source: VersionSource) -> str:
    """Why Git could not help, for a repository keeping its own standards outside Git."""
    if repo.own_standards and source.history is None:
        return f"; {repo.root} is not a Git repository, so its own standards have no history"
    return ""


def run_versions(root: Path, standard_id: str, as_json: bool) -> ExitCode:
    repo = Repository.find(root)
    catalogue, source = _catalogue(repo)
    found = source.versions(standard_id)
    if not found:
        known = ", ".join(_known_ids(catalogue, source))
        _fail(
            f"no standard '{standard_id}' in this repository's history or the tool's releases "
            f"(known: {known}){_no_history(repo, source)}"
        )
    missing = source.history_missing()
    if missing:
        # Said on stderr, so the list (or the JSON) on stdout stays as it is.
        typer.echo(f"note: {missing}; the versions marked 'packaged' are read from the tool's releases", err=True)
    if as_json:
        typer.echo(json.dumps([_version_record(v) for v in found], indent=2))
        return ExitCode.OK
    typer.echo(f"{standard_id}: {len(found)} version{'s' if len(found) != 1 else ''}")
    for v in found:
        status = v.standard.status if v.standard else "invalid at this commit"
        line = f"  {v.version:<10} {v.date.date().isoformat()}  {v.commit[:10]}  {status:<11} {v.author}"
        typer.echo(line + ("  (packaged)" if v.packaged and repo.own_standards else ""))
    return ExitCode.OK


def _version_record(v: StandardVersion) -> dict[str, object]:
    return {
        "version": v.version,
        "commit": v.commit,
        "date": v.date.isoformat(),
        "author": v.author,
        "status": v.standard.status if v.standard else None,
        "requirements": len(v.standard.requirements) if v.standard else None,
        "packaged": v.packaged,
    }


def _resolve(catalogue: Catalogue, source: VersionSource, standard_id: str, version: str) -> Standard | str:
    compiled = catalogue.standards.get(standard_id)
    if compiled is not None and compiled.standard.version == version:
        return compiled.standard  # the working tree's version, committed or not
    found = source.versions(standard_id)
    for v in found:
        if v.version == version:
            if v.standard is None:
                return f"{standard_id} {version} does not validate at commit {v.commit[:10]}"
            return v.standard
    listed = ", ".join(v.version for v in found) or "none"
    missing = source.history_missing()
    return f"{standard_id} has no version {version} (versions in history: {listed})" + (
        f"; {missing}" if missing else ""
    )


def run_diff(root: Path, standard_id: str, old: str, new: str, as_json: bool) -> ExitCode:
    catalogue, source = _catalogue(Repository.find(root))
    before = _resolve(catalogue, source, standard_id, old)
    after = _resolve(catalogue, source, standard_id, new)
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
