"""The councils, services and compliance resources of the registry API.

Expected figures are counted in the test from the index's own rows (or from
`standards check`), never with the SQL the routes use.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import AS_OF, ROOT

SERVICE_COLUMNS = [
    "key",
    "id",
    "council",
    "name",
    "lgsl",
    "phase",
    "url",
    "compliant",
    "score",
    "failed_must",
    "failed_should",
    "sample",
]
COUNCIL_COLUMNS = [
    "id",
    "name",
    "type",
    "nation",
    "region",
    "gss_code",
    "register_code",
    "sample",
    "services",
    "compliant",
    "compliance_rate",
    "score",
    "standards_all_compliant",
    "weakest_standard",
    "weakest_standard_rate",
]
GROUP_COLUMNS = ["group", "name", "services", "compliant", "compliance_rate", "score", "failed_must", "note"]
REQUIREMENT_COLUMNS = ["requirement", "standard", "level", "title", "failing", "checked", "failure_rate"]
GROUP_ENDPOINTS = ["by-standard", "by-council", "by-council-type", "by-region", "by-nation"]


@pytest.fixture
def db(shipped_index: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{shipped_index}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def _csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _keys(body: dict) -> list[str]:
    return [i["key"] for i in body["items"]]


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "code", "message", "details"}
    assert body["error"]["status"] == response.status_code
    return body["error"]


# --------------------------------------------------------------------------- services list


def test_services_list_pages_with_totals_and_links(api, db) -> None:
    total = db.execute("SELECT count(*) FROM services").fetchone()[0]
    r = api.get("/api/v1/services", params={"limit": 5, "offset": 10})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == total == 71 and body["limit"] == 5 and body["offset"] == 10 and len(body["items"]) == 5
    assert r.headers["x-total-count"] == str(total)
    links = r.headers["link"]
    for rel, offset in (("first", 0), ("prev", 5), ("next", 15), ("last", 70)):
        assert f'offset={offset}&limit=5>; rel="{rel}"' in links
    assert list(body["items"][0]) == SERVICE_COLUMNS
    everything = [
        k for off in range(0, total, 10) for k in _keys(api.get(f"/api/v1/services?limit=10&offset={off}").json())
    ]
    assert everything == sorted(r["key"] for r in db.execute("SELECT key FROM services"))
    assert _keys(body) == everything[10:15]


def test_services_item_matches_its_index_row(api, db) -> None:
    item = api.get("/api/v1/services", params={"council": "bristol", "limit": 1}).json()["items"][0]
    row = db.execute("SELECT * FROM services WHERE key = ?", (item["key"],)).fetchone()
    assert item == {
        "key": row["key"],
        "id": row["id"],
        "council": row["council_id"],
        "name": row["name"],
        "lgsl": row["lgsl"],
        "phase": row["phase"],
        "url": row["url"],
        "compliant": bool(row["compliant"]),
        "score": row["score"],
        "failed_must": row["failed_must"],
        "failed_should": row["failed_should"],
        "sample": True,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"council": "bristol"}, "SELECT key FROM services WHERE council_id = 'bristol'"),
        ({"lgsl": 524}, "SELECT key FROM services WHERE lgsl = 524"),
        ({"phase": "beta"}, "SELECT key FROM services WHERE phase = 'beta'"),
        ({"compliant": "true"}, "SELECT key FROM services WHERE compliant = 1"),
        (
            {"compliant": "false", "council": "camden"},
            "SELECT key FROM services WHERE compliant = 0 AND council_id = 'camden'",
        ),
        ({"standard": "api-standard"}, "SELECT service_key FROM service_standards WHERE standard_id = 'api-standard'"),
        (
            {"failing": "ACC-04"},
            "SELECT service_key FROM findings WHERE requirement_id = 'ACC-04' AND outcome = 'fail'",
        ),
        ({"pattern": "gov-uk-notify"}, "SELECT service_key FROM service_patterns WHERE pattern_id = 'gov-uk-notify'"),
        ({"supplier": "wRENFOLD dIGITAL lTD"}, "SELECT service_key FROM suppliers WHERE name = 'Wrenfold Digital Ltd'"),
        ({"sample": "true"}, "SELECT key FROM services"),
        ({"sample": "false"}, "SELECT key FROM services WHERE 0"),
    ],
)
def test_services_filters(api, db, params: dict, expected: str) -> None:
    want = sorted({r[0] for r in db.execute(expected)})
    body = api.get("/api/v1/services", params={**params, "limit": 500}).json()
    assert _keys(body) == want and body["total"] == len(want)
    assert want or params == {"sample": "false"}  # every filter but the last picks something


def test_services_filters_combine_and_unknown_values_match_nothing(api) -> None:
    both = api.get("/api/v1/services", params={"lgsl": 524, "compliant": "false"}).json()
    assert all(i["lgsl"] == 524 and not i["compliant"] for i in both["items"]) and both["total"] > 0
    for params in ({"council": "atlantis"}, {"supplier": "O'Brien; DROP TABLE services"}, {"failing": "NOPE-01"}):
        r = api.get("/api/v1/services", params=params)
        assert r.status_code == 200 and r.json()["total"] == 0 and r.json()["items"] == []


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("key", lambda i: i["key"]),
        ("-key", lambda i: i["key"]),
        ("name", lambda i: (i["name"], i["key"])),
        ("score", lambda i: (i["score"], i["key"])),
        ("council", lambda i: (i["council"], i["key"])),
    ],
)
def test_services_sort(api, sort: str, key) -> None:
    items = api.get("/api/v1/services", params={"sort": sort, "limit": 500}).json()["items"]
    assert items == sorted(items, key=key, reverse=sort == "-key")


def test_services_sort_descending_keeps_ties_in_key_order(api) -> None:
    items = api.get("/api/v1/services", params={"sort": "-score", "limit": 500}).json()["items"]
    assert items == sorted(items, key=lambda i: (-i["score"], i["key"]))


def test_services_csv_has_the_documented_columns(api, db) -> None:
    r = api.get("/api/v1/services", params={"format": "csv", "council": "bristol"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    columns, rows = _csv(r.text)
    assert columns == SERVICE_COLUMNS
    assert [row["key"] for row in rows] == sorted(
        k for (k,) in db.execute("SELECT key FROM services WHERE council_id = 'bristol'")
    )
    assert {row["compliant"] for row in rows} <= {"true", "false"} and {row["sample"] for row in rows} == {"true"}
    assert r.headers["x-total-count"] == str(len(rows)) and 'rel="first"' in r.headers["link"]
    by_accept = api.get("/api/v1/services", params={"council": "bristol"}, headers={"Accept": "text/csv"})
    assert by_accept.text == r.text
    doc = api.get("/api/v1/openapi.json").json()["paths"]["/api/v1/services"]["get"]["responses"]["200"]
    assert doc["content"]["text/csv"]["example"] == ",".join(SERVICE_COLUMNS) + "\n"
    assert doc["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ServicePage"}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"phase": "finished"}, "phase"),
        ({"compliant": "perhaps"}, "compliant"),
        ({"lgsl": "bins"}, "lgsl"),
        ({"sort": "score; DROP TABLE services"}, "sort"),
        ({"council": "Not A Slug"}, "council"),
        ({"failing": "acc-04"}, "failing"),
        ({"standard": "../etc"}, "standard"),
        ({"format": "xml"}, "format"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_services_bad_parameters_are_422_naming_the_parameter(api, params: dict, parameter: str) -> None:
    r = api.get("/api/v1/services", params=params)
    assert r.status_code == 422
    error = _error(r)
    assert error["code"] == "invalid_parameter" and parameter in error["message"]
    assert [d["parameter"] for d in error["details"]] == [parameter]


# --------------------------------------------------------------------------- one service


def _cli_report(cli, path: str) -> dict:
    run = cli("check", "--as-of", AS_OF, "--format", "json", path, cwd=ROOT)
    assert run.exit_code in (0, 1), run.stderr
    report = json.loads(run.stdout)
    (entry,) = report["files"]
    return entry


@pytest.mark.parametrize(
    "key",
    ["bristol/dropped-kerb", "bristol/pest-control", "camden/report-a-street-problem", "edinburgh/fostering-enquiry"],
)
def test_service_detail_has_full_results_matching_the_cli(api, db, cli, key: str) -> None:
    r = api.get(f"/api/v1/services/{key}")
    assert r.status_code == 200
    detail = r.json()
    row = db.execute("SELECT * FROM services WHERE key = ?", (key,)).fetchone()
    assert (
        detail["key"] == key
        and detail["path"] == row["path"]
        and detail["manifest"] == json.loads(row["manifest_json"])
    )

    # One result per requirement of every applicable standard judged in public (an attestation stands for
    # the restricted ones).
    judged = db.execute("SELECT standard_id, version, count(*) FROM requirement_versions GROUP BY 1, 2").fetchall()
    counts = {(standard, version): n for standard, version, n in judged}
    assert len(detail["results"]) == sum(counts[(s["standard"], s["version"])] for s in detail["standards"])
    ids = {x["requirement"] for x in detail["results"]}
    assert not ids & {r[0] for r in db.execute("SELECT id FROM requirements WHERE visibility = 'restricted'")}

    # Every field of every result as `standards check` gave it, in the same order; plus the fix to show.
    report = _cli_report(cli, row["path"])
    assert [{k: v for k, v in x.items() if k != "fix"} for x in detail["results"]] == report["results"]
    for mine in detail["results"]:
        assert bool(mine["fix"]) == (mine["outcome"] in ("fail", "waived", "error"))
    failing = [x for x in detail["results"] if x["outcome"] == "fail"]
    assert failing or key == "edinburgh/fostering-enquiry"
    assert all(x["message"] and x["line"] >= 1 for x in failing)
    assert [{k: v for k, v in s.items() if k != "title"} for s in detail["standards"]] == report["standards"]
    assert detail["compliant"] == all(s["compliant"] for s in report["standards"])


def test_service_detail_lists_waivers_evidence_suppliers_and_patterns(api, db) -> None:
    detail = api.get("/api/v1/services/bristol/dropped-kerb").json()
    manifest = detail["manifest"]
    assert detail["waivers"] == [
        {
            "requirement": "ACC-04",
            "reason": manifest["waivers"][0]["reason"],
            "approved_by": manifest["waivers"][0]["approved_by"],
            "expires": "2025-12-31",
            "active": False,  # expired before the as-of date: the requirement fails
        }
    ]
    assert next(x for x in detail["results"] if x["requirement"] == "ACC-04")["outcome"] == "fail"
    assert [s["name"] for s in detail["suppliers"]] == [s["name"] for s in manifest["suppliers"]]
    assert detail["patterns"] == manifest["patterns"]
    assert sorted(e["requirement"] for e in detail["evidence"]) == sorted(manifest["evidence"])
    assert detail["council_name"] == "Bristol City Council" and detail["channels"] == manifest["channels"]

    waived = api.get("/api/v1/services/bristol/pest-control").json()
    assert [w["active"] for w in waived["waivers"]] == [True]
    ss20 = next(x for x in waived["results"] if x["requirement"] == "SS-20")
    finding = db.execute(
        "SELECT detail, waiver_expires, line FROM findings"
        " WHERE service_key = 'bristol/pest-control' AND requirement_id = 'SS-20'"
    ).fetchone()
    assert ss20["outcome"] == "waived"
    assert (ss20["detail"], ss20["waiver"]["expires"], ss20["line"]) == tuple(finding)
    assert ss20["message"] == f"{ss20['title']} ({ss20['detail']}) (waived until {finding['waiver_expires']})"


def test_service_detail_unknown_and_malformed(api) -> None:
    missing = api.get("/api/v1/services/bristol/nope")
    assert missing.status_code == 404
    assert _error(missing) == {
        "status": 404,
        "code": "not_found",
        "message": "no service 'bristol/nope'",
        "details": [],
    }
    assert api.get("/api/v1/services/atlantis/dropped-kerb").status_code == 404
    bad = api.get("/api/v1/services/Bristol/dropped-kerb")
    assert bad.status_code == 422 and _error(bad)["details"][0]["parameter"] == "council"
    assert api.get("/api/v1/services/bristol").status_code == 404  # items live at /services/{council}/{id}


# --------------------------------------------------------------------------- councils


def _council_expectations(db: sqlite3.Connection, council_id: str) -> dict:
    """A council's figures, counted here in Python from the index rows."""
    services = db.execute("SELECT * FROM services WHERE council_id = ?", (council_id,)).fetchall()
    per_standard: dict[str, list[sqlite3.Row]] = {}
    for row in db.execute("SELECT * FROM service_standards"):
        if row["service_key"].split("/")[0] == council_id:
            per_standard.setdefault(row["standard_id"], []).append(row)
    return {
        "services": len(services),
        "compliant": sum(r["compliant"] for r in services),
        "score": round(sum(r["score"] for r in services) / len(services), 4),
        "failed_must": sum(r["failed_must"] for r in services),
        "standards": {
            sid: {
                "services": len(rows),
                "compliant": sum(r["compliant"] for r in rows),
                "score": round(sum(r["score"] for r in rows) / len(rows), 4),
            }
            for sid, rows in sorted(per_standard.items())
        },
    }


