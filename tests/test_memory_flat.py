"""A long run's memory stays flat in N: nothing made for one manifest is kept for the rest of the run.

Per-process caches are keyed by objects that live as long as the catalogue (a compiled requirement's
shared results, a council); a per-manifest object kept in one would pile up over 100,000 files, and
one whose id is reused after it is freed would hand a later object the first one's values.
"""

from __future__ import annotations

import datetime as dt
import sys

import yaml

from checks import celruntime as cel
from checks.celcontext import build_context
from checks.models import Council, Service
from checks.reporters.json_report import file_json
from checks.results import FileResult, Outcome, RequirementResult
from conftest import MINI


def _attestation_pass(n: int) -> RequirementResult:
    # Made per manifest, as checks/attestation.py makes it: a pass with a detail of its own.
    return RequirementResult(
        "DEMO-02", "demo", "2.1.0", "Audited", "should", Outcome.PASS, f"attested 2026-10-0{n % 9 + 1} by SIRO", line=n
    )


def test_json_rendering_keeps_no_per_manifest_result() -> None:
    shared = RequirementResult("DEMO-01", "demo", "2.1.0", "Named", "must", Outcome.PASS)
    made = [_attestation_pass(n) for n in range(50)]
    before = [sys.getrefcount(r) for r in made]
    texts = [file_json(FileResult(path=f"m/{n}.yaml", kind="Service", results=[shared, r])) for n, r in enumerate(made)]
    assert [sys.getrefcount(r) for r in made] == before
    assert all(f'"line": {n}' in text for n, text in enumerate(texts))  # each rendered as itself


def _council(name: str) -> Council:
    data = yaml.safe_load((MINI / "manifests/leeds/council.yaml").read_text(encoding="utf-8"))
    return Council.model_validate({**data, "name": name})


def test_a_council_freed_and_its_id_reused_gets_its_own_values() -> None:
    service = Service.model_validate(yaml.safe_load((MINI / "manifests/leeds/good.yaml").read_text(encoding="utf-8")))
    name = cel.compile("council.name")
    for n in range(40):
        # Each council is freed before the next is made, so CPython hands the next one the same id.
        context = build_context(service, _council(f"Council {n}"), dt.date(2026, 11, 1), frozenset())
        assert name.execute(context.cel()) == context.values["council"]["name"] == f"Council {n}"
