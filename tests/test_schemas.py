"""The committed JSON Schemas match the models, and agree with `standards check` on validity."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checks.schemas import rendered_schemas
from conftest import AS_OF, ROOT, run_standards

SCHEMAS = ROOT / "schemas"


def test_committed_schemas_are_current() -> None:
    for name, text in rendered_schemas().items():
        committed = SCHEMAS / name
        assert committed.is_file(), f"{name} missing: run `standards schema`"
        assert committed.read_text(encoding="utf-8") == text, f"{name} is stale: run `standards schema` and commit"


def test_schema_check_flag_reports_staleness(tmp_path: Path) -> None:
    proc = run_standards("schema", "--out", str(tmp_path), "--check", cwd=ROOT)
    assert proc.returncode == 1 and "out of date" in proc.stderr
    assert run_standards("schema", "--out", str(tmp_path), cwd=ROOT).returncode == 0
    assert run_standards("schema", "--out", str(tmp_path), "--check", cwd=ROOT).returncode == 0


def test_schemas_declare_draft_2020_12() -> None:
    for text in rendered_schemas().values():
        assert json.loads(text)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


SHAPE_FIXTURES = ROOT / "tests" / "fixtures" / "shape"


def _check_jsonschema_valid(schema: str, files: list[Path]) -> dict[str, bool]:
    verdict = {}
    for path in files:
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("check-jsonschema")), "--schemafile", str(SCHEMAS / schema), str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        verdict[path.name] = proc.returncode == 0
    return verdict


def _standards_valid(files: list[Path]) -> dict[str, bool]:
    proc = run_standards("check", "--as-of", AS_OF, "--format", "json", *map(str, files), cwd=ROOT)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    # Shape only: reference problems (E3xx) are beyond what a JSON Schema can know.
    return {
        Path(f["path"]).name: not [p for p in f["problems"] if not p["code"].startswith("E3")] for f in report["files"]
    }


@pytest.mark.parametrize("folder", ["shipped", "fixtures"])
def test_check_jsonschema_agrees_with_standards_check(folder: str) -> None:
    if folder == "shipped":
        files = sorted(p for p in (ROOT / "manifests").glob("*/*.yaml") if p.name != "council.yaml")
    else:
        files = sorted(SHAPE_FIXTURES.glob("*.yaml"))
    assert files
    ours = _standards_valid(files)
    theirs = _check_jsonschema_valid("service.schema.json", files)
    assert ours == theirs
    if folder == "fixtures":
        assert not all(ours.values()) and any(ours.values())  # the fixtures hold both kinds
