"""`GET /api/v1`: what the API offers, read from the app's own routes so it never drifts from them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from registry import __version__
from registry.api.dependencies import API_PREFIX

router = APIRouter(tags=["meta"])


class Resource(BaseModel):
    href: str = Field(description="The address of a list or a single record, with `{placeholders}` to fill in.")
    methods: list[str]
    summary: str
    tag: str = Field(description="The group the resource is documented under in the API docs.")


class ApiIndex(BaseModel):
    name: str
    version: str
    docs: str = Field(description="The interactive API documentation (served by the registry itself).")
    openapi: str = Field(description="The OpenAPI document describing every route.")
    resources: list[Resource]


@router.get(API_PREFIX, response_model=ApiIndex, summary="What the API offers, with links")
def api_index(request: Request) -> dict[str, Any]:
    # Read from the OpenAPI document FastAPI builds from the routes, so the list cannot drift from them.
    paths: dict[str, dict[str, Any]] = request.app.openapi()["paths"]
    resources = [
        {
            "href": path,
            "methods": sorted(method.upper() for method in operations),
            "summary": next(iter(operations.values())).get("summary", ""),
            "tag": (next(iter(operations.values())).get("tags") or [""])[0],
        }
        for path, operations in sorted(paths.items())
        if path.startswith(f"{API_PREFIX}/")
    ]
    return {
        "name": request.app.title,
        "version": __version__,
        "docs": f"{API_PREFIX}/docs",
        "openapi": f"{API_PREFIX}/openapi.json",
        "resources": resources,
    }
