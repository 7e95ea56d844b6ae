"""The result cache: a warm or partly changed run reports exactly what a cold run does, and judges
only what changed (checks/cache.py, checks/timespan.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import checks.runner
from checks import cache as cache_module
from checks.cache import cache_path
from conftest import AS_OF, run_standards
from gitrepo import commit_all, edit, git, init_repo


@pytest.fixture
def repo(tmp_path: Path, mini_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Files written a moment ago are hashed every run (Git's racy rule); the tests' files are all new.
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)
    # Not a Git work tree: a cache is used where build/cache/ exists (the fixture has none).
    cache_path(mini_repo).parent.mkdir(parents=True)
    return mini_repo


def _report(cli: Callable[..., object], repo: Path, *extra: str, as_of: str = AS_OF) -> dict[str, object]:
    run = cli("check", "--as-of", as_of, "--format", "json", *extra, cwd=repo)
    return json.loads(run.stdout)  # type: ignore[attr-defined, no-any-return]


def _cold(cli: Callable[..., object], repo: Path, *extra: str, as_of: str = AS_OF) -> dict[str, object]:
    return _report(cli, repo, "--no-cache", *extra, as_of=as_of)


SERVICES = ["manifests/leeds/failing.yaml", "manifests/leeds/good.yaml", "manifests/leeds/phone-only.yaml"]
ALL = ["manifests/leeds/council.yaml", *SERVICES, "manifests/leeds/waived.yaml"]


def test_a_warm_run_reads_nothing_and_reports_what_a_cold_run_does(repo: Path, cli, judged: list[str]) -> None:
    cold = _cold(cli, repo)
    assert not cache_path(repo).exists(), "--no-cache wrote a cache"
    judged.clear()
    first = _report(cli, repo)
    assert judged == ALL and cache_path(repo).is_file()
    judged.clear()
    warm = _report(cli, repo)
    assert judged == []
    assert cold == first == warm


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit", "markdown", "github"])
def test_every_format_is_the_same_warm(repo: Path, cli, judged: list[str], fmt: str) -> None:
    cold = cli("check", "--as-of", AS_OF, "--format", fmt, "--no-cache", cwd=repo)
    cli("check", "--as-of", AS_OF, "--format", fmt, cwd=repo)
    judged.clear()
    warm = cli("check", "--as-of", AS_OF, "--format", fmt, cwd=repo)
    assert judged == [] and warm.stdout == cold.stdout and warm.exit_code == cold.exit_code


def test_a_changed_manifest_alone_is_judged_again(repo: Path, cli, judged: list[str]) -> None:
    _report(cli, repo)
    # The same size and modification time as before: only the content (and the ctime) differ.
    path = repo / "manifests/leeds/good.yaml"
    st = path.stat()
    edit(path, "name: Report a missed bin", "name: Report a missed bim")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    judged.clear()
    warm = _report(cli, repo)
    assert judged == ["manifests/leeds/good.yaml"]
    assert warm == _cold(cli, repo)


def test_a_changed_council_file_rechecks_its_services(repo: Path, cli, judged: list[str]) -> None:
    _report(cli, repo)
    edit(repo / "manifests/leeds/council.yaml", "Leeds City Council", "Leeds City Council ")
    judged.clear()
    warm = _report(cli, repo)
    assert judged == ALL
    assert warm == _cold(cli, repo)


def test_a_changed_standard_rechecks_everything(repo: Path, cli, judged: list[str]) -> None:
    _report(cli, repo)
    edit(repo / "standards/demo.yaml", "title: Usability testing evidence", "title: Usability testing records")
    judged.clear()
    warm = _report(cli, repo)
    assert judged == ALL
    assert warm == _cold(cli, repo)
    assert "Usability testing records" in json.dumps(warm)


def test_results_are_reused_until_a_time_based_outcome_can_change(repo: Path, cli, judged: list[str]) -> None:
    """waived.yaml's waiver of DEMO-03 runs to 2027-03-31: waived that day, failed the next."""
    waived = "manifests/leeds/waived.yaml"
    for day in ("2026-11-01", "2026-11-02", "2027-03-31", "2027-04-01", "2026-11-03"):
        judged.clear()
        warm = _report(cli, repo, as_of=day)
        fresh = list(judged)
        assert warm == _cold(cli, repo, as_of=day), day
        if day in ("2026-11-02", "2026-11-03"):
            # Nothing about it can change between these days, and the council file never changes with time.
            assert waived not in fresh and "manifests/leeds/council.yaml" not in fresh
        if day in ("2027-03-31", "2027-04-01"):
            assert waived in fresh
    outcomes = {}
    for day in ("2027-03-31", "2027-04-01"):
        files = {f["path"]: f for f in _report(cli, repo, as_of=day)["files"]}  # type: ignore[attr-defined]
        outcomes[day] = {r["requirement"]: r["outcome"] for r in files[waived]["results"]}
    assert outcomes["2027-03-31"]["DEMO-03"] == "waived" and outcomes["2027-04-01"]["DEMO-03"] == "fail"


