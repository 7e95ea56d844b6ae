"""The repository's layout: where standards, patterns, councils and services live.

A file's place decides what it must be: `manifests/<council>/council.yaml` is
a Council, any other YAML under `manifests/<council>/` is that council's
Service, `standards/*.yaml` are Standards and `standards/patterns/*.yaml`
Patterns. Example manifests under `standards/examples/` belong to the example
council beside them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from checks.engine import Catalogue
from checks.history import History
from checks.loading import Document, load_file
from checks.models import Council, Pattern, Standard
from checks.problems import Problem
from checks.releases import VersionSource, packaged
from checks.results import FileResult
from checks.rules import compile_standard, rule_errors
from checks.run_memo import find_root
from checks.settings import choose_release
from checks.validation import validate
from checks.visibility import is_restricted_file

YAML_SUFFIXES = (".yaml", ".yml")


def absolute_text(path: Path | str) -> str:
    """`path` as Path.absolute() gives it (joined to the working folder, not resolved), as text: asked of
    every file of a run, where pathlib's cost shows."""
    text = os.fspath(path)
    return text if os.path.isabs(text) else os.path.join(os.getcwd(), text)  # noqa: PTH109, PTH117, PTH118


@dataclass(frozen=True, slots=True)
class Target:
    """One file to check, with what its place in the tree says it must be."""

    path: Path
    display: str
    kind: str | None
    council: str | None
    problem: Problem | None = None

    @property
    def stem(self) -> str:
        return self.path.stem


