"""Attestations: how the public judges a standard's restricted requirements, and how a council makes one.

A council checks its restricted requirements on its own machine (the manifest merged with its
`<service>.restricted.yaml`) and `standards attest` writes the outcome into the public manifest:
the standard and version, whether any restricted must failed, the counts of failing musts and
shoulds (never which), the date, the role that signed it off, the expiry and the file's digest.
Without the restricted file, `attestation_result` is the one result standing for them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable

from checks.models import Attestation, Service
from checks.results import Outcome, RequirementResult
from checks.rules import CompiledStandard
from checks.says import day

Locate = Callable[[tuple[str | int, ...]], tuple[int, int]]


def digest(data: bytes) -> str:
    """How an attestation names the restricted file it was made from."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def find(service: Service, standard_id: str) -> tuple[int, Attestation] | None:
    for i, attestation in enumerate(service.attestations):
        if attestation.standard == standard_id:
            return i, attestation
    return None


def attestation_result(
    compiled: CompiledStandard, service: Service, as_of: dt.date, locate: Locate
) -> RequirementResult:
    """The public result of a standard's restricted requirements: its attestation judged at `as_of`."""
    assert compiled.attestation is not None
    req = compiled.attestation.requirement
    found = find(service, compiled.id)

    def result(outcome: Outcome, detail: str, path: tuple[str | int, ...], says: str = "") -> RequirementResult:
        line, column = locate(path)
        return RequirementResult(
            req.id,
            compiled.id,
            compiled.standard.version,
            req.title,
            req.level,
            outcome,
            detail,
            None,
            None,
            line,
            column,
            says,
        )

    if found is None:
        return result(Outcome.FAIL, f"{compiled.id} is not attested", ("attestations",), NOT_ATTESTED)
    i, a = found
    said = f"attested {a.date.isoformat()} by {a.attested_by} against {a.version}"
    by = f"The attestation signed off by {a.attested_by} on {day(a.date)}"
    if a.expires < as_of:
        detail = f"{said}; expired on {a.expires.isoformat()}"
        return result(Outcome.FAIL, detail, ("attestations", i, "expires"), f"{by} expired on {day(a.expires)}.")
    counts = f"{_count(a.failed_must, 'must')} and {_count(a.failed_should, 'should')} not met"
    if not a.compliant or a.failed_must:
        return result(Outcome.FAIL, f"{said}: {counts}", ("attestations", i, "compliant"), f"{by} records {counts}.")
    return result(Outcome.PASS, f"{said}, until {a.expires.isoformat()}: {counts}", ("attestations", i))


# What a service with no attestation for a standard says; the site groups these into one finding.
NOT_ATTESTED = "No attestation is recorded for the restricted requirements."


def _count(n: int, level: str) -> str:
    return f"{n} {level}" if n == 1 else f"{n} {level}s"


def attest(
    compiled: CompiledStandard,
    results: Iterable[RequirementResult],
    as_of: dt.date,
    attested_by: str,
    file_digest: str,
    expires: dt.date | None = None,
) -> Attestation:
    """An attestation of `compiled`'s restricted requirements from the results of a private check."""
    restricted = {r.requirement.id for r in compiled.requirements if r.restricted}
    failing = [r for r in results if r.standard == compiled.id and r.requirement in restricted]
    failing = [r for r in failing if r.outcome in (Outcome.FAIL, Outcome.ERROR)]
    must = sum(r.level == "must" for r in failing)
    should = sum(r.level == "should" for r in failing)
    longest = as_of + dt.timedelta(days=compiled.standard.attestation_days)
    return Attestation(
        standard=compiled.id,
        version=compiled.standard.version,
        compliant=must == 0,
        failed_must=must,
        failed_should=should,
        date=as_of,
        attested_by=attested_by,
        expires=min(expires, longest) if expires else longest,
        digest=file_digest,
    )


def block(attestations: Iterable[Attestation]) -> str:
    """The `attestations:` section of a manifest, as `standards attest` writes it."""
    lines = ["attestations:"]
    for a in attestations:
        lines += [
            f"  - standard: {a.standard}",
            f'    version: "{a.version}"',
            f"    compliant: {'true' if a.compliant else 'false'}",
            f"    failed_must: {a.failed_must}",
            f"    failed_should: {a.failed_should}",
            f"    date: {a.date.isoformat()}",
            f"    attested_by: {json.dumps(a.attested_by, ensure_ascii=False)}",
            f"    expires: {a.expires.isoformat()}",
            f"    digest: {a.digest}",
        ]
    return "\n".join(lines) + "\n"


_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*:")


def with_block(text: str, section: str) -> str:
    """A manifest's text with its `attestations:` section replaced by `section` (or added at the end),
    every other line (comments included) kept as it was."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("attestations:")), None)
    if start is None:
        body = text if text.endswith("\n") or not text else text + "\n"
        return body + section
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    return "".join(lines[:start]) + section + "".join(lines[end:])
