"""Checking many files: one file at a time, or spread across processes in chunks.

Results are yielded in the order the files were given, as soon as each chunk
is done, so memory stays flat however many manifests a run covers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from checks.cache import ResultCache
from checks.cache_codec import Stored, stored
from checks.changes import affected_manifests
from checks.engine import Catalogue, document_locator, evaluate_service
from checks.identity import council_problems, lgsl_problems, load_registers
from checks.loading import Document, load_file
from checks.models import Council, Reorganisation, RestrictedService, Service
from checks.problems import Problem, capped
from checks.profile import phase
from checks.references import pin_warnings, reference_problems
from checks.reorganisation import reorganisation_problems
from checks.repository import Repository, Target, absolute_text
from checks.restricted import (
    Mode,
    attestation_problems,
    attestation_warnings,
    load_sibling,
    merged,
    public_document,
    redact,
    restricted_field_problems,
    restricted_file_problems,
)
from checks.results import FileResult
from checks.settings import SettingsError
from checks.timespan import stable_until
from checks.validation import validate
from checks.worker_pool import in_workers

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400
CHUNK_SIZE = 48
LOOKUP_BATCH = 256  # files looked up in the result cache per query (well under SQLite's 999 parameters)


def check_target(
    target: Target, catalogue: Catalogue, as_of: dt.date, keep_document: bool = False, mode: Mode = Mode.PRIVATE
) -> FileResult:
    result = FileResult(path=target.display, kind=target.kind or "unknown", council=target.council)
    if target.problem is not None:
        result.problems.append(target.problem)
        return result
    if target.kind == "RestrictedService" and mode is not Mode.PRIVATE:
        # Not even parsed: a public check has no business reading it.
        result.problems.extend(restricted_file_problems(target.path, mode, None))
        return result
    doc = load_file(target.path)
    if isinstance(doc, list):
        result.problems.extend(doc)
        return result
    if mode is Mode.PUBLISH and target.kind == "Service" and isinstance(doc.data, dict):
        # Committed by mistake: the index leaves it out rather than publish it (the build log says so).
        doc.data, result.redacted = redact(doc.data, catalogue)
    with phase("validate"):
        typed = validate(doc, target.kind)
    if isinstance(typed, list):
        result.problems.extend(typed)
        return result
    result.kind = typed.kind
    if isinstance(typed, RestrictedService):
        result.problems.extend(restricted_file_problems(target.path, mode, typed.id))
        return result
    if keep_document:
        result.document = typed.model_dump(mode="json")
        if mode is not Mode.PRIVATE and isinstance(typed, Service):
            result.document = public_document(result.document, catalogue)
    if isinstance(typed, Council):
        result.council, result.name, result.sample = typed.id, typed.name, typed.sample
        folder = target.path.absolute().parent.name
        locate = document_locator(doc)
        if target.kind == "Council" and typed.id != folder:
            line, column = locate(("id",))
            result.problems.append(
                Problem(
                    "E304",
                    f"id '{typed.id}' does not match the folder name '{folder}'",
                    f"set `id: {folder}`",
                    line,
                    column,
                )
            )
        result.problems.extend(council_problems(typed, locate, as_of))
        return result
    if isinstance(typed, Reorganisation):
        result.problems.extend(reorganisation_problems(typed, document_locator(doc)))
        return result
    if not isinstance(typed, Service):
        return result
    stem = target.stem if target.kind == "Service" else None
    sibling = load_sibling(target.path) if mode is Mode.PRIVATE and target.kind == "Service" else None
    with phase("references"):  # what check_service does besides the context, rules and positions timed inside it
        return check_service(typed, doc, catalogue, as_of, result, stem, sibling)


def check_service(
    service: Service,
    doc: Document,
    catalogue: Catalogue,
    as_of: dt.date,
    result: FileResult,
    stem: str | None,
    restricted: tuple[Document, str] | None = None,
    inline: bool | None = None,
) -> FileResult:
    """A validated service manifest's references, warnings and results, filled into `result`.

    Shared by files on disk and by manifests posted to the API (which have no file name).
    `restricted` is the restricted file beside it and that file's digest, when a private check read one;
    `inline` says the manifest holds its restricted facts itself (by default, the standards' examples).
    """
    result.service, result.name, result.sample = service.id, service.name, service.sample
    # The standards' examples teach every rule on one page, so they hold restricted facts themselves.
    inline = result.council == "examples" if inline is None else inline
    # Capped like shape problems: thousands of bad references must not swamp a report.
    problems = [] if inline else restricted_field_problems(doc, catalogue, stem or service.id)
    file_digest = restricted[1] if restricted else None
    problems += attestation_problems(service, doc, catalogue, as_of, file_digest, stem or service.id)
    if restricted is not None and not problems:
        service = Service.model_validate(merged(doc.data, restricted[0].data))
    result.stable_until = stable_until(service, catalogue, as_of)
    problems = capped([*problems, *reference_problems(service, catalogue, doc, result.council, stem)])
    problems += lgsl_problems(service, document_locator(doc))
    if problems:
        result.problems.extend(problems)
        return result
    council = catalogue.councils.get(result.council) if result.council else None
    result.warnings = [*pin_warnings(service, catalogue, as_of, doc), *attestation_warnings(service, doc, catalogue)]
    result.results, result.summaries = evaluate_service(
        service, council, catalogue, as_of, document_locator(doc), inline or restricted is not None
    )
    return result


# Worker processes inherit these through fork, so the standards are compiled once per process.
_WORKER_STATE: dict[str, object] = {}

Item = Target | Path


@dataclass
class Plan:
    """What a run checks: the catalogue, its broken files, and the manifests, produced lazily.

    `items` is an iterable so that a run over 100,000 manifests never holds them all;
    plain paths become Targets in whichever process checks them.
    """

    repo: Repository
    catalogue: Catalogue
    broken: list[FileResult]
    items: Iterable[Item]
    count: Callable[[], int]
    skip: frozenset[str] = field(default_factory=frozenset)
    keep_documents: bool = False
    mode: Mode = Mode.PRIVATE
    # Renders a file's output (report text, index rows) where it was checked, so the parent only writes; the
    # per-requirement results are then dropped rather than sent back (summaries are kept).
    prerender: Callable[[FileResult], Any] | None = None
    # Why the run cannot go ahead (standards.toml names no release, no manifests/ to check): reported
    # like broken files, and the run checks nothing.
    blocking: list[FileResult] = field(default_factory=list)
    # Results kept from earlier runs (checks/cache.py), with the key of what this run's results depend on.
    cache: ResultCache | None = None
    scope: str = ""


def _target(item: Item, plan: Plan) -> Target | None:
    """The item as a target, or None when the run does not check it."""
    target = item if isinstance(item, Target) else plan.repo.target(item)
    # Standards, patterns and broken council files were reported while loading the catalogue.
    if target.display in plan.skip or target.kind in ("Standard", "Pattern"):
        return None
    if target.kind == "RestrictedService" and plan.mode is Mode.PUBLISH:
        return None  # a council's own copy in its working tree: never read for the index
    return target


def _check_item(item: Item, plan: Plan, as_of: dt.date) -> FileResult | None:
    target = _target(item, plan)
    if target is None:
        return None
    result = check_target(target, plan.catalogue, as_of, plan.keep_documents, plan.mode)
    if plan.prerender is not None:
        with phase("render"):
            result.rendered = plan.prerender(result)
        result.results = []
    return result


def _check_chunk(chunk: Sequence[Item]) -> list[Any]:
    plan, as_of = _WORKER_STATE["plan"], _WORKER_STATE["as_of"]
    assert isinstance(plan, Plan) and isinstance(as_of, dt.date)
    if plan.cache is not None:
        return [_check_to_store(item, plan, as_of) for item in chunk]
    return [_check_item(item, plan, as_of) for item in chunk]


def _check_to_store(item: Item, plan: Plan, as_of: dt.date) -> tuple[FileResult, Stored] | None:
    """A result and its encoding for the cache, both made where it was checked."""
    result = _check_item(item, plan, as_of)
    return None if result is None else (result, stored(result))


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_plan(plan: Plan, as_of: dt.date, jobs: int | None = None) -> Generator[FileResult, None, None]:
    """Results in the order of `plan.items`, streamed; large runs are spread over processes."""
    # Told how many processes to use, a cached run starts them even when little is left to check.
    adaptive = jobs is None
    jobs = default_jobs() if jobs is None else max(1, jobs)
    load_registers()  # before freezing and forking, so every worker shares the one copy
    # Manifests build no reference cycles, so the cyclic collector only burns time on a long run;
    # frozen, the catalogue is never rescanned, and each file is still freed by reference counting.
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    if plan.cache is not None:
        yield from _run_cached(plan, plan.cache, as_of, jobs, adaptive)
        return
    iterator = iter(plan.items)
    head = list(islice(iterator, PARALLEL_THRESHOLD))
    serial = jobs == 1 or len(head) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods()
    if serial:
        for item in chain(head, iterator):
            result = _check_item(item, plan, as_of)
            if result is not None:
                yield result
        return
    _WORKER_STATE.update(plan=plan, as_of=as_of)
    # Closed with this generator, not when collected: the workers stop as soon as the caller does.
    with contextlib.closing(in_workers(_chunks(chain(head, iterator), CHUNK_SIZE), jobs, _check_chunk)) as batches:
        for results in batches:
            yield from (r for r in results if r is not None)


# A file looked up in the cache: its target and key, and its result when the cache had one.
Looked = tuple[Target, str, FileResult | None]


def _looked_up(items: Iterable[Item], plan: Plan, cache: ResultCache, as_of: dt.date) -> Iterator[Looked]:
    # A batch at a time: the cache reads each batch's digests and results in one query apiece.
    for batch in _chunks(items, LOOKUP_BATCH):
        targets = [target for item in batch if (target := _target(item, plan)) is not None]
        cache.prefetch_digests(absolute_text(target.path) for target in targets)
        keys = [cache.key(plan.scope, target, plan.mode) for target in targets]
        cache.prefetch_results(keys, as_of)
        for target, key in zip(targets, keys, strict=True):
            yield target, key, cache.get(key, as_of)


def _run_cached(plan: Plan, cache: ResultCache, as_of: dt.date, jobs: int, adaptive: bool) -> Iterator[FileResult]:
    """run_plan with a cache: hits come from it, misses are checked (in workers when there are many)
    and stored; results still come in the order of `plan.items`."""
    looked = _looked_up(plan.items, plan, cache, as_of)
    head = list(islice(looked, PARALLEL_THRESHOLD))
    # By default, spread over processes only when there is much to check: a warm run is faster without.
    many = len(head) >= PARALLEL_THRESHOLD
    if adaptive:
        many = many and sum(1 for _, _, hit in head if hit is None) >= PARALLEL_THRESHOLD // 8
    if jobs == 1 or not many or "fork" not in multiprocessing.get_all_start_methods():
        for target, key, hit in chain(head, looked):
            found = (hit, None) if hit is not None else _check_to_store(target, plan, as_of)
            if found is not None:
                if found[1] is not None:
                    cache.put(key, as_of, found[1])
                yield found[0]
        return
    sent: deque[list[Looked]] = deque()

    def to_check() -> Iterator[list[Item]]:
        for chunk in _chunks_of(chain(head, looked), CHUNK_SIZE):
            sent.append(chunk)
            yield [target for target, _, hit in chunk if hit is None]

    _WORKER_STATE.update(plan=plan, as_of=as_of)
    with contextlib.closing(in_workers(to_check(), jobs, _check_chunk)) as batches:
        for checked in batches:
            fresh: Iterator[tuple[FileResult, Stored] | None] = iter(checked)
            for _, key, hit in sent.popleft():
                found = (hit, None) if hit is not None else next(fresh)
                if found is not None:
                    if found[1] is not None:
                        cache.put(key, as_of, found[1])
                    yield found[0]


def _chunks_of(looked: Iterable[Looked], size: int) -> Iterator[list[Looked]]:
    iterator = iter(looked)
    while chunk := list(islice(iterator, size)):
        yield chunk


def check_targets(
    targets: Sequence[Target],
    catalogue: Catalogue,
    as_of: dt.date,
    jobs: int | None = None,
    mode: Mode = Mode.PRIVATE,
) -> Iterator[FileResult]:
    """Check an explicit list of targets (used by lint's blast radius, notices and tests)."""
    # Targets are already resolved, so the repository is only a placeholder here.
    plan = Plan(Repository(Path.cwd()), catalogue, [], targets, lambda: len(targets), mode=mode)
    return run_plan(plan, as_of, jobs)


def no_manifests(repo: Repository) -> FileResult:
    problem = Problem(
        "E116",
        "there is no manifests/ folder to check",
        f"run from the root of the repository (this is {repo.root}), which keeps each council's council.yaml and "
        "services in manifests/<council>/ (`standards new council CODE` starts one)",
    )
    return FileResult("manifests/", "unknown", problems=[problem])


def plan(repo: Repository, paths: Sequence[Path] | None, changed_since: str | None = None) -> Plan:
    """The catalogue, its broken files, and the manifests to check (default: all of them).

    With `changed_since`, only the manifests a change since that ref touches; raises
    HistoryError when the ref cannot be used.
    """
    try:
        catalogue, broken = repo.load_catalogue()
    except SettingsError as exc:
        return Plan(repo, Catalogue(), [], [], lambda: 0, blocking=[exc.result])
    if not paths and not (repo.root / "manifests").is_dir():
        return Plan(repo, catalogue, broken, [], lambda: 0, blocking=[no_manifests(repo)])
    skip = frozenset(r.path for r in broken)
    if changed_since is not None:
        affected = affected_manifests(
            repo.root, changed_since, catalogue, lambda: [repo.display(p) for p in repo.iter_manifest_files()]
        )
        items: list[Item] = [repo.root / p for p in affected.manifests]
        return Plan(repo, catalogue, broken, items, lambda: len(items), skip)
    if paths:
        targets: list[Item] = list(repo.expand(paths))
        return Plan(repo, catalogue, broken, targets, lambda: len(targets), skip)
    return Plan(repo, catalogue, broken, repo.iter_manifest_files(), repo.count_manifest_files, skip)
