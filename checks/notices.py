"""What time does to the register: what newly fails since the last judged date, and what will fail soon.

A manifest that nobody touches still changes outcome as days pass: a waiver expires, evidence
reaches its age limit, a rule reading `now` (an audit or a review date) goes stale, a standard
version passes its sunset, a pattern is deprecated. Nothing here re-implements those rules: the
register is judged by the engine at the last judged date, at the as-of date and at the end of the
window, and a result that fails at the later date but not at the earlier one is a notice. Its
cause and the day it starts to fail are read from the result's own fields (the waiver's expiry,
the evidence's date and its age limit); a rule over `now` has no such field, so its day is found
by judging that one manifest again between the two dates (a stale date stays stale, so the first
failing day is where a binary search lands).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from checks.engine import Catalogue
from checks.loading import load_file
from checks.models import PatternStatus
from checks.repository import Repository, Target
from checks.restricted import Mode
from checks.results import FileResult, Outcome, RequirementResult
from checks.rules import CompiledStandard
from checks.runner import check_target, check_targets

DAY = dt.timedelta(days=1)

Key = tuple[str, str]  # (standard, requirement)


class Cause(StrEnum):
    WAIVER_EXPIRES = "waiver_expires"
    EVIDENCE_AGES = "evidence_ages"
    DATE_RULE = "date_rule"  # a rule over `now`: an audit, review or test date going stale
    STANDARD_SUNSET = "standard_sunset"
    PATTERN_DEPRECATED = "pattern_deprecated"
    PATTERN_RETIRED = "pattern_retired"


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing a council must act on, for one service."""

    service: str
    service_name: str
    path: str
    cause: Cause
    # The first day it fails (newly failing: the day it did); None for a pattern, which has no date.
    due: dt.date | None
    subject: str  # a requirement id, a standard id or a pattern id
    title: str
    level: str  # must, should or may; "" when no requirement is named
    standard: str  # the standard (and version) judged; "" for a pattern
    detail: str  # what the manifest or the catalogue says that makes it fail
    fix: str


@dataclass(slots=True)
class CouncilNotices:
    council: str
    name: str
    owners: list[str]
    sample: bool
    newly_failing: list[Notice] = field(default_factory=list)
    upcoming: list[Notice] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.newly_failing and not self.upcoming


@dataclass(slots=True)
class NoticesReport:
    since: dt.date  # the last judged date
    as_of: dt.date
    within_days: int
    councils: list[CouncilNotices]

    @property
    def until(self) -> dt.date:
        return self.as_of + dt.timedelta(days=self.within_days)


def _failing(result: FileResult) -> dict[Key, RequirementResult]:
    return {(r.standard, r.requirement): r for r in result.results if r.outcome is Outcome.FAIL}


@dataclass
class _Judged:
    """One service manifest judged at the three dates, and what time alone changed."""

    target: Target
    before: FileResult
    now: FileResult
    after: FileResult


