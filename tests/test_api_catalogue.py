"""The API's requirements, patterns, search and validate resources."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import AS_OF, ROOT
from registry.api.routes.patterns import COLUMNS as PATTERN_COLUMNS
from registry.api.routes.requirements import COLUMNS as REQUIREMENT_COLUMNS
from registry.api.routes.search import COLUMNS as SEARCH_COLUMNS
from registry.api.routes.search import fts_query
from registry.api.routes.validate import MAX_KEYS

# A refusal must come at once, not after reading or expanding the body; the bound is generous so a
# busy 2-core CI machine never trips it, while a bomb or a wait for a body would take far longer.
BOUND = 5.0

PASSING = ROOT / "manifests/bristol/pest-control.yaml"
FAILING = ROOT / "manifests/bristol/dropped-kerb.yaml"


def _query(index: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


# --------------------------------------------------------------------------- requirements


def test_requirements_list_paginates_in_the_standards_order(api, shipped_index: Path) -> None:
    r = api.get("/api/v1/requirements", params={"limit": 5})
    assert r.status_code == 200
    body = r.json()
    (total,) = _query(shipped_index, "SELECT count(*) FROM requirements")[0]
    assert body["total"] == total and r.headers["x-total-count"] == str(total)
    assert [i["id"] for i in body["items"]] == ["ACC-01", "ACC-02", "ACC-03", "ACC-04", "ACC-05"]
    assert 'rel="next"' in r.headers["link"]
    item = body["items"][0]
    assert set(item) == {
        "id",
        "standard",
        "title",
        "level",
        "fix",
        "visibility",
        "services_checked",
        "services_failing",
    }
    (checked,) = _query(shipped_index, "SELECT count(*) FROM service_standards WHERE standard_id = 'accessibility'")[0]
    assert item["standard"] == "accessibility" and item["services_checked"] == checked


def test_requirements_filter_and_sort(api, shipped_index: Path) -> None:
    privacy_must = api.get("/api/v1/requirements", params={"standard": "privacy", "level": "must", "limit": 500}).json()
    assert privacy_must["total"] > 0
    assert all(i["standard"] == "privacy" and i["level"] == "must" for i in privacy_must["items"])
    worst = api.get("/api/v1/requirements", params={"sort": "-failing", "limit": 500}).json()["items"]
    failing = [i["services_failing"] for i in worst]
    # Restricted requirements have no published count (null), and come last, after every counted one.
    counted = [n for n in failing if n is not None]
    assert failing == sorted(counted, reverse=True) + [None] * (len(failing) - len(counted))
    restricted = {i["id"] for i in worst if i["visibility"] == "restricted"}
    assert restricted and {i["id"] for i in worst if i["services_failing"] is None} == restricted
    assert all(i["services_checked"] is None for i in worst if i["id"] in restricted)
    expected = dict(
        _query(
            shipped_index,
            "SELECT requirement_id, count(*) FROM findings WHERE outcome = 'fail' GROUP BY requirement_id",
        )
    )
    assert {i["id"]: i["services_failing"] for i in worst if i["services_failing"]} == expected
    levels = [
        i["level"] for i in api.get("/api/v1/requirements", params={"sort": "level", "limit": 500}).json()["items"]
    ]
    assert levels == sorted(levels, key=["must", "should", "may"].index)
    ids = [i["id"] for i in api.get("/api/v1/requirements", params={"sort": "-id", "limit": 500}).json()["items"]]
    assert ids == sorted(ids, reverse=True)
    assert api.get("/api/v1/requirements", params={"standard": "no-such-standard"}).json()["total"] == 0


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"level": "ought"}, "level"), ({"standard": "Bad Id"}, "standard"), ({"sort": "rank"}, "sort")],
)
def test_requirements_bad_parameters_are_named(api, params: dict[str, str], parameter: str) -> None:
    r = api.get("/api/v1/requirements", params=params)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["parameter"] == parameter


def test_requirements_as_csv(api) -> None:
    r = api.get("/api/v1/requirements", params={"format": "csv", "standard": "accessibility"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    header, rows = _csv(r.text)
    assert header == REQUIREMENT_COLUMNS
    assert rows[0]["id"] == "ACC-01" and int(rows[0]["services_checked"]) > 0


def test_one_requirement_in_full(api, shipped_index: Path) -> None:
    r = api.get("/api/v1/requirements/TCOP-09")
    assert r.status_code == 200
    body = r.json()
    assert body["standard"] == "technology-code-of-practice"
    assert body["standard_title"] == "Technology Code of Practice"
    assert body["check"] and body["applies_when"] and body["guidance"] and body["fix"]
    assert body["references"][0]["url"].startswith("https://")
    assert {"id": "bops", "name": "BOPS (Back Office Planning System)"} in body["patterns"]
    failing = _query(
        shipped_index,
        "SELECT service_key, detail FROM findings WHERE requirement_id = 'TCOP-09' AND outcome = 'fail'"
        " ORDER BY service_key",
    )
    assert body["services_failing"] == len(failing) == len(body["failing"])
    first = body["failing"][0]
    assert (first["service"], first["detail"]) == failing[0]
    assert first["message"] == f"{body['title']} ({first['detail']})"
    assert first["council"] == first["service"].split("/")[0] and first["name"] and first["line"] >= 1


def test_requirement_failing_list_is_paged(api) -> None:
    whole = api.get("/api/v1/requirements/TCOP-09").json()["failing"]
    page = api.get("/api/v1/requirements/TCOP-09", params={"failing_limit": 3, "failing_offset": 2}).json()
    assert page["failing"] == whole[2:5] and page["services_failing"] == len(whole)
    assert api.get("/api/v1/requirements/TCOP-09", params={"failing_limit": 0}).json()["failing"] == []
    assert api.get("/api/v1/requirements/TCOP-09", params={"failing_limit": 501}).status_code == 422


def test_requirement_with_evidence_a_dotted_id_and_waivers(api) -> None:
    dotted = api.get("/api/v1/requirements/CAF-A4.1").json()
    assert dotted["id"] == "CAF-A4.1" and dotted["evidence"]
    # Restricted (as the whole cyber-security standard is): its results are not published, so no counts,
    # not a false "0 of N failing".
    assert dotted["visibility"] == "restricted" and dotted["failing"] == []
    assert dotted["services_checked"] is dotted["services_failing"] is dotted["services_waived"] is None
    assert api.get("/api/v1/requirements/SS-20").json()["services_waived"] >= 1  # bristol/pest-control


def test_unknown_and_malformed_requirement_ids(api) -> None:
    missing = api.get("/api/v1/requirements/ACC-99")
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "status": 404,
        "code": "not_found",
        "message": "no requirement 'ACC-99'",
        "details": [],
    }
    bad = api.get("/api/v1/requirements/acc-01")
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["parameter"] == "requirement_id"


# --------------------------------------------------------------------------- patterns


def test_patterns_list_with_adopter_counts(api, shipped_index: Path) -> None:
    r = api.get("/api/v1/patterns", params={"limit": 500})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 17
    ids = [i["id"] for i in body["items"]]
    assert ids == sorted(ids)
    expected = {
        pattern: (services, councils)
        for pattern, services, councils in _query(
            shipped_index,
            """SELECT sp.pattern_id, count(*), count(DISTINCT s.council_id)
               FROM service_patterns sp JOIN services s ON s.key = sp.service_key GROUP BY sp.pattern_id""",
        )
    }
    for item in body["items"]:
        assert (item["services"], item["councils"]) == expected.get(item["id"], (0, 0))
    assert isinstance(body["items"][0]["open_source"], bool)


def test_patterns_filter_and_sort(api) -> None:
    closed = api.get("/api/v1/patterns", params={"open_source": "false"}).json()
    assert [i["id"] for i in closed["items"]] == ["uprn-address-lookup"]
    platforms = api.get("/api/v1/patterns", params={"category": "common_platform"}).json()["items"]
    assert platforms and {i["category"] for i in platforms} == {"common_platform"}
    assert "gov-uk-notify" in {i["id"] for i in platforms}
    by_adopters = api.get("/api/v1/patterns", params={"sort": "-adopters", "limit": 500}).json()["items"]
    counts = [i["services"] for i in by_adopters]
    assert counts == sorted(counts, reverse=True) and by_adopters[0]["id"] == "uprn-address-lookup"
    names = [i["name"] for i in api.get("/api/v1/patterns", params={"sort": "name", "limit": 500}).json()["items"]]
    assert names == sorted(names)
    assert api.get("/api/v1/patterns", params={"category": "magic"}).json()["error"]["details"][0]["parameter"] == (
        "category"
    )
    assert api.get("/api/v1/patterns", params={"open_source": "perhaps"}).status_code == 422


def test_patterns_as_csv(api) -> None:
    r = api.get("/api/v1/patterns", headers={"Accept": "text/csv"})
    header, rows = _csv(r.text)
    assert header == PATTERN_COLUMNS and len(rows) == 17
    assert rows[0]["open_source"] in ("true", "false")


def test_one_pattern_with_requirements_and_adopters(api, shipped_index: Path) -> None:
    r = api.get("/api/v1/patterns/gov-uk-notify")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "GOV.UK Notify" and body["solves"] and body["when_to_use"]
    helps = _query(shipped_index, "SELECT requirement_id FROM pattern_requirements WHERE pattern_id = 'gov-uk-notify'")
    assert sorted(h["id"] for h in body["helps_meet"]) == sorted(h for (h,) in helps)
    assert all(h["title"] and h["standard"] for h in body["helps_meet"])
    adopters = _query(
        shipped_index,
        """SELECT s.key, s.compliant FROM service_patterns sp JOIN services s ON s.key = sp.service_key
           WHERE sp.pattern_id = 'gov-uk-notify' ORDER BY s.key""",
    )
    assert [(a["service"], a["compliant"]) for a in body["adopters"]] == [(k, bool(c)) for k, c in adopters]
    assert body["services"] == len(adopters)
    assert {
        "service": "bristol/pest-control",
        "council": "bristol",
        "name": "Book and pay for pest control",
    }.items() <= (next(a for a in body["adopters"] if a["service"] == "bristol/pest-control").items())
    paged = api.get("/api/v1/patterns/gov-uk-notify", params={"adopters_limit": 2, "adopters_offset": 1}).json()
    assert paged["adopters"] == body["adopters"][1:3]


def test_unknown_and_malformed_pattern_ids(api) -> None:
    assert api.get("/api/v1/patterns/no-such-pattern").json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/patterns/Not_A_Slug").status_code == 422


# --------------------------------------------------------------------------- search


def test_search_finds_and_highlights(api) -> None:
    r = api.get("/api/v1/search", params={"q": "missed bin"})
    assert r.status_code == 200
    body = r.json()
    hits = {(h["kind"], h["id"]) for h in body["items"]}
    assert ("service", "bristol/missed-bin-collection") in hits
    first = body["items"][0]
    assert set(first) == {"kind", "id", "title", "snippet", "rank"}
    assert "<mark>" in first["snippet"]
    ranks = [h["rank"] for h in body["items"]]
    assert ranks == sorted(ranks)  # best first


@pytest.mark.parametrize(("q", "lgsl"), [("rats", 431), ("rubbish", 524), ("blue badge", 279)])
def test_search_finds_services_by_the_words_people_use(api, q: str, lgsl: int) -> None:
    """Words no manifest of the type need contain: the service type's terms (checks/data/lgsl_terms.csv)."""
    of_type = {s["council"] + "/" + s["id"] for s in api.get("/api/v1/services", params={"lgsl": lgsl}).json()["items"]}
    hits = [h["id"] for h in api.get("/api/v1/search", params={"q": q, "kind": "service"}).json()["items"]]
    assert of_type and set(hits[: len(of_type)]) == of_type, (hits, of_type)


