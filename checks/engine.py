"""Running one service manifest against the standards that apply to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from checks import says as plain
from checks.attestation import attestation_result
from checks.celcontext import Activation, build_context
from checks.detail import check_detail
from checks.history import matches_spec, version_key
from checks.loading import Document, NodePath
from checks.models import Council, Pattern, Service, Standard, Status, Waiver
from checks.profile import phase
from checks.releases import VersionSource
from checks.results import EvidenceUsed, Outcome, RequirementResult, StandardSummary, WaiverNote
from checks.rules import CompiledRequirement, CompiledStandard, RuleError, compile_standard, fields_read
from checks.visibility import carried_visibility

Locate = Callable[[NodePath], tuple[int, int]]


@dataclass
class Catalogue:
    """Everything a manifest can refer to: standards (compiled), patterns and councils."""

    standards: dict[str, CompiledStandard] = field(default_factory=dict)
    patterns: dict[str, Pattern] = field(default_factory=dict)
    councils: dict[str, Council] = field(default_factory=dict)
    # Where pinned versions come from: Git history, then the releases packaged with the tool.
    version_source: VersionSource | None = None
    # (standard id, pin) -> the compiled older version, or why it is not available.
    _pinned: dict[tuple[str, str], CompiledStandard | str] = field(default_factory=dict)
    _sections: frozenset[str] | None = None
    _sections_known: bool = False
    _resolved: dict[tuple[str, str], CompiledStandard | str] = field(default_factory=dict)
    _known: frozenset[str] | None = None
    _by_id: dict[tuple[str, str, str], CompiledRequirement] | None = None
    _restricted: dict[str, str] | None = None
    _restricted_ids: frozenset[str] | None = None

    def service_sections(self) -> frozenset[str] | None:
        """The top-level manifest fields any rule reads; None when some rule may read any field."""
        if not self._sections_known:
            self._sections = fields_read(self.loaded_versions())
            self._sections_known = True
        return self._sections

    def pinned(self, standard_id: str, spec: str | int) -> CompiledStandard | str:
        """The version of a standard a manifest pins: the current one, an older one, or why it is not available."""
        # Asked several times per manifest, and parsing versions is not free: answer each pin once.
        key = (standard_id, str(spec))
        found = self._resolved.get(key)
        if found is not None:
            return found
        current = self.standards[standard_id]
        if matches_spec(current.standard.version, spec):
            found = current
        else:
            found = self._pinned[key] = self._from_history(standard_id, spec, current.standard.version)
            # An older version may read other fields and holds other requirements: work both out again.
            self._sections_known = False
            self._by_id = self._restricted = None
        self._resolved[key] = found
        return found

    def restricted_fields(self) -> dict[str, str]:
        """Every restricted field (dotted; `evidence.ID` for a restricted requirement's evidence) with a
        restricted requirement that reads it, from the rules of every loaded version."""
        if self._restricted is None:
            versions = self.loaded_versions()
            self._restricted = {p: r for c in reversed(versions) for p, r in (c.restricted_fields() or {}).items()}
            self._restricted_ids = frozenset(r.requirement.id for c in versions for r in c.requirements if r.restricted)
        return self._restricted

    def restricted_requirements(self) -> frozenset[str]:
        self.restricted_fields()
        assert self._restricted_ids is not None
        return self._restricted_ids

    def known_requirements(self) -> frozenset[str]:
        if self._known is None:
            self._known = frozenset(self.requirement_ids())
        return self._known

    def removed_standard(self, standard_id: str) -> str | None:
        """For a standard no longer in the tree: which version was last, from Git history or the releases."""
        found = self.version_source.versions(standard_id) if self.version_source is not None else []
        if not found:
            return None
        last = found[-1]
        return f"its last version was {last.version} (first committed {last.date.date().isoformat()})"

    def _from_history(self, standard_id: str, spec: str | int, current: str) -> CompiledStandard | str:
        if self.version_source is None:
            return unavailable_pin(standard_id, spec, current, [])
        found = self.version_source.find(standard_id, spec)
        if found is None or found.standard is None:
            known = [v.version for v in self.version_source.versions(standard_id)]
            return unavailable_pin(standard_id, spec, current, known, self.version_source.history_missing())
        return compile_standard(carried_visibility(found.standard, self.standards[standard_id].standard))

    @classmethod
    def build(
        cls, standards: Iterable[Standard], patterns: Iterable[Pattern], councils: Iterable[Council]
    ) -> Catalogue:
        return cls(
            standards={s.id: compile_standard(s) for s in standards},
            patterns={p.id: p for p in patterns},
            councils={c.id: c for c in councils},
        )

    def requirement(self, standard_id: str, version: str, requirement_id: str) -> CompiledRequirement | None:
        """A requirement as it stood in the version of its standard a result was judged against."""
        # Reporters ask once per finding: index every loaded version's requirements once.
        if self._by_id is None:
            self._by_id = {
                (compiled.id, compiled.standard.version, r.requirement.id): r
                for compiled in self.loaded_versions()
                for r in (*compiled.requirements, *([compiled.attestation] if compiled.attestation else []))
            }
        return self._by_id.get((standard_id, version, requirement_id))

    def loaded_versions(self) -> list[CompiledStandard]:
        """The current standards and every older version a manifest's pin has loaded so far."""
        return [*self.standards.values(), *(p for p in self._pinned.values() if not isinstance(p, str))]

    def requirements_for(self, service: Service) -> frozenset[str]:
        """Requirement ids a manifest may name in waivers and evidence: those of the current standards
        and of any older version it pins."""
        known = self.known_requirements()
        extra: set[str] = set()
        for conformance in service.conforms_to:
            if conformance.standard not in self.standards:
                continue
            pinned = self.pinned(conformance.standard, conformance.version)
            if not isinstance(pinned, str) and pinned is not self.standards[conformance.standard]:
                extra.update(r.requirement.id for r in pinned.requirements)
        return known | extra if extra else known

    def requirement_ids(self) -> list[str]:
        return [r.requirement.id for s in self.standards.values() for r in s.requirements]


def unavailable_pin(
    standard_id: str, spec: str | int, current: str, known: list[str], missing: str | None = None
) -> str:
    """Why a pin names no version there is (E305), with the versions there are."""
    versions = ", ".join(sorted({*known, current}, key=version_key))
    return (
        f"{standard_id} version {spec} is not available: the standard is at {current}, and neither Git history "
        f"nor the tool's releases have that version (versions: {versions})" + (f"; {missing}" if missing else "")
    )


def document_locator(doc: Document) -> Locate:
    def locate(path: NodePath) -> tuple[int, int]:
        with phase("positions"):
            return doc.place(path)

    return locate


def _field_path(dotted: str | None) -> NodePath:
    if not dotted:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in dotted.split("."))


