"""SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers.

Written as plain JSON: the format is small and stable, and tests validate the output with
Microsoft's SARIF validator and against the official OASIS schema.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from checks.problems import PROBLEM_CODES
from checks.reporters.base import TOOL_NAME, TOOL_URI, ReportContext
from checks.reporters.findings import Finding, findings
from checks.reporters.inert import sarif_text
from checks.results import FileResult, RunSummary

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"must": "error", "error": "error", "should": "warning", "may": "note", "warning": "warning"}
# Characters RFC 3986 allows unencoded in a URI (with `%` kept, so an already encoded one stays as it is).
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"
FINGERPRINT = "findingIdentity/v1"


def _utf8(text: str) -> bytes:
    # A file name that is not UTF-8 reaches us as surrogate escapes (os.fsdecode): encode its own bytes.
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def artifact_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference: every byte but `/` and unreserved
    characters percent-encoded (UTF-8), so spaces, `#`, `%`, `?`, a `:` that would read as a
    scheme, and non-ASCII names all resolve against SRCROOT to the file itself."""
    return quote(_utf8(path), safe="/")


def uri(value: str) -> str:
    """A URI from a standard, with anything RFC 3986 does not allow (controls, spaces, non-ASCII)
    percent-encoded: the standards' URL pattern only excludes whitespace."""
    return quote(_utf8(value), safe=_URI_SAFE)


def _identity(f: Finding) -> str:
    # A requirement is judged once per file, so standard, requirement and path name its result even
    # as lines move; a problem (an E code) can repeat in a file and is told apart by its message.
    parts = (f.standard or "", f.code, f.path) if f.standard else ("", f.code, f.path, f.message)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


class SarifReporter:
    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self.results: list[dict[str, Any]] = []
        # A requirement's title and level can differ between versions of its standard: one rule per version.
        self.used_rules: dict[tuple[str, str | None, str | None], int] = {}
        self.rules: list[dict[str, Any]] = []

    def _rule_index(self, code: str, standard: str | None, version: str | None) -> int:
        key = (code, standard, version)
        if key in self.used_rules:
            return self.used_rules[key]
        compiled = self.context.catalogue.requirement(standard, version, code) if standard and version else None
        rule: dict[str, Any] = {"id": code}
        if compiled is not None:
            req = compiled.requirement
            rule.update(
                name=code.replace("-", ""),
                shortDescription={"text": sarif_text(req.title)},
                fullDescription={"text": sarif_text(req.guidance.strip())},
                help={"text": sarif_text(req.fix.strip())},
                helpUri=uri(req.references[0].url),
                defaultConfiguration={"level": _LEVEL[req.level]},
                properties={"standard": compiled.standard_id, "version": compiled.version, "level": req.level},
            )
        else:
            rule.update(
                shortDescription={"text": sarif_text(PROBLEM_CODES.get(code, "problem"))},
                defaultConfiguration={"level": "error"},
            )
        self.used_rules[key] = len(self.rules)
        self.rules.append(rule)
        return self.used_rules[key]

    def file(self, result: FileResult) -> None:
        seen: dict[str, int] = {}
        for f in findings(result, self.context.catalogue):
            identity = _identity(f)
            # Distinct results in one file get distinct fingerprints even if their identities match.
            seen[identity] = seen.get(identity, 0) + 1
            self.results.append(
                {
                    "ruleId": f.code,
                    "ruleIndex": self._rule_index(f.code, f.standard, f.version),
                    "level": _LEVEL[f.level],
                    "message": {"text": sarif_text(f"{f.message}\nhelp: {f.help}")},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": artifact_uri(f.path), "uriBaseId": "SRCROOT"},
                                "region": {"startLine": f.line, "startColumn": f.column},
                            }
                        }
                    ],
                    "partialFingerprints": {FINGERPRINT: f"{identity}:{seen[identity]}"},
                }
            )

    def finish(self, summary: RunSummary) -> None:
        # SARIF requires a top-level base URI to be absolute: the repository root as a file URI,
        # ending in `/` so relative references resolve inside it.
        root = (self.context.root or Path.cwd()).resolve()
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": TOOL_NAME,
                            "version": self.context.tool_version,
                            "informationUri": TOOL_URI,
                            "rules": self.rules,
                        }
                    },
                    "originalUriBaseIds": {"SRCROOT": {"uri": root.as_uri().rstrip("/") + "/"}},
                    "results": self.results,
                    "properties": {"asOf": self.context.as_of.isoformat(), "failOn": self.context.fail_on},
                }
            ],
        }
        json.dump(log, self.stream, indent=2)
        self.stream.write("\n")
