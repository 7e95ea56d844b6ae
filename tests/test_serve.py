"""Serving: the push webhook against real Git repositories, and a reindex under concurrent readers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import socket
import sqlite3
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from conftest import AS_OF, MINI
from gitrepo import commit_all, edit, git, init_repo
from registry.api.app import create_app
from registry.index.build import build_index, prepare_index
from registry.index.health import indexed_commit
from registry.index.reindex import Reindexer

SECRET = "s3cret-for-tests"
DAY = dt.date.fromisoformat(AS_OF)


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.fixture
def upstream_and_clone(tmp_path: Path) -> tuple[Path, Path]:
    """An upstream repository and a clone of it that the server pulls into."""
    upstream = init_repo(tmp_path / "upstream", MINI)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    return upstream, clone


def _client(clone: Path, index: Path, secret: str | None = SECRET) -> TestClient:
    reindexer = Reindexer(clone, index, clock=lambda: DAY, recheck=0.05)
    settings: dict[str, object] = {"repo_root": str(clone), "reindexer": reindexer}
    if secret:
        settings["webhook_secret"] = secret
    return TestClient(create_app(index, settings=settings))


def _push_upstream(upstream: Path) -> str:
    edit(upstream / "manifests/leeds/good.yaml", "name: Report a missed bin", "name: Report a missed collection")
    return commit_all(upstream, "rename a service")


def test_bad_signatures_are_refused_and_nothing_is_pulled(upstream_and_clone: tuple[Path, Path]) -> None:
    upstream, clone = upstream_and_clone
    index = clone / "build/index.sqlite"
    build_index(clone, index, DAY)
    before_head, before_index = git(clone, "rev-parse", "HEAD"), indexed_commit(index)
    _push_upstream(upstream)
    body = json.dumps({"ref": "refs/heads/main"}).encode()
    with _client(clone, index) as client:
        url = "/api/v1/hooks/github"
        missing = client.post(url, content=body, headers={"X-GitHub-Event": "push"})
        assert missing.status_code == 401 and missing.json()["error"]["code"] == "unsigned"
        wrong = client.post(
            url, content=body, headers={"X-Hub-Signature-256": _sign(body, "other"), "X-GitHub-Event": "push"}
        )
        assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "bad_signature"
        changed = client.post(
            url, content=body + b" ", headers={"X-Hub-Signature-256": _sign(body), "X-GitHub-Event": "push"}
        )
        assert changed.status_code == 403
        garbage = client.post(url, content=body, headers={"X-Hub-Signature-256": "sha256=zz", "X-GitHub-Event": "push"})
        assert garbage.status_code == 403
    assert git(clone, "rev-parse", "HEAD") == before_head
    assert indexed_commit(index) == before_index


def test_valid_push_pulls_and_reindexes(upstream_and_clone: tuple[Path, Path]) -> None:
    upstream, clone = upstream_and_clone
    index = clone / "build/index.sqlite"
    build_index(clone, index, DAY)
    new_head = _push_upstream(upstream)
    body = json.dumps({"ref": "refs/heads/main", "after": new_head}).encode()
    headers = {"X-Hub-Signature-256": _sign(body), "X-GitHub-Event": "push", "X-GitHub-Delivery": "d-1"}
    with _client(clone, index) as client:
        r = client.post("/api/v1/hooks/github", content=body, headers=headers)
        assert r.status_code == 202
        assert r.json() == {"status": "accepted", "event": "push", "detail": f"pulling {new_head[:10]} and reindexing"}
        # The app's reindexer thread pulls and rebuilds after the answer.
        deadline = time.monotonic() + 60
        while client.get("/api/v1/meta").json()["commit"] != new_head:
            assert time.monotonic() < deadline, "the push was never indexed"
            time.sleep(0.05)
        assert git(clone, "rev-parse", "HEAD") == new_head
        assert indexed_commit(index) == new_head
        replay = client.post("/api/v1/hooks/github", content=body, headers=headers)
        assert replay.status_code == 409


def test_ping_oversized_and_switched_off(upstream_and_clone: tuple[Path, Path]) -> None:
    _, clone = upstream_and_clone
    index = clone / "build/index.sqlite"
    build_index(clone, index, DAY)
    with _client(clone, index) as client:
        body = b"{}"
        assert (
            client.post(
                "/api/v1/hooks/github",
                content=body,
                headers={"X-Hub-Signature-256": _sign(body), "X-GitHub-Event": "ping"},
            ).json()["status"]
            == "pong"
        )
        big = b"x" * 1_000_001
        assert (
            client.post("/api/v1/hooks/github", content=big, headers={"X-Hub-Signature-256": _sign(big)}).status_code
            == 413
        )
    with _client(clone, index, secret=None) as client:
        assert client.post("/api/v1/hooks/github", content=b"{}").status_code == 404


def test_prepare_index_builds_when_missing_stale_or_damaged(upstream_and_clone: tuple[Path, Path]) -> None:
    _, clone = upstream_and_clone
    index = clone / "build/index.sqlite"
    assert prepare_index(clone, index) == "missing"
    assert prepare_index(clone, index) == "current"
    edit(clone / "manifests/leeds/good.yaml", "name: Report a missed bin", "name: Report a missed bin collection")
    assert prepare_index(clone, index).startswith("stale")
    commit_all(clone, "edit")
    assert prepare_index(clone, index).startswith("stale")
    index.write_bytes(b"\0" * 1000)
    assert prepare_index(clone, index).startswith("damaged")
    assert indexed_commit(index) == git(clone, "rev-parse", "HEAD")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_reindex_while_twenty_clients_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twenty clients read while a rebuild runs; the rebuild is held open so the overlap is certain.

    The build is held at its swap until 40 requests have been answered while it ran, and until
    one request has opened the old index and is itself held: that request finishes after the
    swap, reading the index it started with. Every answer is the old index or the new one.
    """
    import uvicorn

    from registry.api.dependencies import get_db

    repo = init_repo(tmp_path / "repo", MINI)
    index = repo / "build/index.sqlite"
    build_index(repo, index, DAY)
    old = (indexed_commit(index), 4)
    app = create_app(index)

    building, straddling, swapped, stop = threading.Event(), threading.Event(), threading.Event(), threading.Event()
    answers: list[tuple[str, bool, bool, tuple[str, int]]] = []  # (client, started in build, ended in build, answer)
    failures: list[str] = []
    straddler: list[tuple[str, int]] = []

    def held_db(request: Request) -> Iterator[Any]:
        dependency = get_db(request)
        conn = next(dependency)
        if request.headers.get("x-straddle"):
            straddling.set()
            assert swapped.wait(30), "the build never swapped"
        try:
            yield conn
        finally:
            dependency.close()

    app.dependency_overrides[get_db] = held_db
    real_replace = Path.replace

    def held_replace(self: Path, target: Any) -> Path:
        if not self.name.endswith(".building"):
            return real_replace(self, target)
        building.set()
        deadline = time.monotonic() + 60
        while sum(1 for a in answers if a[1] and a[2]) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert straddling.wait(max(0.0, deadline - time.monotonic())), "no request was in flight at the swap"
        result = real_replace(self, target)
        swapped.set()
        return result

    monkeypatch.setattr(Path, "replace", held_replace)

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)

    def get(headers: dict[str, str]) -> tuple[str, int]:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/meta", headers=headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
        return body["commit"], body["counts"]["services"]

    def reader(name: str) -> None:
        for _ in range(2000):  # bounded: each client stops by itself
            if stop.is_set():
                return
            try:
                began = building.is_set() and not swapped.is_set()
                answer = get({})
                answers.append((name, began, building.is_set() and not swapped.is_set(), answer))
            except Exception as exc:  # any failure is a finding
                failures.append(repr(exc))

    def straddle() -> None:
        if not building.wait(60):
            failures.append("the build was never held at its swap")
            return
        try:
            straddler.append(get({"x-straddle": "1"}))
        except Exception as exc:
            failures.append(repr(exc))

    clients = [threading.Thread(target=reader, args=(f"client-{i}",)) for i in range(20)]
    clients.append(threading.Thread(target=straddle))
    for c in clients:
        c.start()
    (repo / "manifests/leeds/extra.yaml").write_text(
        (repo / "manifests/leeds/good.yaml").read_text().replace("id: good", "id: extra")
    )
    new_commit = commit_all(repo, "add a service")
    try:
        build_index(repo, index, DAY)
        deadline = time.monotonic() + 30
        while sum(1 for a in answers if a[3] == (new_commit, 5)) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        for c in clients:
            c.join(timeout=60)
        server.should_exit = True
        thread.join(timeout=10)
    assert failures == []
    during = [a for a in answers if a[1] and a[2]]
    assert len(during) >= 40 and {a[3] for a in during} == {old}, "answers while the build ran come from the old index"
    assert straddler == [old], "a request keeps reading the index it opened, across the swap"
    assert {a[3] for a in answers} == {old, (new_commit, 5)}
    assert sum(1 for a in answers if a[3] == (new_commit, 5)) >= 20


