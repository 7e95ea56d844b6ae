"""The command line's insight tables, pinned: each figure's labels and columns come from its one
declaration (registry/insights/<figure>.py), and these goldens catch a label or column that changes.

    UPDATE_GOLDEN=1 pytest tests/test_insights_pinned.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT

GOLDEN = Path(__file__).parent / "fixtures" / "golden" / "insights"
# The trend is left out: it reads Git history month by month, which the shipped index does not pin.
FIGURES = ("reuse", "hotspots", "suppliers", "ranking", "lock-in", "windows", "interop")


@pytest.mark.parametrize("fmt", ["text", "csv"])
@pytest.mark.parametrize("figure", FIGURES)
def test_insight_table_is_pinned(figure: str, fmt: str, cli, shipped_index: Path) -> None:
    run = cli("insights", figure, "--format", fmt, "--index", str(shipped_index), cwd=ROOT)
    assert run.exit_code == 0, run.stderr
    golden = GOLDEN / f"{figure}.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(run.stdout, encoding="utf-8")
    assert run.stdout == golden.read_text(encoding="utf-8")
