"""The mergers the merger insight knows: every one the register records, and every `reorganisations/<name>.yaml`.

A past merger is one of the register's reorganisations (`checks.registers.reorganisations`): the
councils abolished on one vesting day, joined through the councils they became (Cumbria County
became Cumberland *and* Westmorland and Furness, so the six districts and the county are one). A file in
`reorganisations/` is a proposal, or a past merger with a **snapshot**: its constituents' services
as they stood before vesting day, in `reorganisations/<name>/<council>/` laid out as `manifests/` is
(docs/decisions/0005-pre-merger-snapshots.md). A snapshot is indexed on its own, judged the day
before vesting day against the repository's standards, and cached under `build/reorganisations/`
by a digest of everything it was built from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from checks.engine import Catalogue
from checks.models import Reorganisation
from checks.problems import Problem
from checks.registers import council_index, reorganisations, slugify
from checks.reorganisation import lookup
from checks.repository import Repository
from checks.runner import check_target
from registry import __version__
from registry.index.health import SCHEMA_VERSION

log = logging.getLogger("registry.insights")

FOLDER = "reorganisations"
CACHE = Path("build") / "reorganisations"


@dataclass(frozen=True)
class KnownMerger:
    """A merger the site has a page for: from the register, or from a reorganisation file."""

    slug: str  # the page's name: the file's stem, or the successors' names and the year
    name: str
    councils: tuple[str, ...]  # register codes (or GSS codes, as a file gives them)
    vesting: dt.date
    successors: tuple[str, ...]
    source: str  # "register" or the file's path
    sample: bool
    snapshot: Path | None  # the folder of pre-merger manifests, when there is one


class ReorganisationFileError(Exception):
    """A reorganisation file that does not pass `standards check`; its problems, located."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path, self.problems = path, problems
        lines = [f"{path}:{p.line}:{p.column}: {p.code} [error] {p.message}\n  help: {p.help}" for p in problems]
        super().__init__("\n".join(lines))


def register_mergers() -> list[KnownMerger]:
    """Every reorganisation the register records (checks.registers.reorganisations), earliest first."""
    index = council_index()
    out = []
    for r in reorganisations():
        day = dt.date.fromisoformat(r.vesting_date)
        formed = [c for c in r.successors if c not in r.predecessors]  # TAU -> SWT -> SMT: SWT is both
        names = [(index.by_register.get(c) or index.former_by_register[c]).nice_name for c in formed]
        name = " and ".join(names)
        out.append(
            KnownMerger(
                f"{slugify(name)}-{day.year}",
                f"{name} ({day.year})",
                tuple(c for c in r.predecessors if c not in formed),
                day,
                tuple(formed),
                "register",
                False,
                None,
            )
        )
    return out


def file_mergers(root: Path) -> list[KnownMerger]:
    """Every `reorganisations/*.yaml` under `root`, checked as `standards check` checks it.

    Raises ReorganisationFileError for the first file with problems, listing them all.
    """
    repo = Repository(root)
    found = []
    for path in sorted((root / FOLDER).glob("*.y*ml")) if (root / FOLDER).is_dir() else []:
        result = check_target(repo.target(path), Catalogue(), dt.date.today(), keep_document=True)
        if result.problems:
            raise ReorganisationFileError(result.path, result.problems)
        typed = Reorganisation.model_validate(result.document)
        folder = path.with_suffix("")
        snapshot = folder if folder.is_dir() else None
        found.append(
            KnownMerger(
                path.stem,
                typed.name,
                tuple(typed.councils),
                typed.vesting,
                tuple(typed.successors),
                result.path,
                typed.sample,
                snapshot,
            )
        )
    return found


def known_mergers(root: Path) -> list[KnownMerger]:
    """The files' mergers, then the register's that no file describes (same councils and vesting day)."""
    files = file_mergers(root)
    described = {(frozenset(m.councils), m.vesting) for m in files}
    return files + [m for m in register_mergers() if (frozenset(m.councils), m.vesting) not in described]