def test_search_prefix_kind_filter_and_paging(api) -> None:
    notify = api.get("/api/v1/search", params={"q": "notif", "kind": "pattern"}).json()
    assert [h["id"] for h in notify["items"]][:1] == ["gov-uk-notify"]
    assert {h["kind"] for h in notify["items"]} == {"pattern"}
    everything = api.get("/api/v1/search", params={"q": "council", "limit": 500}).json()
    kinds = {h["kind"] for h in everything["items"]}
    assert {"service", "standard", "requirement", "council"} <= kinds
    page = api.get("/api/v1/search", params={"q": "council", "limit": 5, "offset": 5}).json()
    assert page["items"] == everything["items"][5:10] and page["total"] == everything["total"]
    assert api.get("/api/v1/search", params={"q": "bristol", "kind": "council"}).json()["items"][0]["id"] == "bristol"


def test_search_as_csv(api) -> None:
    r = api.get("/api/v1/search", params={"q": "planning", "format": "csv"})
    header, rows = _csv(r.text)
    assert header == SEARCH_COLUMNS and rows and float(rows[0]["rank"]) < 0


def test_search_query_becomes_quoted_words() -> None:
    assert fts_query("missed bi") == '"missed" "bi"*'
    assert fts_query('NEAR("a" b) OR c:d*') == '"NEAR" "a" "b" "OR" "c" "d"'
    assert fts_query("caf\u00e9 \u4e2d\u6587") == '"caf\u00e9" "\u4e2d\u6587"*'
    assert fts_query("\"'*:^()-+ _ ") is None