class Repository:
    """A repository of manifests: this registry (with its own standards/) or a council's (without).

    `release` names a release of the standards packaged with the tool (`--standards-release`); it
    wins over the repository's standards.toml.
    """

    def __init__(self, root: Path, release: str | None = None) -> None:
        self.root = root.resolve()
        self.release = release
        self._root_text = str(self.root)
        self._root_prefix = os.path.join(self._root_text, "")  # noqa: PTH118 - ends in one separator

    @classmethod
    def find(cls, start: Path, release: str | None = None) -> Repository:
        """The nearest folder at or above `start` holding `standards/`, `standards.toml` or `manifests/`;
        else `start` itself."""
        return cls(Path(find_root(start)), release)

    @property
    def own_standards(self) -> bool:
        """Whether the repository keeps its own standards (this registry does; a council's usually not)."""
        return (self.root / "standards").is_dir()

    # ------------------------------------------------------------------ paths

    def display(self, path: Path) -> str:
        return self._placed(path)[1]

    def _placed(self, path: Path) -> tuple[str | None, str]:
        """`path` from the root (as Path.relative_to, lexically: None when it is outside), and as shown.
        Text, not pathlib: a warm run asks this of every file, and pathlib was a tenth of that run."""
        absolute = absolute_text(path)
        if absolute == self._root_text:
            relative: str | None = "."
        elif absolute.startswith(self._root_prefix):
            relative = absolute[len(self._root_prefix) :]
        else:
            relative = None
        return relative, path.as_posix() if relative is None else relative.replace(os.sep, "/")

    def target(self, path: Path) -> Target:
        relative, display = self._placed(path)
        if path.is_symlink():
            resolved = path.resolve()
            if not resolved.is_relative_to(self.root):
                return Target(
                    path,
                    display,
                    None,
                    None,
                    Problem(
                        "E111",
                        f"symlink points outside the repository (to {resolved})",
                        "replace the link with the file itself",
                    ),
                )
        parts = () if relative in (None, ".") else tuple(relative.split(os.sep))  # noqa: PTH206
        kind: str | None = None
        council: str | None = None
        if len(parts) == 3 and parts[0] == "manifests":
            if parts[2] in ("council.yaml", "council.yml"):
                kind = "Council"
            elif is_restricted_file(parts[2]):
                kind, council = "RestrictedService", parts[1]
            else:
                kind, council = "Service", parts[1]
        elif len(parts) == 2 and parts[0] == "standards":
            kind = "Standard"
        elif len(parts) == 2 and parts[0] == "reorganisations":
            kind = "Reorganisation"
        elif len(parts) == 3 and parts[:2] == ("standards", "patterns"):
            kind = "Pattern"
        elif len(parts) >= 3 and parts[:2] == ("standards", "examples") and path.name != "council.yaml":
            kind, council = "Service", "examples"
        elif (path.absolute().parent / "council.yaml").is_file() and path.name != "council.yaml":
            council = path.absolute().parent.name
        return Target(path, display, kind, council)

    def _yaml_in(self, folder: Path, pattern: str) -> list[Path]:
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob(pattern) if p.suffix in YAML_SUFFIXES and p.is_file())

    def standard_files(self) -> list[Path]:
        return self._yaml_in(self.root / "standards", "*")

    def pattern_files(self) -> list[Path]:
        return self._yaml_in(self.root / "standards" / "patterns", "*")

    def council_files(self) -> list[Path]:
        files = self._yaml_in(self.root / "manifests", "*/council.y*ml")
        example = self.root / "standards" / "examples" / "council.yaml"
        return [*files, example] if example.is_file() else files

    def manifest_files(self) -> list[Path]:
        return list(self.iter_manifest_files())

    def iter_manifest_files(self) -> Iterator[Path]:
        """Every council's files, in a stable order, one folder at a time (never the whole list)."""
        base = self.root / "manifests"
        if not base.is_dir():
            return
        for council in sorted(e.name for e in os.scandir(base) if e.is_dir(follow_symlinks=False)):
            folder = base / council
            names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(YAML_SUFFIXES))
            for name in names:
                path = folder / name
                if path.is_file() or path.is_symlink():
                    yield path

    def count_manifest_files(self) -> int:
        base = self.root / "manifests"
        if not base.is_dir():
            return 0
        return sum(
            1
            for council in os.scandir(base)
            if council.is_dir(follow_symlinks=False)
            for e in os.scandir(council.path)
            if e.name.endswith(YAML_SUFFIXES)
        )

    def _in_snapshot(self, path: Path) -> bool:
        """A file of a reorganisation's snapshot (reorganisations/<name>/<council>/): judged as of the day
        before vesting day, when its snapshot is indexed (docs/decisions/0005), not with today's files."""
        try:
            parts = path.absolute().relative_to(self.root).parts
        except ValueError:
            return False
        return len(parts) > 2 and parts[0] == "reorganisations"

    def expand(self, paths: Iterable[Path]) -> Iterator[Target]:
        """Targets for paths given on the command line; folders are searched for YAML."""
        for path in paths:
            if path.is_dir() and not path.is_symlink():
                for found in sorted(path.rglob("*")):
                    wanted = found.suffix in YAML_SUFFIXES and (found.is_file() or found.is_symlink())
                    if wanted and not self._in_snapshot(found):
                        yield self.target(found)
            elif not path.exists() and not path.is_symlink():
                yield Target(
                    path,
                    path.as_posix(),
                    None,
                    None,
                    Problem(
                        "E100",
                        "path does not exist",
                        "check the spelling; paths are relative to where you run the command",
                    ),
                )
            else:
                yield self.target(path)

    # ------------------------------------------------------------------ catalogue

    def load_catalogue(self) -> tuple[Catalogue, list[FileResult]]:
        """Every standard, pattern and council, plus a result for each file that is broken.

        The standards are the repository's own standards/ where it has them, else a release packaged
        with the tool; raises SettingsError when standards.toml or the release named is wrong.
        """
        releases = packaged()
        release = choose_release(self.root, releases, self.own_standards, self.release)
        broken: list[FileResult] = []
        if release is None:
            standards, patterns = self._own_standards(broken)
        else:
            standards, patterns = releases.standards_of(release), releases.patterns_of(release)
        councils: list[Council] = []
        for path in self.council_files():
            loaded, _ = self._load_typed(path, "Council", broken)
            if isinstance(loaded, Council):
                councils.append(loaded)
        catalogue = Catalogue.build(standards, patterns, councils)
        # Git history is where older versions of the repository's own standards are; a council's
        # repository keeps none, so its pins resolve from the releases alone.
        history = History(self.root) if release is None and (self.root / ".git").exists() else None
        catalogue.version_source = VersionSource(history, releases)
        return catalogue, broken

    def _own_standards(self, broken: list[FileResult]) -> tuple[list[Standard], list[Pattern]]:
        standards: list[Standard] = []
        patterns: list[Pattern] = []
        for path in self.standard_files():
            loaded, doc = self._load_typed(path, "Standard", broken)
            if isinstance(loaded, Standard) and doc is not None:
                problems = standard_problems(loaded, path, doc)
                if problems:
                    broken.append(FileResult(self.display(path), "Standard", problems=problems))
                if any(s.id == loaded.id for s in standards):
                    broken.append(
                        FileResult(
                            self.display(path),
                            "Standard",
                            problems=[
                                Problem(
                                    "E306",
                                    f"another file already defines standard '{loaded.id}'",
                                    "give each standard its own id",
                                )
                            ],
                        )
                    )
                else:
                    standards.append(loaded)
        for path in self.pattern_files():
            loaded, _ = self._load_typed(path, "Pattern", broken)
            if isinstance(loaded, Pattern):
                patterns.append(loaded)
        return standards, patterns

    def _load_typed(self, path: Path, kind: str, broken: list[FileResult]) -> tuple[object, Document | None]:
        target = self.target(path)
        if target.problem is not None:
            broken.append(FileResult(target.display, kind, problems=[target.problem]))
            return None, None
        doc = load_file(path)
        if isinstance(doc, list):
            broken.append(FileResult(target.display, kind, problems=doc))
            return None, None
        typed = validate(doc, kind)
        if isinstance(typed, list):
            broken.append(FileResult(target.display, kind, problems=typed))
            return None, doc
        return typed, doc