def _outcome(client_or_url: TestClient | str, service: str, requirement: str) -> str:
    if isinstance(client_or_url, str):
        with urllib.request.urlopen(f"{client_or_url}/api/v1/services/{service}", timeout=10) as response:
            body = json.loads(response.read())
    else:
        body = client_or_url.get(f"/api/v1/services/{service}").json()
    return next(str(r["outcome"]) for r in body["results"] if r["requirement"] == requirement)


def test_the_day_after_the_as_of_date_the_index_is_rejudged_while_readers_keep_reading(tmp_path: Path) -> None:
    """An injected clock moves past the index's as-of date while uvicorn serves: a waiver that expires
    that day stops counting without a new commit, and no reader meets an error or waits for the build."""
    import uvicorn

    repo = init_repo(tmp_path / "repo", MINI)
    edit(repo / "manifests/leeds/waived.yaml", "expires: 2027-03-31", f"expires: {AS_OF}")
    commit_all(repo, "the waiver ends on the as-of day")
    index = repo / "build/index.sqlite"
    build_index(repo, index, DAY)
    today = [DAY]
    reindexer = Reindexer(repo, index, clock=lambda: today[0], recheck=0.05)
    port = _free_port()
    app = create_app(index, settings={"reindexer": reindexer})
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    failures: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(f"{base}/api/v1/standards", timeout=10) as response:
                    response.read()
            except Exception as exc:  # any failure is a finding
                failures.append(repr(exc))

    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert _outcome(base, "leeds/waived", "DEMO-03") == "waived"
        time.sleep(0.3)  # several looks at an index that is current: nothing is rebuilt
        assert indexed_as_of(index) == AS_OF
        readers = [threading.Thread(target=reader) for _ in range(4)]
        for r in readers:
            r.start()
        today[0] = DAY + dt.timedelta(days=1)
        deadline = time.monotonic() + 60
        while indexed_as_of(index) != today[0].isoformat():
            assert time.monotonic() < deadline, "the index was never re-judged"
            time.sleep(0.05)
        time.sleep(0.2)
        stop.set()
        for r in readers:
            r.join(timeout=30)
        assert _outcome(base, "leeds/waived", "DEMO-03") == "fail"
        assert failures == []
    finally:
        stop.set()
        server.should_exit = True
        thread.join(timeout=10)


