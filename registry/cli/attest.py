"""`standards attest`: check a service's restricted requirements and write attestations into its manifest."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from checks.atomic import atomic_writer
from checks.attestation import attest, block, with_block
from checks.loading import load_file
from checks.models import Attestation, Service
from checks.reporters import ReportContext
from checks.reporters.text import TextReporter
from checks.repository import Repository
from checks.restricted import load_sibling
from checks.results import FileResult
from checks.rules import CompiledStandard
from checks.runner import check_service
from checks.validation import validate
from checks.visibility import restricted_sibling
from registry import __version__
from registry.cli.errors import ExitCode, UsageError
from registry.cli.options import parse_date


def attest_command(
    manifest: Annotated[
        Path, typer.Argument(help="The service's public manifest; its restricted file must be beside it.")
    ],
    attested_by: Annotated[str, typer.Option("--by", help="The role signing it off, e.g. SIRO.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the check, YYYY-MM-DD (default: today).")
    ] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="Expire sooner than the standard's limit, YYYY-MM-DD.")
    ] = None,
) -> None:
    """Check a service's restricted requirements on this machine and write an attestation per standard
    into its public manifest (results and counts only, never the facts)."""
    when = parse_date(as_of)
    until = parse_date(expires) if expires else None
    if not attested_by.strip():
        raise typer.BadParameter("name the role that signs it off, e.g. --by SIRO", param_hint="--by")
    repo = Repository.find(manifest.parent if manifest.parent.exists() else Path.cwd())
    target = repo.target(manifest)
    if not manifest.is_file() or target.kind != "Service":
        raise UsageError(f"{manifest} is not a service manifest", "give the path of manifests/<council>/<service>.yaml")
    sibling = load_sibling(manifest)
    if sibling is None:
        raise UsageError(
            f"no readable restricted file beside {manifest}: {restricted_sibling(manifest).name}",
            "attest on the machine that holds the restricted file; `standards check` on it says what is wrong",
        )
    catalogue, _ = repo.load_catalogue()
    doc = load_file(manifest)
    typed = validate(doc, "Service") if not isinstance(doc, list) else doc
    result = FileResult(path=target.display, kind="Service", council=target.council)
    if isinstance(typed, Service) and not isinstance(doc, list):
        # The attestations being replaced are not judged: their digest is of the file as it was.
        result = check_service(
            typed.model_copy(update={"attestations": []}), doc, catalogue, when, result, target.stem, sibling
        )
    elif isinstance(typed, list):
        result.problems = typed
    if not result.valid:
        reporter = TextReporter(sys.stdout, ReportContext(catalogue, when, "must", __version__, root=repo.root))
        reporter.file(result)
        raise typer.Exit(int(ExitCode.FAILED))
    made = _attestations(result, catalogue.standards, when, attested_by.strip(), sibling[1], until)
    if not made:
        raise UsageError(f"no standard with restricted requirements applies to {target.display}")
    text = manifest.read_text(encoding="utf-8")
    with atomic_writer(manifest) as stream:
        stream.write(with_block(text, block(made)))
    for a in made:
        state = "compliant" if a.compliant else "not compliant"
        typer.echo(
            f"{target.display}: attested {a.standard} {a.version} ({state}; {a.failed_must} must and "
            f"{a.failed_should} should failing) by {a.attested_by}, until {a.expires.isoformat()}"
        )


def _attestations(
    result: FileResult,
    standards: dict[str, CompiledStandard],
    when: dt.date,
    by: str,
    file_digest: str,
    until: dt.date | None,
) -> list[Attestation]:
    """One attestation per applicable standard with restricted requirements, judged at its current version."""
    made = []
    for summary in result.summaries:
        compiled = standards.get(summary.standard)
        if compiled is not None and compiled.attestation is not None and compiled.standard.version == summary.version:
            made.append(attest(compiled, result.results, when, by, file_digest, until))
    return made
