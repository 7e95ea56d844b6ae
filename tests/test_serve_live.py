"""`standards serve` as it runs for real: a subprocess on 127.0.0.1 serving a clone of a real Git repository.

A `post-merge` hook in the served clone holds a pull (and so the rebuild it belongs to, which
holds the index's lock) until the test lets it go, so pushes and reads can be made to land
*during* a rebuild without guessing at timings.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import MINI
from gitrepo import commit_all, git, init_repo

INDEX = "build/index.sqlite"
REBUILT = "rebuilt index"
SECRET = "s3cret-for-live-tests"


def _sign(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    log: Path
    proc: subprocess.Popen[bytes]

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines())

    def get(self, path: str) -> tuple[int, dict[str, Any], dict[str, str]]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as response:
                return response.status, json.loads(response.read()), {k.lower(): v for k, v in response.headers.items()}
        except urllib.error.HTTPError as error:  # a 4xx or 5xx answer; a reset connection still raises
            return error.code, json.loads(error.read()), {k.lower(): v for k, v in error.headers.items()}

    def push(self, delivery: str, after: str) -> tuple[int, dict[str, Any]]:
        body = json.dumps({"ref": "refs/heads/main", "after": after}).encode()
        request = urllib.request.Request(
            self.base + "/api/v1/hooks/github",
            data=body,
            method="POST",
            headers={"X-Hub-Signature-256": _sign(body), "X-GitHub-Event": "push", "X-GitHub-Delivery": delivery},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def commit(self) -> str | None:
        status, body, _ = self.get("/api/v1/meta")
        return str(body["commit"]) if status == 200 else None


def _until(what: str, condition: Callable[[], bool], server: Server | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            log = server.log.read_text(encoding="utf-8") if server else ""
            pytest.fail(f"timed out waiting for {what}\n{log}")
        time.sleep(0.05)


@contextlib.contextmanager
def serving(repo: Path, workers: int = 1, **env: str) -> Iterator[Server]:
    port = _free_port()
    exe = Path(sys.executable).with_name("standards")
    log = repo.parent / f"serve-{port}.log"
    environment = {
        **os.environ,
        "STANDARDS_WEBHOOK_SECRET": SECRET,
        "STANDARDS_RECHECK_SECONDS": "3600",  # nothing here may depend on the periodic look
        **env,
    }
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--port", str(port), "--index", INDEX, "--workers", str(workers)],
            cwd=repo,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", log, proc)
    try:
        _until("every worker's reindexer", lambda: proc.poll() is None and server.count("watching") == workers, server)
        _until("the server to answer", lambda: _answers(server), server)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _answers(server: Server) -> bool:
    try:
        return server.get("/readyz")[0] == 200
    except OSError:
        return False


@dataclass
class Repos:
    upstream: Path
    clone: Path
    hold: Path  # while this file exists, a pull in the clone waits after merging
    entered: Path  # a pull has reached the hook

    def push_upstream(self, n: int) -> str:
        manifest = self.upstream / "manifests/leeds/good.yaml"
        manifest.write_text(re.sub(r"(?m)^name: .*$", f"name: Report a missed bin ({n})", manifest.read_text()))
        return commit_all(self.upstream, f"push {n}")


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    upstream = init_repo(tmp_path / "upstream", MINI)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    gate = Repos(upstream, clone, tmp_path / "hold", tmp_path / "entered")
    hook = clone / ".git/hooks/post-merge"
    hook.write_text(
        f'#!/bin/sh\ntouch "{gate.entered}"\nwhile [ -e "{gate.hold}" ]; do sleep 0.05; done\n', encoding="utf-8"
    )
    hook.chmod(0o755)
    return gate


def _is_error_shape(body: dict[str, Any], status: int) -> bool:
    error = body.get("error", {})
    return (
        set(body) == {"error"}
        and set(error) == {"status", "code", "message", "details"}
        and error["status"] == status
        and isinstance(error["message"], str)
        and error["message"]
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_two_pushes_during_one_rebuild_end_in_an_index_of_the_second(repos: Repos, processes: int) -> None:
    """With two processes serving one index, the pushes during the rebuild reach the one *not* rebuilding
    (as they may reach any worker of `--workers N`): it cannot take the lock, so the holder must see them."""
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(serving(repos.clone)) for _ in range(processes)]
        builder, other = servers[0], servers[-1]
        first = builder.commit()
        repos.hold.touch()
        a = repos.push_upstream(1)
        assert builder.push("d-1", a)[0] == 202
        _until("the first pull to start", repos.entered.exists, builder)
        b = repos.push_upstream(2)
        status, body = other.push("d-2", b)
        assert status == 202 and body["status"] == "accepted", body
        c = repos.push_upstream(3)
        assert other.push("d-3", c)[0] == 202
        assert builder.commit() == first and other.commit() == first
        repos.hold.unlink()
        _until("the last push to be indexed", lambda: other.commit() == c, other)
        assert git(repos.clone, "rev-parse", "HEAD") == c
        time.sleep(0.3)
        # The first push, then one more rebuild for both that came during it.
        assert sum(server.count(REBUILT) for server in servers) == 2
        assert not any("Traceback" in server.log.read_text(encoding="utf-8") for server in servers)


def test_two_workers_never_rebuild_at_once(repos: Repos) -> None:
    """One worker's rebuild holds the lock; the other, asked by its own readers, must not start a second."""
    index = repos.clone / INDEX
    with serving(repos.clone, workers=2) as server:
        repos.hold.touch()
        a = repos.push_upstream(1)
        assert server.push("d-1", a)[0] == 202
        _until("the pull to start", repos.entered.exists, server)
        os.truncate(index, 100)  # damaged: both workers' readers now ask their reindexer for a rebuild
        damaged = index.stat().st_ino, index.stat().st_mtime_ns
        answers: list[int] = []
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            answers.append(server.get("/api/v1/standards")[0])
            assert not list(index.parent.glob("*.building")), "a second rebuild started while one held the lock"
            time.sleep(0.02)
        assert set(answers) == {503}, answers
        assert (index.stat().st_ino, index.stat().st_mtime_ns) == damaged
        repos.hold.unlink()
        _until("the rebuild to finish", lambda: server.commit() == a, server)
        _until("the log to be written", lambda: server.count(REBUILT) >= 1, server)
        time.sleep(0.5)  # the other worker, woken too, must find the new file good and do nothing
        assert server.get("/api/v1/standards")[0] == 200
        assert server.count(REBUILT) == 1, server.log.read_text(encoding="utf-8")


