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
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import git

from checks.engine import Catalogue
from checks.identity import former_council
from checks.loading import Document, load_file, position
from checks.problems import Problem
from checks.registers import (
    CouncilEntry,
    FormerCouncil,
    find_council,
    find_former_council,
    predecessors,
    successors,
    suggest_councils,
)
from checks.repository import YAML_SUFFIXES, Repository
from checks.runner import check_target
from checks.visibility import is_restricted_file, restricted_sibling
from registry.scaffold.answers import ScaffoldError, check_owner, check_service_id
from registry.scaffold.codeowners import CODEOWNERS_PATH, OwnershipError, render_codeowners
from registry.scaffold.council import render_council


class ReorganiseProblems(Exception):
    """Files the reorganisation cannot go on with, each with its problem: printed as `check` prints findings."""

    def __init__(self, problems: Sequence[tuple[str, Problem]]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


Council = CouncilEntry | FormerCouncil


@dataclass(frozen=True, slots=True)
class Clash:
    """A service whose id is already taken in the successor's folder (or by another predecessor's service)."""

    source: str  # the manifest, as shown
    council: Council
    folder: str  # the predecessor's folder name: what `prefix` and `suffix` add
    service: str
    taken_by: str  # the manifest that holds the id already, as shown

    def renamed(self, strategy: str) -> str:
        return f"{self.folder}-{self.service}" if strategy == "prefix" else f"{self.service}-{self.folder}"


@dataclass(frozen=True, slots=True)
class Move:
    source: Path
    target: Path
    text: str  # the manifest as it will read in its new place
    restricted: tuple[Path, Path, str] | None  # its restricted file: from, to, new text


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


# --------------------------------------------------------------------------- the councils and the date


def _describe(council: Council) -> str:
    return f"{council.name} ({council.register_code})"


def resolve_council(code: str) -> Council:
    found: Council | None = find_council(code) or find_former_council(code)
    if found is not None:
        return found
    guesses = "\n".join(f"  {e.describe()}" for e in suggest_councils(code))
    raise ScaffoldError(
        f"no UK council, current or former, has the code '{code.strip()}'",
        f"did you mean:\n{guesses}" if guesses else "give a GSS code (E07000026) or a register code (ALL)",
    )


def resolve_councils(old_codes: Sequence[str], new_code: str) -> tuple[CouncilEntry, tuple[Council, ...]]:
    """The successor (a current council) and the predecessors, each named once and none of them the successor."""
    if not old_codes:
        raise ScaffoldError("name at least one predecessor council", "e.g. standards reorganise ALL CAR --into CBD")
    new = resolve_council(new_code)
    if isinstance(new, FormerCouncil):
        message, hint = former_council(new)
        raise ScaffoldError(f"cannot reorganise into a former council: {message}", hint)
    olds = [resolve_council(code) for code in old_codes]
    named = Counter(c.register_code for c in olds)
    twice = [c for c in dict.fromkeys(olds) if named[c.register_code] > 1]
    if twice:
        spelt = [code for code in old_codes if resolve_council(code) == twice[0]]
        raise ScaffoldError(
            f"{_describe(twice[0])} is named twice ({' and '.join(spelt)})",
            "name each predecessor council once",
        )
    if new in olds:
        raise ScaffoldError(
            f"{_describe(new)} cannot be a predecessor of itself",
            f"name the councils merging into {new.register_code}, without {new.register_code}",
        )
    return new, tuple(olds)


def check_lineage(new: CouncilEntry, olds: Sequence[Council], vesting: dt.date | None) -> dt.date:
    """The vesting day: given, or the register's for a merger it records; never before a predecessor began."""
    recorded = {s.predecessor for s in predecessors(new.register_code, transitive=True)}
    for old in olds:
        if isinstance(old, FormerCouncil) and old.register_code not in recorded:
            went = " and ".join(entry.name for entry in map(find_council, old.successors) if entry)
            raise ScaffoldError(
                f"{_describe(old)} did not become {new.name}: the register says its area is served by {went} now",
                f"reorganise it into its successor: standards reorganise {old.register_code} --into "
                f"{' or '.join(old.successors)}",
            )
    if vesting is None:
        unrecorded = [o for o in olds if o.register_code not in recorded]
        if unrecorded or not new.start_date:
            raise ScaffoldError(
                f"the register records no merger of {', '.join(o.register_code for o in unrecorded or olds)} "
                f"into {new.register_code}, so it has no vesting day for it",
                "give the day the new council takes over with --vesting YYYY-MM-DD",
            )
        vesting = dt.date.fromisoformat(new.start_date)
    for old in olds:
        if old.start_date and vesting < dt.date.fromisoformat(old.start_date):
            raise ScaffoldError(
                f"vesting date {vesting} is before {_describe(old)} existed: it began on {old.start_date}",
                f"give a vesting date on or after {old.start_date} with --vesting YYYY-MM-DD",
            )
    return vesting


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


# --------------------------------------------------------------------------- ids and texts

Choose = Callable[[Clash, set[str]], str]  # asks which id a clashing service takes (the ids taken)


def _id_position(path: Path) -> tuple[int, int]:
    doc = load_file(path)
    if isinstance(doc, Document):
        node, found = doc.node_at(("id",))
        if found:
            return position(node)
    return 1, 1


def _clash_problem(clash: Clash, path: Path) -> tuple[str, Problem]:
    line, column = _id_position(path)
    return clash.source, Problem(
        "E317",
        f"service id '{clash.service}' from {clash.council.register_code} is already taken in the successor's "
        f"folder, by {clash.taken_by}",
        f"pass --on-clash prefix to make it {clash.renamed('prefix')} (or --on-clash suffix: "
        f"{clash.renamed('suffix')}), or run at a terminal to choose a new id",
        line,
        column,
    )


def new_ids(
    repo: Repository,
    incoming: Sequence[tuple[Council, Path]],
    existing: Sequence[Path],
    on_clash: str | None,
    choose: Choose | None,
) -> dict[Path, str]:
    """Each incoming manifest's id in the successor's folder: its own, unless another service has it there."""
    holders: dict[str, list[str]] = {}
    for path in [*existing, *(p for _, p in incoming)]:
        holders.setdefault(path.stem, []).append(repo.display(path))
    taken = {p.stem for p in existing}
    ids: dict[Path, str] = {}
    clashes: list[tuple[Clash, Path]] = []
    for council, path in incoming:
        others = [h for h in holders[path.stem] if h != repo.display(path)]
        if not others:
            ids[path] = path.stem
            continue
        clashes.append((Clash(repo.display(path), council, path.parent.name, path.stem, others[0]), path))
    taken |= set(ids.values())
    if clashes and on_clash is None and choose is None:
        raise ReorganiseProblems([_clash_problem(c, p) for c, p in clashes])
    for clash, path in clashes:
        wanted = choose(clash, taken) if on_clash is None and choose else clash.renamed(on_clash or "prefix")
        if wanted in taken:
            raise ScaffoldError(
                f"{clash.source} cannot become '{wanted}': that id is taken in the successor's folder too",
                "rename one of them first and commit, or choose another --on-clash",
            )
        ids[path] = check_service_id(wanted)
        taken.add(wanted)
    return ids


_ID_LINE = re.compile(r"^id:[ \t]*(['\"]?)[a-z0-9-]+\1[ \t]*(#.*)?$")
_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*:")


def with_inheritance(text: str, new_id: str, council: str, service: str | None) -> str:
    """A manifest's text with its id set and `inherited_from` saying where it came from, every other line kept.

    A service inherited once before (Taunton Deane to Somerset West and Taunton, then to Somerset)
    names the council it comes from now; Git keeps the earlier steps. `service` None (a restricted
    file, which has no `inherited_from`) sets the id only.
    """
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("inherited_from:")), None)
    if start is not None:
        end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
        lines = lines[:start] + lines[end:]
    at = next((i for i, line in enumerate(lines) if _ID_LINE.match(line.rstrip("\r\n"))), None)
    if at is None:
        raise ScaffoldError("it has no `id:` line at the top level to rename", "write the id as `id: <id>` on a line")
    block = [f"id: {new_id}\n"]
    if service is not None:
        block += ["inherited_from:\n", f"  council: {council}\n", f"  service: {service}\n"]
    return "".join([*lines[:at], *block, *lines[at + 1 :]])


def _rewritten(path: Path, new_id: str, council: str, service: str | None) -> str:
    try:
        return with_inheritance(path.read_text(encoding="utf-8"), new_id, council, service)
    except ScaffoldError as exc:
        raise ScaffoldError(f"manifests/{path.parent.name}/{path.name}: {exc.message}", exc.hint) from None


def _move(council: Council, path: Path, folder: Path, new_id: str) -> Move:
    target = folder / f"{new_id}{path.suffix}"
    text = _rewritten(path, new_id, council.register_code, path.stem)
    secret = restricted_sibling(path)
    restricted = None
    if secret.is_file():
        after = restricted_sibling(target)
        if after.exists():
            raise ScaffoldError(
                f"manifests/{folder.name}/{after.name} is in the way of {path.parent.name}/{secret.name}",
                "a restricted file with no manifest beside it: remove it (or give it its manifest) first",
            )
        restricted = (secret, after, _rewritten(secret, new_id, council.register_code, None))
    return Move(path, target, text, restricted)


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
            f"no folder under manifests/ describes {', '.join(_describe(o) for o in missing)}",
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
    moves = tuple(_move(council, path, folder, ids[path]) for council, path in incoming)
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
