"""Standards as they stood in Git history: every version, when it appeared, and its content.

Git is the source of truth for versions: a manifest that pins an older major
version is checked against the standard as it was committed at that version,
not against today's text.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import git
import semver

from checks.loading import parse
from checks.models import Standard
from checks.validation import validate


class HistoryError(Exception):
    """History cannot be read; the message says why and how to fix it."""


SHALLOW_HELP = (
    "this clone is shallow, so older versions of standards are not available; "
    "fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
)


@dataclass(frozen=True, slots=True)
class StandardVersion:
    version: str
    commit: str
    date: dt.datetime
    author: str
    standard: Standard | None  # None when the file at that commit did not validate
    packaged: bool = False  # read from the releases packaged with the tool, not from this repository's Git


def version_key(version: str) -> semver.Version:
    return semver.Version.parse(version)


def matches_spec(version: str, spec: str | int) -> bool:
    """Whether `version` satisfies a manifest's pin: a major (`2`) or an exact version (`2.1.0`)."""
    text = str(spec)
    if "." in text:
        return version == text
    return version_key(version).major == int(text)


class History:
    """Read-only view of the standards in a Git repository's history."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._repo: git.Repo | None = None
        self._pid = 0

    @property
    def repo(self) -> git.Repo:
        # GitPython keeps `git cat-file` processes open; a forked worker must not share its parent's.
        if self._repo is None or self._pid != os.getpid():
            try:
                self._repo = git.Repo(self.root, search_parent_directories=False)
            except (git.InvalidGitRepositoryError, git.NoSuchPathError):
                raise HistoryError(f"{self.root} is not a Git repository, so standards have no history") from None
            self._pid = os.getpid()
        return self._repo

    def is_shallow(self) -> bool:
        return (Path(self.repo.git_dir) / "shallow").exists()

    def resolve(self, ref: str) -> git.Commit:
        try:
            obj = self.repo.rev_parse(ref)
        except (git.BadName, ValueError, git.GitCommandError):
            hint = f" ({SHALLOW_HELP})" if self.is_shallow() else ""
            raise HistoryError(f"'{ref}' is not a commit, branch or tag in this repository{hint}") from None
        if isinstance(obj, git.TagObject):
            obj = obj.object
        if not isinstance(obj, git.Commit):
            raise HistoryError(f"'{ref}' names a {obj.type}, not a commit")
        try:
            self.repo.git.cat_file("-e", f"{obj.hexsha}^{{commit}}")
        except git.GitCommandError:
            # A shallow clone knows its commits' parents by name but does not hold them.
            hint = SHALLOW_HELP if self.is_shallow() else "the object is missing from this clone"
            raise HistoryError(f"'{ref}' is not available here: {hint}") from None
        return obj

    def versions(self, standard_id: str) -> list[StandardVersion]:
        """Each version of a standard, oldest first, with the commit where it first appeared."""
        path = f"standards/{standard_id}.yaml"
        if not self.repo.head.is_valid():
            return []  # a repository with no commits yet has no history to read
        seen: dict[str, StandardVersion] = {}
        latest: dict[str, Standard | None] = {}
        for commit in self.repo.iter_commits(paths=path, reverse=True):
            try:
                blob = commit.tree / path
            except KeyError:
                continue  # deleted in this commit
            standard = _standard_from_text(blob.data_stream.read().decode("utf-8", errors="replace"))
            version = standard.version if standard else _raw_version(blob.data_stream.read())
            if version is None:
                continue
            # The last commit at a version holds its final wording (typo fixes need no bump).
            latest[version] = standard
            if version not in seen:
                seen[version] = StandardVersion(
                    version=version,
                    commit=commit.hexsha,
                    date=commit.committed_datetime,
                    author=str(commit.author.name),
                    standard=standard,
                )
        out = [
            StandardVersion(v.version, v.commit, v.date, v.author, latest.get(v.version, v.standard))
            for v in seen.values()
        ]
        if not out and self.is_shallow():
            raise HistoryError(f"no history for {path}: {SHALLOW_HELP}")
        return out

    def find(self, standard_id: str, spec: str | int) -> StandardVersion | None:
        """The newest version in history that satisfies a manifest's pin."""
        candidates = [v for v in self.versions(standard_id) if v.standard is not None and matches_spec(v.version, spec)]
        if not candidates:
            return None
        return max(candidates, key=lambda v: version_key(v.version))


def _standard_from_text(text: str) -> Standard | None:
    doc = parse(text)
    if isinstance(doc, list):
        return None
    typed = validate(doc, "Standard")
    return typed if isinstance(typed, Standard) else None


def _raw_version(data: bytes) -> str | None:
    for line in data.decode("utf-8", errors="replace").splitlines():
        if line.startswith("version:"):
            value = line.split(":", 1)[1].strip().strip("'\"")
            try:
                semver.Version.parse(value)
            except ValueError:
                return None
            return value
    return None


def export_tree(commit: git.Commit, target: Path, all_manifests: bool) -> None:
    """Write the YAML under `standards/` and `manifests/` as it was at `commit` into `target`.

    Without `all_manifests`, only council files are written from `manifests/`, which is all
    a catalogue needs.
    """
    for top in ("standards", "manifests"):
        try:
            folder = commit.tree / top
        except KeyError:
            continue
        for blob in folder.traverse():
            if not isinstance(blob, git.Blob):
                continue
            name = str(blob.path)
            if not name.endswith((".yaml", ".yml")):
                continue
            if top == "manifests" and not all_manifests and not name.endswith("/council.yaml"):
                continue
            out = target / name
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(blob.data_stream.read())
