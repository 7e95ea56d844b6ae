"""Compiling the standards' CEL expressions once, and evaluating them safely.

A rule that fails to compile or to evaluate becomes an `error` result for
that one requirement; it never stops the run. So does a rule over the size
limits below: they bound the work one rule can do on one manifest (at most
about MAX_NODES steps for each element of its longest list, to the power of
MAX_MACRO_DEPTH + 1), so no rule can stall a run. Every shipped rule is far
inside them (446 characters, 49 parts, comprehensions one deep at most).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from checks import celruntime as cel
from checks.celcontext import Activation
from checks.celpython import Compiled, compile_python
from checks.celsyntax import CelSyntaxError, Node, Shape, TooDeep, analyse, parse
from checks.models import Requirement, Standard
from checks.results import Outcome, RequirementResult
from checks.visibility import attestation_requirement, is_restricted

MAX_SOURCE = 2000  # characters
MAX_NODES = 300  # names, operators, literals and calls
MAX_MACRO_DEPTH = 2  # comprehension macros (all, exists, exists_one, map, filter) inside one another


class RuleError(Exception):
    """A rule that could not be compiled or evaluated, with a message for people."""


@dataclass(frozen=True, slots=True)
class Rule:
    source: str
    program: Any | None
    compile_error: str | None
    # The top-level manifest fields the rule reads (None: it may read any), from its syntax tree.
    reads: frozenset[str] | None = frozenset()
    # The dotted manifest paths the rule reads (`security.mfa_for_admins`); None when it may read any.
    paths: frozenset[str] | None = frozenset()
    # The rule as a Python closure over plain values, where it has a common shape (checks/celpython.py).
    fast: Compiled | None = None

    def run(self, context: Activation) -> object:
        """The rule's value, whatever its type; raises RuleError."""
        if self.program is None:
            raise RuleError(f"does not compile: {self.compile_error}")
        if self.fast is not None:
            try:
                return self.fast(context.values)
            except Exception:  # Defer, or anything unforeseen: the runtime decides, as it always did
                pass
        values = context.cel()  # outside the try: a value CEL cannot take is no fault of the rule
        try:
            return self.program.execute(values)
        except Exception as exc:  # the CEL runtime raises several types; all are the rule's fault
            raise explain(exc) from None

    def evaluate(self, context: Activation) -> bool:
        value = self.run(context)
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
    # Sized up before the runtime sees it: a rule nested thousands deep must not reach its parser.
    if len(source) > MAX_SOURCE:
        return Rule(source, None, _too_complex(f"{len(source)} characters long, at most {MAX_SOURCE} allowed"))
    tree: Node | None = None
    try:
        tree = parse(source)
        shape: Shape | CelSyntaxError = analyse(tree)
    except TooDeep as exc:
        return Rule(source, None, _too_complex(str(exc)))
    except CelSyntaxError as exc:
        shape = exc
    try:
        program = cel.compile(source)
    except Exception as exc:  # syntax errors surface as ValueError, others as RuntimeError
        return Rule(source, None, _first_line(str(exc)))
    if isinstance(shape, CelSyntaxError):
        # The runtime accepts syntax beyond the language definition this parser follows.
        return Rule(source, None, f"uses syntax the checker cannot analyse at character {shape.offset + 1}: {shape}")
    refused = size_problem(shape)
    if refused:
        return Rule(source, None, _too_complex(refused))
    fast = compile_python(source, tree) if tree is not None else None
    return Rule(source, program, None, shape.reads, _paths(shape), fast)


def _paths(shape: Shape) -> frozenset[str] | None:
    if shape.reads is None:
        return None
    return frozenset(".".join(c.fields) for c in shape.chains if c.root == "service" and c.fields)