def test_council_detail_with_its_compliance_summary(api, db) -> None:
    r = api.get("/api/v1/councils/bristol")
    assert r.status_code == 200
    council = r.json()
    want = _council_expectations(db, "bristol")
    assert {k: council[k] for k in want} == want
    assert council["compliance_rate"] == round(want["compliant"] / want["services"], 4)
    assert council["owners"] == ["@bristol-council/digital"]
    assert (council["gss_code"], council["register_code"], council["type"]) == ("E06000023", "BST", "UA")
    assert council["website"] == "https://www.bristol.gov.uk" and council["sample"] is True
    assert council["path"] == "manifests/bristol/council.yaml"
    assert council["standards"]["api-standard"]["services"] == 1  # applies only where an API is offered


def test_council_unknown_and_malformed(api) -> None:
    missing = api.get("/api/v1/councils/atlantis")
    assert missing.status_code == 404 and _error(missing)["message"] == "no council 'atlantis'"
    assert api.get("/api/v1/councils/atlantis/services").status_code == 404
    bad = api.get("/api/v1/councils/ATLANTIS")
    assert bad.status_code == 422 and _error(bad)["details"][0]["parameter"] == "council_id"


def test_councils_list_pages_and_matches_each_council(api, db) -> None:
    r = api.get("/api/v1/councils", params={"limit": 3, "offset": 3})
    body = r.json()
    assert body["total"] == 11 and [c["id"] for c in body["items"]] == ["cardiff", "edinburgh", "kent"]
    assert 'rel="prev"' in r.headers["link"] and 'rel="next"' in r.headers["link"]
    assert r.headers["x-total-count"] == "11"
    everything = api.get("/api/v1/councils").json()["items"]
    for item in everything:
        want = _council_expectations(db, item["id"])
        assert item["services"] == want["services"] and item["compliant"] == want["compliant"]
        assert item["score"] == want["score"] and item["standards"] == want["standards"]
        assert "owners" not in item
    assert everything[0] == {
        k: v
        for k, v in api.get("/api/v1/councils/belfast").json().items()
        if k not in ("owners", "path", "failed_must", "failed_should")
    }