NASTY = [
    '"',
    '""',
    '"unterminated',
    "AND",
    "AND OR",
    "OR NOT",
    "NOT",
    "NEAR(",
    "NEAR(a b, 2)",
    "*",
    "a*",
    "bin*",
    "^start",
    "a:b",
    "title:bin",
    "kind:service",
    "{title body}: bin",
    "'; DROP TABLE services; --",
    "1' OR '1'='1",
    "(",
    ")",
    "a + b",
    "-bin",
    "\\",
    "%",
    "_",
    "\x00",
    "bin\x00collection",
    "caf\u00e9",
    "\u0645\u0631\u062d\u0628\u0627",
    "\u4e2d\u6587",
    "\U0001f642",
    "\u200b",
    "x" * 200,
    "word " * 40,
]


@pytest.mark.parametrize("q", NASTY, ids=range(len(NASTY)))
def test_nasty_queries_give_results_or_a_4xx_never_a_500(api, q: str) -> None:
    r = api.get("/api/v1/search", params={"q": q})
    assert r.status_code in (200, 400), r.text
    if r.status_code == 400:
        assert r.json()["error"]["code"] == "empty_query"
    else:
        assert r.json()["total"] >= 0


def test_empty_long_and_missing_queries(api, shipped_index: Path) -> None:
    for q in ("", "   ", "!?*"):
        r = api.get("/api/v1/search", params={"q": q})
        assert r.status_code == 400
        assert r.json()["error"]["code"] == "empty_query" and r.json()["error"]["status"] == 400
    for params in ({"q": "x" * 201}, {"q": "a " * 5000}, {}):
        r = api.get("/api/v1/search", params=params)
        assert r.status_code == 422 and r.json()["error"]["details"][0]["parameter"] == "q"
    assert api.get("/api/v1/search", params={"q": "bin", "kind": "table"}).status_code == 422
    # The injection attempt was text to look for, nothing more.
    assert _query(shipped_index, "SELECT count(*) FROM services")[0][0] == 66