def size_problem(shape: Shape) -> str | None:
    """Why a rule is over the size limits, if it is."""
    if shape.macro_depth > MAX_MACRO_DEPTH:
        return (
            f"comprehension macros (all, exists, exists_one, map, filter) nested {shape.macro_depth} deep,"
            f" at most {MAX_MACRO_DEPTH} allowed"
        )
    if shape.nodes > MAX_NODES:
        return f"{shape.nodes} parts (names, operators, literals, calls), at most {MAX_NODES} allowed"
    return None


def _too_complex(why: str) -> str:
    return f"too complex to run safely: {why}"


@dataclass(frozen=True, slots=True)
class CompiledRequirement:
    requirement: Requirement
    standard_id: str
    version: str
    applies_when: Rule | None
    check: Rule | None
    # How old its evidence may be (the requirement's own limit or the standard's default); None: no evidence.
    evidence_max_age: int | None
    # Most outcomes are passes and not-applicables, identical for every manifest: share one object each.
    passed: RequirementResult
    not_applicable: RequirementResult
    restricted: bool = False


@dataclass(frozen=True, slots=True)
class CompiledStandard:
    standard: Standard
    applies_when: Rule | None
    requirements: tuple[CompiledRequirement, ...]
    # With restricted requirements: what the public sees instead of them (see checks.visibility).
    attestation: CompiledRequirement | None = None

    @property
    def id(self) -> str:
        return self.standard.id

    @property
    def public_view(self) -> tuple[CompiledRequirement, ...]:
        """The requirements judged in public: the public ones, then the attestation standing for the rest."""
        if self.attestation is None:
            return self.requirements
        return (*(r for r in self.requirements if not r.restricted), self.attestation)

    def restricted_fields(self) -> dict[str, str] | None:
        """Each field a restricted requirement reads (dotted), with the first requirement reading it;
        None when one may read any field (a rule using `service` whole)."""
        found: dict[str, str] = {}
        for r in self.requirements:
            if not r.restricted:
                continue
            req = r.requirement
            if r.check is not None:
                if r.check.paths is None:
                    return None
                for path in sorted(r.check.paths):
                    found.setdefault(path, req.id)
            if req.evidence is not None:
                found.setdefault(f"evidence.{req.id}", req.id)
            elif req.field:
                found.setdefault(req.field, req.id)
        return found

    @property
    def major(self) -> int:
        return int(self.standard.version.split(".", 1)[0])


def compile_standard(standard: Standard) -> CompiledStandard:
    requirements = tuple(_compile_requirement(req, standard) for req in standard.requirements)
    attestation = None
    if any(r.restricted for r in requirements):
        attestation = _compile_requirement(attestation_requirement(standard), standard)
    return CompiledStandard(
        standard=standard,
        applies_when=compile_rule(standard.applies_to.when) if standard.applies_to.when else None,
        requirements=requirements,
        attestation=attestation,
    )


def _compile_requirement(req: Requirement, standard: Standard) -> CompiledRequirement:
    return CompiledRequirement(
        requirement=req,
        standard_id=standard.id,
        applies_when=compile_rule(req.applies_when) if req.applies_when else None,
        check=compile_rule(req.check) if req.check else None,
        evidence_max_age=standard.evidence_age_limit(req),
        version=standard.version,
        passed=RequirementResult(req.id, standard.id, standard.version, req.title, req.level, Outcome.PASS),
        not_applicable=RequirementResult(
            req.id, standard.id, standard.version, req.title, req.level, Outcome.NOT_APPLICABLE
        ),
        restricted=is_restricted(req, standard),
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


def fields_read(standards: Iterable[CompiledStandard]) -> frozenset[str] | None:
    """The top-level manifest fields the standards' rules read; None when some rule may read any."""
    reads: set[str] = set()
    for compiled in standards:
        for rule in (compiled.applies_when, *(r for q in compiled.requirements for r in (q.applies_when, q.check))):
            if rule is not None:
                if rule.reads is None:
                    return None
                reads |= rule.reads
    return frozenset(reads)