@pytest.mark.parametrize(
    ("params", "ids"),
    [
        ({"type": "UA"}, ["bristol", "nottingham"]),
        ({"type": "NID"}, ["belfast"]),
        ({"type": "CC"}, []),
        ({"nation": "Wales"}, ["cardiff"]),
        ({"nation": "Scotland", "type": "SCO"}, ["edinburgh"]),
        ({"region": "south east"}, ["kent", "maidstone"]),
        ({"sample": "true", "nation": "England", "region": "London"}, ["camden"]),
        ({"sample": "false"}, []),
    ],
)
def test_councils_filters(api, params: dict, ids: list[str]) -> None:
    body = api.get("/api/v1/councils", params=params).json()
    assert [c["id"] for c in body["items"]] == ids and body["total"] == len(ids)


def test_councils_sort(api) -> None:
    def ids(sort: str) -> list[str]:
        return [c["id"] for c in api.get("/api/v1/councils", params={"sort": sort}).json()["items"]]

    items = api.get("/api/v1/councils").json()["items"]
    assert ids("-id") == sorted(ids("id"), reverse=True)
    assert ids("name") == [c["id"] for c in sorted(items, key=lambda c: c["name"])]
    assert ids("-score") == [c["id"] for c in sorted(items, key=lambda c: -c["score"])]
    assert ids("services") == [c["id"] for c in sorted(items, key=lambda c: (c["services"], c["id"]))]
    page = api.get("/api/v1/councils", params={"sort": "-score", "limit": 2, "offset": 2}).json()
    assert [c["id"] for c in page["items"]] == ids("-score")[2:4]


