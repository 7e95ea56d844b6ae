"""A rebuild after a change replaces only the changed files' rows, and its index holds exactly what a
whole new build's does (registry/index/incremental.py)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from checks import cache as cache_module
from conftest import MINI
from gitrepo import edit
from registry.index.build import build_index
from registry.index.incremental import seen_now


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)  # the files were all written a moment ago
    path = tmp_path / "repo"
    shutil.copytree(MINI, path)
    (path / "build" / "cache").mkdir(parents=True)  # not a Git work tree: the cache is asked for
    return path


def _content(index: Path) -> dict[str, list[str]]:
    """Every table's rows, in order, but when it was built and how its files were seen."""
    with sqlite3.connect(index) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = {
            name: sorted(map(repr, conn.execute(f"SELECT * FROM {name}")))
            for name in names
            if not name.startswith(("search_", "index_"))
        }
    tables["meta"] = [r for r in tables["meta"] if "built_at" not in r]
    return tables


def _fresh(repo: Path, tmp_path: Path, as_of: dt.date) -> dict[str, list[str]]:
    path = tmp_path / "fresh.sqlite"
    path.unlink(missing_ok=True)
    build_index(repo, path, as_of, jobs=1, cache=False)
    return _content(path)


AS_OF = dt.date(2026, 11, 1)


def test_an_unchanged_tree_is_rebuilt_without_judging_anything(repo: Path, tmp_path: Path, judged: list[str]) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    first = _content(index)
    judged.clear()
    build_index(repo, index, AS_OF, jobs=1)
    assert judged == []
    assert _content(index) == first == _fresh(repo, tmp_path, AS_OF)


def test_a_changed_added_and_removed_manifest_replace_only_their_rows(
    repo: Path, tmp_path: Path, judged: list[str]
) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    leeds = repo / "manifests/leeds"
    edit(leeds / "good.yaml", "name: Report a missed bin", "name: Report a missed collection")
    (leeds / "new.yaml").write_text((leeds / "failing.yaml").read_text().replace("id: failing", "id: new"))
    (leeds / "phone-only.yaml").unlink()
    judged.clear()
    build_index(repo, index, AS_OF, jobs=1)
    assert sorted(judged) == ["manifests/leeds/good.yaml", "manifests/leeds/new.yaml"]
    rebuilt = _content(index)
    assert rebuilt == _fresh(repo, tmp_path, AS_OF)
    assert not any("phone-only" in row for row in rebuilt["services"])


def test_a_manifest_made_invalid_and_fixed_again(repo: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    good = repo / "manifests/leeds/good.yaml"
    text = good.read_text()
    good.write_text(text.replace("phase: live", "phase: nonsense"))
    build_index(repo, index, AS_OF, jobs=1)
    broken = _content(index)
    assert broken == _fresh(repo, tmp_path, AS_OF) and any("good.yaml" in r for r in broken["invalid_files"])
    good.write_text(text)
    build_index(repo, index, AS_OF, jobs=1)
    assert _content(index) == _fresh(repo, tmp_path, AS_OF)


def test_a_council_change_replaces_its_services_rows(repo: Path, tmp_path: Path, judged: list[str]) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    edit(repo / "manifests/leeds/council.yaml", "Leeds City Council", "Leeds City Council (renamed)")
    judged.clear()
    build_index(repo, index, AS_OF, jobs=1)
    assert len(judged) == 5
    assert _content(index) == _fresh(repo, tmp_path, AS_OF)


def test_each_folder_s_services_are_seen_with_their_own_council_file(
    repo: Path, tmp_path: Path, judged: list[str]
) -> None:
    """A pass statts each council file once for its folder's services (incremental.seen_now): never
    another folder's."""
    shutil.copytree(repo / "manifests/leeds", repo / "manifests/york")
    edit(repo / "manifests/york/council.yaml", "id: leeds", "id: york")
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    judged.clear()
    build_index(repo, index, AS_OF, jobs=1)
    assert judged == []
    with sqlite3.connect(index) as conn:
        recorded = dict(conn.execute("SELECT path, seen FROM index_files"))
    assert {p for p in recorded if p.startswith("manifests/york/")}
    assert recorded == {path: seen_now(repo / path) for path in recorded}
    edit(repo / "manifests/york/council.yaml", "Leeds City Council", "City of York Council")
    build_index(repo, index, AS_OF, jobs=1)
    assert judged and all(path.startswith("manifests/york/") for path in judged)
    assert _content(index) == _fresh(repo, tmp_path, AS_OF)


def test_a_standard_change_builds_afresh(repo: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    edit(repo / "standards/demo.yaml", "title: Usability testing evidence", "title: Usability testing records")
    build_index(repo, index, AS_OF, jobs=1)
    rebuilt = _content(index)
    assert rebuilt == _fresh(repo, tmp_path, AS_OF)
    assert any("Usability testing records" in r for r in rebuilt["requirements"])


@pytest.mark.parametrize("days", ["2027-03-31", "2027-04-01", "2026-10-01"])
def test_rows_due_to_change_with_time_are_replaced(repo: Path, tmp_path: Path, days: str) -> None:
    """waived.yaml's waiver runs to 2027-03-31; an earlier as-of date than the last build's starts afresh."""
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    as_of = dt.date.fromisoformat(days)
    build_index(repo, index, as_of, jobs=1)
    rebuilt = _content(index)
    assert rebuilt == _fresh(repo, tmp_path, as_of)
    active = [r for r in rebuilt["waivers"] if "DEMO-03" in r]
    assert active and all(r.endswith(", 0)" if days == "2027-04-01" else ", 1)") for r in active)


def test_a_file_touched_but_not_changed_is_not_judged_again(repo: Path, tmp_path: Path, judged: list[str]) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    good = repo / "manifests/leeds/good.yaml"
    good.write_text(good.read_text())  # a checkout, a formatter that changed nothing
    judged.clear()
    build_index(repo, index, AS_OF, jobs=1)
    assert judged == [] and _content(index) == _fresh(repo, tmp_path, AS_OF)
    with sqlite3.connect(index) as conn:
        seen = conn.execute("SELECT seen FROM index_files WHERE path = 'manifests/leeds/good.yaml'").fetchone()[0]
    assert seen is not None and str(good.stat().st_ctime_ns) in seen