def test_public_and_private_runs_keep_apart(repo: Path, cli) -> None:
    _report(cli, repo)
    assert _report(cli, repo, "--public") == _cold(cli, repo, "--public")
    assert _report(cli, repo) == _cold(cli, repo)


def test_a_damaged_cache_is_said_once_and_rebuilt(repo: Path, cli, judged: list[str]) -> None:
    cold = _cold(cli, repo)
    _report(cli, repo)
    path = cache_path(repo)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"not a database at all" * 100)
    run = cli("check", "--as-of", AS_OF, "--format", "json", cwd=repo)
    assert json.loads(run.stdout) == cold
    assert run.stderr.count("is damaged") == 1 and "rebuilding it" in run.stderr
    judged.clear()
    assert _report(cli, repo) == cold and judged == []


def test_a_damaged_entry_is_judged_again(repo: Path, cli, judged: list[str]) -> None:
    import sqlite3

    cold = _cold(cli, repo)
    _report(cli, repo)
    with sqlite3.connect(cache_path(repo)) as conn:
        conn.execute("UPDATE results SET payload = '[1, 2'")
    judged.clear()
    assert _report(cli, repo) == cold and judged == ALL


def test_a_cache_committed_to_git_is_not_used(tmp_path: Path, cli, judged: list[str]) -> None:
    from conftest import MINI

    repo = init_repo(tmp_path / "repo", MINI)  # a Git work tree: its cache is made unasked
    cold = _cold(cli, repo)
    _report(cli, repo)
    git(repo, "add", "-f", str(cache_path(repo).relative_to(repo)))
    commit_all(repo, "a planted cache")
    judged.clear()
    run = cli("check", "--as-of", AS_OF, "--format", "json", cwd=repo)
    assert json.loads(run.stdout) == cold and judged == ALL and "committed to Git" in run.stderr