def applicable_standards(
    service: Service, catalogue: Catalogue, context: Activation, as_of: dt.date
) -> list[tuple[CompiledStandard, str | None]]:
    """Standards that apply, with an error message where the standard's own rule broke."""
    declared = {c.standard: c.version for c in service.conforms_to}
    chosen: list[tuple[CompiledStandard, str | None]] = []
    for compiled in catalogue.standards.values():
        if compiled.id in declared:
            # A pinned version is checked as it stood, whatever its status now (see pin_warnings).
            pinned = catalogue.pinned(compiled.id, declared[compiled.id])
            chosen.append((pinned if not isinstance(pinned, str) else compiled, None))
            continue
        standard = compiled.standard
        if standard.status == Status.RETIRED or (standard.sunset is not None and standard.sunset < as_of):
            continue
        if standard.status == Status.DRAFT:
            continue
        if standard.applies_to.all_services:
            chosen.append((compiled, None))
        elif compiled.applies_when is not None:
            try:
                if compiled.applies_when.evaluate(context):
                    chosen.append((compiled, None))
            except RuleError as exc:
                chosen.append((compiled, f"the standard's applies_to rule {exc}"))
    return chosen


def evaluate_service(
    service: Service,
    council: Council | None,
    catalogue: Catalogue,
    as_of: dt.date,
    locate: Locate,
    restricted_facts: bool = False,
) -> tuple[list[RequirementResult], list[StandardSummary]]:
    """Every applicable requirement's result. Without the restricted facts, a standard's restricted
    requirements are one result, its attestation's, made here only: no view ever sees theirs."""
    # Pins resolve (and may load older versions) before the fields rules read are worked out.
    for conformance in service.conforms_to:
        if conformance.standard in catalogue.standards:
            catalogue.pinned(conformance.standard, conformance.version)
    with phase("context"):
        context = build_context(service, council, as_of, catalogue.service_sections())
    with phase("rules"):
        return _judge(service, catalogue, as_of, locate, restricted_facts, context)


def _judge(
    service: Service,
    catalogue: Catalogue,
    as_of: dt.date,
    locate: Locate,
    restricted_facts: bool,
    context: Activation,
) -> tuple[list[RequirementResult], list[StandardSummary]]:
    waivers = {w.requirement: (i, w) for i, w in enumerate(service.waivers)}
    results: list[RequirementResult] = []
    summaries: list[StandardSummary] = []
    for compiled, standard_error in applicable_standards(service, catalogue, context, as_of):
        start = len(results)
        public = compiled.attestation is not None and not restricted_facts
        for req in compiled.public_view if public else compiled.requirements:
            if req is compiled.attestation:
                results.append(attestation_result(compiled, service, as_of, locate))
            else:
                results.append(_evaluate(req, service, context, as_of, waivers, locate, standard_error))
        summaries.append(summarise(compiled.standard, results[start:]))
    return results, summaries


