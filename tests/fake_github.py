"""A fake of the part of GitHub's REST API the notice issue sync uses, served on 127.0.0.1.

Issues live in memory: list (filtered by state and label, paginated as GitHub does), create,
update and comment. Every request must carry the token it was started with; each call is
recorded so a test can say exactly what the sync did.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "test-token"
REPOSITORY = "councils/registry"


@dataclass
class Store:
    issues: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def add(self, title: str, body: str, labels: list[str], state: str = "open", **extra: Any) -> dict[str, Any]:
        issue = {
            "number": len(self.issues) + 1,
            "title": title,
            "body": body,
            "state": state,
            "labels": [{"name": name} for name in labels],
            "comments": [],
            **extra,
        }
        self.issues.append(issue)
        return issue

    def labelled(self, label: str) -> list[dict[str, Any]]:
        return [i for i in self.issues if any(lb["name"] == label for lb in i["labels"])]


def _handler(store: Store) -> type[BaseHTTPRequestHandler]:
    prefix = f"/repos/{REPOSITORY}"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _route(self, method: str) -> None:
            url = urlsplit(self.path)
            store.calls.append((method, url.path))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._answer(401, {"message": "Bad credentials"})
            length = int(self.headers.get("Content-Length") or 0)
            sent = json.loads(self.rfile.read(length)) if length else {}
            path = url.path.removeprefix(prefix)
            number = re.fullmatch(r"/issues/(\d+)(/comments)?", path)
            if method == "GET" and path == "/issues":
                return self._answer(200, self._list(parse_qs(url.query)))
            if method == "POST" and path == "/issues":
                issue = store.add(sent["title"], sent["body"], sent.get("labels", []))
                return self._answer(201, issue)
            if number is None or int(number.group(1)) > len(store.issues):
                return self._answer(404, {"message": "Not Found"})
            issue = store.issues[int(number.group(1)) - 1]
            if method == "POST" and number.group(2):
                issue["comments"].append(sent["body"])
                return self._answer(201, {"body": sent["body"]})
            if method == "PATCH" and not number.group(2):
                issue.update({k: v for k, v in sent.items() if k in ("title", "body", "state", "state_reason")})
                return self._answer(200, issue)
            return self._answer(405, {"message": "Method Not Allowed"})

        def _list(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
            state = query.get("state", ["open"])[0]
            issues = store.labelled(query["labels"][0]) if "labels" in query else store.issues
            issues = [i for i in issues if state == "all" or i["state"] == state]
            per_page, page = int(query.get("per_page", ["30"])[0]), int(query.get("page", ["1"])[0])
            newest_first = sorted(issues, key=lambda i: -i["number"])
            return newest_first[(page - 1) * per_page : page * per_page]

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PATCH(self) -> None:
            self._route("PATCH")

    return Handler


@contextmanager
def fake_github() -> Iterator[tuple[str, Store]]:
    """The API's base URL on 127.0.0.1 and the store behind it."""
    store = Store()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(store))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", store
    finally:
        server.shutdown()
        server.server_close()
