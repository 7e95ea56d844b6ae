"""The rows one checked manifest adds to the index, one builder per table.

Built in the worker process that checked the file (see `index_rows`), so the parent only
inserts them; the SQL each table's rows go through is `INSERT`, keyed by table.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from checks.registers import lgsl_label, lgsl_terms
from checks.results import FileResult, Outcome, RequirementResult, StandardSummary
from registry.index.products import company_key, notice_date, product_key, product_label
from registry.index.service_results import LETTER_BY_OUTCOME
from registry.index.solutions import PatternTypes, core_solutions

Row = tuple[Any, ...]
Rows = dict[str, list[Row]]


# Formats counted as open for bulk export: the list the data standard's open-format rule
# accepts (standards/data.yaml), so the index's open_export fact, the lock-in signal read
# from it and that rule agree.
OPEN_FORMATS = frozenset(
    {"csv", "tsv", "json", "jsonl", "json-ld", "geojson", "xml", "ods", "gml", "kml", "gpkg", "parquet", "rdf", "ttl"}
)

INSERT = {
    "councils": "INSERT OR REPLACE INTO councils VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "services": "INSERT INTO services VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "service_patterns": "INSERT OR IGNORE INTO service_patterns VALUES (?, ?)",
    "suppliers": "INSERT INTO suppliers VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "service_solutions": "INSERT OR IGNORE INTO service_solutions VALUES (?,?,?,?)",
    "service_standards": "INSERT INTO service_standards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "service_facts": "INSERT INTO service_facts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "findings": "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "waivers": "INSERT INTO waivers VALUES (?,?,?,?,?,?)",
    "evidence": "INSERT INTO evidence VALUES (?,?,?,?,?,?)",
    "invalid": "INSERT OR REPLACE INTO invalid_files VALUES (?,?,?,?,?,?)",
    "search": "INSERT INTO search VALUES (?,?,?,?)",
}


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def index_rows(result: FileResult, as_of: dt.date, patterns: PatternTypes | None = None) -> Rows:
    """The rows one checked file adds to the index; run in the worker that checked it.

    `patterns` (registry/index/solutions.py) tells a service's core solutions from its building blocks.
    """
    rows: Rows = {name: [] for name in INSERT}
    if not result.valid or result.document is None:
        first = result.problems[0] if result.problems else None
        rows["invalid"].append(
            (
                result.path,
                result.kind,
                first.code if first else "E000",
                first.message if first else "not indexed",
                first.line if first else 1,
                first.column if first else 1,
            )
        )
    elif result.kind == "Council":
        _council_rows(result, rows)
    elif result.kind == "Service":
        _service_rows(result, as_of, patterns or {}, rows)
    result.document = None  # the rows hold what is needed; don't send the document back too
    return rows


def finding_row(key: str, r: RequirementResult) -> Row:
    """A result's row in `findings`: its fields as the checker set them (see service_results.decode)."""
    waiver, evidence = r.waiver, r.evidence
    return (
        key,
        r.requirement,
        r.standard,
        r.version,
        r.level,
        r.outcome.value,
        r.detail,
        waiver.approved_by if waiver else None,
        waiver.expires.isoformat() if waiver else None,
        waiver.reason if waiver else None,
        evidence.status if evidence else None,
        iso_date(evidence.date) if evidence else None,
        evidence.url if evidence else None,
        r.line,
        r.column,
        r.says,
    )


def _council_rows(result: FileResult, pending: Rows) -> None:
    c = result.document
    assert c is not None
    pending["councils"].append(
        (
            c["id"],
            c["name"],
            c["gss_code"],
            c["register_code"],
            c["type"],
            c["nation"],
            c["region"],
            c.get("website"),
            json_text(c["owners"]),
            int(c["sample"]),
            result.path,
        )
    )
    pending["search"].append(("council", c["id"], c["name"], f"{c['type']} {c['nation']} {c['region']}"))


def _service_rows(result: FileResult, as_of: dt.date, patterns: PatternTypes, pending: Rows) -> None:
    s = result.document
    assert s is not None
    key = f"{result.council}/{s['id']}"
    compliant = all(x.compliant for x in result.summaries)
    pending["services"].append(_service_row(result, key, s, compliant))
    pending["service_patterns"].extend((key, p) for p in s["patterns"])
    pending["suppliers"].extend(_supplier_row(key, x) for x in s["suppliers"])
    pending["service_solutions"].extend(core_solutions(key, s, patterns))
    musts_applicable, musts_met = _result_rows(result, key, pending)
    pending["service_facts"].append(_facts_row(result, key, s, compliant, musts_applicable, musts_met))
    today = as_of.isoformat()
    pending["waivers"].extend(
        (key, w["requirement"], w["reason"], w["approved_by"], w["expires"], int(w["expires"] >= today))
        for w in s["waivers"]
    )
    pending["evidence"].extend(
        (key, rid, e["status"], e.get("url"), e.get("date"), e.get("note")) for rid, e in s["evidence"].items()
    )
    pending["search"].append(("service", key, s["name"], _search_body(s)))


