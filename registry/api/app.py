"""The registry's read-only HTTP API (DESIGN §6): `create_app()` and its one error shape."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry import __version__
from registry.api.dependencies import API_PREFIX, IndexStore, IndexUnavailable
from registry.api.errors import ApiError, error_response, index_unavailable
from registry.api.routes import ROUTERS

log = logging.getLogger("registry.api")

DESCRIPTION = """
The open registry of UK councils' digital standards: the standards and their
requirements, the reusable patterns, every council's services and how they meet
the standards.

* Read-only; the data changes only through Git. Every response names the
  indexed commit in its `ETag`; send `If-None-Match` to get `304 Not Modified`.
* Lists take `limit` and `offset`, return `total` and `Link` headers, and come
  as CSV with `?format=csv` or `Accept: text/csv`.
* Every error is `{"error": {"status", "code", "message", "details"}}`.
"""


class CacheHeaders:
    """ETag from the indexed commit (per URL), 304 on If-None-Match, and a short public cache.

    Plain ASGI rather than BaseHTTPMiddleware: it runs on every request, and the
    simpler form costs a fraction of the time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        store: IndexStore = scope["app"].state.index
        try:
            info = store.info()
        except Exception:  # no index yet: let the route report it
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        accept_csv = "text/csv" in headers.get("accept", "")
        key = f"{scope['path']}?{scope.get('query_string', b'').decode('latin-1')}|{accept_csv}"
        etag = f'W/"{info.etag_base}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"'
        if etag in _etags(headers.get("if-none-match", "")):
            response = Response(status_code=304, headers={"ETag": etag, "Cache-Control": "public, max-age=60"})
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                extra = MutableHeaders(scope=message)
                extra["ETag"] = etag
                extra["Cache-Control"] = "public, max-age=60"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _etags(header: str) -> set[str]:
    return {part.strip() for part in header.split(",") if part.strip()}


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Each worker process runs its own reindexer thread; a file lock keeps their rebuilds apart."""
    reindexer = app.state.settings.get("reindexer")
    if reindexer is not None:
        reindexer.start()
    try:
        yield
    finally:
        if reindexer is not None:
            reindexer.stop()


def create_app(index_path: Path, site_dir: Path | None = None, settings: dict[str, Any] | None = None) -> FastAPI:
    # The docs page's script and style come from the installed package, not a CDN: the API docs
    # must work on a council's network with no internet access.
    app = FastAPIOffline(
        lifespan=_lifespan,
        title="Local digital standards registry",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        static_url=f"{API_PREFIX}/docs/assets",
        favicon_url=f"{API_PREFIX}/docs/assets/favicon.png",
    )
    app.state.index = IndexStore(index_path)
    app.state.settings = settings or {}
    app.add_middleware(CacheHeaders)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET"],
        allow_headers=["*"],
        expose_headers=["ETag", "Link", "X-Total-Count"],
    )

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> Response:
        response = error_response(exc.status_code, exc.code, str(exc.detail))
        response.headers.update(exc.headers or {})  # e.g. Retry-After on a 503
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "http_error")
        response = error_response(exc.status_code, code, str(exc.detail))
        response.headers.update(exc.headers or {})  # e.g. Allow on a 405
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> Response:
        details = [
            {
                "parameter": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]),
                "in": str(e["loc"][0]),
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        names = ", ".join(d["parameter"] for d in details)
        return error_response(422, "invalid_parameter", f"invalid parameter: {names}", details)

    @app.exception_handler(IndexUnavailable)
    @app.exception_handler(sqlite3.DatabaseError)
    async def _unreadable(request: Request, exc: Exception) -> Response:
        if isinstance(exc, sqlite3.ProgrammingError):  # misuse of the API is a bug, not a bad file
            return await _unexpected(request, exc)
        return index_unavailable(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", "the registry hit an unexpected error; it has been logged")

    for router in ROUTERS:
        app.include_router(router)
    _answer_unmatched_api_paths(app)
    if site_dir is not None and site_dir.is_dir():
        from fastapi.staticfiles import StaticFiles

        app.mount("/", StaticFiles(directory=site_dir, html=True), name="site")
    return app


ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _answer_unmatched_api_paths(app: FastAPI) -> None:
    """Any other path under /api/v1 is the API's JSON 404 (or 405), never the site's HTML page.

    Registered after every router and before the site is mounted at /, so it sees only what
    no route matched in full; a route that takes the path with another method makes it a 405.
    """

    @app.api_route(f"{API_PREFIX}/{{rest:path}}", methods=ALL_METHODS, include_in_schema=False)
    async def _unmatched(request: Request, rest: str) -> Response:
        if not rest:  # /api/v1/ is the index's address with a trailing slash
            return RedirectResponse(API_PREFIX, status_code=308)
        allowed = [method for method in ALL_METHODS if _routed(request, method, _unmatched)]
        if allowed:
            methods = ", ".join(allowed)
            message = f"{request.method} is not allowed at {request.url.path}: use {methods}"
            raise ApiError(405, "method_not_allowed", message, {"Allow": methods})
        raise ApiError(404, "not_found", f"no API resource at {request.url.path}: GET {API_PREFIX} lists them")


def _routed(request: Request, method: str, catch_all: object) -> bool:
    """Would a route other than the catch-all take this path with this method?"""
    scope = {**request.scope, "method": method}
    return any(
        getattr(route, "endpoint", None) is not catch_all and route.matches(scope)[0] is Match.FULL
        for route in request.app.router.routes
        if not isinstance(route, Mount)  # the site at / takes any path
    )