def test_a_damaged_index_answers_503_once_logged_and_is_rebuilt_or_waited_for(repos: Repos, tmp_path: Path) -> None:
    index = repos.clone / INDEX
    with serving(repos.clone) as server:
        good = shutil.copy(index, tmp_path / "good.sqlite")
        before = len(server.lines())
        index.write_bytes(b"this is not an index\n" * 500)  # in place: every cached connection sees it
        for _ in range(5):
            for path in ("/api/v1/standards", "/api/v1/services/leeds/good", "/api/v1/meta", "/api/v1/search?q=bin"):
                status, body, headers = server.get(path)
                assert status == 503 and _is_error_shape(body, 503), (path, status, body)
                assert body["error"]["code"] == "index_unavailable" and headers["retry-after"]
        _until("the damage to be logged", lambda: len(server.lines()) > before, server)
        time.sleep(0.3)
        said = server.lines()[before:]
        # Not an SQLite file, so not ours to replace: said once, then wait for a good file.
        assert len(said) == 1 and "waiting for a good file" in said[0], said
        assert server.get("/api/v1/meta")[0] == 503
        os.replace(shutil.copy(good, tmp_path / "put-back.sqlite"), index)
        _until("the good file to be served", lambda: server.get("/api/v1/meta")[0] == 200, server)

        before = len(server.lines())
        os.truncate(index, 100)  # an SQLite file cut short: rebuilt
        status, body, _ = server.get("/api/v1/standards")
        assert status == 503 and _is_error_shape(body, 503), body
        _until("the rebuild", lambda: server.get("/api/v1/standards")[0] == 200, server)
        said = server.lines()[before:]
        # One warning for the damage, however many readers met it, then one line for the rebuild.
        assert len(said) == 2 and "answering 503 and rebuilding it" in said[0] and REBUILT in said[1], said
        assert "Traceback" not in server.log.read_text(encoding="utf-8")


def test_replayed_delivery_is_skipped_and_rebuilds_are_rate_limited(repos: Repos) -> None:
    index = repos.clone / INDEX
    with serving(repos.clone, STANDARDS_REBUILDS_PER_MINUTE="1") as server:
        a = repos.push_upstream(1)
        assert server.push("d-1", a)[0] == 202
        _until("the push to be indexed", lambda: server.commit() == a, server)
        built = index.stat().st_ino, server.count(REBUILT)
        status, body = server.push("d-2", a)  # the same signed body under a new delivery id
        assert status == 200 and body["status"] == "skipped", body
        assert body["detail"] == f"skipped: already indexed at {a[:10]}"
        time.sleep(0.5)
        assert (index.stat().st_ino, server.count(REBUILT)) == built

        b = repos.push_upstream(2)
        status, body = server.push("d-3", b)
        assert status == 202 and body["status"] == "queued", body
        assert "rate limited: at most 1 rebuilds a minute" in body["detail"], body
        time.sleep(1.0)
        assert server.commit() == a and server.count(REBUILT) == built[1]


def test_serve_rejudges_an_index_whose_as_of_date_has_passed(repos: Repos) -> None:
    index = repos.clone / INDEX
    exe = Path(sys.executable).with_name("standards")
    subprocess.run(
        [str(exe), "index", "build", "--as-of", "2026-11-01", "--output", INDEX],
        cwd=repos.clone,
        check=True,
        capture_output=True,
    )
    with serving(repos.clone, STANDARDS_TODAY="2026-11-02", STANDARDS_RECHECK_SECONDS="0.2") as server:
        _until("the re-judged index", lambda: server.get("/api/v1/meta")[1].get("as_of") == "2026-11-02", server)
        assert server.count(REBUILT) == 1 and "judged as of 2026-11-01" in server.log.read_text(encoding="utf-8")
        assert git(repos.clone, "rev-parse", "HEAD") == git(repos.upstream, "rev-parse", "HEAD")
        assert index.is_file()
