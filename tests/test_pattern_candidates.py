"""Candidates to reuse a pattern, worked by hand, and a page's first few per pattern.

Five councils (Leeds a, Manchester b, York c, Camden d, Bristol e) deliver two service types;
patterns `notify` and `pay` (copies of the fixture's Notify) are named as below:

    council  524 (bins) services, patterns    487 (planning) services, patterns
    a        1, notify                        1, pay
    b        2, -                             1, -
    c        1, pay                           1, notify
    d        1, notify                        -
    e        1, -                             2, -

notify is used for 524 by a, d (2 adopters) and for 487 by c (1): its candidates are 524's b (2
services), c (1), e (1), then 487's e (2), a (1), b (1). pay is used for 524 by c and for 487 by a
(1 adopter each); ordered by LGSL code: 487's e (2), b (1), c (1), then 524's b (2), a (1), d (1), e (1).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator

import pytest
from hand_registry import read_index, write_council

from conftest import MINI
from registry.index.build import build_index
from registry.insights.pattern_reuse import pattern_candidates

COUNCILS = {
    "a": ("MD", "Yorkshire and The Humber", "E08000035", "LDS", "Leeds City Council"),
    "b": ("MD", "North West", "E08000003", "MAN", "Manchester City Council"),
    "c": ("UA", "Yorkshire and The Humber", "E06000014", "YOR", "City of York Council"),
    "d": ("LBO", "London", "E09000007", "CMD", "London Borough of Camden"),
    "e": ("UA", "South West", "E06000023", "BST", "Bristol City Council"),
}
SERVICES = {  # council -> (lgsl, pattern or None) per service
    "a": [(524, "notify"), (487, "pay")],
    "b": [(524, None), (524, None), (487, None)],
    "c": [(524, "pay"), (487, "notify")],
    "d": [(524, "notify")],
    "e": [(524, None), (487, None), (487, None)],
}
NOTIFY = [(524, "b", 2, 2), (524, "c", 1, 2), (524, "e", 1, 2), (487, "e", 2, 1), (487, "a", 1, 1), (487, "b", 1, 1)]
PAY = [(487, "e", 2, 1), (487, "b", 1, 1), (487, "c", 1, 1), (524, "b", 2, 1), (524, "a", 1, 1), (524, "d", 1, 1)]
PAY += [(524, "e", 1, 1)]


def _service(sid: str, lgsl: int, pattern: str | None) -> str:
    return (
        f"kind: Service\nschema_version: 1\nsample: true\nid: {sid}\nname: {sid.title()}\nlgsl: {lgsl}\n"
        "phase: live\nchannels: [phone]\nowner:\n  team: Digital\nprivacy:\n  handles_personal_data: false\n"
        + (f"patterns: [{pattern}]\n" if pattern else "")
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    root = tmp_path_factory.mktemp("candidates") / "repo"
    (root / "standards").mkdir(parents=True)
    shutil.copy(MINI / "standards" / "demo.yaml", root / "standards" / "demo.yaml")
    notify = (MINI / "standards/patterns/gov-uk-notify.yaml").read_text(encoding="utf-8")
    (root / "standards/patterns").mkdir()
    for pid in ("notify", "pay"):
        text = notify.replace("id: gov-uk-notify", f"id: {pid}")
        (root / f"standards/patterns/{pid}.yaml").write_text(text, encoding="utf-8")
    for council, entry in COUNCILS.items():
        folder = write_council(root, council, entry)
        for n, (lgsl, pattern) in enumerate(SERVICES[council]):
            (folder / f"s{n}.yaml").write_text(_service(f"s{n}", lgsl, pattern), encoding="utf-8")
    index = root / "index.sqlite"
    assert build_index(root, index, dt.date(2026, 11, 1), jobs=1).invalid == 0
    yield from read_index(index)


def _rows(db: sqlite3.Connection, pattern: str | None = None, per_pattern: int | None = None) -> list[tuple]:
    return [
        (c.pattern_id, c.lgsl, c.council_id, c.services, c.adopters)
        for c in pattern_candidates(db, pattern, per_pattern)
    ]


def test_every_patterns_candidates_in_the_documented_order(db: sqlite3.Connection) -> None:
    assert _rows(db) == [("notify", *r) for r in NOTIFY] + [("pay", *r) for r in PAY]
    assert _rows(db, "pay") == [("pay", *r) for r in PAY]


@pytest.mark.parametrize("first", [1, 3, 4, 7])
def test_a_pages_first_candidates_are_the_full_lists_first(db: sqlite3.Connection, first: int) -> None:
    # The first `first` of each pattern, across its types: 4 takes all of notify's 524 rows and one of 487's.
    expected = [("notify", *r) for r in NOTIFY[:first]] + [("pay", *r) for r in PAY[:first]]
    assert _rows(db, per_pattern=first) == expected
