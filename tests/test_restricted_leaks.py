"""Nothing restricted leaves the machine (issue 14, "Done when").

A copy of the repository, committed to Git, in which every sample service has a restricted file
beside its manifest (distinctive values, in the working tree as a council would have them) and one
manifest has restricted facts committed by mistake. The index and the site are built from it as
`standards site build` does; then every file under build/ (HTML, JSON, the search index, a dump of
the SQLite index) and every API response is searched for each restricted value, and for each
restricted requirement's id wherever a service's results are shown. None may appear.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from typing import Any

import pytest
import yaml

from checks.repository import Repository
from conftest import ROOT, run_standards
from gitrepo import commit_all, git

# Values no public file holds: each restricted file gets these, and the mistake its own.
SECRET_OWNER = "Leakcheck Officer QX7"
SECRET_DAYS = 3187
SECRET_DATE = "2011-04-17"
SECRET_NOTE = "Leakcheck evidence note QX7"
SECRET_URL = "https://leakcheck.example/qx7"
SECRET_REASON = "Leakcheck waiver reason QX7"
MISTAKE_DAYS = 3171
MISTAKE_DATE = "2011-03-15"
MISTAKE_NOTE = "Mistaken leak note 9Z"
SECRETS = [SECRET_OWNER, str(SECRET_DAYS), SECRET_DATE, SECRET_NOTE, SECRET_URL, SECRET_REASON]
SECRETS += [str(MISTAKE_DAYS), MISTAKE_DATE, MISTAKE_NOTE]
MISTAKE = "manifests/camden/parking-permits.yaml"
COPIED = ("standards", "manifests", "site", "schemas", "checks", "registry", "pyproject.toml", "README.md")
COPIED += ("reorganisations",)  # the Cumbria snapshot: its merger page and index are searched too


def _restricted_file(service_id: str, evidence_ids: list[str], restricted_waivable: str) -> str:
    evidence = "".join(
        f"  {rid}:\n    status: met\n    date: {SECRET_DATE}\n    url: {SECRET_URL}\n    note: {SECRET_NOTE}\n"
        for rid in evidence_ids
    )
    return (
        f"kind: RestrictedService\nschema_version: 1\nid: {service_id}\nsecurity:\n"
        f"  risk_owner: {SECRET_OWNER}\n  patching_days: {SECRET_DAYS}\n  penetration_test: {SECRET_DATE}\n"
        f"  backups_tested: {SECRET_DATE}\n  mfa_for_admins: true\n"
        f"evidence:\n{evidence}"
        f"waivers:\n  - requirement: {restricted_waivable}\n    reason: {SECRET_REASON}\n"
        f"    approved_by: {SECRET_OWNER}\n    expires: 2031-01-01\n"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tree = tmp_path_factory.mktemp("leak") / "repo"
    tree.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.restricted.yaml"))
        else:
            shutil.copy2(source, tree / name)
    shutil.copy2(ROOT / ".gitignore", tree / ".gitignore")
    catalogue, _ = Repository(tree).load_catalogue()
    fields = catalogue.restricted_fields()
    evidence_ids = sorted(f.removeprefix("evidence.") for f in fields if f.startswith("evidence."))
    # The mistake: restricted facts committed to a public manifest.
    mistake = tree / MISTAKE
    text = mistake.read_text(encoding="utf-8")
    text = text.replace(
        "security:\n", f"security:\n  patching_days: {MISTAKE_DAYS}\n  penetration_test: {MISTAKE_DATE}\n"
    )
    text = text.replace(
        "evidence:\n", f"evidence:\n  CAF-B6:\n    status: met\n    date: {MISTAKE_DATE}\n    note: {MISTAKE_NOTE}\n", 1
    )
    assert MISTAKE_NOTE in text and str(MISTAKE_DAYS) in text
    mistake.write_text(text, encoding="utf-8")
    git(tree, "init", "-q", "-b", "main")
    commit_all(tree, "the registry, with a restricted field committed by mistake")
    # A council's own restricted files beside every manifest: present, never committed (.gitignore).
    services = [p for p in Repository(tree).iter_manifest_files() if p.name != "council.yaml"]
    snapshot = [p for p in (tree / "reorganisations").glob("*/*/*.yaml") if p.name != "council.yaml"]
    assert snapshot
    for path in services + snapshot:
        (path.parent / f"{path.stem}.restricted.yaml").write_text(
            _restricted_file(path.stem, evidence_ids, "CAF-B2"), encoding="utf-8"
        )
    assert git(tree, "status", "--porcelain") == ""  # ignored, so the tree is still the commit
    public_text = "\n".join(p.read_text(encoding="utf-8") for p in services + snapshot if p != mistake)
    assert not _found(public_text, SECRETS)  # nothing below could be a coincidence
    proc = run_standards("site", "build", "--output", "build/site", "--index", "build/index.sqlite", cwd=tree)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    restricted_ids = set()
    for compiled in catalogue.standards.values():
        restricted_ids |= {r.requirement.id for r in compiled.requirements if r.restricted}
    return {"tree": tree, "log": proc.stdout + proc.stderr, "ids": restricted_ids, "services": len(services)}


def _found(text: str, words: list[str] | set[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w.-]){re.escape(w)}(?![\w-]|\.\d)", text)]


def test_the_build_log_warns_of_the_mistake_without_its_values(built: dict[str, Any]) -> None:
    log = built["log"]
    assert f"{MISTAKE}: left out of the index, as restricted: " in log, log
    assert "security.patching_days" in log and "evidence.CAF-B6" in log
    assert not _found(log, SECRETS)


def test_no_restricted_value_in_any_built_file(built: dict[str, Any]) -> None:
    build = built["tree"] / "build"
    files = [p for p in build.rglob("*") if p.is_file() and p.suffix != ".sqlite"]
    assert len(files) > 100 and any(p.name == "search_index.json" for p in files)
    assert build / "site" / "insights" / "mergers" / "cumbria-2023" / "index.html" in files
    leaks = {}
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        found = _found(text, SECRETS)
        if found:
            leaks[str(path.relative_to(build))] = found
    assert leaks == {}


def _dump(built: dict[str, Any], index: str = "index.sqlite") -> dict[str, str]:
    """The SQLite index (or a snapshot's, under build/) as SQL, one text per table."""
    conn = sqlite3.connect(built["tree"] / "build" / index)
    tables: dict[str, list[str]] = {}
    for line in conn.iterdump():
        match = re.match(r'INSERT INTO "([^"]+)"', line)
        tables.setdefault(match.group(1) if match else "", []).append(line)
    conn.close()
    return {name: "\n".join(lines) for name, lines in tables.items()}


# Tables that hold the standards themselves (public text): a restricted requirement's id is there by right.
CATALOGUE = {"standards", "standard_versions", "requirements", "patterns", "pattern_requirements", "search", ""}
CATALOGUE |= {name for name in ("search_data", "search_idx", "search_content", "search_docsize", "search_config")}


def test_no_restricted_value_or_per_service_requirement_id_in_the_index(built: dict[str, Any]) -> None:
    dump = _dump(built)
    assert {"services", "findings", "service_standards", "evidence", "waivers", "requirement_versions"} <= dump.keys()
    everything = "\n".join(dump.values())
    assert not _found(everything, SECRETS)
    for table, text in dump.items():
        if table not in CATALOGUE:
            assert not _found(text, built["ids"]), table
    # The merger page's snapshot index: the same.
    (snapshot,) = (built["tree"] / "build" / "reorganisations").glob("cumbria-2023-*.sqlite")
    for table, text in _dump(built, f"reorganisations/{snapshot.name}").items():
        assert not _found(text, SECRETS), table
        if table not in CATALOGUE:
            assert not _found(text, built["ids"]), table
    # Nor their field names in any service's published manifest: not even a default (`mfa_for_admins: false`).
    conn = sqlite3.connect(built["tree"] / "build" / "index.sqlite")
    manifests = "\n".join(r[0] for r in conn.execute("SELECT manifest_json FROM services"))
    assert conn.execute("SELECT count(*) FROM services").fetchone()[0] == built["services"]
    for name in ("mfa_for_admins", "patching_days", "penetration_test", "caf_assessed", "incident_response_plan"):
        assert name not in manifests, name
    assert '"tls_min_version"' in manifests  # public security facts are still published
    conn.close()


# Site pages about the standards themselves (which list every requirement) and pages of reference.
def _about_the_standards(relative: str) -> bool:
    return relative.startswith(("standards/", "patterns/", "reference/")) or relative == "search/search_index.json"


def test_no_restricted_requirement_id_on_any_page_about_services(built: dict[str, Any]) -> None:
    site = built["tree"] / "build" / "site"
    checked = 0
    leaks = {}
    for path in site.rglob("*"):
        relative = path.relative_to(site).as_posix()
        if not path.is_file() or path.suffix not in (".html", ".json", ".svg", ".csv", ".txt", ".xml"):
            continue
        if _about_the_standards(relative):
            continue
        checked += 1
        found = _found(path.read_text(encoding="utf-8", errors="replace"), built["ids"])
        if found:
            leaks[relative] = found
    assert checked > 20 and leaks == {}
    # The search index: only entries of the standards' own pages may name them.
    index = yaml.safe_load((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        if not _about_the_standards(doc["location"]):
            assert not _found(doc["text"] + doc["title"], built["ids"]), doc["location"]


def _api_responses(built: dict[str, Any]) -> list[tuple[str, str]]:
    from fastapi.testclient import TestClient

    from registry.api.app import create_app

    index = built["tree"] / "build" / "index.sqlite"
    conn = sqlite3.connect(index)
    fill = {
        "council_id": [r[0] for r in conn.execute("SELECT id FROM councils")],
        "council}/{service": [r[0] for r in conn.execute("SELECT key FROM services")],
        "pattern_id": [r[0] for r in conn.execute("SELECT id FROM patterns")],
        "requirement_id": [r[0] for r in conn.execute("SELECT id FROM requirements")],
        "standard_id": [r[0] for r in conn.execute("SELECT id FROM standards")],
    }
    versions = conn.execute("SELECT standard_id, version FROM standard_versions").fetchall()
    codes = ",".join(r[0] for r in conn.execute("SELECT register_code FROM councils ORDER BY id"))
    conn.close()
    extra = [f"/api/v1/standards/{s}/versions/{v}" for s, v in versions]
    extra += [f"/api/v1/standards/{s}/diff?from={v}&to={v}" for s, v in versions]
    extra += [f"/api/v1/search?q={q}" for q in ("security", "mfa", "patching", "CAF", "Leakcheck", "attested")]
    extra += ["/api/v1/insights/trend?since=2026-01-01"]
    responses: list[tuple[str, str]] = []
    with TestClient(create_app(index)) as client:
        spec = client.get("/api/v1/openapi.json").json()
        urls = [u for path, ops in spec["paths"].items() if "get" in ops for u in _urls(path, fill)]
        assert "/api/v1/services/camden/parking-permits" in urls
        for url in urls + extra:
            for params in ({}, {"format": "csv"}, {"limit": 500}):
                r = client.get(url, params=params)
                responses.append((f"{url} {params}", r.text))
        # Every sample council merging into one: what it would inherit, as the merger route publishes it.
        r = client.get("/api/v1/insights/merger", params={"councils": codes})
        assert r.status_code == 200 and '"service_types"' in r.text, r.text
        responses.append((f"/api/v1/insights/merger?councils={codes}", r.text))
        for manifest in (ROOT / "manifests" / "camden").glob("*.yaml"):
            if manifest.name != "council.yaml":
                r = client.post("/api/v1/validate", content=manifest.read_bytes(), params={"council": "camden"})
                assert r.status_code == 200, r.text
                responses.append((f"validate {manifest.name}", r.text))
        mistaken = (built["tree"] / MISTAKE).read_bytes()
        r = client.post("/api/v1/validate", content=mistaken, params={"council": "camden"})
        assert r.status_code == 422 and "E320" in r.text, r.text
        responses.append(("validate the mistake", r.text))
    return responses


def _urls(path: str, fill: dict[str, list[str]]) -> list[str]:
    for name, values in fill.items():
        if "{" + name + "}" in path:
            return [path.replace("{" + name + "}", v) for v in values if "{" not in path.replace("{" + name + "}", v)]
    return [] if "{" in path else [path]


def test_no_restricted_value_or_per_service_requirement_id_in_any_api_response(built: dict[str, Any]) -> None:
    responses = _api_responses(built)
    assert len(responses) > 300
    about_standards = ("/api/v1/standards", "/api/v1/requirements", "/api/v1/patterns", "/api/v1/search")
    for where, text in responses:
        assert not _found(text, SECRETS), where
        if where == "validate the mistake":
            text = re.sub(r"evidence\.[A-Z]+-[A-Z0-9.]+", "", text)  # the field it names is the poster's own
        if not where.startswith(about_standards):
            assert not _found(text, built["ids"]), where
    services = [w for w, _ in responses if w.startswith("/api/v1/services/")]
    assert len(services) >= built["services"]
    assert any(w.startswith("/api/v1/insights/merger?councils=") for w, _ in responses)


def test_the_cyber_security_page_says_what_is_public_and_how_to_attest(built: dict[str, Any]) -> None:
    site = built["tree"] / "build" / "site"
    html = (site / "standards" / "cyber-security" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert 'id="what-is-public"' in html
    assert "requirements are restricted" in text and "standards attest &lt;manifest&gt; --by &lt;role&gt;" in text
    assert "Restricted: the facts it reads are kept in each service" in text  # under each restricted requirement
    # The attestation requirement is counted like any other.
    assert re.search(r"\d+ of \d+ applicable sample services meet it", text[text.index("CAF-ATTESTED") :])
    # A standard without restricted requirements says nothing of the kind.
    assert 'id="what-is-public"' not in (site / "standards" / "accessibility" / "index.html").read_text()


def test_public_notices_name_no_restricted_requirement_or_value(built: dict[str, Any]) -> None:
    # Evidence dated 2011-04-17 was fresh on 2011-05-01 and is stale now: judged privately, the
    # restricted requirements it supports newly fail, so the private notices name them (the check
    # below could fail); the published ones (`--public`, as the daily workflow runs) must not.
    args = ("notices", "--since", "2011-05-01", "--as-of", "2026-11-01", "--format", "json")
    private = run_standards(*args, cwd=built["tree"])
    assert private.returncode == 0, private.stderr
    assert _found(private.stdout, built["ids"])
    public = run_standards(*args, "--public", cwd=built["tree"])
    assert public.returncode == 0, public.stderr
    assert '"newly_failing"' in public.stdout
    assert not _found(public.stdout, built["ids"]) and not _found(public.stdout, SECRETS)
