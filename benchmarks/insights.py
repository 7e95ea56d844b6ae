"""Time every sector insight over an index of generated manifests, against a plain count(*) as the floor.

    python benchmarks/insights.py [--count 100000] [--keep DIR] [--repeat 5] [--reuse-index]

In one run: generates the manifests (benchmarks/generate.py) unless --keep holds
them, builds the index with `standards index build` (or, with --reuse-index,
reuses DIR/bench-index.sqlite when it is current), then times each insight in
registry/insights.py on one read-only connection, best of --repeat runs after a
warm-up, beside `SELECT count(*) FROM services` timed the same way. Target
(issue 6): every insight under 2 s over 100,000 manifests.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF, describe_checkout, generate, standards_command

TARGET_SECONDS = 2.0


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm the page cache and SQLite's statement cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def insights(conn: sqlite3.Connection) -> dict[str, Callable[[], Any]]:
    from registry import insights as ins

    # A service of the most widely delivered type, for the suggestion.
    row = conn.execute(
        """SELECT service_key FROM service_facts WHERE lgsl = (
               SELECT lgsl FROM service_facts WHERE lgsl IS NOT NULL
               GROUP BY lgsl ORDER BY count(DISTINCT council_id) DESC, lgsl LIMIT 1)
           ORDER BY service_key LIMIT 1"""
    ).fetchone()
    council, service = row[0].split("/", 1)
    lgsl = int(conn.execute("SELECT lgsl FROM service_facts WHERE service_key = ?", (row[0],)).fetchone()[0])
    return {
        "reuse by service type": lambda: ins.reuse_by_service_type(conn),
        "reuse, one type": lambda: ins.reuse_by_service_type(conn, lgsl),
        "solutions, all types": lambda: ins.solutions(conn),
        "reuse suggestion": lambda: ins.reuse_suggestion(conn, council, service),
        "duplication hotspots": lambda: ins.duplication_hotspots(conn),
        "suppliers by type": lambda: ins.supplier_concentration(conn, "service-type"),
        "suppliers by function": lambda: ins.supplier_concentration(conn, "function"),
        "lock-in (first 50)": lambda: ins.lock_in_signals(conn, limit=50),
        "windows by product": lambda: ins.procurement_windows(conn, 18, "product"),
        "windows by type": lambda: ins.procurement_windows(conn, 18, "service-type"),
        "interop, all": lambda: ins.interoperability(conn, "all"),
        "interop by type": lambda: ins.interoperability(conn, "type"),
        "interop by region": lambda: ins.interoperability(conn, "region"),
    }


def main(argv: list[str] | None = None) -> None:
    from registry.index import is_healthy

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per insight (the best is kept)")
    parser.add_argument("--reuse-index", action="store_true", help="keep the index in the --keep folder between runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="standards-insights-") as tmp:
        tree = args.keep or Path(tmp) / "tree"
        if not (tree / "manifests").is_dir():
            generate(tree, args.count, args.seed)
        index = (tree / "bench-index.sqlite") if args.reuse_index else Path(tmp) / "index.sqlite"
        if not (args.reuse_index and is_healthy(index)):
            start = time.perf_counter()
            subprocess.run(
                [*standards_command(), "index", "build", "--as-of", AS_OF.isoformat(), "--output", str(index)],
                cwd=tree,
                check=True,
                capture_output=True,
            )
            print(f"index build: {time.perf_counter() - start:.1f} s", flush=True)
        conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            services = conn.execute("SELECT count(*) FROM services").fetchone()[0]
            floor = best_of(lambda: conn.execute("SELECT count(*) FROM services").fetchone(), args.repeat)
            results = {label: best_of(fn, args.repeat) for label, fn in insights(conn).items()}
        finally:
            conn.close()
    print(describe_checkout())
    print(f"{services:,} services indexed; best of {args.repeat} runs after a warm-up, one connection")
    print(f"{'insight':<24} {'seconds':>9} {'x floor':>9} {'target':>8}")
    print(f"{'count(*) (floor)':<24} {floor:>9.4f} {1:>9.0f} {'':>8}")
    for label, seconds in results.items():
        verdict = "ok" if seconds < TARGET_SECONDS else "OVER"
        print(f"{label:<24} {seconds:>9.4f} {seconds / floor:>9.0f} {verdict:>8}")
    slowest = max(results, key=lambda k: results[k])
    print(f"slowest: {slowest} {results[slowest]:.3f} s (target < {TARGET_SECONDS:.0f} s each over 100,000 manifests)")


if __name__ == "__main__":
    main()