def _evaluate(
    compiled: CompiledRequirement,
    service: Service,
    context: Activation,
    as_of: dt.date,
    waivers: dict[str, tuple[int, Waiver]],
    locate: Locate,
    standard_error: str | None,
) -> RequirementResult:
    # The hot path: every requirement of every manifest passes through here.
    req = compiled.requirement
    if standard_error:
        return _located(compiled, Outcome.ERROR, standard_error, (), locate, says=plain.could_not_check(standard_error))
    failure: tuple[str, NodePath, str] | None = None
    try:
        for rule, is_check in ((compiled.applies_when, False), (compiled.check, True)):
            if rule is None:
                continue
            value = rule.run(context)
            if value is False:
                if not is_check:
                    return compiled.not_applicable
                failure = (
                    check_detail(req.field, service),
                    _field_path(req.field),
                    plain.says_for_field(req.field, service),
                )
            elif value is not True:
                raise RuleError(f"should give true or false but gave {value!r}")
    except RuleError as exc:
        why = f"rule {exc}"
        return _located(compiled, Outcome.ERROR, why, _field_path(req.field), locate, says=plain.could_not_check(why))
    evidence: EvidenceUsed | None = None
    if req.evidence is not None:
        declared = service.evidence.get(req.id)
        if declared is not None:
            evidence = EvidenceUsed(declared.status, declared.date, declared.url)
        if failure is None:
            failure = _evidence_failure(req.id, compiled.evidence_max_age, service, as_of, req.evidence.description)
    if failure is None:
        if evidence is None:
            return compiled.passed
        # A pass is the shared result plus the evidence that met it (passes point at line 1).
        return replace(compiled.passed, evidence=evidence)
    detail, path, says = failure
    waiver_entry = waivers.get(req.id)
    if waiver_entry is None:
        return _located(compiled, Outcome.FAIL, detail, path, locate, evidence=evidence, says=says)
    index, waiver = waiver_entry
    note = WaiverNote(waiver.approved_by, waiver.expires, waiver.reason)
    if waiver.expires >= as_of:
        return _located(compiled, Outcome.WAIVED, detail, ("waivers", index), locate, note, evidence, says)
    return _located(compiled, Outcome.FAIL, detail, ("waivers", index, "expires"), locate, note, evidence, says)


def _located(
    compiled: CompiledRequirement,
    outcome: Outcome,
    detail: str,
    path: NodePath,
    locate: Locate,
    waiver: WaiverNote | None = None,
    evidence: EvidenceUsed | None = None,
    says: str = "",
) -> RequirementResult:
    req = compiled.requirement
    line, column = locate(path)
    return RequirementResult(
        req.id,
        compiled.standard_id,
        compiled.version,
        req.title,
        req.level,
        outcome,
        detail,
        waiver,
        evidence,
        line,
        column,
        says,
    )


def _evidence_failure(
    requirement_id: str, max_age_days: int | None, service: Service, as_of: dt.date, needed: str
) -> tuple[str, NodePath, str] | None:
    evidence = service.evidence.get(requirement_id)
    if evidence is None:
        return f"no evidence declared under evidence.{requirement_id}", ("evidence",), plain.no_evidence(needed)
    where: NodePath = ("evidence", requirement_id)
    if evidence.status != "met":
        detail = f"evidence status is '{evidence.status}', not 'met'"
        return detail, (*where, "status"), plain.evidence_not_met(evidence.status)
    if max_age_days is not None:
        if evidence.date is None:
            detail = f"evidence has no date (it must be under {max_age_days} days old)"
            return detail, where, plain.evidence_undated(max_age_days)
        age = (as_of - evidence.date).days
        if age > max_age_days:
            return (
                f"evidence dated {evidence.date.isoformat()} is {age} days old (limit {max_age_days})",
                (*where, "date"),
                plain.evidence_too_old(evidence.date, max_age_days),
            )
    return None


def summarise(standard: Standard, results: list[RequirementResult]) -> StandardSummary:
    # Plain counters rather than a dict keyed by enum: this runs for every standard of every manifest.
    passed = failed = waived = not_applicable = errors = 0
    failed_must = failed_should = must_errors = 0
    for r in results:
        outcome = r.outcome
        if outcome is Outcome.PASS:
            passed += 1
        elif outcome is Outcome.NOT_APPLICABLE:
            not_applicable += 1
        elif outcome is Outcome.FAIL:
            failed += 1
            if r.level == "must":
                failed_must += 1
            elif r.level == "should":
                failed_should += 1
        elif outcome is Outcome.WAIVED:
            waived += 1
        else:
            errors += 1
            if r.level == "must":
                must_errors += 1
    applicable = len(results) - not_applicable
    met = passed + waived
    return StandardSummary(
        standard=standard.id,
        version=standard.version,
        compliant=failed_must == 0 and must_errors == 0,
        score=round(met / applicable, 4) if applicable else 1.0,
        passed=passed,
        failed=failed,
        waived=waived,
        not_applicable=not_applicable,
        errors=errors,
        failed_must=failed_must,
        failed_should=failed_should,
    )
