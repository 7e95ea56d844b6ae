"""Which manifests a change touches: the changed ones, plus those depending on a changed standard,
pattern or council file. Used by `standards check --changed-since REF` in pull requests.

Discovery asks Git, not the file system: `git diff` names the changed files and
`git grep` finds the manifests that name a changed standard or pattern, so the
cost follows the size of the change, not of the repository (a standard that
applies to every service is the exception: then every manifest is affected).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import git

from checks.engine import Catalogue
from checks.history import History, HistoryError
from checks.settings import FILE as SETTINGS_FILE

# What a manifest's result depends on: its own file, its council's, the standards and patterns, and
# standards.toml (which release of the packaged standards a council's repository is checked against).
WATCHED = ("standards", "manifests", SETTINGS_FILE)


@dataclass
class ChangeSet:
    changed: list[str] = field(default_factory=list)  # added, modified, or the new side of a rename
    deleted: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # old path -> new path


@dataclass
class Affected:
    manifests: list[str]
    reasons: dict[str, str]  # path -> why it is checked
    deleted: list[str]
    renamed: dict[str, str]


def changed_files(root: Path, ref: str) -> ChangeSet:
    """Files that differ between `ref` and the working tree, untracked files included."""
    history = History(root)
    commit = history.resolve(ref)  # raises HistoryError with a clear message
    repo = history.repo
    try:
        status = repo.git.diff("--name-status", "-M", "--no-color", commit.hexsha, "--", *WATCHED)
        untracked = repo.git.ls_files("--others", "--exclude-standard", "--", *WATCHED)
    except git.GitCommandError as exc:
        raise HistoryError(f"git could not compare with '{ref}': {exc.stderr.strip()}") from None
    changes = ChangeSet()
    for line in status.splitlines():
        parts = line.split("\t")
        code = parts[0][:1]
        if code == "D":
            changes.deleted.append(parts[1])
        elif code == "R":
            changes.renamed[parts[1]] = parts[2]
            changes.changed.append(parts[2])
        elif code in ("A", "M", "C", "T"):
            changes.changed.append(parts[-1])
    changes.changed.extend(p for p in untracked.splitlines() if p)
    return changes


def _is_yaml(path: str) -> bool:
    return path.endswith((".yaml", ".yml"))


def _grep_manifests(repo: git.Repo, pattern: str) -> list[str]:
    try:
        out = repo.git.grep("-l", "-E", "--untracked", "-e", pattern, "--", "manifests")
    except git.GitCommandError:
        return []  # git grep exits 1 when nothing matches
    return [p for p in out.splitlines() if _is_yaml(p)]


def affected_manifests(root: Path, ref: str, catalogue: Catalogue, all_manifests: Callable[[], list[str]]) -> Affected:
    """Repository-relative paths of the manifests to check for a change since `ref`."""
    changes = changed_files(root, ref)
    repo = History(root).repo
    reasons: dict[str, str] = {}

    def add(path: str, why: str) -> None:
        if path.startswith("manifests/") and _is_yaml(path) and (root / path).is_file():
            reasons.setdefault(path, why)

    # Another release of the standards may judge any manifest differently.
    everything = SETTINGS_FILE in changes.changed + changes.deleted
    for path in changes.changed + changes.deleted:
        parts = path.split("/")
        if not _is_yaml(path):
            continue
        if parts[0] == "manifests" and len(parts) == 3:
            if parts[2] in ("council.yaml", "council.yml"):
                folder = root / "manifests" / parts[1]
                for sibling in sorted(folder.glob("*.y*ml")):
                    add(sibling.relative_to(root).as_posix(), f"its council file {path} changed")
            elif path not in changes.deleted:
                add(path, "changed")
        elif parts[0] == "standards" and len(parts) == 2:
            standard_id = Path(path).stem
            compiled = catalogue.standards.get(standard_id)
            if compiled is not None and (
                compiled.standard.applies_to.all_services or compiled.standard.applies_to.when
            ):
                everything = True  # it may now apply to any service
            # Ids are slugs ([a-z0-9-]), so they need no escaping in the pattern.
            declared = rf"standard:[[:space:]]*['\"]?{standard_id}['\"]?([[:space:],}}]|$)"
            for manifest in _grep_manifests(repo, declared):
                add(manifest, f"it declares the changed standard {standard_id}")
        elif parts[:2] == ["standards", "patterns"] and len(parts) == 3:
            pattern_id = Path(path).stem
            for manifest in _grep_manifests(repo, rf"(^|[^a-z0-9-]){pattern_id}([^a-z0-9-]|$)"):
                add(manifest, f"it uses the changed pattern {pattern_id}")
    if everything:
        for every in all_manifests():
            add(every, "a changed standard or standards.toml may apply to every service")
    return Affected(sorted(reasons), reasons, sorted(changes.deleted), changes.renamed)
