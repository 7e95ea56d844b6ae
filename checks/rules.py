"""Compiling the standards' CEL expressions once, and evaluating them safely.

A rule that fails to compile or to evaluate becomes an `error` result for
that one requirement; it never stops the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cel

from checks.models import Requirement, Standard
from checks.results import Outcome, RequirementResult


class RuleError(Exception):
    """A rule that could not be compiled or evaluated, with a message for people."""


@dataclass(frozen=True, slots=True)
class Rule:
    source: str
    program: Any | None
    compile_error: str | None

    def evaluate(self, context: cel.Context) -> bool:
        if self.program is None:
            raise RuleError(f"does not compile: {self.compile_error}")
        try:
            value = self.program.execute(context)
        except Exception as exc:  # the CEL runtime raises several types; all are the rule's fault
            raise explain(exc) from None
        if value is True or value is False:
            return value
        raise RuleError(f"should give true or false but gave {value!r}")


def explain(exc: Exception) -> RuleError:
    """A CEL runtime exception as a message for the standard's maintainers."""
    if isinstance(exc, KeyError):
        return RuleError(f"refers to a field that does not exist: {exc.args[0]}")
    return RuleError(_first_line(str(exc)))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "evaluation failed"


def compile_rule(source: str) -> Rule:
    try:
        return Rule(source, cel.compile(source), None)
    except Exception as exc:  # syntax errors surface as ValueError, others as RuntimeError
        return Rule(source, None, _first_line(str(exc)))


@dataclass(frozen=True, slots=True)
class CompiledRequirement:
    requirement: Requirement
    standard_id: str
    version: str
    applies_when: Rule | None
    check: Rule | None
    # Most outcomes are passes and not-applicables, identical for every manifest: share one object each.
    passed: RequirementResult
    not_applicable: RequirementResult


@dataclass(frozen=True, slots=True)
class CompiledStandard:
    standard: Standard
    applies_when: Rule | None
    requirements: tuple[CompiledRequirement, ...]

    @property
    def id(self) -> str:
        return self.standard.id

    @property
    def major(self) -> int:
        return int(self.standard.version.split(".", 1)[0])


def compile_standard(standard: Standard) -> CompiledStandard:
    return CompiledStandard(
        standard=standard,
        applies_when=compile_rule(standard.applies_to.when) if standard.applies_to.when else None,
        requirements=tuple(
            CompiledRequirement(
                requirement=req,
                standard_id=standard.id,
                applies_when=compile_rule(req.applies_when) if req.applies_when else None,
                check=compile_rule(req.check) if req.check else None,
                version=standard.version,
                passed=RequirementResult(req.id, standard.id, standard.version, req.title, req.level, Outcome.PASS),
                not_applicable=RequirementResult(
                    req.id, standard.id, standard.version, req.title, req.level, Outcome.NOT_APPLICABLE
                ),
            )
            for req in standard.requirements
        ),
    )


def rule_errors(compiled: CompiledStandard) -> list[tuple[str, str, str]]:
    """(requirement id or 'applies_to', expression, error) for every rule that does not compile."""
    found = []
    if compiled.applies_when and compiled.applies_when.compile_error:
        found.append(("applies_to.when", compiled.applies_when.source, compiled.applies_when.compile_error))
    for req in compiled.requirements:
        for name, rule in (("applies_when", req.applies_when), ("check", req.check)):
            if rule is not None and rule.compile_error:
                found.append((f"{req.requirement.id}.{name}", rule.source, rule.compile_error))
    return found