def _service_row(result: FileResult, key: str, s: dict[str, Any], compliant: bool) -> Row:
    summaries = result.summaries
    score = round(sum(x.score for x in summaries) / len(summaries), 4) if summaries else 1.0
    return (
        key,
        s["id"],
        result.council,
        result.path,
        s["name"],
        s.get("description"),
        s.get("lgsl"),
        s.get("url"),
        s["phase"],
        s["audience"],
        json_text(s["channels"]),
        s["owner"]["team"],
        s["owner"].get("service_owner"),
        (s.get("hosting") or {}).get("model"),
        (s.get("hosting") or {}).get("provider"),
        int(s["data"].get("open_api") is not None),
        int(bool(s["source_code"].get("open"))),
        int(s["privacy"]["handles_personal_data"]),
        int(s["sample"]),
        int(compliant),
        score,
        sum(x.failed_must for x in summaries),
        sum(x.failed_should for x in summaries),
        json_text(s),
    )


def _supplier_row(key: str, x: dict[str, Any]) -> Row:
    end, notice = x.get("contract_end"), x.get("notice_period_months")
    due = notice_date(dt.date.fromisoformat(end), notice) if end else None
    return (
        key,
        x["name"],
        x.get("product"),
        x.get("role"),
        x.get("contract_start"),
        end,
        company_key(x["name"]),
        product_key(x["name"], x.get("product")),
        product_label(x["name"], x.get("product")),
        notice,
        iso_date(due),
    )


def _result_rows(result: FileResult, key: str, pending: Rows) -> tuple[int, int]:
    """The findings and per-standard rows; returns (musts that apply, musts met) for the facts."""
    by_standard: dict[str, list[str]] = {}
    musts_applicable = musts_met = 0
    for r in result.results:
        if r.level == "must" and r.outcome is not Outcome.NOT_APPLICABLE:
            musts_applicable += 1
            musts_met += r.outcome is Outcome.PASS or r.outcome is Outcome.WAIVED
        by_standard.setdefault(r.standard, []).append(LETTER_BY_OUTCOME[r.outcome])
        if r.detail or r.waiver is not None or r.evidence is not None:
            pending["findings"].append(finding_row(key, r))
    pending["service_standards"].extend(_standard_row(key, x, by_standard) for x in result.summaries)
    return musts_applicable, musts_met


def _standard_row(key: str, x: StandardSummary, by_standard: dict[str, list[str]]) -> Row:
    return (
        key,
        x.standard,
        x.version,
        int(x.compliant),
        x.score,
        x.passed,
        x.failed,
        x.waived,
        x.not_applicable,
        x.errors,
        x.failed_must,
        x.failed_should,
        "".join(by_standard.get(x.standard, [])),
    )


def _facts_row(
    result: FileResult, key: str, s: dict[str, Any], compliant: bool, musts_applicable: int, musts_met: int
) -> Row:
    data = s["data"]
    data_standards = set(data.get("standards") or ())
    return (
        key,
        result.council,
        s.get("lgsl"),
        int(compliant),
        musts_applicable,
        musts_met,
        int(data.get("open_api") is not None),
        int(bool(data.get("is_directory"))),
        int(bool(data.get("handles_addresses"))),
        int("open-referral-uk" in data_standards),
        int("uprn" in data_standards),
        int("usrn" in data_standards),
        int(any(f in OPEN_FORMATS for f in data.get("export_formats") or ())),
        int(bool(data.get("proprietary_format"))),
    )


def _search_body(s: dict[str, Any]) -> str:
    """What a service is found by besides its name: its service type in the words people use for it too."""
    code = s.get("lgsl")
    return " ".join(
        filter(
            None,
            [
                s.get("description"),
                s["owner"]["team"],
                " ".join(s["patterns"]),
                " ".join(x["name"] for x in s["suppliers"]),
                " ".join(x.get("product") or "" for x in s["suppliers"]),
                lgsl_label(code) if code else None,
                " ".join(lgsl_terms().get(code, ())) if code else None,
            ],
        )
    )