def test_snippets_are_escaped_html() -> None:
    from registry.api.routes.search import _CLOSE, _OPEN, _snippet

    assert _snippet(f"<script>{_OPEN}bin{_CLOSE} & co") == "&lt;script&gt;<mark>bin</mark> &amp; co"


# --------------------------------------------------------------------------- validate


def _validate(api, body: bytes | Iterator[bytes], **params: str):
    start = time.monotonic()
    r = api.post("/api/v1/validate", content=body, params=params, headers={"Content-Type": "application/yaml"})
    return r, time.monotonic() - start


def test_valid_manifest_gives_the_same_findings_as_the_cli(api, cli) -> None:
    r, _ = _validate(api, PASSING.read_bytes(), council="bristol", as_of=AS_OF)
    assert r.status_code == 200
    body = r.json()
    assert body["valid"] is True and body["problems"] == []
    assert (body["kind"], body["council"], body["service"], body["as_of"]) == (
        "Service",
        "bristol",
        "pest-control",
        AS_OF,
    )
    run = cli("check", "--as-of", AS_OF, "--format", "json", str(PASSING.relative_to(ROOT)), cwd=ROOT)
    record = json.loads(run.stdout)["files"][0]
    for key in ("results", "standards", "warnings", "name", "sample"):
        assert body[key] == record[key], key
    waived = [x for x in body["results"] if x["outcome"] == "waived"]
    assert [x["requirement"] for x in waived] == ["SS-20"]


def test_failing_manifest_is_200_with_its_failures(api, shipped_index: Path) -> None:
    r, _ = _validate(api, FAILING.read_bytes(), council="bristol", as_of=AS_OF)
    assert r.status_code == 200
    body = r.json()
    assert body["valid"] is True
    assert not all(s["compliant"] for s in body["standards"])
    failed = {x["requirement"]: x["detail"] for x in body["results"] if x["outcome"] == "fail"}
    indexed = dict(
        _query(
            shipped_index,
            "SELECT requirement_id, detail FROM findings"
            " WHERE service_key = 'bristol/dropped-kerb' AND outcome = 'fail'",
        )
    )
    assert failed == indexed
    assert all(x["line"] >= 1 for x in body["results"])


