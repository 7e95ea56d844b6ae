"""Every standard's pass and fail examples behave as their files say (standards/README.md).

The examples are also the standards' own tests: every rule a requirement has (its `check`,
its `evidence`) must be noticed by some fail example, so a rule that is broken or weakened
to `true` makes a test fail here (see test_every_rule_is_noticed_by_a_fail_example).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from checks.engine import Catalogue
from checks.loading import Document, load_file
from checks.models import Requirement, Service, Standard
from checks.repository import Repository
from checks.results import FileResult, Outcome
from checks.rules import compile_standard
from checks.runner import check_service, check_target
from checks.validation import validate
from conftest import ROOT

AS_OF = dt.date(2026, 11, 1)
EXAMPLES = ROOT / "standards" / "examples"
EXPECT = re.compile(r"^# expect-fail:\s*(?P<ids>.*)$")
REPO = Repository(ROOT)
CATALOGUE, BROKEN = REPO.load_catalogue()


def _examples() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*/*.yaml"))


def _expected(path: Path) -> frozenset[str] | None:
    """The ids a fail example's first line declares it fails; None when it declares none."""
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    if match is None:
        return None
    return frozenset(part.strip() for part in match["ids"].split(",") if part.strip())


def test_every_standard_has_pass_and_fail_examples() -> None:
    for path in REPO.standard_files():
        folder = EXAMPLES / path.stem
        assert (folder / "pass.yaml").is_file(), f"{path.stem} has no pass example"
        assert list(folder.glob("fail*.yaml")), f"{path.stem} has no fail example"


def test_catalogue_is_clean() -> None:
    assert BROKEN == [], [(b.path, b.problems) for b in BROKEN]


@pytest.mark.parametrize("path", _examples(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example(path: Path) -> None:
    standard = path.parent.name
    result = check_target(REPO.target(path), CATALOGUE, AS_OF)
    assert result.valid, result.problems
    mine = [r for r in result.results if r.standard == standard]
    assert mine, f"{standard} does not apply to its own example"
    errors = [r for r in mine if r.outcome is Outcome.ERROR]
    assert not errors, errors
    failing = {r.requirement for r in mine if r.outcome is Outcome.FAIL}
    expected = _expected(path)
    if path.name.startswith("pass"):
        assert expected is None
        assert failing == set(), f"pass example fails {sorted(failing)}"
    else:
        assert expected is not None, "fail examples start with `# expect-fail: ID, ID`"
        assert expected, "name at least one requirement"
        assert failing == expected


# --------------------------------------------------------------------------- rules the examples notice


@dataclass(frozen=True, eq=False)  # one per file: compared and hashed by identity
class Example:
    """A fail example, loaded once and checked many times against altered standards."""

    path: Path
    standard: str
    service: Service = field(repr=False)
    doc: Document = field(repr=False)

    def failing(self, catalogue: Catalogue) -> frozenset[str]:
        """The requirements of its own standard this example fails (the set test_example compares)."""
        result = FileResult(path=REPO.display(self.path), kind="Service", council="examples")
        result = check_service(self.service, self.doc, catalogue, AS_OF, result, self.path.stem)
        assert result.valid, (self.path, result.problems)
        return frozenset(
            r.requirement for r in result.results if r.standard == self.standard and r.outcome is Outcome.FAIL
        )


@cache
def _fail_examples() -> tuple[Example, ...]:
    loaded = []
    for path in _examples():
        if not path.name.startswith("fail"):
            continue
        doc = load_file(path)
        assert not isinstance(doc, list), doc
        service = validate(doc, "Service")
        assert isinstance(service, Service), service
        loaded.append(Example(path, path.parent.name, service, doc))
    return tuple(loaded)


@dataclass(frozen=True)
class Mutant:
    """A standard with one rule of one requirement taken away."""

    requirement: str
    # "check" (replaced by `true`), "evidence" (no longer asked for) or "evidence age" (any age counts)
    rule: str
    standard: Standard

    def __str__(self) -> str:
        return f"{self.requirement} {self.rule}"


def _mutants(standard: Standard) -> Iterator[Mutant]:
    def replace(index: int, requirement: Requirement) -> Standard:
        requirements = [*standard.requirements]
        requirements[index] = requirement
        return standard.model_copy(update={"requirements": requirements})

    for i, req in enumerate(standard.requirements):
        if req.check is not None:
            yield Mutant(req.id, "check", replace(i, req.model_copy(update={"check": "true"})))
        if req.evidence is not None:
            yield Mutant(req.id, "evidence", replace(i, req.model_copy(update={"evidence": None})))
        if req.evidence is not None and req.evidence.max_age_days is not None:
            # Without its own limit the standard's default applies, so "ageless" is the longest limit allowed.
            ageless = req.evidence.model_copy(update={"max_age_days": 3650})
            yield Mutant(req.id, "evidence age", replace(i, req.model_copy(update={"evidence": ageless})))


def unnoticed_rules(catalogue: Catalogue, examples: Iterable[Example]) -> list[str]:
    """Every rule that can be taken away without any fail example of its standard noticing.

    Noticing means what test_example sees: an example that fails the requirement with the rule
    in place no longer fails it without. A failure that survives (through the evidence rule, say)
    or a waiver that still holds does not count.
    """
    baseline = {example: example.failing(catalogue) for example in examples}
    missed = []
    for compiled in catalogue.standards.values():
        for mutant in _mutants(compiled.standard):
            # Only examples that fail the requirement now can notice it stop failing.
            witnesses = [
                e for e, failing in baseline.items() if e.standard == compiled.id and mutant.requirement in failing
            ]
            if not witnesses:
                missed.append(str(mutant))
                continue
            altered = Catalogue(
                standards={**catalogue.standards, compiled.id: compile_standard(mutant.standard)},
                patterns=catalogue.patterns,
                councils=catalogue.councils,
                history=catalogue.history,
            )
            if all(mutant.requirement in e.failing(altered) for e in witnesses):
                missed.append(str(mutant))
    return missed


def test_every_rule_is_noticed_by_a_fail_example() -> None:
    missed = unnoticed_rules(CATALOGUE, _fail_examples())
    assert missed == [], (
        "these rules can be taken away (a check replaced by `true`, an evidence rule or its age limit "
        "dropped) and no example notices; add a fail example that fails them through that rule "
        "(standards/README.md): " + ", ".join(missed)
    )


def test_a_rule_no_example_fails_is_reported() -> None:
    # The detector itself must be able to fail: without the example that names no service owner,
    # nothing fails SS-18, and its check `service.owner.service_owner != null` goes unguarded.
    without = [e for e in _fail_examples() if e.path != EXAMPLES / "service-standard" / "fail-no-team.yaml"]
    assert len(without) == len(_fail_examples()) - 1
    assert "SS-18 check" in unnoticed_rules(CATALOGUE, without)
