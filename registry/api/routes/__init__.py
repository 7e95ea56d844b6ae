"""One router per resource, all under /api/v1 (except the health checks)."""

from __future__ import annotations

from fastapi import APIRouter

from registry.api.routes import (
    compliance,
    councils,
    health,
    history,
    hooks,
    insights,
    merger,
    patterns,
    ranking,
    requirements,
    root,
    search,
    services,
    standards,
    validate,
)

ROUTERS: list[APIRouter] = [
    root.router,
    health.router,
    standards.router,
    requirements.router,
    patterns.router,
    councils.router,
    services.router,
    compliance.router,
    insights.router,
    history.router,
    ranking.router,
    merger.router,
    search.router,
    validate.router,
    hooks.router,
]
