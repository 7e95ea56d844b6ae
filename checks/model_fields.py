"""What a document model expects at a key path: the fields it allows, whether it wants text,
and the bounds of a number, read from the pydantic models' annotations.

The shape check (checks/validation.py) asks these to word its problems: the fields to suggest for
a misspelt key, whether a YAML 1.1 surprise matters, and the range a number must fall in.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from checks.loading import NodePath


def fields_at(model: type[BaseModel], path: NodePath) -> list[str]:
    current = _model_at(model, path)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return []


def _model_at(model: type[BaseModel], path: NodePath) -> Any:
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            # A free-form key, like a requirement id under `evidence`.
            continue
        current = _inner_model(field.annotation)
    return current


def _field_type(model: type[BaseModel], path: NodePath) -> tuple[Any, list[Any]] | None:
    """The type the model expects at `path`, with its field's own constraints; None off the model."""
    named = [i for i, part in enumerate(path) if isinstance(part, str)]
    if not named:
        return None
    parent = _model_at(model, path[: named[-1]])
    if not (isinstance(parent, type) and issubclass(parent, BaseModel)):
        return None
    field = parent.model_fields.get(str(path[named[-1]]))
    if field is None:
        return None
    annotation: Any = field.annotation
    for _ in path[named[-1] + 1 :]:  # list positions after the field: the item type
        annotation = _item_type(annotation)
    return annotation, list(field.metadata)


def _item_type(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        items = [_item_type(arg) for arg in typing.get_args(annotation) if arg is not type(None)]
        return next((item for item in items if item is not None), None)
    if origin in (list, dict):
        return typing.get_args(annotation)[-1]
    return None


def enum_at(model: type[BaseModel], path: NodePath) -> type[enum.Enum] | None:
    """The enumeration the model expects at `path` (through `X | None`), or None."""
    found = _field_type(model, path)
    if found is None:
        return None
    annotation = found[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next((a for a in typing.get_args(annotation) if a is not type(None)), None)
    return annotation if isinstance(annotation, type) and issubclass(annotation, enum.Enum) else None


def wants_text(model: type[BaseModel], path: NodePath) -> bool:
    """Whether the value at `path` may be text (so "write it in quotes" can be the fix)."""
    found = _field_type(model, path)
    return True if found is None else _text_type(found[0])


def _text_type(annotation: Any) -> bool:
    if annotation is str or (isinstance(annotation, type) and issubclass(annotation, str)):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return any(isinstance(arg, str) for arg in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _text_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_text_type(arg) for arg in typing.get_args(annotation))
    return False


def bounds_at(model: type[BaseModel], path: NodePath) -> tuple[str, float | None, float | None] | None:
    """What a numeric field holds ("a whole number") and its bounds, from the model itself."""
    found = _field_type(model, path)
    bounds = _number_bounds(found[0]) if found is not None else None
    if found is None or bounds is None:
        return None
    words, low, high = bounds
    low, high = _merge_bounds(found[1], low, high)
    return words, low, high


def _number_bounds(annotation: Any) -> tuple[str, float | None, float | None] | None:
    if annotation is int:
        return "a whole number", None, None
    if annotation is float:
        return "a number", None, None
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extras = typing.get_args(annotation)
        found = _number_bounds(base)
        if found is None:
            return None
        low, high = found[1], found[2]
        for extra in extras:
            low, high = _merge_bounds(extra.metadata if isinstance(extra, FieldInfo) else [extra], low, high)
        return found[0], low, high
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _number_bounds(arg)
            if found is not None:
                return found
    return None


def _merge_bounds(metadata: list[Any], low: float | None, high: float | None) -> tuple[float | None, float | None]:
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge  # type: ignore[assignment]
        elif isinstance(item, annotated_types.Le):
            high = item.le  # type: ignore[assignment]
    return low, high


def _inner_model(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if isinstance(found, type) and issubclass(found, BaseModel):
                return found
        return None
    if origin in (list, dict):
        return _inner_model(typing.get_args(annotation)[-1])
    return annotation