def test_runs_at_the_same_time_share_the_cache(repo: Path) -> None:
    """Real processes, started together on a cold cache, then again warm: every report is the cold one."""
    exe = Path(sys.executable).with_name("standards")
    cold = run_standards("check", "--as-of", AS_OF, "--format", "json", "--no-cache", cwd=repo).stdout
    for _ in range(2):
        procs = [
            subprocess.Popen(
                [str(exe), "check", "--as-of", AS_OF, "--format", "json"],
                cwd=repo,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 1, err  # failing.yaml fails on purpose
            assert out == cold and "warning" not in err


def test_a_folder_outside_git_is_left_as_it_was(tmp_path: Path, mini_repo: Path, cli) -> None:
    """A fixture, an unpacked archive, a file checked on its own: no build/ appears unless asked for."""
    from conftest import MINI

    loose = tmp_path / "loose"
    loose.mkdir()
    shutil.copy(MINI / "manifests/leeds/good.yaml", loose / "good.yaml")
    cli("check", "--as-of", AS_OF, "good.yaml", cwd=loose)
    assert sorted(p.name for p in loose.iterdir()) == ["good.yaml"]
    cli("check", "--as-of", AS_OF, cwd=mini_repo)
    assert not (mini_repo / "build").exists()


def test_reports_match_on_each_side_of_every_time_threshold(repo: Path, cli) -> None:
    """waived.yaml: its last audit (2026-02-01) turns a year old under a `now` rule, its evidence
    (2026-03-01, at most 365 days) ages out, then ages a day at a time; a warm run sees each."""
    for day in ("2026-11-01", "2027-01-31", "2027-02-01", "2027-02-02", "2027-03-01", "2027-03-02", "2027-03-03"):
        assert _report(cli, repo, as_of=day) == _cold(cli, repo, as_of=day), day


def test_a_result_knows_the_next_day_it_may_change() -> None:
    import datetime as dt

    from checks.repository import Repository
    from checks.runner import check_target
    from conftest import MINI

    repo = Repository(MINI)
    catalogue, _ = repo.load_catalogue()
    target = repo.target(MINI / "manifests/leeds/waived.yaml")
    expected = {
        "2026-11-01": "2027-02-01",  # the audit's year under `now - last_audit <= 8760h` (either side)
        "2027-02-02": "2027-03-02",  # the evidence's 365 days run out
        "2027-03-03": "2027-03-04",  # then its age, written in the detail, changes daily
    }
    for day, until in expected.items():
        result = check_target(target, catalogue, dt.date.fromisoformat(day))
        assert result.stable_until == dt.date.fromisoformat(until), day


def test_a_fifo_in_the_tree_is_never_opened_for_its_digest(repo: Path) -> None:
    """Hashing a FIFO would wait for a writer forever; the check refuses it as it does without a cache."""
    os.mkfifo(repo / "pipe")
    (repo / "manifests/leeds/pipe.yaml").symlink_to(repo / "pipe")  # a FIFO alone is not found; a link to one is
    exe = Path(sys.executable).with_name("standards")
    run = subprocess.run(  # times out if it blocks
        [str(exe), "check", "--as-of", AS_OF, "--format", "json"], cwd=repo, capture_output=True, text=True, timeout=60
    )
    files = {f["path"]: f for f in json.loads(run.stdout)["files"]}
    assert files["manifests/leeds/pipe.yaml"]["problems"], files["manifests/leeds/pipe.yaml"]
    assert cache_path(repo).is_file()


def test_every_field_of_a_result_survives_the_cache() -> None:
    """A field added to the result records (as `says` was) must be stored too, or a warm run loses it."""
    import datetime as dt
    from dataclasses import fields

    from checks.cache_codec import decode, encode
    from checks.repository import Repository
    from checks.results import RequirementResult
    from checks.runner import check_target
    from conftest import MINI

    repo = Repository(MINI)
    catalogue, _ = repo.load_catalogue()
    for name in ("failing", "waived", "good"):
        result = check_target(repo.target(MINI / f"manifests/leeds/{name}.yaml"), catalogue, dt.date(2027, 4, 1))
        result.redacted = ["security.mfa"]
        again = decode(json.loads(json.dumps(encode(result))), None)
        assert again == result, name
        for record in result.results:
            assert len(_requirement_fields(record)) == len(fields(RequirementResult))


def _requirement_fields(record: object) -> list[object]:
    from checks.cache_codec import _requirement

    return _requirement(record)  # type: ignore[arg-type]


def test_only_the_last_scopes_used_are_kept(tmp_path: Path) -> None:
    """Each release of the tool or the standards starts a scope; older scopes' results are let go, so the
    file does not grow with every upgrade, while a scope used again (a view switched back to) stays."""
    import datetime as dt

    from checks.cache import KEEP_SCOPES, ResultCache
    from checks.cache_codec import stored
    from checks.results import FileResult

    day = dt.date(2026, 11, 1)
    result = FileResult("manifests/leeds/a.yaml", "Service", rendered="a finding\n")
    scopes = [f"scope-{i}" for i in range(KEEP_SCOPES + 3)]
    for scope in [*scopes, scopes[0]]:  # the first is used again last: it is recent, not old
        cache = ResultCache.open(tmp_path, print)
        assert cache is not None
        cache.use_scope(scope)
        cache.put(f"key-{scope}", day, stored(result))
        cache.close()
    cache = ResultCache.open(tmp_path, print)
    assert cache is not None
    kept = {scope for scope in scopes if cache.get(f"key-{scope}", day) is not None}
    assert kept == {scopes[0], *scopes[-(KEEP_SCOPES - 1) :]}
    assert cache.get("key-scope-1", day) is None
    assert cache.get(f"key-{scopes[-1]}", day) == result
    cache.close()


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the result cache runs, as SQLite saw it."""
    seen: list[str] = []
    real = cache_module.ResultCache._connect

    def traced(self: cache_module.ResultCache) -> None:
        real(self)
        assert self.conn is not None
        self.conn.set_trace_callback(seen.append)

    monkeypatch.setattr(cache_module.ResultCache, "_connect", traced)
    return seen


@pytest.mark.parametrize("batch", [2, 256])
def test_a_warm_run_looks_files_up_a_batch_to_a_query(
    repo: Path, cli, judged: list[str], statements: list[str], monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(checks.runner, "LOOKUP_BATCH", batch)
    cold = _cold(cli, repo)
    _report(cli, repo)
    statements.clear()
    judged.clear()
    warm = _report(cli, repo)
    assert judged == [] and warm == cold  # across batch boundaries too
    results = [s for s in statements if s.startswith("SELECT") and "FROM results" in s]
    digests = [s for s in statements if s.startswith("SELECT") and "FROM digests WHERE path IN" in s]
    batches = -(-len(ALL) // batch)
    assert len(results) == batches and all("key IN (" in s for s in results), results
    assert len(digests) == batches