def test_councils_csv_flattens_the_summary(api) -> None:
    r = api.get("/api/v1/councils", params={"format": "csv"})
    columns, rows = _csv(r.text)
    assert columns == COUNCIL_COLUMNS and len(rows) == 11
    belfast = api.get("/api/v1/councils/belfast").json()
    row = rows[0]
    assert row["id"] == "belfast" and row["sample"] == "true" and int(row["services"]) == belfast["services"]
    standards = belfast["standards"]
    assert int(row["standards_all_compliant"]) == sum(s["compliant"] == s["services"] for s in standards.values())
    rates = {k: s["compliant"] / s["services"] for k, s in standards.items()}
    assert rates[row["weakest_standard"]] == min(rates.values())
    assert float(row["weakest_standard_rate"]) == round(min(rates.values()), 4)
    doc = api.get("/api/v1/openapi.json").json()["paths"]["/api/v1/councils"]["get"]["responses"]["200"]
    assert doc["content"]["text/csv"]["example"] == ",".join(COUNCIL_COLUMNS) + "\n"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"type": "XX"}, "type"),
        ({"nation": "Mercia"}, "nation"),
        ({"sort": "population"}, "sort"),
        ({"region": ""}, "region"),
    ],
)
def test_councils_bad_parameters(api, params: dict, parameter: str) -> None:
    r = api.get("/api/v1/councils", params=params)
    assert r.status_code == 422 and [d["parameter"] for d in _error(r)["details"]] == [parameter]


