"""How a check result is written into the result cache and read back: plain JSON-able lists (never
pickles, so a planted cache file cannot run code), with the rendered report kept apart, compressed.
Apart from checks.cache, which decides when a result may be reused.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from dataclasses import fields
from typing import Any

from checks.problems import Problem
from checks.results import EvidenceUsed, FileResult, Outcome, RequirementResult, StandardSummary, WaiverNote

# A result as the cache keeps it: the date it stops holding, its fields as JSON, its rendered view.
Stored = tuple[str | None, str, bytes | None]


def stored(result: FileResult) -> Stored:
    until = result.stable_until.isoformat() if result.stable_until is not None else None
    payload = json.dumps(encode(result), separators=(",", ":"))
    # A report's pre-rendered view is most of the bytes: kept apart and never parsed. The text report's is
    # kept as it is: inflating it was a quarter of a warm run (0.37 s of 1.7 at 10,000 files) for a third
    # of the bytes (97 MB, not 32); the JSON report's, three times larger, is compressed.
    rendered = result.rendered
    if isinstance(rendered, str):
        blob: bytes | None = b"t" + rendered.encode("utf-8", "surrogatepass")
    elif rendered is not None:
        blob = b"j" + zlib.compress(json.dumps(rendered, separators=(",", ":")).encode(), 1)
    else:
        blob = None
    return until, payload, blob


def encode(result: FileResult) -> list[Any]:
    return [
        result.path,
        result.kind,
        result.council,
        result.service,
        result.name,
        result.sample,
        [_problem(p) for p in result.problems],
        [_problem(p) for p in result.warnings],
        [_requirement(r) for r in result.results],
        [[getattr(s, name) for name in _SUMMARY_FIELDS] for s in result.summaries],
        result.document,
        result.redacted,
        result.stable_until.isoformat() if result.stable_until else None,
    ]


def unpack_rendered(blob: bytes | None) -> Any:
    if blob is None:
        return None
    kind = blob[:1]
    if kind == b"t":
        return str(memoryview(blob)[1:], "utf-8", "surrogatepass")  # not sliced: no copy of the bytes
    text = zlib.decompress(blob[1:]).decode("utf-8", "surrogatepass")
    return text if kind == b"s" else json.loads(text)  # b"s": compressed text, as written before


def decode(data: list[Any], rendered: Any) -> FileResult:
    (path, kind, council, service, name, sample, problems, warnings, results, summaries) = data[:10]
    document, redacted, until = data[10:]
    return FileResult(
        path,
        kind,
        council,
        service,
        name,
        sample,
        [Problem(*p) for p in problems],
        [Problem(*p) for p in warnings],
        [_requirement_from(r) for r in results],
        [StandardSummary(*s) for s in summaries],
        document,
        rendered,
        redacted,
        dt.date.fromisoformat(until) if until else None,
    )


_SUMMARY_FIELDS = tuple(f.name for f in fields(StandardSummary))


def _problem(p: Problem) -> list[Any]:
    return [p.code, p.message, p.help, p.line, p.column]


def _requirement(r: RequirementResult) -> list[Any]:
    w, e = r.waiver, r.evidence
    return [
        r.requirement,
        r.standard,
        r.version,
        r.title,
        r.level,
        r.outcome.value,
        r.detail,
        [w.approved_by, w.expires.isoformat(), w.reason] if w else None,
        [e.status, e.date.isoformat() if e.date else None, e.url] if e else None,
        r.line,
        r.column,
        r.says,
    ]


def _requirement_from(r: list[Any]) -> RequirementResult:
    w, e = r[7], r[8]
    return RequirementResult(
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        Outcome(r[5]),
        r[6],
        WaiverNote(w[0], dt.date.fromisoformat(w[1]), w[2]) if w else None,
        EvidenceUsed(e[0], dt.date.fromisoformat(e[1]) if e[1] else None, e[2]) if e else None,
        r[9],
        r[10],
        r[11],
    )
