"""`standards reorganise OLD... --into NEW`: predecessor councils' services move into their successor's folder.

Everything is decided before anything moves (`plan_reorganisation`): the councils and the
vesting day against the register's lineage, a clean working tree, each predecessor's folder,
each service's new id and new text. Only then does `apply` move the files with `git mv` (so
`git log --follow` keeps their history), write what each came from into it (`inherited_from`),
remove the predecessors' council.yaml, write the successor's if it has none, and check the
result as `standards check` would; if any step fails, the tree is put back as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import git

from checks.engine import Catalogue
from checks.loading import Document, load_file
from checks.problems import Problem
from checks.registers import CouncilEntry, successors
from checks.repository import YAML_SUFFIXES, Repository
from checks.runner import check_target
from checks.visibility import is_restricted_file
from registry.scaffold.answers import ScaffoldError, check_owner
from registry.scaffold.codeowners import CODEOWNERS_PATH, OwnershipError, render_codeowners
from registry.scaffold.council import render_council
from registry.scaffold.inheritance import Choose, Move, ReorganiseProblems, move_for, new_ids
from registry.scaffold.lineage import Council, check_lineage, describe, resolve_councils


@dataclass(frozen=True, slots=True)
class Plan:
    repo: Repository
    successor: CouncilEntry
    olds: tuple[Council, ...]
    vesting_date: dt.date
    folder: Path  # the successor's
    old_councils: tuple[Path, ...]  # the predecessors' council.yaml, removed
    council_text: str | None  # the successor's council.yaml when it has none yet
    moves: tuple[Move, ...]

    def shared_with(self) -> dict[str, tuple[str, ...]]:
        """Predecessors whose area was split, by code: the other councils that took a share of it."""
        found = {}
        for old in self.olds:
            others = {s.successor for s in successors(old.register_code) if s.split} - {self.successor.register_code}
            if others:
                found[old.register_code] = tuple(sorted(others))
        return found


# --------------------------------------------------------------------------- the tree


def open_git(repo: Repository) -> git.Repo:
    """The Git repository holding the registry, which must have nothing uncommitted."""
    try:
        found = git.Repo(repo.root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise ScaffoldError(
            f"{repo.root} is not in a Git repository",
            "reorganise moves files with `git mv` to keep their history: run it in your clone of the registry",
        ) from None
    if found.is_dirty(untracked_files=True):
        changed = {d.a_path or "" for d in found.index.diff(None)} | {d.a_path or "" for d in found.index.diff("HEAD")}
        listed = ", ".join(sorted(changed | set(found.untracked_files))[:5])
        raise ScaffoldError(
            f"the working tree has uncommitted changes ({listed}); nothing was moved",
            "commit or stash them first (git stash --include-untracked), so the reorganisation is a change of "
            "its own that can be reviewed and undone",
        )
    return found


def council_files(repo: Repository) -> dict[str, Path]:
    """Each council.yaml under manifests/, by the register code it gives."""
    folders: dict[str, Path] = {}
    for path in repo.council_files():
        doc = load_file(path)
        data = doc.data if isinstance(doc, Document) and isinstance(doc.data, dict) else {}
        code = data.get("register_code")
        if isinstance(code, str) and path.parent.parent == repo.root / "manifests":
            folders.setdefault(code, path)
    return folders


def _services(folder: Path) -> list[Path]:
    """A council folder's service manifests; anything else in it (but council.yaml) cannot be moved for it."""
    found = []
    for path in sorted(folder.iterdir()):
        if (path.stem == "council" and path.suffix in YAML_SUFFIXES) or is_restricted_file(path):
            continue
        if path.suffix not in YAML_SUFFIXES or not path.is_file():
            raise ScaffoldError(
                f"{path.parent.name}/{path.name} is not a service manifest, so reorganise cannot move it",
                "move or remove it first, and commit",
            )
        found.append(path)
    return found


# --------------------------------------------------------------------------- the plan


def _invalid(
    repo: Repository, catalogue: Catalogue, paths: Sequence[Path], as_of: dt.date
) -> list[tuple[str, Problem]]:
    found: list[tuple[str, Problem]] = []
    for path in paths:
        result = check_target(repo.target(path), catalogue, as_of)
        found += [(result.path, problem) for problem in result.problems]
    return found


def _owners(council_yamls: Sequence[Path]) -> list[str]:
    """The predecessors' owners, in order, each once: who looks after the successor's folder until it says."""
    owners: list[str] = []
    for path in council_yamls:
        doc = load_file(path)
        data = doc.data if isinstance(doc, Document) and isinstance(doc.data, dict) else {}
        owners += [o for o in data.get("owners") or [] if isinstance(o, str) and o not in owners]
    return owners


@dataclass(frozen=True, slots=True)
class Request:
    """What was asked for, as given."""

    old_codes: tuple[str, ...]
    new_code: str
    vesting: dt.date | None = None
    on_clash: str | None = None
    owners: tuple[str, ...] = ()
    as_of: dt.date | None = None  # judge the manifests on this day; today when not given


