"""`standards lint`: standards and patterns are valid, consistent, and versioned honestly.

Against a base ref, every change to a standard's content needs a version bump,
a breaking change needs a major bump, and versions never go backwards. The
blast radius shows which services would newly fail or pass if the change merged.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from checks.engine import Catalogue
from checks.history import History, export_tree, version_key
from checks.loading import Document, load_file
from checks.models import Pattern, PatternStatus, Standard
from checks.problems import Problem
from checks.references import suggest
from checks.repository import Repository
from checks.results import FileResult
from checks.rule_lint import lint_rules
from checks.runner import check_targets
from checks.standard_diff import StandardDiff, content_equal, diff_standards


@dataclass
class Impact:
    """How one service's compliance with one standard moves if the change merges."""

    council: str
    service: str
    path: str
    standard: str
    before: bool | None  # None: the standard did not apply before
    after: bool | None


@dataclass
class LintReport:
    files: list[FileResult] = field(default_factory=list)
    diffs: list[StandardDiff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    impacts: list[Impact] = field(default_factory=list)
    base: str | None = None

    @property
    def errors(self) -> int:
        return sum(len(f.problems) for f in self.files)

    def newly_failing(self) -> list[Impact]:
        return [i for i in self.impacts if i.after is False and i.before is not False]

    def newly_passing(self) -> list[Impact]:
        return [i for i in self.impacts if i.after is True and i.before is False]


def _add(report: LintReport, path: str, problem: Problem) -> None:
    for existing in report.files:
        if existing.path == path:
            existing.problems.append(problem)
            return
    report.files.append(FileResult(path, "Standard", problems=[problem]))


def _locate(doc: Document | None, where: tuple[str | int, ...]) -> tuple[int, int]:
    if doc is None:
        return 1, 1
    return doc.place(where)


def lint(root: Path, base: str | None, as_of: dt.date) -> LintReport:
    """Raises HistoryError when `base` cannot be used."""
    repo = Repository.find(root)
    catalogue, broken = repo.load_catalogue()
    report = LintReport(files=list(broken), base=base)
    docs = {p.stem: d for p in repo.standard_files() if not isinstance(d := load_file(p), list)}
    _cross_checks(repo, catalogue, docs, report)
    _rule_checks(repo, catalogue, docs, report, as_of)
    if base is None:
        return report
    history = History(repo.root)
    commit = history.resolve(base)
    with tempfile.TemporaryDirectory(prefix="standards-base-") as tmp:
        base_root = Path(tmp)
        export_tree(commit, base_root, all_manifests=False)
        base_catalogue, base_broken = Repository(base_root).load_catalogue()
    for b in base_broken:
        report.notes.append(f"{b.path} could not be read at {base}, so its changes are not version-checked")
    _version_checks(catalogue, base_catalogue, docs, report, base)
    _reuse_checks(catalogue, history, docs, report)
    report.impacts = blast_radius(repo, base_catalogue, catalogue, as_of)
    return report


def _cross_checks(repo: Repository, catalogue: Catalogue, docs: dict[str, Document], report: LintReport) -> None:
    owner_of: dict[str, str] = {}
    prefix_of: dict[str, str] = {}
    for compiled in catalogue.standards.values():
        path = f"standards/{compiled.id}.yaml"
        doc = docs.get(compiled.id)
        prefix = compiled.standard.prefix
        if prefix in prefix_of:
            _add(
                report,
                path,
                Problem(
                    "E404",
                    f"prefix {prefix} is already used by standard '{prefix_of[prefix]}'",
                    "choose a prefix no other standard uses",
                    *_locate(doc, ("prefix",)),
                ),
            )
        prefix_of.setdefault(prefix, compiled.id)
        for i, req in enumerate(compiled.requirements):
            rid = req.requirement.id
            if rid in owner_of:
                _add(
                    report,
                    path,
                    Problem(
                        "E306",
                        f"requirement id {rid} is also used by standard '{owner_of[rid]}'",
                        "requirement ids are unique across all standards",
                        *_locate(doc, ("requirements", i, "id")),
                    ),
                )
            owner_of.setdefault(rid, compiled.id)
    _visibility_checks(catalogue, docs, report)
    for pattern in catalogue.patterns.values():
        path = f"standards/patterns/{pattern.id}.yaml"
        unknown = [r for r in pattern.helps_meet if r not in owner_of]
        if unknown:
            loaded = load_file(repo.root / path)
            doc = None if isinstance(loaded, list) else loaded
            index = pattern.helps_meet.index(unknown[0])
            _add(
                report,
                path,
                Problem(
                    "E303",
                    f"helps_meet names unknown requirement(s): {', '.join(unknown)}",
                    "use ids from standards/*.yaml",
                    *_locate(doc, ("helps_meet", index)),
                ),
            )
        _successor_check(repo, catalogue, pattern, report)


def _successor_check(repo: Repository, catalogue: Catalogue, pattern: Pattern, report: LintReport) -> None:
    """A deprecated or retired pattern names an existing pattern its adopters move to: their notices
    (`standards notices`) and the pattern's page send them there."""
    if pattern.status == PatternStatus.ACTIVE and pattern.successor is None:
        return
    path = f"standards/patterns/{pattern.id}.yaml"
    successor = pattern.successor
    if successor is None:
        code, message, where = "E202", f"a {pattern.status} pattern must name its successor", ("status",)
        hint = "add `successor: <pattern id>`: the pattern its adopters should move to"
    elif successor == pattern.id or successor not in catalogue.patterns:
        code, where = "E301", ("successor",)
        message = (
            f"successor '{successor}' is the pattern itself"
            if successor == pattern.id
            else (f"successor names unknown pattern '{successor}'")
        )
        others = [p for p in catalogue.patterns if p != pattern.id]
        hint = suggest(successor, others) or "name a pattern in standards/patterns/ that replaces this one"
    else:
        return
    loaded = load_file(repo.root / path)
    doc = None if isinstance(loaded, list) else loaded
    _add(report, path, Problem(code, message, hint, *_locate(doc, where)))


def _visibility_checks(catalogue: Catalogue, docs: dict[str, Document], report: LintReport) -> None:
    """A public requirement whose check reads a restricted field could not be judged in public (the field
    is never in a public manifest), so it must be restricted too."""
    restricted = catalogue.restricted_fields()
    for compiled in catalogue.standards.values():
        for i, req in enumerate(compiled.requirements):
            if req.restricted or req.check is None or not req.check.paths:
                continue
            read = sorted(req.check.paths & restricted.keys())
            if read:
                _add(
                    report,
                    f"standards/{compiled.id}.yaml",
                    Problem(
                        "E405",
                        f"{req.requirement.id} is public but its check reads {read[0]}, a restricted field "
                        f"({restricted[read[0]]} reads it)",
                        f"mark {req.requirement.id} `visibility: restricted`, or stop its check reading the field",
                        *_locate(docs.get(compiled.id), ("requirements", i, "check")),
                    ),
                )


def _rule_checks(
    repo: Repository, catalogue: Catalogue, docs: dict[str, Document], report: LintReport, as_of: dt.date
) -> None:
    """Rules naming fields the schema lacks, giving non-booleans, or failing on their standard's examples."""
    examples = repo.root / "standards" / "examples"
    for compiled in catalogue.standards.values():
        doc = docs.get(compiled.id)
        for problem in lint_rules(compiled, examples, as_of):
            _add(
                report,
                f"standards/{compiled.id}.yaml",
                Problem(problem.code, problem.message, problem.help, *_locate(doc, problem.where)),
            )


def _version_checks(head: Catalogue, base: Catalogue, docs: dict[str, Document], report: LintReport, ref: str) -> None:
    for sid, compiled in head.standards.items():
        path = f"standards/{sid}.yaml"
        old = base.standards.get(sid)
        if old is None:
            report.notes.append(f"{path} is new at version {compiled.standard.version}")
            continue
        before, after = old.standard, compiled.standard
        at = _locate(docs.get(sid), ("version",))
        old_v, new_v = version_key(before.version), version_key(after.version)
        if new_v < old_v:
            _add(
                report,
                path,
                Problem(
                    "E402",
                    f"version went backwards from {before.version} to {after.version}",
                    f"versions only go up: use a version above {before.version}",
                    *at,
                ),
            )
            continue
        result = diff_standards(before, after)
        if content_equal(before, after):
            continue
        report.diffs.append(result)
        if new_v == old_v:
            _add(
                report,
                path,
                Problem(
                    "E400",
                    f"content changed since {ref} but the version is still {after.version}",
                    f"bump the version: {_suggest(before, result)}",
                    *at,
                ),
            )
        elif result.breaking and new_v.major == old_v.major:
            reasons = (
                "; ".join(f"{c.id}: {c.reason}" for c in result.requirements if c.breaking) or "applies_to changed"
            )
            _add(
                report,
                path,
                Problem(
                    "E401",
                    f"breaking change needs a major version bump ({reasons})",
                    f"set `version: {old_v.bump_major()}`",
                    *at,
                ),
            )
    for sid in base.standards.keys() - head.standards.keys():
        if sid in docs or any(f.path == f"standards/{sid}.yaml" for f in report.files):
            continue  # still there, but broken: already reported
        report.notes.append(f"standards/{sid}.yaml was removed; manifests that declare it will fail with E300")


def _suggest(before: Standard, result: StandardDiff) -> str:
    v = version_key(before.version)
    if result.breaking:
        return f"`version: {v.bump_major()}` (the change is breaking)"
    if any(c.kind == "added" for c in result.requirements):
        return f"`version: {v.bump_minor()}` (requirements added)"
    return f"`version: {v.bump_patch()}` (wording only) or `{v.bump_minor()}`"


def _reuse_checks(head: Catalogue, history: History, docs: dict[str, Document], report: LintReport) -> None:
    """An id retired in an earlier version must not come back meaning something else."""
    for sid, compiled in head.standards.items():
        versions = history.versions(sid)
        past: dict[str, str] = {}
        for version in versions:
            if version.standard is not None:
                for old in version.standard.requirements:
                    past.setdefault(old.id, old.title)
        # An id still in the last committed version is being reworded, not reused.
        latest = versions[-1].standard if versions else None
        in_latest = {r.id for r in latest.requirements} if latest is not None else set()
        for i, req in enumerate(compiled.requirements):
            rid = req.requirement.id
            title = past.get(rid)
            if title is not None and title != req.requirement.title and rid not in in_latest:
                _add(
                    report,
                    f"standards/{sid}.yaml",
                    Problem(
                        "E403",
                        f"requirement id {rid} was retired ('{title}') and is reused for a different requirement",
                        "give the new requirement a new id; ids are never reused",
                        *_locate(docs.get(sid), ("requirements", i, "id")),
                    ),
                )


def blast_radius(repo: Repository, before: Catalogue, after: Catalogue, as_of: dt.date) -> list[Impact]:
    """Services whose compliance with some standard would change if the change merged."""
    targets = [t for t in (repo.target(p) for p in repo.manifest_files()) if t.kind == "Service"]
    states: dict[str, dict[str, dict[str, bool]]] = defaultdict(dict)
    names: dict[str, tuple[str, str]] = {}
    for label, catalogue in (("before", before), ("after", after)):
        for result in check_targets(targets, catalogue, as_of):
            names[result.path] = (result.council or "", result.service or result.path)
            states[result.path][label] = {s.standard: s.compliant for s in result.summaries}
    impacts = []
    for path, state in sorted(states.items()):
        old, new = state.get("before", {}), state.get("after", {})
        for standard in sorted(old.keys() | new.keys()):
            if old.get(standard) != new.get(standard):
                council, service = names[path]
                impacts.append(Impact(council, service, path, standard, old.get(standard), new.get(standard)))
    return impacts
