"""A predecessor's service in its successor's folder: its id there (clashes resolved) and its text, which says
where it came from (`inherited_from`) and keeps every other line as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from checks.loading import Document, load_file, position
from checks.problems import Problem
from checks.repository import Repository
from checks.visibility import restricted_sibling
from registry.scaffold.answers import ScaffoldError, check_service_id
from registry.scaffold.lineage import Council


class ReorganiseProblems(Exception):
    """Files the reorganisation cannot go on with, each with its problem: printed as `check` prints findings."""

    def __init__(self, problems: Sequence[tuple[str, Problem]]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


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


def move_for(council: Council, path: Path, folder: Path, new_id: str) -> Move:
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
