"""Liveness, readiness and what the index holds."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from registry.api.dependencies import API_PREFIX, Db
from registry.api.errors import ERROR_RESPONSES, ApiError

router = APIRouter(tags=["meta"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Ready(BaseModel):
    status: str
    commit: str = Field(description="The Git commit the index was built from.")
    built_at: str


class Meta(BaseModel):
    commit: str
    dirty: bool = Field(description="True when the index was built from uncommitted changes.")
    built_at: str
    as_of: str = Field(description="The date time-based rules were judged at.")
    schema_version: int
    tool_version: str
    licence: str
    counts: dict[str, int]


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=Ready, responses={503: ERROR_RESPONSES[404]}, summary="An index is loaded")
def readyz(request: Request) -> dict[str, str]:
    try:
        info = request.app.state.index.info()
    except Exception:
        reindexer = request.app.state.settings.get("reindexer")
        if reindexer is not None:
            reindexer.wake()  # a missing or damaged file: look at it now, not at the next periodic look
        raise ApiError(503, "not_ready", "no index is loaded yet", {"Retry-After": "5"}) from None
    return {"status": "ready", "commit": info.commit, "built_at": info.built_at}


@router.get(f"{API_PREFIX}/meta", response_model=Meta, summary="The indexed commit, when it was built, and counts")
def meta(db: Db) -> dict[str, Any]:
    values = dict(db.execute("SELECT key, value FROM meta").fetchall())
    counts = {k: int(values.get(k, 0)) for k in ("standards", "patterns", "councils", "services", "invalid")}
    counts["requirements"] = db.execute("SELECT count(*) FROM requirements").fetchone()[0]
    return {
        "commit": values.get("commit", ""),
        "dirty": values.get("dirty") == "true",
        "built_at": values.get("built_at", ""),
        "as_of": values.get("as_of", ""),
        "schema_version": int(values.get("schema_version", 0)),
        "tool_version": values.get("tool_version", ""),
        "licence": values.get("licence", ""),
        "counts": counts,
    }
