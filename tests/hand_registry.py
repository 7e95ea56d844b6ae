"""Pieces the hand-built registries of the insight tests share: a council's file and a read-only index.

Each test module writes its own services (their table is the test's hand-worked answer); the
council files and the way the index is read are the same everywhere, so they live here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from registry.index.connection import connect_readonly

# type, region, GSS code, register code, name: a real council's register entry (check validates it).
CouncilEntry = tuple[str, str, str, str, str]


def write_council(root: Path, council: str, entry: CouncilEntry) -> Path:
    """`manifests/<council>/council.yaml` under `root`, from the council's register entry; its folder."""
    kind, region, gss, code, name = entry
    folder = root / "manifests" / council
    folder.mkdir(parents=True)
    (folder / "council.yaml").write_text(
        f"kind: Council\nschema_version: 1\nsample: true\nid: {council}\nname: {name}\n"
        f"gss_code: {gss}\nregister_code: {code}\ntype: {kind}\nnation: England\nregion: {region}\n"
        f'owners: ["@{council}/digital"]\n',
        encoding="utf-8",
    )
    return folder


def read_index(index: Path) -> Iterator[sqlite3.Connection]:
    """The index opened as every reader opens it (rows by name), closed after the test: a fixture body."""
    conn = connect_readonly(index)
    try:
        yield conn
    finally:
        conn.close()
