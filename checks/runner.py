"""Checking many files: one file at a time, or spread across processes in chunks.

Results are yielded in the order the files were given, as soon as each chunk
is done, so memory stays flat however many manifests a run covers.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from checks.changes import affected_manifests
from checks.engine import Catalogue, document_locator, evaluate_service, pin_warnings, reference_problems
from checks.loading import load_file
from checks.models import Council, Service
from checks.problems import Problem
from checks.repository import Repository, Target
from checks.results import FileResult
from checks.validation import validate

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400
CHUNK_SIZE = 128


def check_target(target: Target, catalogue: Catalogue, as_of: dt.date) -> FileResult:
    result = FileResult(path=target.display, kind=target.kind or "unknown", council=target.council)
    if target.problem is not None:
        result.problems.append(target.problem)
        return result
    doc = load_file(target.path)
    if isinstance(doc, list):
        result.problems.extend(doc)
        return result
    typed = validate(doc, target.kind)
    if isinstance(typed, list):
        result.problems.extend(typed)
        return result
    result.kind = typed.kind
    if isinstance(typed, Council):
        result.council, result.name, result.sample = typed.id, typed.name, typed.sample
        folder = target.path.absolute().parent.name
        if target.kind == "Council" and typed.id != folder:
            line, column = document_locator(doc)(("id",))
            result.problems.append(
                Problem(
                    "E304",
                    f"id '{typed.id}' does not match the folder name '{folder}'",
                    f"set `id: {folder}`",
                    line,
                    column,
                )
            )
        return result
    if not isinstance(typed, Service):
        return result
    result.service, result.name, result.sample = typed.id, typed.name, typed.sample
    stem = target.stem if target.kind == "Service" else None
    problems = reference_problems(typed, catalogue, doc, target.council, stem)
    if problems:
        result.problems.extend(problems)
        return result
    council = catalogue.councils.get(target.council) if target.council else None
    result.warnings = pin_warnings(typed, catalogue, as_of, doc)
    result.results, result.summaries = evaluate_service(typed, council, catalogue, as_of, document_locator(doc))
    return result


# Worker processes inherit these through fork, so the standards are compiled once per process.
_WORKER_STATE: dict[str, object] = {}


def _check_chunk(chunk: Sequence[Target]) -> list[FileResult]:
    catalogue = _WORKER_STATE["catalogue"]
    as_of = _WORKER_STATE["as_of"]
    assert isinstance(catalogue, Catalogue) and isinstance(as_of, dt.date)
    return [check_target(t, catalogue, as_of) for t in chunk]


def _chunks(items: Iterable[Target], size: int) -> Iterator[list[Target]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def check_targets(
    targets: Sequence[Target], catalogue: Catalogue, as_of: dt.date, jobs: int | None = None
) -> Iterator[FileResult]:
    jobs = default_jobs() if jobs is None else max(1, jobs)
    # Manifests build no reference cycles, so the cyclic collector only burns time on a long run;
    # frozen, the catalogue is never rescanned, and each file is still freed by reference counting.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    if jobs == 1 or len(targets) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        for target in targets:
            yield check_target(target, catalogue, as_of)
        return
    _WORKER_STATE.update(catalogue=catalogue, as_of=as_of)
    chunk_size = max(16, min(CHUNK_SIZE, len(targets) // (jobs * 4) or 1))
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for chunk in pool.imap(_check_chunk, _chunks(targets, chunk_size)):
            yield from chunk


def plan(
    repo: Repository, paths: Sequence[Path] | None, changed_since: str | None = None
) -> tuple[Catalogue, list[FileResult], list[Target]]:
    """The catalogue, its broken files, and the manifests to check (default: all of them).

    With `changed_since`, only the manifests a change since that ref touches; raises
    HistoryError when the ref cannot be used.
    """
    catalogue, broken = repo.load_catalogue()
    if changed_since is not None:
        affected = affected_manifests(
            repo.root,
            changed_since,
            catalogue,
            lambda: [repo.display(p) for p in repo.manifest_files()],
        )
        targets = [repo.target(repo.root / p) for p in affected.manifests]
    elif paths:
        targets = list(repo.expand(paths))
    else:
        targets = [repo.target(p) for p in repo.manifest_files()]
    # Standards, patterns and broken councils were checked while loading the catalogue.
    reported = {r.path for r in broken}
    targets = [t for t in targets if t.display not in reported and t.kind not in ("Standard", "Pattern")]
    return catalogue, broken, targets
