"""The SQLite index: built from the working tree or a commit, swapped in atomically, rebuilt when damaged."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

import pytest

from conftest import AS_OF, MINI
from gitrepo import commit_all, edit, init_repo
from registry.index.build import build_index, prepare_index
from registry.index.connection import connect_readonly
from registry.index.health import is_healthy

DAY = dt.date.fromisoformat(AS_OF)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo", MINI)


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_build_holds_everything_the_api_serves(repo: Path, cli) -> None:
    run = cli("index", "build", "--as-of", AS_OF, "--output", "idx.sqlite", cwd=repo)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("indexed 4 services from 1 councils at ")
    db = repo / "idx.sqlite"
    meta = dict(_rows(db, "SELECT key, value FROM meta"))
    assert meta["as_of"] == AS_OF and len(meta["commit"]) == 40 and meta["dirty"] == "false"
    assert _rows(db, "SELECT id, version FROM standards") == [("demo", "2.1.0")]
    assert _rows(db, "SELECT count(*) FROM requirements") == [(4,)]
    assert _rows(db, "SELECT key, compliant FROM services ORDER BY key") == [
        ("leeds/failing", 0),
        ("leeds/good", 1),
        ("leeds/phone-only", 1),
        ("leeds/waived", 1),
    ]
    assert _rows(db, "SELECT outcomes FROM service_standards WHERE service_key = 'leeds/failing'") == [("FFNF",)]
    # Every result that carries more than its outcome: the waived one, and the evidence DEMO-04 asked for.
    assert _rows(
        db,
        "SELECT requirement_id, outcome, detail, waiver_expires, evidence_status FROM findings "
        "WHERE service_key = 'leeds/waived' ORDER BY 1",
    ) == [
        ("DEMO-03", "waived", "performance.kpis_url is not set", "2027-03-31", None),
        ("DEMO-04", "pass", "", None, "met"),
    ]
    assert _rows(db, "SELECT requirement_id, active FROM waivers ORDER BY 1") == [("DEMO-01", 0), ("DEMO-03", 1)]
    assert _rows(db, "SELECT pattern_id FROM service_patterns") == [("gov-uk-notify",)]
    assert _rows(db, "SELECT ref FROM search WHERE search MATCH 'parking' ORDER BY ref") == [
        ("leeds/failing",),
        ("leeds/waived",),
    ]
    versions = _rows(db, "SELECT version, commit_sha FROM standard_versions")
    assert versions[0][0] == "2.1.0" and len(versions[0][1]) == 40


def test_the_files_schema_version_is_the_one_health_checks(repo: Path, cli) -> None:
    """PRAGMA user_version (for any SQLite client) and meta.schema_version (what health reads) agree."""
    from registry.index.health import SCHEMA_VERSION

    assert cli("index", "build", "--as-of", AS_OF, "--output", "idx.sqlite", cwd=repo).exit_code == 0
    meta = dict(_rows(repo / "idx.sqlite", "SELECT key, value FROM meta"))
    assert _rows(repo / "idx.sqlite", "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert meta["schema_version"] == str(SCHEMA_VERSION)


def test_build_from_an_older_commit(repo: Path, cli) -> None:
    first = _head(repo)
    edit(repo / "manifests/leeds/failing.yaml", "name: Apply for a parking permit", "name: Apply for a permit")
    commit_all(repo, "rename")
    run = cli("index", "build", "--ref", first, "--as-of", AS_OF, "-o", "old.sqlite", cwd=repo)
    assert run.exit_code == 0, run.stderr
    assert _rows(repo / "old.sqlite", "SELECT name FROM services WHERE id = 'failing'") == [
        ("Apply for a parking permit",)
    ]
    assert dict(_rows(repo / "old.sqlite", "SELECT key, value FROM meta"))["commit"] == first


def _head(repo: Path) -> str:
    from gitrepo import git

    return git(repo, "rev-parse", "HEAD")


def test_unknown_ref_is_a_usage_error(repo: Path, cli) -> None:
    run = cli("index", "build", "--ref", "v9.9", cwd=repo)
    assert run.exit_code == 2 and "'v9.9' is not a commit, branch or tag" in run.stderr
    assert not (repo / "build").exists() or not list((repo / "build").iterdir())


def test_reader_keeps_its_snapshot_while_a_rebuild_swaps_in(repo: Path) -> None:
    db = repo / "live.sqlite"
    build_index(repo, db, DAY)
    reader = sqlite3.connect(db)
    old_commit = reader.execute("SELECT value FROM meta WHERE key = 'commit'").fetchone()[0]
    edit(repo / "manifests/leeds/good.yaml", "name: Report a missed bin", "name: Report a missed collection")
    commit_all(repo, "rename")
    build_index(repo, db, DAY)
    assert reader.execute("SELECT value FROM meta WHERE key = 'commit'").fetchone()[0] == old_commit
    assert reader.execute("SELECT name FROM services WHERE id = 'good'").fetchone()[0] == "Report a missed bin"
    reader.close()
    assert _rows(db, "SELECT value FROM meta WHERE key = 'commit'")[0][0] != old_commit
    # No temporary left behind: only the file replaced, kept as the spare (registry/index/spare.py).
    assert [p.name for p in repo.iterdir() if p.name.startswith(".live")] == [".live.sqlite.previous"]


def test_failed_build_leaves_the_live_index_untouched(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = repo / "live.sqlite"
    build_index(repo, db, DAY)
    before = db.read_bytes()

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("registry.index.build._write_manifests", explode)
    with pytest.raises(RuntimeError):
        build_index(repo, db, DAY)
    assert db.read_bytes() == before
    assert sorted(p.name for p in repo.iterdir() if p.suffix == ".building") == []


@pytest.mark.parametrize("damage", ["truncate", "garbage", "zeroed", "empty", "missing"])
def test_damaged_or_missing_index_is_rebuilt_with_a_log_line(
    damage: str, repo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # prepare_index is what serve, site build and the insights run before reading an index.
    db = repo / "build" / "live.sqlite"
    build_index(repo, db, DAY)
    if damage == "truncate":
        db.write_bytes(db.read_bytes()[:4096])
    elif damage == "garbage":
        db.write_bytes(db.read_bytes()[:100] + b"not a database at all" * 100)
    elif damage == "zeroed":  # what a power cut can leave of a file written just before it
        db.write_bytes(b"\0" * 4096)
    elif damage == "empty":
        db.write_bytes(b"")
    else:
        db.unlink()
    assert not is_healthy(db)
    with caplog.at_level(logging.WARNING, logger="registry.index"):
        reason = prepare_index(repo, db)
    assert reason == ("missing" if damage == "missing" else "damaged or from an older version")
    assert f"index {db} is {reason}; building it" in caplog.text
    assert is_healthy(db)
    assert prepare_index(repo, db) == "current"


@pytest.mark.parametrize("content", [b"root:x:0:0:root:/root:/bin/bash\n", b"SQLite format 2\x00 and more"])
def test_a_file_that_is_not_an_index_is_never_replaced_by_one(content: bytes, repo: Path) -> None:
    # Reading an index rebuilds it when damaged; a mistyped --index must not turn into data loss.
    other = repo / "notes.txt"
    other.write_bytes(content)
    with pytest.raises(FileExistsError, match="not an index"):
        prepare_index(repo, other)
    with pytest.raises(FileExistsError, match="not an index"):
        build_index(repo, other, DAY)
    assert other.read_bytes() == content
    assert sorted(p.name for p in repo.iterdir() if p.suffix == ".building") == []


def test_readers_open_the_index_read_only_with_rows_by_name(tmp_path: Path) -> None:
    # A folder named with URI characters: an unescaped `file:` URI would cut the path at `?` or `#`.
    folder = tmp_path / "odd ?#% name"
    folder.mkdir()
    index = folder / "index.sqlite"
    setup = sqlite3.connect(index)
    setup.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    setup.execute("INSERT INTO meta VALUES ('as_of', ?)", (AS_OF,))
    setup.commit()
    setup.close()
    conn = connect_readonly(index)
    try:
        row = conn.execute("SELECT key, value FROM meta").fetchone()
        assert (row["key"], row[1]) == ("as_of", AS_OF)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM meta")
    finally:
        conn.close()
    plain = connect_readonly(index, rows_by_name=False)
    try:
        assert plain.execute("SELECT key FROM meta").fetchone() == ("as_of",)
    finally:
        plain.close()
    # Reading never creates an index that is not there.
    with pytest.raises(sqlite3.OperationalError):
        connect_readonly(folder / "missing.sqlite").execute("SELECT 1")
    assert not (folder / "missing.sqlite").exists()
