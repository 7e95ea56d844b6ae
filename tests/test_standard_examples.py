"""Every standard's pass and fail examples behave as their files say (standards/README.md)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from checks.repository import Repository
from checks.results import Outcome
from checks.runner import check_target
from conftest import ROOT

AS_OF = dt.date(2026, 11, 1)
EXAMPLES = ROOT / "standards" / "examples"
EXPECT = re.compile(r"^# expect-fail:\s*(?P<ids>.*)$")
REPO = Repository(ROOT)
CATALOGUE, BROKEN = REPO.load_catalogue()


def _examples() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*/*.yaml"))


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
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = EXPECT.match(first)
    if path.name.startswith("pass"):
        assert match is None
        assert failing == set(), f"pass example fails {sorted(failing)}"
    else:
        assert match, "fail examples start with `# expect-fail: ID, ID`"
        expected = {part.strip() for part in match["ids"].split(",") if part.strip()}
        assert expected, "name at least one requirement"
        assert failing == expected