def test_a_councils_services(api, db) -> None:
    r = api.get("/api/v1/councils/camden/services", params={"limit": 2})
    body = r.json()
    want = sorted(k for (k,) in db.execute("SELECT key FROM services WHERE council_id = 'camden'"))
    assert body["total"] == len(want) and _keys(body) == want[:2] and 'rel="next"' in r.headers["link"]
    assert body["items"] == api.get("/api/v1/services", params={"council": "camden", "limit": 2}).json()["items"]
    failing = api.get("/api/v1/councils/camden/services", params={"compliant": "false", "sort": "-score"}).json()
    assert failing["items"] and all(i["council"] == "camden" and not i["compliant"] for i in failing["items"])
    columns, rows = _csv(api.get("/api/v1/councils/camden/services?format=csv").text)
    assert columns == SERVICE_COLUMNS and [r["key"] for r in rows] == want
    # The council comes from the path; a `council` query parameter is not one of this route's filters.
    assert _keys(api.get("/api/v1/councils/camden/services", params={"council": "bristol"}).json()) == want


# --------------------------------------------------------------------------- compliance


def test_overall_compliance(api, db) -> None:
    services = db.execute("SELECT compliant, score, failed_must FROM services").fetchall()
    body = api.get("/api/v1/compliance").json()
    assert body["standard"] is None and body["services"] == len(services) == 71
    assert body["compliant"] == sum(r["compliant"] for r in services)
    assert body["compliance_rate"] == round(body["compliant"] / 71, 4)
    assert body["score"] == round(sum(r["score"] for r in services) / 71, 4)
    assert body["failed_must"] == sum(r["failed_must"] for r in services)
    assert [g["group"] for g in body["by_standard"]] == sorted(r[0] for r in db.execute("SELECT id FROM standards"))
    assert body["by_standard"] == api.get("/api/v1/compliance/by-standard").json()["items"]

    privacy = api.get("/api/v1/compliance", params={"standard": "privacy"}).json()
    rows = db.execute("SELECT compliant, failed_must FROM service_standards WHERE standard_id = 'privacy'").fetchall()
    assert privacy["services"] == len(rows) == 63 and privacy["compliant"] == sum(r["compliant"] for r in rows)
    assert [g["group"] for g in privacy["by_standard"]] == ["privacy"]
    nothing = api.get("/api/v1/compliance", params={"standard": "nope"}).json()
    assert nothing["services"] == 0 and nothing["compliance_rate"] is None and nothing["by_standard"] == []


def test_rollup_by_council_type_hand_counted(api, db) -> None:
    """The UA group, counted from the index rows: Bristol is the only unitary authority."""
    rows = [
        r
        for r in db.execute("SELECT s.*, c.type FROM services s JOIN councils c ON c.id = s.council_id")
        if r["type"] == "UA"
    ]
    groups = {g["group"]: g for g in api.get("/api/v1/compliance/by-council-type").json()["items"]}
    assert set(groups) == {"CTY", "LBO", "MD", "NID", "NMD", "SCO", "UA", "WPA"}
    assert groups["UA"] == {
        "group": "UA",
        "name": "Unitary authority",
        "services": len(rows),
        "compliant": sum(r["compliant"] for r in rows),
        "compliance_rate": round(sum(r["compliant"] for r in rows) / len(rows), 4),
        "score": round(sum(r["score"] for r in rows) / len(rows), 4),
        "failed_must": sum(r["failed_must"] for r in rows),
        "note": None,
    }
    assert sum(g["services"] for g in groups.values()) == 71


