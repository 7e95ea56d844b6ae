"""Write the standards releases the package carries (checks/data/releases.json) from Git history.

    python scripts/build_releases.py [--check]

Every version of every standard, as `standards versions` reads it (the commit, date and author
where it first appeared, and its final wording), and for each version of the tool (pyproject.toml's
`version`) the standards and patterns it shipped with; today's version is HEAD's. Committed
changes only: run it after committing a change to standards/ (`make releases`), then commit
the file. It needs the whole history (`git fetch --unshallow` in a shallow clone).

The output is the same on every run, so `--check` (exit 1 when the committed file differs)
keeps it honest; tests/test_releases.py runs the same comparison.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checks.history import HistoryError
from checks.releases import DATA_FILE, build_document, dumps

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "checks" / "data" / DATA_FILE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the packaged file is out of date")
    args = parser.parse_args()
    try:
        text = dumps(build_document(ROOT))
    except HistoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    current = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
    if args.check:
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run `make releases` and commit it", file=sys.stderr)
            return 1
        return 0
    if current != text:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
