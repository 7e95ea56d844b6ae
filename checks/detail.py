"""What a manifest says at the field a failing check points to, in its author's words (a result's detail)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from checks.models import Service

# A detail longer than this is cut, so one huge value cannot swamp a report or a page.
MAX_DETAIL = 200


def value_at(field: str, service: Service) -> object:
    """The value at the dotted `field` of `service` (models and mappings alike); None when it is not set."""
    value: object = service
    for part in field.split("."):
        value = getattr(value, part, None) if not isinstance(value, dict) else value.get(part)
        if value is None:
            return None
    return value


def check_detail(field: str | None, service: Service) -> str:
    """What the manifest says at the field a failing check points to, as its author wrote it."""
    if not field or field == "evidence":
        return ""
    value = value_at(field, service)
    if value is None:
        return f"{field} is not set"
    if value in ([], {}, ""):
        return f"{field} is empty"
    text = f"{field}: {shown(value)}"
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 3] + "..."


def shown(value: object) -> str:
    """A manifest value as its author wrote it in YAML, never as a Python repr: a council
    officer reads `{name: X, contract_end: 2031-03-31}`, not `Supplier(name='X', ...)`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(v) for v in value)
    return str(value)