def test_rollup_by_nation_for_one_standard_hand_counted(api, db) -> None:
    nation = dict(db.execute("SELECT id, nation FROM councils").fetchall())
    rows = [
        r
        for r in db.execute("SELECT * FROM service_standards WHERE standard_id = 'accessibility'")
        if nation[r["service_key"].split("/")[0]] == "England"
    ]
    body = api.get("/api/v1/compliance/by-nation", params={"standard": "accessibility"}).json()
    assert [g["group"] for g in body["items"]] == ["England", "Northern Ireland", "Scotland", "Wales"]
    assert body["total"] == 4
    england = body["items"][0]
    assert england["services"] == len(rows) == 53
    assert england["compliant"] == sum(r["compliant"] for r in rows)
    assert england["score"] == round(sum(r["score"] for r in rows) / len(rows), 4)
    assert england["failed_must"] == sum(r["failed_must"] for r in rows)


def test_rollups_by_council_and_region_agree_with_councils(api) -> None:
    councils = {c["id"]: c for c in api.get("/api/v1/councils").json()["items"]}
    by_council = api.get("/api/v1/compliance/by-council").json()["items"]
    assert [(g["group"], g["name"], g["services"], g["compliant"], g["score"]) for g in by_council] == [
        (c["id"], c["name"], c["services"], c["compliant"], c["score"]) for c in councils.values()
    ]
    regions = Counter()
    for c in councils.values():
        regions[c["region"]] += c["services"]
    by_region = api.get("/api/v1/compliance/by-region").json()
    assert {g["group"]: g["services"] for g in by_region["items"]} == dict(regions)
    one = api.get("/api/v1/compliance/by-council", params={"standard": "api-standard"}).json()
    assert sum(g["services"] for g in one["items"]) == 12
    assert all(g["services"] == councils[g["group"]]["standards"]["api-standard"]["services"] for g in one["items"])


@pytest.mark.parametrize("endpoint", GROUP_ENDPOINTS)
def test_rollups_page_sort_and_csv(api, endpoint: str) -> None:
    url = f"/api/v1/compliance/{endpoint}"
    everything = api.get(url).json()
    assert everything["total"] == len(everything["items"]) > 1
    assert [g["group"] for g in everything["items"]] == sorted(g["group"] for g in everything["items"])
    page = api.get(url, params={"limit": 1, "offset": 1})
    assert page.json()["items"] == everything["items"][1:2] and page.headers["x-total-count"] == str(
        everything["total"]
    )
    assert 'rel="prev"' in page.headers["link"]
    ranked = api.get(url, params={"sort": "-rate"}).json()["items"]
    assert ranked == sorted(everything["items"], key=lambda g: (-g["compliance_rate"], g["group"]))
    by_score = api.get(url, params={"sort": "score"}).json()["items"]
    assert [g["score"] for g in by_score] == sorted(g["score"] for g in everything["items"])
    columns, rows = _csv(api.get(url, params={"format": "csv"}).text)
    assert columns == GROUP_COLUMNS and [r["group"] for r in rows] == [g["group"] for g in everything["items"]]
    bad = api.get(url, params={"sort": "rate DESC"})
    assert bad.status_code == 422 and _error(bad)["details"][0]["parameter"] == "sort"
    bad = api.get(url, params={"standard": "Privacy"})
    assert bad.status_code == 422 and _error(bad)["details"][0]["parameter"] == "standard"


