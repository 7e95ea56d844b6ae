"""`POST /api/v1/hooks/github`: a push webhook that pulls and reindexes, once its signature checks out.

Off unless a secret is configured. The signature (`X-Hub-Signature-256`, an
HMAC-SHA256 of the raw body) is checked in constant time before anything else
is done. A push whose branch head (asked of the remote) is already the indexed
commit costs nothing, so a replayed delivery with a fresh id rebuilds nothing;
otherwise the push is recorded and the server's reindexer pulls and rebuilds in
the background, at most a few times a minute. Requests keep being served from
the old index until the new one is swapped in.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
from collections import deque
from typing import Any

import git
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from registry.api.dependencies import API_PREFIX
from registry.api.errors import ERROR_RESPONSES, ErrorResponse, error_response
from registry.index.reindex import Reindexer

log = logging.getLogger("registry.hooks")
router = APIRouter(prefix=f"{API_PREFIX}/hooks", tags=["hooks"])
MAX_BODY = 1_000_000
_RECENT = 1000


class Accepted(BaseModel):
    status: str = Field(description="accepted, queued (rate-limited), skipped (already indexed), pong or ignored.")
    event: str
    detail: str = Field(default="", description="What happens next, e.g. `skipped: already indexed at 1a2b3c4d5e`.")


def _signature_ok(secret: str, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode())


@router.post(
    "/github",
    response_model=Accepted,
    status_code=202,
    summary="GitHub push webhook: pull and reindex",
    responses={
        **ERROR_RESPONSES,
        200: {"model": Accepted, "description": "Skipped: the pushed head is already indexed"},
        401: {"model": ErrorResponse, "description": "No signature"},
        403: {"model": ErrorResponse, "description": "Signature does not match"},
        409: {"model": ErrorResponse, "description": "Delivery already received"},
        413: {"model": ErrorResponse, "description": "Body too large"},
    },
)
async def github_push(request: Request) -> Any:
    settings: dict[str, Any] = request.app.state.settings
    secret = settings.get("webhook_secret")
    if not secret:
        return error_response(404, "not_found", "webhooks are off: no secret is configured")
    body = await _read_limited(request)
    if body is None:
        return error_response(413, "too_large", f"webhook bodies are limited to {MAX_BODY} bytes")
    header = request.headers.get("x-hub-signature-256")
    if not header:
        return error_response(401, "unsigned", "X-Hub-Signature-256 is missing")
    if not _signature_ok(str(secret), body, header):
        log.warning("webhook refused: signature mismatch")
        return error_response(403, "bad_signature", "the signature does not match the body")
    delivery = request.headers.get("x-github-delivery", "")
    seen: deque[str] = settings.setdefault("deliveries", deque(maxlen=_RECENT))
    if delivery and delivery in seen:
        return error_response(409, "duplicate_delivery", f"delivery {delivery} was already received")
    if delivery:
        seen.append(delivery)
    event = request.headers.get("x-github-event", "push")
    if event == "ping":
        return {"status": "pong", "event": event}
    if event != "push":
        return {"status": "ignored", "event": event}
    reindexer: Reindexer | None = settings.get("reindexer")
    if reindexer is None:
        return error_response(503, "no_repository", "this server has no repository to pull")
    status, detail = await run_in_threadpool(_take_push, reindexer)
    answer = {"status": status, "event": event, "detail": detail}
    return JSONResponse(answer, status_code=200 if status == "skipped" else 202)


def _take_push(reindexer: Reindexer) -> tuple[str, str]:
    """Skip a push that is already indexed; otherwise record it for the reindexer and say when it runs."""
    try:
        head: str | None = reindexer.remote_head()
    except (git.GitError, OSError, ValueError, TypeError) as exc:  # TypeError: a detached HEAD
        log.warning("could not ask the remote for its head, pulling anyway: %s", exc)
        head = None
    state = reindexer.state()
    if head is not None and state.problem is None and head == state.commit:
        return "skipped", f"skipped: already indexed at {head[:10]}"
    reindexer.request_pull()
    target = head[:10] if head else "the branch"
    wait = reindexer.rebuilds_due_in()
    if wait > 0:
        return "queued", (
            f"rate limited: at most {reindexer.per_minute} rebuilds a minute; "
            f"{target} is pulled and indexed in about {math.ceil(wait)}s"
        )
    return "accepted", f"pulling {target} and reindexing"


async def _read_limited(request: Request) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
