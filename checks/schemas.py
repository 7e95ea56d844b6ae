"""JSON Schemas (draft 2020-12) generated from the models, for editors and other tools."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from checks.models import Council, Pattern, Reorganisation, RestrictedService, Service, Standard
from checks.report_schema import Report

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE_ID = "https://local-digital-standards.github.io/registry/schemas/"

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "standard.schema.json": Standard,
    "pattern.schema.json": Pattern,
    "council.schema.json": Council,
    "service.schema.json": Service,
    "restricted-service.schema.json": RestrictedService,
    "reorganisation.schema.json": Reorganisation,
    "report.schema.json": Report,
}


def schema_for(filename: str, model: type[BaseModel]) -> dict[str, Any]:
    body = model.model_json_schema(mode="validation")
    return {"$schema": DRAFT, "$id": BASE_ID + filename, **body}


def rendered_schemas() -> dict[str, str]:
    """Each schema file's exact text, so a test can compare it with what is committed."""
    return {
        name: json.dumps(schema_for(name, model), indent=2, ensure_ascii=False) + "\n"
        for name, model in SCHEMA_MODELS.items()
    }
