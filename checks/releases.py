"""Standards releases that travel with the tool: every version of every standard and pattern, in the package.

A council's repository holds only `manifests/<council>/`; a pre-commit hook or the action runs
from a shallow clone or a tarball. None of them has this registry's Git history, so the history
is read once, when the package is made (`scripts/build_releases.py`, `make releases`), into
`checks/data/releases.json`:

* every version of every standard, as `standards versions` reads it from Git (the commit, date and
  author where it first appeared, and its final wording), so any pin resolves without Git;
* releases: for each version of the tool, the standards (by version) and patterns it shipped with,
  named by that version. The tool's own release, the default, is the one it was built with.

A pin is resolved by one path, `VersionSource`: the repository's own Git history where it keeps
standards, and the packaged versions for any version its history lacks (a shallow clone, a copy).
tests/test_releases.py fails when the packaged file differs from what Git history says.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import git
from pydantic import ValidationError

from checks.history import SHALLOW_HELP, History, HistoryError, StandardVersion, matches_spec, version_key
from checks.loading import parse
from checks.models import Pattern, Standard
from checks.validation import validate

FORMAT = 1
DATA_FILE = "releases.json"


@dataclass(frozen=True, slots=True)
class Release:
    """The standards (id -> version) and patterns (id -> document key) one version of the tool shipped with."""

    name: str
    standards: Mapping[str, str]
    patterns: Mapping[str, str]


@dataclass
class PackagedReleases:
    """`checks/data/releases.json`, read: versions are parsed on first use, one standard at a time."""

    tool_release: str
    releases: dict[str, Release]
    raw_versions: dict[str, list[dict[str, Any]]]
    pattern_documents: dict[str, dict[str, Any]]
    _parsed: dict[str, list[StandardVersion]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> PackagedReleases:
        releases = {r["name"]: Release(r["name"], dict(r["standards"]), dict(r["patterns"])) for r in doc["releases"]}
        return cls(doc["tool_release"], releases, dict(doc["standards"]), dict(doc["patterns"]))

    def names(self) -> list[str]:
        return sorted(self.releases, key=_release_key)

    def versions(self, standard_id: str) -> list[StandardVersion]:
        found = self._parsed.get(standard_id)
        if found is None:
            found = self._parsed[standard_id] = [_packaged_version(v) for v in self.raw_versions.get(standard_id, [])]
        return found

    def release(self, name: str | None) -> Release | None:
        """The named release, or the tool's own with no name; None when no release has that name."""
        return self.releases.get(self.tool_release if name is None else name)

    def standards_of(self, release: Release) -> list[Standard]:
        out = []
        for standard_id, version in sorted(release.standards.items()):
            found = next((v.standard for v in self.versions(standard_id) if v.version == version), None)
            if found is not None:
                out.append(found)
        return out

    def patterns_of(self, release: Release) -> list[Pattern]:
        out = []
        for _, key in sorted(release.patterns.items()):
            try:
                out.append(Pattern.model_validate(self.pattern_documents[key]))
            except (KeyError, ValidationError):
                continue  # a pattern this version of the tool can no longer read
        return out


def _release_key(name: str) -> tuple[int, ...]:
    try:
        v = version_key(name)
    except ValueError:
        return (-1,)
    return (v.major, v.minor, v.patch)


def _packaged_version(raw: Mapping[str, Any]) -> StandardVersion:
    try:
        standard: Standard | None = Standard.model_validate(raw["document"])
    except ValidationError:
        standard = None  # a version this version of the tool can no longer read: listed, never used
    date = dt.datetime.fromisoformat(raw["date"])
    return StandardVersion(raw["version"], raw["commit"], date, raw["author"], standard, packaged=True)


@functools.cache
def packaged() -> PackagedReleases:
    """The releases this installed tool carries (read once per process)."""
    text = resources.files("checks").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    return PackagedReleases.from_document(json.loads(text))


# --------------------------------------------------------------------------- resolving a pin