def indexed_as_of(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()[0])
    finally:
        conn.close()


def test_rebuilds_beyond_the_limit_wait_for_the_minute_and_are_not_lost(
    upstream_and_clone: tuple[Path, Path],
) -> None:
    upstream, clone = upstream_and_clone
    index = clone / "build/index.sqlite"
    build_index(clone, index, DAY)
    now = [1_000_000.0]
    reindexer = Reindexer(clone, index, clock=lambda: DAY, per_minute=2, wallclock=lambda: now[0])
    heads = []
    for n in range(3):
        edit(upstream / "manifests/leeds/good.yaml", "name: Report a missed bin", f"name: Report a missed bin {n}\n#")
        heads.append(commit_all(upstream, f"push {n}"))
        reindexer.request_pull()
        retry = reindexer.run()
        now[0] += 1
    assert [indexed_commit(index) == h for h in heads] == [False, True, False]  # two built, the third waits
    assert retry is not None and 55 < retry <= 60 and reindexer.rebuilds_due_in() > 0
    assert (index.parent / "index.sqlite.pending").exists()
    assert reindexer.run() is not None and indexed_commit(index) == heads[1]
    now[0] += 60
    assert reindexer.run() is None and indexed_commit(index) == heads[2]


def test_without_a_reindexer_an_unreadable_index_is_503_and_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    repo = init_repo(tmp_path / "repo", MINI)
    index = repo / "build/index.sqlite"
    build_index(repo, index, DAY)
    with TestClient(create_app(index)) as client:
        assert client.get("/api/v1/standards").status_code == 200
        index.write_bytes(b"\x01" * 4096)
        with caplog.at_level(logging.WARNING, logger="registry"):
            answers = [client.get(path) for path in ("/api/v1/standards", "/api/v1/meta") * 5]
        assert {a.status_code for a in answers} == {503}
        assert {a.json()["error"]["code"] for a in answers} == {"index_unavailable"}
        assert [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()] == [
            f"index {index} cannot be read (file is not a database): answering 503 until a good index is in place"
        ]