def covering(root: Path, codes: set[str]) -> KnownMerger | None:
    """The reorganisation file with a snapshot naming every council in `codes`, if any."""
    return next((m for m in file_mergers(root) if m.snapshot is not None and codes <= set(m.councils)), None)


def snapshot_index(root: Path, merger: KnownMerger) -> Path:
    """The index of a merger's snapshot, judged the day before vesting day: cached, else built."""
    from registry.index.build import build_index

    assert merger.snapshot is not None
    as_of = merger.vesting - dt.timedelta(days=1)
    digest = _digest(root, merger.snapshot, as_of)
    path = root / CACHE / f"{merger.slug}-{digest}.sqlite"
    if path.is_file():
        return path
    log.warning("indexing the snapshot %s as of %s", merger.snapshot, as_of.isoformat())
    with tempfile.TemporaryDirectory(prefix="standards-snapshot-") as tmp:
        tree = Path(tmp)
        (tree / "standards").symlink_to((root / "standards").resolve(), target_is_directory=True)
        (tree / "manifests").symlink_to(merger.snapshot.resolve(), target_is_directory=True)
        build_index(tree, path, as_of, jobs=1)
    for old in (root / CACHE).glob(f"{merger.slug}-*.sqlite"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def _digest(root: Path, snapshot: Path, as_of: dt.date) -> str:
    """What a snapshot's index depends on: its files, the standards, the date, the tool and index versions."""
    h = hashlib.sha256(f"{as_of}|{__version__}|{SCHEMA_VERSION}".encode())
    for folder in (snapshot, root / "standards"):
        for path in _files(folder):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _files(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*") if p.is_file())


class SnapshotError(Exception):
    """A snapshot whose files do not pass the checks: each invalid file's first problem, located."""


@dataclass(frozen=True)
class MergerSource:
    """Where a merger's figures come from: the repository's index, or a snapshot's (`index`)."""

    codes: tuple[str, ...]
    vesting: dt.date | None
    name: str
    index: Path | None  # None: the repository's own index


def merger_source(root: Path, codes: Sequence[str] | None, name: str | None, vesting: dt.date | None) -> MergerSource:
    """The councils, vesting day, title and index for `--councils` or `--reorganisation NAME`.

    A reorganisation file's councils and vesting day are its own (a vesting day given wins); named
    councils that a file with a snapshot covers are read from that snapshot, since the registry's
    own manifests hold no former council. Raises ValueError for an unknown name, and
    ReorganisationFileError or SnapshotError for files that do not pass the checks.
    """
    if name is not None:
        files = {m.slug: m for m in file_mergers(root)}
        if name not in files:
            known = ", ".join(sorted(files)) or f"none; add one as {FOLDER}/<name>.yaml"
            raise ValueError(f"no reorganisation '{name}' in {FOLDER}/ (there are: {known})")
        chosen = files[name]
        index = checked_snapshot(root, chosen) if chosen.snapshot is not None else None
        return MergerSource(chosen.councils, vesting or chosen.vesting, chosen.name, index)
    assert codes is not None
    wanted = {c.code for c in (lookup(code) for code in codes) if c is not None}
    found = covering(root, wanted) if any(c.status == "former" for c in map(lookup, codes) if c) else None
    return MergerSource(tuple(codes), vesting, "", checked_snapshot(root, found) if found else None)


def checked_snapshot(root: Path, merger: KnownMerger) -> Path:
    """The snapshot's index, refusing a snapshot any of whose files is invalid."""
    from registry.index.connection import connect_readonly

    path = snapshot_index(root, merger)
    conn = connect_readonly(path)
    try:
        bad = conn.execute("SELECT path, code, message, line, column FROM invalid_files ORDER BY path").fetchall()
    finally:
        conn.close()
    if bad:
        assert merger.snapshot is not None
        folder = (
            merger.snapshot.relative_to(root).as_posix() if merger.snapshot.is_relative_to(root) else merger.snapshot
        )
        lines = [
            f"{folder}/{r['path'].removeprefix('manifests/')}:{r['line']}:{r['column']}: "
            f"{r['code']} [error] {r['message']}"
            for r in bad
        ]
        raise SnapshotError("\n".join(lines))
    return path