def test_requirements_ranked_by_most_failed(api, db) -> None:
    fails = Counter(r[0] for r in db.execute("SELECT requirement_id, outcome FROM findings") if r[1] == "fail")
    checked = Counter(r[0] for r in db.execute("SELECT standard_id FROM service_standards"))
    body = api.get("/api/v1/compliance/requirements", params={"limit": 500}).json()
    public = db.execute("SELECT count(*) FROM requirements WHERE visibility = 'public'").fetchone()[0]
    assert body["total"] == public == len(body["items"])
    items = body["items"]
    assert [i["failing"] for i in items] == sorted((i["failing"] for i in items), reverse=True)
    top = items[0]
    assert top["failing"] == max(fails.values()) == fails[top["requirement"]]
    assert top["checked"] == checked[top["standard"]]
    assert top["failure_rate"] == round(top["failing"] / top["checked"], 4)
    req = db.execute(
        "SELECT title, level, standard_id FROM requirements WHERE id = ?", (top["requirement"],)
    ).fetchone()
    assert (top["title"], top["level"], top["standard"]) == (req["title"], req["level"], req["standard_id"])
    assert all(i["failing"] == fails.get(i["requirement"], 0) for i in items)

    musts = api.get("/api/v1/compliance/requirements", params={"standard": "privacy", "level": "must"}).json()
    assert (
        musts["total"]
        == db.execute("SELECT count(*) FROM requirements WHERE standard_id = 'privacy' AND level = 'must'").fetchone()[
            0
        ]
    )
    assert all(i["standard"] == "privacy" and i["level"] == "must" and i["checked"] == 63 for i in musts["items"])
    by_id = api.get("/api/v1/compliance/requirements", params={"sort": "requirement", "limit": 3}).json()["items"]
    assert [i["requirement"] for i in by_id] == sorted(
        fails | {r[0]: 0 for r in db.execute("SELECT id FROM requirements")}
    )[:3]
    r = api.get("/api/v1/compliance/requirements", params={"format": "csv", "limit": 5})
    columns, rows = _csv(r.text)
    assert columns == REQUIREMENT_COLUMNS and [row["requirement"] for row in rows] == [
        i["requirement"] for i in items[:5]
    ]
    assert 'rel="next"' in r.headers["link"]
    bad = api.get("/api/v1/compliance/requirements", params={"level": "could"})
    assert bad.status_code == 422 and _error(bad)["details"][0]["parameter"] == "level"


def test_openapi_documents_every_route_with_its_models(api) -> None:
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/councils": "CouncilPage",
        "/api/v1/councils/{council_id}": "CouncilDetail",
        "/api/v1/councils/{council_id}/services": "ServicePage",
        "/api/v1/services": "ServicePage",
        "/api/v1/services/{council}/{service}": "ServiceDetail",
        "/api/v1/compliance": "ComplianceOverall",
        "/api/v1/compliance/requirements": "RequirementRankPage",
        **{f"/api/v1/compliance/{e}": "ComplianceGroupPage" for e in GROUP_ENDPOINTS},
    }
    for path, model in expected.items():
        responses = paths[path]["get"]["responses"]
        assert responses["200"]["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{model}"}
        assert {"404", "422"} <= set(responses)


def test_restricted_standard_rollups_hide_groups_of_fewer_than_5_councils(api, db) -> None:
    councils = dict(db.execute("SELECT nation, count(*) FROM councils GROUP BY nation").fetchall())
    assert councils["England"] >= 5 and councils["Wales"] < 5  # the sample data has both kinds of group
    for sort in ("group", "-compliant", "rate"):
        body = api.get("/api/v1/compliance/by-nation", params={"standard": "cyber-security", "sort": sort}).json()
        by_nation = {g["group"]: g for g in body["items"]}
        assert by_nation["England"]["services"] > 0 and by_nation["England"]["note"] is None
        for nation, n in councils.items():
            if n < 5:
                small = by_nation[nation]
                assert small["note"] == "fewer than 5 councils"
                assert [small[k] for k in ("services", "compliant", "compliance_rate", "score", "failed_must")] == [
                    None
                ] * 5
        # Sorting by a hidden figure puts the small groups together, so the order says nothing about them.
        if sort != "group":
            hidden = [i for i, g in enumerate(body["items"]) if g["note"]]
            assert hidden == list(range(hidden[0], hidden[0] + len(hidden)))
            assert hidden[0] == 0 or hidden[-1] == len(body["items"]) - 1
    csv_text = api.get("/api/v1/compliance/by-nation", params={"standard": "cyber-security", "format": "csv"}).text
    assert "Wales,Wales,,,,,,fewer than 5 councils" in csv_text.replace("\r", "")
    # A standard with no restricted requirements, and a council's own figures, are shown whatever the size.
    open_ = api.get("/api/v1/compliance/by-nation", params={"standard": "accessibility"}).json()["items"]
    assert all(g["note"] is None and g["services"] is not None for g in open_)
    own = api.get("/api/v1/compliance/by-council", params={"standard": "cyber-security"}).json()["items"]
    assert all(g["services"] is not None for g in own)