def plan_reorganisation(root: Path, request: Request, choose: Choose | None = None) -> tuple[Plan, git.Repo]:
    """Every decision, made before anything moves; any bad input raises with nothing changed."""
    new, olds = resolve_councils(request.old_codes, request.new_code)
    vesting = check_lineage(new, olds, request.vesting)
    repo = Repository.find(root)
    if not (repo.root / "manifests").is_dir():
        raise ScaffoldError(f"{root} is not inside a registry (no manifests/ folder)", "run it in your clone")
    git_repo = open_git(repo)
    yamls = council_files(repo)
    folders = {code: path.parent for code, path in yamls.items()}
    missing = [o for o in olds if o.register_code not in folders]
    if missing:
        raise ScaffoldError(
            f"no folder under manifests/ describes {', '.join(describe(o) for o in missing)}",
            "name only predecessor councils that have a folder (its council.yaml gives the register code)",
        )
    folder = folders.get(new.register_code, repo.root / "manifests" / new.slug)
    incoming = [(old, path) for old in olds for path in _services(folders[old.register_code])]
    existing = _services(folder) if folder.is_dir() else []
    catalogue, _ = repo.load_catalogue()
    broken = _invalid(repo, catalogue, [p for _, p in incoming], request.as_of or dt.date.today())
    if broken:
        raise ReorganiseProblems(broken)
    ids = new_ids(repo, incoming, existing, request.on_clash, choose)
    moves = tuple(move_for(council, path, folder, ids[path]) for council, path in incoming)
    old_councils = tuple(yamls[o.register_code] for o in olds)
    council_text = None
    if new.register_code not in folders:
        owners = [check_owner(o) for o in request.owners] or _owners(old_councils)
        command = f"standards reorganise {' '.join(o.register_code for o in olds)} --into {new.register_code}"
        council_text = render_council(new, owners, command)
    plan = Plan(repo, new, olds, vesting, folder, old_councils, council_text, moves)
    return plan, git_repo


# --------------------------------------------------------------------------- the moves


@dataclass(frozen=True, slots=True)
class Done:
    moved: tuple[tuple[str, str], ...]  # (from, to), as shown
    removed: tuple[str, ...]
    written: str | None  # the successor's council.yaml, when it was written
    codeowners: str | None  # .github/CODEOWNERS, when it was brought up to date


def apply(plan: Plan, git_repo: git.Repo, as_of: dt.date) -> Done:
    """Carry the plan out and stage it; on any failure, put the tree back as it was (it was clean)."""
    renamed: list[tuple[Path, Path]] = []  # restricted files Git does not track, moved by hand
    new_folder = not plan.folder.exists()
    try:
        done = _carry_out(plan, git_repo, renamed)
        catalogue, _ = plan.repo.load_catalogue()
        files = [m.target for m in plan.moves] + [p for p in plan.folder.iterdir() if p.suffix in YAML_SUFFIXES]
        broken = _invalid(plan.repo, catalogue, sorted(set(files)), as_of)
        if broken:
            raise ReorganiseProblems(broken)
        return done
    except BaseException as exc:
        git_repo.git.reset("--hard", "--quiet", "HEAD")
        for before, after in reversed(renamed):
            if after.exists():
                after.replace(before)
        if new_folder and plan.folder.is_dir() and not any(plan.folder.iterdir()):
            plan.folder.rmdir()
        if isinstance(exc, git.GitCommandError):
            raise ScaffoldError(
                f"git could not make the move: {str(exc.stderr).strip()}", "nothing was moved"
            ) from None
        raise


def _tracked(git_repo: git.Repo, path: Path) -> bool:
    return bool(git_repo.git.ls_files("--", str(path)))


def _carry_out(plan: Plan, git_repo: git.Repo, renamed: list[tuple[Path, Path]]) -> Done:
    plan.folder.mkdir(parents=True, exist_ok=True)
    moved = []
    for move in plan.moves:
        git_repo.git.mv(str(move.source), str(move.target))
        move.target.write_text(move.text, encoding="utf-8")
        git_repo.git.add(str(move.target))
        moved.append((plan.repo.display(move.source), plan.repo.display(move.target)))
        if move.restricted is not None:
            before, after, text = move.restricted
            if _tracked(git_repo, before):
                git_repo.git.mv(str(before), str(after))
            else:  # kept out of Git (restricted files usually are): moved, and put back on failure
                before.replace(after)
                renamed.append((before, after))
            after.write_text(text, encoding="utf-8")
            if _tracked(git_repo, after):
                git_repo.git.add(str(after))
    for council_yaml in plan.old_councils:
        git_repo.git.rm("--quiet", str(council_yaml))
    written = None
    if plan.council_text is not None:
        path = plan.folder / "council.yaml"
        path.write_text(plan.council_text, encoding="utf-8")
        git_repo.git.add(str(path))
        written = plan.repo.display(path)
    owners = _codeowners(plan.repo, git_repo)
    return Done(tuple(moved), tuple(plan.repo.display(p) for p in plan.old_councils), written, owners)


def _codeowners(repo: Repository, git_repo: git.Repo) -> str | None:
    """.github/CODEOWNERS rewritten for the folders as they are now, when the repository keeps one (CI checks it)."""
    path = repo.root / CODEOWNERS_PATH
    if not path.is_file():
        return None
    try:
        text = render_codeowners(repo.root)
    except OwnershipError as exc:
        raise ScaffoldError(exc.message, exc.hint) from None
    if text == path.read_text(encoding="utf-8"):
        return None
    path.write_text(text, encoding="utf-8")
    git_repo.git.add(str(path))
    return repo.display(path)
