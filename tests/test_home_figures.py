"""The home page's figures (registry/playbook/home.py) on the hand-built registry of test_insights.py,
every figure worked out by hand from that module's table:

* councils: a, b, c, d = 4; services: 11.
* compliant overall: every service but b/bins (fails DEMO-01) and c/bins (fails DEMO-04) = 9 of 11;
  d/bins is phone-only, so no standard applies and it has no failing must.
* by standard: demo applies to the 10 web services (all but d/bins); 8 of them meet both musts.
* most failed requirements (services failing, most first; ties by failure rate, then id):
  DEMO-02 (should, no service records an audit): the 10 web services, in all 4 councils;
  DEMO-03 (may, every one is live, none publishes KPIs): the same 10, in 4 councils;
  DEMO-01 (must): b/bins only, 1 council; DEMO-04 (must): c/bins only, 1 council.
* most reused patterns (councils with a service naming it): GOV.UK Notify, named by a/bins, b/bins
  and b/planning: 2 councils, 2 service types (524, 487); GOV.UK Pay, a/planning: 1 council, 1 type.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hand_registry import read_index
from test_insights import AS_OF, make_registry

from registry.index.build import build_index
from registry.playbook import home
from registry.playbook.dashboard import Group


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    root = make_registry(tmp_path_factory.mktemp("home") / "repo")
    path = root / "build" / "index.sqlite"
    assert build_index(root, path, AS_OF, jobs=1).services == 11
    yield from read_index(path)


@pytest.fixture(scope="module")
def figures(db: sqlite3.Connection) -> home.HomeFigures:
    return home.home_figures(db)


def test_councils_services_and_compliant_overall(figures: home.HomeFigures) -> None:
    t = figures.totals
    assert (t.councils, t.services, t.compliant) == (4, 11, 9)
    assert home.lead(figures) == (
        "The registry holds 11 services from 4 councils, checked against the sector's digital standards: "
        "9 of them meet every must of every standard that applies to them."
    )
    text = home.figures_markdown(figures)
    assert "- **4 councils**: councils that describe their services in the registry." in text
    assert "- **9 of 11 services (81.8%) compliant**: services that meet every must" in text


def test_share_compliant_per_standard(figures: home.HomeFigures) -> None:
    assert [(g.key, g.compliant, g.services) for g in figures.standards] == [("demo", 8, 10)]
    assert home.STANDARD_DEFINITION.startswith("the share of the services a standard applies to that meet every must")
    text = home.figures_markdown(figures)
    assert f"Compliant: {home.STANDARD_DEFINITION}. Lowest share first." in text
    assert "| [Demonstration standard for the test suite](standards/demo.md) | 8 of 10 services (80.0%) |" in text


def test_most_failed_requirements_by_title_with_services_and_councils(figures: home.HomeFigures) -> None:
    assert [(r.id, r.failing, figures.failing_councils[r.id]) for r in figures.requirements] == [
        ("DEMO-02", 10, 4),
        ("DEMO-03", 10, 4),
        ("DEMO-01", 1, 1),
        ("DEMO-04", 1, 1),
    ]
    text = home.figures_markdown(figures)
    assert f"Failed by: {home.REQUIREMENT_DEFINITION}." in text
    assert (
        "1. [Audit within the last year](standards/demo.md#demo-02) (Demonstration standard for the test suite, "
        "should): failed by 10 services in 4 councils." in text
    )
    assert "): failed by 1 service in 1 council." in text


def test_most_reused_patterns_by_councils(figures: home.HomeFigures) -> None:
    assert [(p.pattern_id, p.adopters, p.service_types) for p in figures.patterns] == [
        ("gov-uk-notify", 2, 2),
        ("gov-uk-pay", 1, 1),
    ]
    text = home.figures_markdown(figures)
    assert f"Used by: {home.PATTERN_DEFINITION}." in text
    assert "1. [GOV.UK Notify](patterns/gov-uk-notify.md): used by 2 councils, for 2 service types." in text
    assert "2. [GOV.UK Pay](patterns/gov-uk-pay.md): used by 1 council, for 1 service type." in text


def test_the_lists_stop_at_the_top_few(db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(home, "TOP", 1)
    figures = home.home_figures(db)
    assert [r.id for r in figures.requirements] == ["DEMO-02"]
    assert [p.pattern_id for p in figures.patterns] == ["gov-uk-notify"]


def test_an_empty_registry_says_so(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "standards").mkdir(parents=True)
    (root / "manifests").mkdir()
    path = root / "index.sqlite"
    build_index(root, path, AS_OF, jobs=1)
    for conn in read_index(path):
        text = home.figures_markdown(home.home_figures(conn))
        assert "No requirement fails in any service." in text
        assert "No service names a pattern yet." in text


def test_standards_are_listed_lowest_share_first(figures: home.HomeFigures) -> None:
    high = Group("a-standard", "A standard", services=4, compliant=4, score=1.0, failed_must=0)
    low = Group("z-standard", "Z standard", services=4, compliant=1, score=0.5, failed_must=3)
    empty = Group("m-standard", "M standard", services=0, compliant=0, score=0.0, failed_must=0)
    text = home.figures_markdown(replace(figures, standards=home.lowest_first([high, empty, low])))
    assert text.index("Z standard") < text.index("A standard") < text.index("M standard")