@dataclass
class VersionSource:
    """Every version of a standard a pin may name: Git history where the repository keeps its
    standards in Git, then the versions packaged with the tool for any version that history lacks."""

    history: History | None
    releases: PackagedReleases

    def versions(self, standard_id: str) -> list[StandardVersion]:
        from_git: list[StandardVersion] = []
        if self.history is not None:
            try:
                from_git = self.history.versions(standard_id)
            except HistoryError:
                from_git = []  # a shallow clone, or not a Git repository: the package has the versions
        have = {v.version for v in from_git}
        merged = [*from_git, *(v for v in self.releases.versions(standard_id) if v.version not in have)]
        return sorted(merged, key=lambda v: version_key(v.version))

    def find(self, standard_id: str, spec: str | int) -> StandardVersion | None:
        """The newest version that satisfies a manifest's pin."""
        candidates = [v for v in self.versions(standard_id) if v.standard is not None and matches_spec(v.version, spec)]
        return max(candidates, key=lambda v: version_key(v.version)) if candidates else None

    def history_missing(self) -> str | None:
        """Why older versions may not come from Git here, and how to fetch them; None when history is whole."""
        if self.history is None:
            return None
        try:
            shallow = self.history.is_shallow()
        except HistoryError:
            return None
        return SHALLOW_HELP if shallow else None


# --------------------------------------------------------------------------- building from Git


def build_document(root: Path) -> dict[str, Any]:
    """What `checks/data/releases.json` must hold for the repository at `root`, read from its Git history."""
    history = History(root)
    repo = history.repo
    if history.is_shallow():
        raise HistoryError(f"the standards releases are built from the whole history: {SHALLOW_HELP}")
    snapshots = _release_commits(repo)
    tool_release = _tool_version(repo.head.commit)
    if tool_release is None:
        raise HistoryError("pyproject.toml at HEAD names no version, so the tool's own release has no name")
    patterns: dict[str, dict[str, Any]] = {}
    releases = []
    ids: set[str] = set()
    for name, commit in sorted(snapshots.items(), key=lambda item: _release_key(item[0])):
        standards = _standard_versions_at(commit)
        ids.update(standards)
        shipped: dict[str, str] = {}
        for pattern_id, document in _patterns_at(commit).items():
            key = hashlib.sha256(_dumps(document).encode()).hexdigest()[:16]
            patterns[key] = document
            shipped[pattern_id] = key
        releases.append({"name": name, "standards": standards, "patterns": shipped})
    versions = {
        sid: [_version_record(v) for v in history.versions(sid) if v.standard is not None] for sid in sorted(ids)
    }
    return {
        "format": FORMAT,
        "tool_release": tool_release,
        "releases": releases,
        "standards": versions,
        "patterns": dict(sorted(patterns.items())),
    }


def dumps(document: Mapping[str, Any]) -> str:
    """The file's text: stable (sorted keys, one value per line) so a change reads well in a diff."""
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def _version_record(v: StandardVersion) -> dict[str, Any]:
    assert v.standard is not None
    return {
        "version": v.version,
        "commit": v.commit,
        "date": v.date.isoformat(),
        "author": v.author,
        "document": v.standard.model_dump(mode="json", exclude_none=True),
    }


def _tool_version(commit: git.Commit) -> str | None:
    import tomllib

    try:
        text = (commit.tree / "pyproject.toml").data_stream.read().decode("utf-8")
        version = tomllib.loads(text)["project"]["version"]
    except (KeyError, ValueError, UnicodeDecodeError):
        return None
    return version if isinstance(version, str) else None


def _release_commits(repo: git.Repo) -> dict[str, git.Commit]:
    """Each version of the tool on the main line, with the last commit that had it (HEAD for today's)."""
    head = repo.head.commit
    current = _tool_version(head)
    found: dict[str, git.Commit] = {current: head} if current else {}
    for commit in repo.iter_commits(head, first_parent=True, paths="pyproject.toml"):
        if not commit.parents:
            continue
        before, after = _tool_version(commit.parents[0]), _tool_version(commit)
        if before is not None and before != after and before not in found:
            found[before] = commit.parents[0]
    return found


def _yaml_blobs(commit: git.Commit, folder: str) -> list[git.Blob]:
    try:
        tree = commit.tree / folder
    except KeyError:
        return []
    return [b for b in tree.blobs if b.name.endswith((".yaml", ".yml"))]


def _standard_versions_at(commit: git.Commit) -> dict[str, str]:
    out: dict[str, str] = {}
    for blob in _yaml_blobs(commit, "standards"):
        typed = _typed(blob, "Standard")
        if isinstance(typed, Standard):
            out[typed.id] = typed.version
    return dict(sorted(out.items()))


def _patterns_at(commit: git.Commit) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for blob in _yaml_blobs(commit, "standards/patterns"):
        typed = _typed(blob, "Pattern")
        if isinstance(typed, Pattern):
            out[typed.id] = typed.model_dump(mode="json", exclude_none=True)
    return dict(sorted(out.items()))


def _typed(blob: git.Blob, kind: str) -> object:
    doc = parse(blob.data_stream.read().decode("utf-8", errors="replace"))
    return None if isinstance(doc, list) else validate(doc, kind)
