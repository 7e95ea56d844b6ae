"""The API's OpenAPI document is pinned, and schemathesis fuzzes the live app against it.

Regenerate the pinned document after an intended change with:
    UPDATE_GOLDEN=1 pytest tests/test_openapi.py
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from conftest import FIXTURES, MINI
from gitrepo import init_repo
from registry.api.app import create_app

# A refusal must come at once, not after reading or expanding the body; the bound is generous so a
# busy 2-core CI machine never trips it, while a bomb or a wait for a body would take far longer.
BOUND = 5.0

GOLDEN = FIXTURES / "openapi.json"

# The operations that may refuse schema-valid input, and why:
#   search: `q` of only punctuation is a valid string with no words to look for (400 empty_query);
#   validate: the body's schema is "a string", and most strings are not valid manifests (422), or too big (413);
#   insights/trend (and trend/councils, adoption, adoption/adopters, which read the same history): `since`
#   after `until` is two valid dates in the wrong order (400); an app not started from a clone of the
#   registry would have no history to read (503).
SCHEMATHESIS_CONFIG = """
[[operations]]
include-path = "/api/v1/search"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400]

[[operations]]
include-path = "/api/v1/validate"
checks.positive_data_acceptance.expected-statuses = ["2xx", 413, 422]

[[operations]]
include-path = "/api/v1/insights/trend"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 503]

[[operations]]
include-path = "/api/v1/insights/trend/councils"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 503]

[[operations]]
include-path = "/api/v1/insights/adoption"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 503]

[[operations]]
include-path = "/api/v1/insights/adoption/adopters"
checks.positive_data_acceptance.expected-statuses = ["2xx", 400, 503]

# Codes of the right shape that name no council, or a vesting day outside a council's life, are 422.
[[operations]]
include-path = "/api/v1/insights/merger"
checks.positive_data_acceptance.expected-statuses = ["2xx", 422]
"""


def test_openapi_document_is_pinned(api) -> None:
    r = api.get("/api/v1/openapi.json")
    assert r.status_code == 200
    text = json.dumps(r.json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "the OpenAPI changed: rerun with UPDATE_GOLDEN=1 if intended"


def test_every_operation_documents_its_errors_in_the_one_shape(api) -> None:
    spec = api.get("/api/v1/openapi.json").json()
    error_ref = "#/components/schemas/ErrorResponse"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), f"{method} {path}"
            for code, response in responses.items():
                if code[0] in "45":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": error_ref}, f"{method} {path} {code}"
            if path.startswith("/api/v1/") and "parameters" in operation:
                assert "422" in responses, f"{method} {path} takes parameters but documents no 422"


def test_docs_page_is_served(api) -> None:
    r = api.get("/api/v1/docs")
    assert r.status_code == 200 and "/api/v1/openapi.json" in r.text


# --------------------------------------------------------------------------- the live app


@pytest.fixture(scope="module")
def live_url(shipped_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a free port of 127.0.0.1, in a background thread."""
    # The insights trend reads Git history: a small real repository, so fuzzing reaches it.
    history = init_repo(tmp_path_factory.mktemp("trend") / "repo", MINI)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this; without it, keep-alive requests stall ~40 ms on delayed ACKs.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(shipped_index, settings={"repo_root": str(history)})
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _connection(url: str) -> http.client.HTTPConnection:
    host, port = url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=10)


def test_schemathesis_finds_no_server_errors_and_no_schema_mismatches(live_url: str, tmp_path: Path) -> None:
    """Every operation, every check: no 5xx, every response as documented, bad input refused."""
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG, encoding="utf-8")
    exe = Path(sys.executable).with_name("schemathesis")
    command = [
        str(exe),
        "--config-file",
        str(config),
        "run",
        f"{live_url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        "20",
        "--seed",
        "20261101",
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--request-timeout",
        "10",
        "--no-color",
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=150, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-2000:]
    assert "passed" in proc.stdout


def test_live_body_over_the_limit_is_refused_from_its_content_length(live_url: str) -> None:
    conn = _connection(live_url)
    start = time.monotonic()
    conn.putrequest("POST", "/api/v1/validate")
    conn.putheader("Content-Type", "application/yaml")
    conn.putheader("Content-Length", "50000000")
    conn.endheaders()  # and no body at all: the answer must not wait for one
    response = conn.getresponse()
    assert response.status == 413 and time.monotonic() - start < BOUND
    assert json.loads(response.read())["error"]["code"] == "too_large"
    conn.close()


def test_live_streamed_body_over_the_limit_is_cut_off(live_url: str) -> None:
    conn = _connection(live_url)
    conn.putrequest("POST", "/api/v1/validate")
    conn.putheader("Content-Type", "application/yaml")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    chunk = b"# " + b"x" * 65_534 + b"\n"
    sent = 0
    try:
        while sent < 3_000_000:
            conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            sent += len(chunk)
        conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server stopped reading once it had seen enough
    response = conn.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["code"] == "too_large"
    conn.close()
    health = _connection(live_url)
    health.request("GET", "/healthz")
    assert health.getresponse().status == 200
    health.close()


def test_live_server_keeps_answering_while_validating(live_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worst-case body is checked off the event loop: other requests are answered meanwhile.

    The validations are held inside their YAML parse until /healthz has answered, so the
    health check certainly arrives while they run (a check on the event loop would block it).
    """
    from registry.api.routes import validate as validate_route

    real_parse = validate_route.parse
    validating, answered = threading.Event(), threading.Event()

    def held_parse(text: str) -> Any:
        validating.set()
        answered.wait(30)
        return real_parse(text)

    monkeypatch.setattr(validate_route, "parse", held_parse)
    body = ("kind: Service\nschema_version: 1\n" + "".join(f"k{i}: [{i}, {i}]\n" for i in range(990))).encode()
    results: list[int] = []

    def post() -> None:
        conn = _connection(live_url)
        conn.request("POST", "/api/v1/validate", body=body, headers={"Content-Type": "application/yaml"})
        results.append(conn.getresponse().status)
        conn.close()

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        assert validating.wait(30), "no validation started"
        conn = _connection(live_url)
        start = time.monotonic()
        conn.request("GET", "/healthz")
        assert conn.getresponse().status == 200
        assert time.monotonic() - start < BOUND
        conn.close()
    finally:
        answered.set()
        for worker in workers:
            worker.join(timeout=30)
    assert results == [422] * 4
