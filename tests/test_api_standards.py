"""The API's shared behaviour (errors, pagination, CSV, ETags, CORS) and the standards resource."""

from __future__ import annotations

import csv
import io


def test_list_paginates_with_totals_and_links(api) -> None:
    r = api.get("/api/v1/standards", params={"limit": 3, "offset": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 8 and body["limit"] == 3 and body["offset"] == 3 and len(body["items"]) == 3
    assert 'rel="prev"' in r.headers["link"] and 'rel="next"' in r.headers["link"]
    assert r.headers["x-total-count"] == "8"


def test_list_filters_and_sorts(api) -> None:
    ids = [i["id"] for i in api.get("/api/v1/standards", params={"sort": "-id"}).json()["items"]]
    assert ids == sorted(ids, reverse=True)
    assert api.get("/api/v1/standards", params={"status": "retired"}).json()["total"] == 0


def test_csv_by_parameter_and_by_accept_header(api) -> None:
    for r in (api.get("/api/v1/standards?format=csv"), api.get("/api/v1/standards", headers={"Accept": "text/csv"})):
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert len(rows) == 8 and rows[0]["id"] == "accessibility" and int(rows[0]["requirement_count"]) > 0


def test_etag_and_if_none_match(api) -> None:
    r = api.get("/api/v1/standards/accessibility")
    etag = r.headers["etag"]
    assert r.headers["cache-control"].startswith("public")
    assert api.get("/api/v1/standards/accessibility", headers={"If-None-Match": etag}).status_code == 304
    other = api.get("/api/v1/standards/privacy").headers["etag"]
    assert other != etag  # per URL, from the same commit


def test_cors_allows_get_from_anywhere(api) -> None:
    r = api.get("/api/v1/standards", headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"


def test_one_error_shape(api) -> None:
    missing = api.get("/api/v1/standards/nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"status": 404, "code": "not_found", "message": "no standard 'nope'", "details": []}
    }
    bad = api.get("/api/v1/standards", params={"limit": 0})
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["parameter"] == "limit"
    assert api.get("/api/v1/nowhere").json()["error"]["code"] == "not_found"


def test_standard_detail_versions_and_diff(api) -> None:
    detail = api.get("/api/v1/standards/accessibility").json()
    assert detail["requirements"][0]["id"] == "ACC-01"
    assert detail["services"] > 0 and 0 <= detail["compliant"] <= detail["services"]
    versions = api.get("/api/v1/standards/accessibility/versions").json()
    assert versions[-1]["version"] == detail["version"]
    one = api.get(f"/api/v1/standards/accessibility/versions/{detail['version']}").json()
    assert one["id"] == "accessibility"
    same = api.get("/api/v1/standards/accessibility/diff", params={"from": "1.0.0", "to": "1.0.0"})
    assert same.status_code == 200 and same.json()["requirements"] == [] and not same.json()["breaking"]
    missing = api.get("/api/v1/standards/accessibility/diff", params={"from": "0.0.0", "to": "0.0.0"})
    assert missing.status_code == 404
    assert api.get("/api/v1/standards/accessibility/versions/9.9.9").status_code == 404


def test_health_ready_and_meta(api) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz").json()
    meta = api.get("/api/v1/meta").json()
    assert ready["commit"] == meta["commit"] and meta["counts"]["services"] == 71
    assert meta["as_of"] == "2026-11-01"