def test_as_of_changes_the_verdict(api) -> None:
    before = _validate(api, PASSING.read_bytes(), as_of=AS_OF)[0].json()
    after = _validate(api, PASSING.read_bytes(), as_of="2027-07-01")[0].json()
    outcome = {x["requirement"]: x for x in after["results"]}["SS-20"]
    assert {x["requirement"]: x for x in before["results"]}["SS-20"]["outcome"] == "waived"
    assert outcome["outcome"] == "fail" and "waiver expired on 2027-06-30" in outcome["message"]
    assert after["as_of"] == "2027-07-01"


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", "application/x-yaml", None])
def test_any_content_type_is_read_as_yaml(api, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    r = api.post("/api/v1/validate", content=PASSING.read_bytes(), params={"as_of": AS_OF}, headers=headers)
    assert r.status_code == 200 and r.json()["service"] == "pest-control"


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
).encode()
VALID_HEAD = PASSING.read_bytes()

BAD_BODIES: dict[str, tuple[bytes, str, tuple[int, int] | None]] = {
    "empty": (b"", "E104", (1, 1)),
    "not utf-8": (b"kind: Service\nname: caf\xe9\n", "E103", (2, 10)),
    "utf-16": ("kind: Service\n".encode("utf-16"), "E103", (1, 1)),
    "binary": (bytes(range(256)) * 4, "E103", None),
    "not yaml": (b"<html><body>{{ nope: [ }</body></html>\n", "E105", None),
    "json-ish garbage": (b'{"kind": "Service", ', "E105", None),
    "tab indentation": (b"kind: Service\nowner:\n\tteam: x\n", "E105", (3, 1)),
    "billion laughs": (BILLION_LAUGHS, "E107", (1, 4)),
    "alias": (b"a: &x 1\nb: *x\n", "E107", (1, 4)),
    "python tag": (b"kind: Service\nx: !!python/object/apply:os.system ['true']\n", "E108", (2, 4)),
    "a list, not a mapping": (b"- kind: Service\n", "E109", (1, 1)),
    "two documents": (b"kind: Service\n---\nkind: Service\n", "E110", None),
    "nested too deep for libyaml": (b"a: " + b"[" * 2000 + b"]" * 2000, "E105", None),
    "nested too deep for the builder": (b"a: " + b"[" * 700 + b"]" * 700, "E112", None),
    "too many keys": ("".join(f"k{i}: {i}\n" for i in range(MAX_KEYS + 1)).encode(), "E102", (1, 1)),
    "missing kind": (b"name: Bins\n", "E200", (1, 1)),
    "a standard, not a service": (b"kind: Standard\nschema_version: 1\n", "E200", (1, 7)),
    "wrong shape": (b"kind: Service\nschema_version: 1\nid: Bad Id\nphase: liev\nlgsl: lots\n", "E202", None),
    "unknown field": (VALID_HEAD + b"colour: blue\n", "E201", None),
    "unknown pattern": (VALID_HEAD.replace(b"  - gov-uk-notify\n", b"  - gov-uk-notifi\n"), "E301", (30, 5)),
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_bad_bodies_are_a_clear_422_within_a_second(api, name: str) -> None:
    body, code, where = BAD_BODIES[name]
    r, seconds = _validate(api, body, as_of=AS_OF)
    assert seconds <= BOUND, f"{name} took {seconds:.2f}s"
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_manifest" and error["status"] == 422
    problems = error["details"]
    assert problems and all(set(p) == {"code", "message", "help", "line", "column"} for p in problems)
    assert any(p["code"].startswith(code) for p in problems), problems
    if where is not None:
        hit = next(p for p in problems if p["code"].startswith(code))
        assert (hit["line"], hit["column"]) == where, hit
    assert error["message"].startswith(problems[0]["code"])
    # The server is unaffected.
    assert api.get("/healthz").status_code == 200
    assert _validate(api, PASSING.read_bytes(), as_of=AS_OF)[0].status_code == 200


def test_wrong_shape_reports_every_problem_with_its_line(api) -> None:
    r, _ = _validate(api, b"kind: Service\nschema_version: 1\nid: Bad Id\nphase: liev\nlgsl: lots\n")
    problems = {(p["code"], p["line"]) for p in r.json()["error"]["details"]}
    assert {("E205", 3), ("E203", 4), ("E204", 5)} <= problems
    assert any(code == "E202" for code, _ in problems)


def test_reference_problems_point_at_the_line(api) -> None:
    body = VALID_HEAD.replace(b"  - gov-uk-notify\n", b"  - gov-uk-notifi\n")
    problem = _validate(api, body)[0].json()["error"]["details"][0]
    assert problem["code"] == "E301" and "gov-uk-notify" in problem["help"]


def test_an_unavailable_pin_is_reported(api) -> None:
    text = PASSING.read_text()
    assert "conforms_to:" in text
    pinned = text.replace("conforms_to:\n", "conforms_to:\n  - standard: privacy\n    version: 0.9.0\n", 1)
    problems = _validate(api, pinned.encode())[0].json()["error"]["details"]
    assert [p["code"] for p in problems] == ["E305"]
    assert "privacy version 0.9.0 is not available: the standard is at 1.0.0" in problems[0]["message"]


def test_body_over_the_limit_is_413(api) -> None:
    r, seconds = _validate(api, b"a: " + b"x" * 1_000_000)
    assert r.status_code == 413 and seconds <= BOUND
    assert r.json()["error"] == {
        "status": 413,
        "code": "too_large",
        "message": "the manifest must be under 1.0 MB",
        "details": [],
    }


def test_streamed_body_over_the_limit_is_413_without_a_content_length(api) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"#" * 65_536

    r, seconds = _validate(api, chunks())
    assert r.status_code == 413 and seconds <= BOUND
    assert r.json()["error"]["code"] == "too_large"


def test_content_length_over_the_limit_is_refused_before_reading(api) -> None:
    r = api.post(
        "/api/v1/validate", content=b"kind: Service\n", headers={"Content-Length": "5000000"}, params={"as_of": AS_OF}
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_bad_parameters(api) -> None:
    unknown = _validate(api, PASSING.read_bytes(), council="atlantis")[0]
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"] == [
        {"parameter": "council", "in": "query", "message": "no council 'atlantis' in the registry"}
    ]
    for params in ({"council": "Not A Slug"}, {"as_of": "2026-13-45"}, {"as_of": "soon"}):
        r = _validate(api, PASSING.read_bytes(), **params)[0]
        assert r.status_code == 422 and r.json()["error"]["details"][0]["parameter"] == next(iter(params))
    assert api.get("/api/v1/validate").status_code == 405


def test_nothing_is_stored(api, shipped_index: Path) -> None:
    before = hashlib.sha256(shipped_index.read_bytes()).hexdigest()
    body = PASSING.read_bytes().replace(b"id: pest-control", b"id: zzqx-unheard-of")
    assert _validate(api, body, council="bristol")[0].json()["service"] == "zzqx-unheard-of"
    assert hashlib.sha256(shipped_index.read_bytes()).hexdigest() == before
    assert api.get("/api/v1/search", params={"q": "zzqx"}).json()["total"] == 0


def test_older_pinned_versions_come_from_the_index(shipped_index: Path, tmp_path: Path) -> None:
    """A pin to an older version is checked against that version as the index recorded it."""
    from fastapi.testclient import TestClient

    from registry.api.app import create_app

    index = tmp_path / "index.sqlite"
    shutil.copy(shipped_index, index)
    conn = sqlite3.connect(index)
    (document,) = conn.execute(
        "SELECT document FROM standard_versions WHERE standard_id = 'privacy' AND version = '1.0.0'"
    ).fetchone()
    old = json.loads(document)
    old["version"] = "0.9.0"
    old["requirements"] = old["requirements"][:2]
    conn.execute(
        "INSERT INTO standard_versions VALUES ('privacy', '0.9.0', 'abc', '2025-01-01', 'someone', 'active', ?)",
        (json.dumps(old),),
    )
    conn.commit()
    conn.close()
    pinned = PASSING.read_text().replace(
        "conforms_to:\n", "conforms_to:\n  - standard: privacy\n    version: 0.9.0\n", 1
    )
    with TestClient(create_app(index)) as client:
        r = client.post("/api/v1/validate", content=pinned.encode(), params={"as_of": AS_OF})
    assert r.status_code == 200, r.text
    body = r.json()
    privacy = next(s for s in body["standards"] if s["standard"] == "privacy")
    assert privacy["version"] == "0.9.0"
    assert len([x for x in body["results"] if x["standard"] == "privacy"]) == 2
    assert [w["code"] for w in body["warnings"]] == ["W001"]
