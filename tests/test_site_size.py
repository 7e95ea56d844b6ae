"""The built site's size (issue 15): no page over its budget, councils kept out of every page's navigation,
and a search index that holds what people search for, not every section of every service type's page.

The fixture is a moderately sized generated registry (benchmarks/generate.py, FIXTURE_COUNCILS councils x
FIXTURE_PER_COUNCIL services: several hundred service types) built as a user builds it, `standards index
build` then `standards site build`, in real subprocesses. The timing target is the benchmark's
(benchmarks/site_build.py), never a test's.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, ROOT, run_standards

FIXTURE_COUNCILS = 60
FIXTURE_PER_COUNCIL = 10
# A page's budget at this size. A page that grows with the registry, as every page listing all its service
# types or all its adopters did, passes 250 KB here (the reuse table of every service type alone was 300 KB)
# and 1 MB at 400 councils x 250 services, where issue 15 allows 500 KB; the pages here that keep their
# size (the Material frame and a council's ten services) are under 100 KB.
PAGE_BUDGET = 250_000
NAV_LINKS_MAX = 100  # the navigation's links on any page: sections, standards, patterns, schema pages


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("sized") / "tree"
    count = FIXTURE_COUNCILS * FIXTURE_PER_COUNCIL
    generate = [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--count", str(count)]
    subprocess.run(
        [*generate, "--councils", str(FIXTURE_COUNCILS), "--out", str(tree)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in ("site", "schemas"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    index = run_standards("index", "build", "--as-of", AS_OF, cwd=tree)
    assert index.returncode == 0, index.stderr
    built = run_standards("site", "build", cwd=tree)
    assert built.returncode == 0, built.stderr
    return tree / "build" / "site"


def _pages(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*.html")}


def test_no_page_is_over_its_budget(generated_site: Path) -> None:
    pages = _pages(generated_site)
    # The fixture has the pages that grew with the registry: many service types, patterns used widely.
    assert len([p for p in pages if p.startswith("insights/service-types/")]) > 250
    assert len([p for p in pages if p.startswith("councils/")]) > FIXTURE_COUNCILS
    sizes = {path: file.stat().st_size for path, file in pages.items()}
    over = {path: size for path, size in sizes.items() if size > PAGE_BUDGET}
    assert over == {}, sorted(over.items(), key=lambda item: -item[1])[:10]


def _nav(page: str) -> str:
    """The primary navigation (Material's left sidebar) of a built page."""
    start = page.index('data-md-type="navigation"')
    return page[start : page.index('data-md-type="toc"', start)]


def test_councils_and_service_types_stay_out_of_every_pages_navigation(generated_site: Path) -> None:
    council_link = re.compile(r'href="[./]*councils/[a-z0-9-]+/"')
    type_link = re.compile(r'href="[./]*insights/service-types/\d+/"')
    checked = 0
    for path, file in _pages(generated_site).items():
        text = file.read_text(encoding="utf-8")
        if 'data-md-type="navigation"' not in text:
            continue
        nav = _nav(text)
        assert not council_link.search(nav), path
        assert not type_link.search(nav), path
        assert nav.count("<a ") <= NAV_LINKS_MAX, (path, nav.count("<a "))
        checked += 1
    assert checked > 300


def test_pages_carry_no_template_indentation(generated_site: Path) -> None:
    """The hook's squeeze: Material's indentation was a third of a small page."""
    text = (generated_site / "about-data" / "index.html").read_text(encoding="utf-8")
    body = re.sub(r"<(pre|textarea|script|style)\b.*?</\1>", "<kept/>", text, flags=re.S)
    assert not re.search(r"\n[ \t]+<", body)
    assert "\n\n" not in body


def test_the_search_index_holds_service_types_by_name_not_every_section(generated_site: Path) -> None:
    docs = json.loads((generated_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    sections = {
        d["location"].split("#", 1)[1] for d in docs if "#" in d["location"] and "/service-types/" in d["location"]
    }
    # Found by its names and its solutions; its duplication, suppliers, buying windows and councils are on
    # the page, not in the index (1,500 types x those sections were 4.6 of 7.5 MB at 382 councils).
    assert sections == {"what-it-is-called", "reuse"}
    types = [d for d in docs if re.fullmatch(r"insights/service-types/\d+/", d["location"])]
    assert len(types) > 250
    # A supplier's search leads to the supplier ranking, where every listed supplier is in the index.
    ranking = " ".join(d["text"] for d in docs if d["location"].startswith("insights/ranking/"))
    assert "Example" in ranking and "Ltd" in ranking
