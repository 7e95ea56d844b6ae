"""The previous index kept as the spare, and rewritten in place by the rebuild after next
(registry/index/spare.py): never while a reader holds it, never half, always equal to a fresh build."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from test_index_incremental import _content, _fresh

from checks import cache as cache_module
from conftest import MINI
from gitrepo import edit
from registry.index import build as build_module
from registry.index import spare as spare_module
from registry.index.build import build_index
from registry.index.connection import connect_readonly
from registry.index.spare import spare_path

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cache_module, "RACY_SECONDS", 0.0)  # the files were all written a moment ago
    monkeypatch.setattr(spare_module, "CLAIM_WAIT", 0.05)
    path = tmp_path / "repo"
    shutil.copytree(MINI, path)
    (path / "build" / "cache").mkdir(parents=True)
    return path


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time a build copied the live index to start from."""
    made: list[str] = []
    real = shutil.copyfile

    def counting(src: str, dst: str) -> str:
        made.append(str(src))
        return real(src, dst)

    monkeypatch.setattr(build_module.shutil, "copyfile", counting)
    return made


def _inode(path: Path) -> int:
    return path.stat().st_ino


def test_each_build_keeps_the_file_it_replaces_as_the_spare(repo: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    assert not spare_path(index).exists()
    first = _inode(index)
    build_index(repo, index, AS_OF, jobs=1)
    assert _inode(spare_path(index)) == first != _inode(index)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [".index.sqlite.previous"]


def test_the_rebuild_after_next_rewrites_the_spare_with_both_builds_changes(
    repo: Path, tmp_path: Path, copies: list[str]
) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    first = _inode(index)
    leeds = repo / "manifests/leeds"
    edit(leeds / "good.yaml", "name: Report a missed bin", "name: Report a missed collection")
    build_index(repo, index, AS_OF, jobs=1)  # copies the live index: there is no spare yet
    second = _inode(index)
    assert len(copies) == 1
    (leeds / "phone-only.yaml").unlink()
    edit(leeds / "council.yaml", "Leeds City Council", "Leeds City Council (renamed)")
    build_index(repo, index, AS_OF, jobs=1)
    # The first build's file, two builds behind, brought up to date in place and swapped in; no copy.
    assert len(copies) == 1
    assert (_inode(index), _inode(spare_path(index))) == (first, second)
    rebuilt = _content(index)
    assert rebuilt == _fresh(repo, tmp_path, AS_OF)
    assert any("Report a missed collection" in r for r in rebuilt["services"])
    assert not any("phone-only" in r for r in rebuilt["services"])
    assert not [p for p in tmp_path.iterdir() if p.name.endswith("-journal")]


def test_a_spare_a_reader_still_holds_is_left_alone(repo: Path, tmp_path: Path, copies: list[str]) -> None:
    """A reader that opened the index before it was replaced keeps its snapshot: the next rebuild copies."""
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    reader = connect_readonly(index)
    try:
        before = reader.execute("SELECT count(*) FROM services").fetchone()[0]
        first = _inode(index)
        build_index(repo, index, AS_OF, jobs=1)
        (repo / "manifests/leeds/phone-only.yaml").unlink()
        build_index(repo, index, AS_OF, jobs=1)
        assert len(copies) == 2 and _inode(index) != first
        assert reader.execute("SELECT count(*) FROM services").fetchone()[0] == before
        assert reader.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()[0] == AS_OF.isoformat()
    finally:
        reader.close()
    assert _content(index) == _fresh(repo, tmp_path, AS_OF)
    build_index(repo, index, AS_OF, jobs=1)  # the reader has gone: its file is the spare no longer
    assert len(copies) == 2


def test_a_failed_rebuild_leaves_the_spare_as_it_was(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    build_index(repo, index, AS_OF, jobs=1)
    spare, live = _content(spare_path(index)), _content(index)
    (repo / "manifests/leeds/phone-only.yaml").unlink()
    real = build_module._write_manifests

    def failing(conn: sqlite3.Connection, *args: object) -> object:
        real(conn, *args)  # type: ignore[arg-type]
        raise KeyboardInterrupt  # after the rows were written, before the commit

    monkeypatch.setattr(build_module, "_write_manifests", failing)
    with pytest.raises(KeyboardInterrupt):
        build_index(repo, index, AS_OF, jobs=1)
    assert _content(spare_path(index)) == spare and _content(index) == live
    monkeypatch.setattr(build_module, "_write_manifests", real)
    build_index(repo, index, AS_OF, jobs=1)
    assert _content(index) == _fresh(repo, tmp_path, AS_OF)


def test_a_spare_from_other_standards_is_not_used(repo: Path, tmp_path: Path, copies: list[str]) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    edit(repo / "standards/demo.yaml", "title: Usability testing evidence", "title: Usability testing records")
    build_index(repo, index, AS_OF, jobs=1)  # built afresh: the spare is from the old standards
    build_index(repo, index, AS_OF, jobs=1)  # copies the live index rather than take that spare
    assert len(copies) == 1
    assert _content(index) == _fresh(repo, tmp_path, AS_OF)


def test_a_file_system_without_hard_links_builds_without_a_spare(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refused)
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    build_index(repo, index, AS_OF, jobs=1)
    assert not spare_path(index).exists()
    assert _content(index) == _fresh(repo, tmp_path, AS_OF)


def test_a_folder_where_the_spare_goes_is_left_alone(repo: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    spare_path(index).mkdir()
    (spare_path(index) / "kept.txt").write_text("mine")
    build_index(repo, index, AS_OF, jobs=1)
    assert (spare_path(index) / "kept.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".index")) == [".index.sqlite.previous"]
    assert _content(index) == _fresh(repo, tmp_path, AS_OF)


@pytest.mark.parametrize("kind", ["link", "damaged"])
def test_a_spare_that_is_no_index_of_ours_is_not_rewritten(repo: Path, tmp_path: Path, kind: str) -> None:
    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    build_index(repo, index, AS_OF, jobs=1)
    spare = spare_path(index)
    other = tmp_path / "other.sqlite"
    shutil.copyfile(spare, other)
    spare.unlink()
    if kind == "link":
        spare.symlink_to(other)
    else:
        spare.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    kept = other.read_bytes()
    build_index(repo, index, AS_OF, jobs=1)
    assert other.read_bytes() == kept
    assert spare.is_file() and not spare.is_symlink()  # the file the build replaced
    assert _content(index) == _fresh(repo, tmp_path, AS_OF)


def test_the_api_holds_a_file_only_while_a_request_reads_it(repo: Path, tmp_path: Path, copies: list[str]) -> None:
    """A request's connection is a snapshot until it is checked in; idle ones hold nothing, and those on
    a replaced file are closed at the next request, so the rebuild after next can rewrite that file."""
    from registry.api.dependencies import IndexStore

    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    build_index(repo, index, AS_OF, jobs=1)
    store = IndexStore(index)
    in_flight = store.checkout()
    services = in_flight.execute("SELECT count(*) FROM services").fetchone()[0]
    build_index(repo, index, AS_OF, jobs=1)  # the spare is claimed and swapped in
    (repo / "manifests/leeds/phone-only.yaml").unlink()
    build_index(repo, index, AS_OF, jobs=1)  # the request's file is the spare now, and still read: copied
    assert len(copies) == 2
    assert in_flight.execute("SELECT count(*) FROM services").fetchone()[0] == services
    store.checkin(in_flight)
    reopened = store.checkout()
    assert reopened is not in_flight  # on the replaced file: closed, a new one opened
    store.checkin(reopened)
    newest = store.checkout()
    assert newest.execute("SELECT count(*) FROM services").fetchone()[0] == services - 1
    store.checkin(newest)
    build_index(repo, index, AS_OF, jobs=1)
    build_index(repo, index, AS_OF, jobs=1)  # `newest` is idle on this spare and holds no lock: rewritten
    assert len(copies) == 2
    again = store.checkout()
    # `newest` again, maybe: its file is live once more, and it reads that file as it is now.
    assert again.file_id == (index.stat().st_dev, _inode(index))
    assert again.execute("SELECT count(*) FROM services").fetchone()[0] == services - 1
    store.checkin(again)


def test_clients_reading_while_rebuilds_rewrite_the_spare_see_one_whole_index(
    repo: Path, tmp_path: Path, copies: list[str]
) -> None:
    """A real server on 127.0.0.1 and four clients, while a manifest comes and goes over six rebuilds:
    every answer is whole (its total and its rows from one index), and most rebuilds take the spare."""
    import json
    import socket
    import threading
    import time
    import urllib.request

    import uvicorn

    from registry.api.app import create_app

    index = tmp_path / "index.sqlite"
    build_index(repo, index, AS_OF, jobs=1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(index), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    stop, failures, totals = threading.Event(), [], set()

    def client() -> None:
        while not stop.is_set():
            try:
                url = f"http://127.0.0.1:{port}/api/v1/services?limit=500"
                with urllib.request.urlopen(url, timeout=10) as response:
                    body = json.loads(response.read())
                totals.add(body["total"])
                if len(body["items"]) != body["total"]:
                    failures.append(f"total {body['total']} but {len(body['items'])} rows")
            except Exception as exc:  # any failure is a finding
                failures.append(repr(exc))

    gone = repo / "manifests/leeds/phone-only.yaml"
    text = gone.read_text()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        clients = [threading.Thread(target=client) for _ in range(4)]
        for c in clients:
            c.start()
        for n in range(6):
            if n % 2:
                gone.write_text(text)
            else:
                gone.unlink()
            build_index(repo, index, AS_OF, jobs=1)
            time.sleep(0.1)
        stop.set()
        for c in clients:
            c.join(timeout=30)
    finally:
        stop.set()
        server.should_exit = True
        thread.join(timeout=10)
    assert failures == []
    assert len(totals) == 2  # both indexes were read
    assert len(copies) <= 3, copies  # the first rebuild copies; most others rewrite the spare while clients read
