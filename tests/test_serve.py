"""Serving: the push webhook against real Git repositories, and a reindex under concurrent readers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from conftest import AS_OF, MINI
from gitrepo import commit_all, edit, git, init_repo
from registry.api import create_app
from registry.index import build_index
from registry.reindex import Reindexer
from registry.serve import indexed_commit, prepare_index

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
    settings: dict[str, object] = {"repo_root": str(clone), "reindexer": Reindexer(clone, index)}
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
        assert r.status_code == 202 and r.json() == {"status": "accepted", "event": "push"}
        # TestClient runs background tasks before returning; a real server does it after responding.
        assert git(clone, "rev-parse", "HEAD") == new_head
        assert indexed_commit(index) == new_head
        assert client.get("/api/v1/meta").json()["commit"] == new_head
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

    from registry.api_support import get_db

    repo = init_repo(tmp_path / "repo", MINI)
    index = repo / "build/index.sqlite"
    build_index(repo, index, DAY)
    old = (indexed_commit(index), 4)
    app = create_app(index)

    building, straddling, swapped, stop = threading.Event(), threading.Event(), threading.Event(), threading.Event()
    answers: list[tuple[str, bool, bool, tuple[str, int]]] = []  # (client, started in build, ended in build, answer)
    failures: list[str] = []
    straddler: list[tuple[str, int]] = []

    def held_db(request: Request) -> Any:
        conn = get_db(request)
        if request.headers.get("x-straddle"):
            straddling.set()
            assert swapped.wait(30), "the build never swapped"
        return conn

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