class Judge:
    """Judges manifests at any date, remembering each (manifest, date) it has judged."""

    def __init__(self, catalogue: Catalogue, jobs: int | None, mode: Mode = Mode.PRIVATE) -> None:
        self.catalogue = catalogue
        self.jobs = jobs
        self.mode = mode
        self._one: dict[tuple[str, dt.date], FileResult] = {}

    def all(self, targets: list[Target], as_of: dt.date) -> dict[str, FileResult]:
        return {r.path: r for r in check_targets(targets, self.catalogue, as_of, self.jobs, self.mode)}

    def one(self, target: Target, as_of: dt.date) -> FileResult:
        key = (target.display, as_of)
        if key not in self._one:
            self._one[key] = check_target(target, self.catalogue, as_of, mode=self.mode)
        return self._one[key]

    def first_failing_day(self, target: Target, key: Key, passing: dt.date, failing: dt.date) -> dt.date:
        """The first day in (passing, failing] on which `key` fails for this manifest."""
        while (failing - passing).days > 1:
            middle = passing + dt.timedelta(days=(failing - passing).days // 2)
            if key in _failing(self.one(target, middle)):
                failing = middle
            else:
                passing = middle
        return failing


def compute_notices(
    repo: Repository,
    since: dt.date,
    as_of: dt.date,
    within_days: int,
    jobs: int | None = None,
    mode: Mode = Mode.PRIVATE,
) -> NoticesReport:
    """Every council's notices: what fails at `as_of` and did not at `since`, and what will fail by
    `as_of + within_days` (with the day it starts), plus services using a deprecated or retired pattern.
    With `mode` Mode.PUBLISH, each manifest is judged as the index judges it for the public record: no
    restricted file is read, and a restricted field committed to a public manifest is left out."""
    catalogue, _ = repo.load_catalogue()
    judge = Judge(catalogue, jobs, mode)
    targets = [t for t in (repo.target(p) for p in repo.manifest_files()) if t.kind == "Service"]
    until = as_of + dt.timedelta(days=within_days)
    before, now, after = (judge.all(targets, day) for day in (since, as_of, until))
    councils = {
        c.id: CouncilNotices(c.id, c.name, list(c.owners), c.sample)
        for c in sorted(catalogue.councils.values(), key=lambda c: c.id)
    }
    for target in targets:
        judged = _Judged(target, before[target.display], now[target.display], after[target.display])
        if not judged.now.valid or judged.now.council not in councils:
            continue  # an invalid file fails its check already; its notices start once it is fixed
        entry = councils[judged.now.council]
        entry.newly_failing += _changed(judge, judged, since, as_of, newly=True)
        entry.upcoming += _changed(judge, judged, as_of, until, newly=False)
        new_sunsets, soon_sunsets = _sunsets(catalogue, judged, since, as_of, until)
        entry.newly_failing += new_sunsets
        entry.upcoming += soon_sunsets
        entry.upcoming += _patterns(catalogue, judged.now, target)
    for entry in councils.values():
        entry.newly_failing.sort(key=_order)
        entry.upcoming.sort(key=_order)
    return NoticesReport(since, as_of, within_days, list(councils.values()))


def _order(notice: Notice) -> tuple[object, ...]:
    return (notice.due or dt.date.max, notice.service, notice.cause, notice.subject)


def _changed(judge: Judge, judged: _Judged, start: dt.date, end: dt.date, *, newly: bool) -> Iterator[Notice]:
    """Requirements that fail at `end` but not at `start`, each with its cause and first failing day."""
    earlier, later = (judged.before, judged.now) if newly else (judged.now, judged.after)
    if not later.valid or not earlier.valid:
        return
    was = {(r.standard, r.requirement): r for r in earlier.results}
    failing_before = _failing(earlier)
    for key, result in _failing(later).items():
        if key in failing_before:
            continue
        yield _requirement_notice(judge, judged.target, later, was.get(key), result, start, end)


def _requirement_notice(
    judge: Judge,
    target: Target,
    later: FileResult,
    was: RequirementResult | None,
    result: RequirementResult,
    start: dt.date,
    end: dt.date,
) -> Notice:
    requirement = judge.catalogue.requirement(result.standard, result.version, result.requirement)
    fix = requirement.requirement.fix if requirement else ""
    cause, due, detail = _cause(was, requirement.evidence_max_age if requirement else None, start, end)
    if cause is Cause.DATE_RULE:
        due = judge.first_failing_day(target, (result.standard, result.requirement), start, end)
        detail = result.detail or result.title
    elif cause is Cause.WAIVER_EXPIRES:
        fix = f"{fix} Or, if there is still good reason, renew the waiver with a new reason and expiry date."
    else:
        fix = (
            f"Re-confirm it: check that what `evidence.{result.requirement}` describes still holds, "
            f"then set its `date` to the day you checked (and update its `url` or `note`)."
        )
    return Notice(
        later.service or "",
        later.name or "",
        later.path,
        cause,
        due,
        result.requirement,
        result.title,
        result.level,
        f"{result.standard} {result.version}",
        detail,
        fix,
    )


def _cause(
    was: RequirementResult | None, age_limit: int | None, start: dt.date, end: dt.date
) -> tuple[Cause, dt.date | None, str]:
    """Why a result that held at `start` fails by `end`, from the fields of the result that held."""
    if was is not None and was.outcome is Outcome.WAIVED and was.waiver is not None:
        expires = was.waiver.expires
        if start < expires + DAY <= end:
            return (
                Cause.WAIVER_EXPIRES,
                expires + DAY,
                f"waiver approved by {was.waiver.approved_by} covers it until {expires}",
            )
    evidence = was.evidence if was is not None else None
    if evidence is not None and evidence.date is not None and age_limit is not None:
        due = evidence.date + dt.timedelta(days=age_limit) + DAY
        if start < due <= end:
            return (
                Cause.EVIDENCE_AGES,
                due,
                f"evidence dated {evidence.date} counts until {due - DAY} ({age_limit}-day limit)",
            )
    return Cause.DATE_RULE, None, ""


def _judged_versions(catalogue: Catalogue, result: FileResult) -> Iterable[CompiledStandard]:
    loaded = {(c.id, c.standard.version): c for c in catalogue.loaded_versions()}
    for summary in result.summaries:
        compiled = loaded.get((summary.standard, summary.version))
        if compiled is not None:
            yield compiled


def _sunsets(
    catalogue: Catalogue, judged: _Judged, since: dt.date, as_of: dt.date, until: dt.date
) -> tuple[list[Notice], list[Notice]]:
    """A standard version the service is judged against that passes its sunset: newly, or within the window.

    After its sunset a standard stops applying unless pinned, and a pin to it is warned about (W003).
    """
    newly: list[Notice] = []
    soon: list[Notice] = []
    seen: set[str] = set()
    for result in (judged.before, judged.now):
        for compiled in _judged_versions(catalogue, result):
            standard = compiled.standard
            if standard.sunset is None or standard.id in seen:
                continue
            seen.add(standard.id)
            due = standard.sunset + DAY
            current = catalogue.standards[standard.id].standard
            fix = (
                f"Move to the current version ({current.version}): see what changed with "
                f"`standards diff {standard.id} {standard.version} {current.version}`, then update `conforms_to`."
                if current.version != standard.version
                else "Read the standard's summary for what replaces it, and update `conforms_to` before the date."
            )
            notice = Notice(
                judged.now.service or "",
                judged.now.name or "",
                judged.now.path,
                Cause.STANDARD_SUNSET,
                due,
                standard.id,
                standard.title,
                "",
                f"{standard.id} {standard.version}",
                f"{standard.id} {standard.version} reaches its sunset on {standard.sunset}",
                fix,
            )
            if since < due <= as_of:
                newly.append(notice)
            elif as_of < due <= until:
                soon.append(notice)
    return newly, soon


def _patterns(catalogue: Catalogue, result: FileResult, target: Target) -> Iterator[Notice]:
    """A service using a deprecated or retired pattern is told which pattern replaces it."""
    for pattern_id in _declared_patterns(target):
        pattern = catalogue.patterns.get(pattern_id)
        if pattern is None or pattern.status == PatternStatus.ACTIVE:
            continue
        successor = catalogue.patterns.get(pattern.successor or "")
        to = f"{successor.name} (`{successor.id}`, {successor.url})" if successor else "its successor"
        retired = pattern.status == PatternStatus.RETIRED
        yield Notice(
            result.service or "",
            result.name or "",
            result.path,
            Cause.PATTERN_RETIRED if retired else Cause.PATTERN_DEPRECATED,
            None,
            pattern.id,
            pattern.name,
            "",
            "",
            f"{pattern.name} is {pattern.status}" + (f"; its successor is {successor.name}" if successor else ""),
            f"Move to {to}, then replace `{pattern.id}` with `{pattern.successor}` under `patterns`."
            if successor
            else f"Plan the move away from {pattern.name} and remove `{pattern.id}` from `patterns`.",
        )


def _declared_patterns(target: Target) -> list[str]:
    doc = load_file(target.path)
    if isinstance(doc, list) or not isinstance(doc.data, dict):
        return []
    patterns = doc.data.get("patterns")
    return [p for p in patterns if isinstance(p, str)] if isinstance(patterns, list) else []