def standard_problems(standard: Standard, path: Path, doc: Document) -> list[Problem]:
    """Problems a standard's schema cannot catch: its file name, prefixes, ids, rules."""
    problems: list[Problem] = []

    def add(code: str, message: str, help_text: str, where: tuple[str | int, ...]) -> None:
        line, column = doc.place(where)
        problems.append(Problem(code, message, help_text, line, column))

    if standard.id != path.stem:
        add(
            "E304",
            f"id '{standard.id}' does not match the file name '{path.name}'",
            f"rename the file to {standard.id}.yaml",
            ("id",),
        )
    seen: set[str] = set()
    for i, req in enumerate(standard.requirements):
        at = ("requirements", i, "id")
        if not req.id.startswith(standard.prefix + "-"):
            add(
                "E205",
                f"requirement {req.id} does not start with the prefix {standard.prefix}-",
                f"rename it {standard.prefix}-...",
                at,
            )
        if req.id in seen:
            add("E306", f"requirement id {req.id} is used twice", "give it a new id; ids are never reused", at)
        seen.add(req.id)
        if req.check is None and req.evidence is None:
            add(
                "E205",
                f"requirement {req.id} has neither a check nor an evidence rule",
                "add `check:` (a CEL expression) or `evidence:`",
                at,
            )
    compiled = compile_standard(standard)
    index = {r.requirement.id: i for i, r in enumerate(compiled.requirements)}
    for where, source, error in rule_errors(compiled):
        rid, _, name = where.rpartition(".")
        node_path: tuple[str | int, ...] = (
            ("applies_to", "when") if where == "applies_to.when" else ("requirements", index[rid], name)
        )
        add(
            "E307",
            f"{where}: expression `{source}` does not compile: {error}",
            "fix the CEL expression (see standards/README.md)",
            node_path,
        )
    return problems
