"""The API's own front door: `GET /api/v1` lists what the OpenAPI document describes, any other path
under /api/v1 answers in the one JSON error shape (even with the site mounted at /), the docs page
needs nothing from the internet, and `standards serve` refuses a port in use before printing anything."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import run_standards
from registry.api.app import create_app


@pytest.fixture(scope="module")
def with_site(shipped_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app with a built site mounted at /: the case where the site's HTML 404 used to answer."""
    site = tmp_path_factory.mktemp("site")
    (site / "index.html").write_text("<html><body>home</body></html>", encoding="utf-8")
    (site / "404.html").write_text("<html><body>site not found</body></html>", encoding="utf-8")
    with TestClient(create_app(shipped_index, site_dir=site)) as client:
        yield client


def _error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status and body["error"]["code"] == code
    return str(body["error"]["message"])


def test_the_api_index_lists_every_documented_resource(with_site: TestClient) -> None:
    index = with_site.get("/api/v1")
    assert index.status_code == 200
    body = index.json()
    spec = with_site.get(body["openapi"]).json()
    documented = {p: sorted(m.upper() for m in ops) for p, ops in spec["paths"].items() if p.startswith("/api/v1/")}
    assert {r["href"]: r["methods"] for r in body["resources"]} == documented
    assert all(r["summary"] and r["tag"] for r in body["resources"])
    assert with_site.get(body["docs"]).status_code == 200
    slash = with_site.get("/api/v1/", follow_redirects=False)
    assert slash.status_code == 308 and slash.headers["location"] == "/api/v1"


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/standards/x/y/z"])
def test_an_unknown_api_path_is_the_apis_json_404_not_the_sites_page(with_site: TestClient, path: str) -> None:
    assert _error(with_site.get(path), 404, "not_found") == f"no API resource at {path}: GET /api/v1 lists them"
    _error(with_site.get("/api/v1/docs/assets/nothing.js"), 404, "not_found")  # the docs' own files
    assert "site not found" in with_site.get("/no-such-page").text  # the site keeps its own 404 outside the API


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(with_site: TestClient) -> None:
    response = with_site.post("/api/v1/standards")
    assert _error(response, 405, "method_not_allowed") == "POST is not allowed at /api/v1/standards: use GET"
    assert response.headers["allow"] == "GET"
    assert with_site.get("/api/v1/hooks/github").headers["allow"] == "POST"
    assert with_site.delete("/api/v1/standards/service-standard").headers["allow"] == "GET"


def test_the_docs_page_loads_only_what_the_registry_serves(with_site: TestClient) -> None:
    page = with_site.get("/api/v1/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", page.text)
    assert len(urls) >= 3, urls  # the script, the style sheet and the OpenAPI document at least
    for url in urls:
        assert url.startswith("/api/v1/"), f"{url} would leave the machine"
        assert with_site.get(url).status_code == 200, url


def test_serve_refuses_a_port_in_use_before_printing_any_address(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = run_standards("serve", "--port", str(port), cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    assert run.stdout == "", "no address may be printed for a server that cannot start"
    assert f"port {port} on 127.0.0.1 is in use" in run.stderr
    assert f"--port {port + 1}" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "build").exists(), "nothing is built for a server that cannot start"
