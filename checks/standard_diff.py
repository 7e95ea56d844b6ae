"""What changed between two versions of a standard, and whether the change is breaking.

A change is breaking when a service that met the old version could fail the
new one: a requirement added at `must`, a level raised, a check or its
applicability changed (it may be tightened), evidence newly demanded, or a
requirement removed (pins and waivers that name it stop resolving).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checks.models import Requirement, Standard

_LEVEL_RANK = {"may": 0, "should": 1, "must": 2}
_WORDING = ("title", "guidance", "fix", "references", "field")


@dataclass(frozen=True)
class RequirementChange:
    id: str
    kind: str  # added | removed | changed
    level: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    breaking: bool = False
    reason: str = ""


@dataclass(frozen=True)
class StandardDiff:
    standard: str
    old_version: str
    new_version: str
    requirements: list[RequirementChange]
    metadata: dict[str, tuple[Any, Any]]

    @property
    def breaking(self) -> bool:
        return any(r.breaking for r in self.requirements) or "applies_to" in self.metadata

    @property
    def changed(self) -> bool:
        return bool(self.requirements or self.metadata)

    def as_dict(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "from": self.old_version,
            "to": self.new_version,
            "breaking": self.breaking,
            "metadata": {k: {"from": _plain(a), "to": _plain(b)} for k, (a, b) in self.metadata.items()},
            "requirements": [
                {
                    "id": r.id,
                    "change": r.kind,
                    "level": r.level,
                    "breaking": r.breaking,
                    "reason": r.reason,
                    "fields": {k: {"from": _plain(a), "to": _plain(b)} for k, (a, b) in r.changes.items()},
                }
                for r in self.requirements
            ],
        }


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def diff_standards(old: Standard, new: Standard) -> StandardDiff:
    old_reqs = {r.id: r for r in old.requirements}
    new_reqs = {r.id: r for r in new.requirements}
    changes: list[RequirementChange] = []
    for rid, req in new_reqs.items():
        if rid not in old_reqs:
            breaking = req.level == "must"
            changes.append(
                RequirementChange(rid, "added", req.level, breaking=breaking, reason="new must" if breaking else "")
            )
    for rid, req in old_reqs.items():
        if rid not in new_reqs:
            changes.append(RequirementChange(rid, "removed", req.level, breaking=True, reason="requirement removed"))
    for rid in old_reqs.keys() & new_reqs.keys():
        change = _requirement_change(old_reqs[rid], new_reqs[rid])
        if change is not None:
            changes.append(change)
    changes.sort(key=lambda c: c.id)
    metadata = {
        name: (getattr(old, name), getattr(new, name))
        for name in (
            "title",
            "status",
            "summary",
            "owner",
            "references",
            "applies_to",
            "sunset",
            "prefix",
            "visibility",
            "attestation_days",
        )
        if getattr(old, name) != getattr(new, name)
    }
    return StandardDiff(new.id, old.version, new.version, changes, metadata)


def _requirement_change(old: Requirement, new: Requirement) -> RequirementChange | None:
    fields: dict[str, tuple[Any, Any]] = {}
    for name in ("level", "check", "applies_when", "evidence", "visibility", *_WORDING):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            fields[name] = (before, after)
    if not fields:
        return None
    reasons = []
    if _LEVEL_RANK[new.level] > _LEVEL_RANK[old.level]:
        reasons.append(f"level raised from {old.level} to {new.level}")
    if "check" in fields:
        reasons.append("check changed")
    if "applies_when" in fields:
        reasons.append("applicability changed")
    if "evidence" in fields and new.evidence is not None:
        reasons.append("evidence rule changed")
    return RequirementChange(new.id, "changed", new.level, fields, bool(reasons), "; ".join(reasons))


def content_equal(old: Standard, new: Standard) -> bool:
    """Equal apart from the version and dates, which a bump itself changes."""
    ignore = {"version", "updated", "published"}
    return old.model_dump(exclude=ignore) == new.model_dump(exclude=ignore)
