"""Time every sector insight over an index of generated manifests, against a plain count(*) as the floor.

    python benchmarks/insights.py [--count 100000] [--keep DIR] [--repeat 5] [--reuse-index]

In one run: generates the manifests (benchmarks/generate.py) unless --keep holds
them, builds the index with `standards index build` (or, with --reuse-index,
reuses DIR/bench-index.sqlite when it is current), then times each insight in
registry/insights/figures.py on one read-only connection, best of --repeat runs after a
warm-up, beside `SELECT count(*) FROM services` timed the same way. Target
(issue 6): every insight under 2 s over 100,000 manifests.

The compliance trend reads Git history, so the tree is also committed once in
each of the --trend-months months before the as-of date (backdated; one manifest
changes each month). The first trend run builds one index per month end and
caches the figures, as `standards insights trend` does: its time is printed on
its own, like the index build. The timed trend is a later run, which is what a
reader of the site or the API waits for; pattern adoption reads the same cached
snapshots (each council's trend and every pattern's councils are in them).
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from site_build import git

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
    from registry.insights import figures as ins
    from registry.insights.headlines import headlines
    from registry.insights.pattern_reuse import pattern_candidates, pattern_reuse
    from registry.playbook.insights.pattern_reuse import CANDIDATES_LISTED

    # A service of the most widely delivered type, for the suggestion.
    row = conn.execute(
        """SELECT service_key FROM service_facts WHERE lgsl = (
               SELECT lgsl FROM service_facts WHERE lgsl IS NOT NULL
               GROUP BY lgsl ORDER BY count(DISTINCT council_id) DESC, lgsl LIMIT 1)
           ORDER BY service_key LIMIT 1"""
    ).fetchone()
    council, service = row[0].split("/", 1)
    lgsl = int(conn.execute("SELECT lgsl FROM service_facts WHERE service_key = ?", (row[0],)).fetchone()[0])
    # The pattern the most services name, for one pattern's candidates.
    pattern = conn.execute(
        "SELECT pattern_id FROM service_patterns GROUP BY pattern_id ORDER BY count(*) DESC, pattern_id LIMIT 1"
    ).fetchone()[0]
    return {
        "reuse by service type": lambda: ins.reuse_by_service_type(conn),
        "reuse, one type": lambda: ins.reuse_by_service_type(conn, lgsl),
        "solutions, all types": lambda: ins.solutions(conn),
        "reuse suggestion": lambda: ins.reuse_suggestion(conn, council, service),
        "duplication hotspots": lambda: ins.duplication_hotspots(conn),
        "hotspots, every type (the site)": lambda: ins.duplication_hotspots(conn, 1, 1),
        "suppliers by type": lambda: ins.supplier_concentration(conn, "service-type"),
        "suppliers by function": lambda: ins.supplier_concentration(conn, "function"),
        "supplier ranking": lambda: ins.supplier_ranking(conn),
        "lock-in (first 50)": lambda: ins.lock_in_signals(conn, limit=50),
        "windows by product": lambda: ins.procurement_windows(conn, 18, "product"),
        "windows by type": lambda: ins.procurement_windows(conn, 18, "service-type"),
        "windows, one council too": lambda: ins.procurement_windows(conn, 18, "product", min_councils=1),
        "interop, all": lambda: ins.interoperability(conn, "all"),
        "interop by type": lambda: ins.interoperability(conn, "type"),
        "interop by region": lambda: ins.interoperability(conn, "region"),
        "reuse per pattern": lambda: pattern_reuse(conn),
        "candidates, one pattern": lambda: pattern_candidates(conn, pattern),
        # What the site asks for: each pattern's page lists its first 200 (every one is a million rows
        # at 100,000 manifests; the API and the command line give one pattern's at a time).
        "candidates, every pattern's page": lambda: pattern_candidates(conn, per_pattern=CANDIDATES_LISTED),
        "headlines": lambda: headlines(conn),
    }


def month_history(tree: Path, months: int) -> tuple[dt.date, dt.date]:
    """Commit `tree` once on the 15th of each of the `months` months before AS_OF; return the period.

    A tree kept from an earlier run keeps its history, and the period is read from it.
    """
    if not (tree / ".git").is_dir():
        git(tree, "init", "-q", "-b", "main")
        (tree / ".gitignore").write_text("*.sqlite\ntrend-cache/\n", encoding="utf-8")
        first = next(iter(sorted((tree / "manifests").glob("*/*.yaml"))))
        for back in range(months, 0, -1):
            year, month = divmod(AS_OF.year * 12 + AS_OF.month - 1 - back, 12)
            stamp = f"{year:04d}-{month + 1:02d}-15T12:00:00+00:00"
            with first.open("a", encoding="utf-8") as f:
                f.write(f"# touched for the trend benchmark, {stamp[:7]}\n")
            git(tree, "add", "-A")
            backdated = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
            git(tree, "commit", "-q", "-m", f"manifests as of {stamp[:7]}", env=backdated)
    dates = git(tree, "log", "--first-parent", "--format=%cs").split()
    first_day = dt.date.fromisoformat(min(dates)).replace(day=1)
    last = dt.date.fromisoformat(max(dates))
    next_month = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first_day, next_month - dt.timedelta(days=1)


def main(argv: list[str] | None = None) -> None:
    from registry.index.health import is_healthy

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per insight (the best is kept)")
    parser.add_argument("--reuse-index", action="store_true", help="keep the index in the --keep folder between runs")
    parser.add_argument("--trend-months", type=int, default=2, help="months of history for the trend (0: no trend)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="standards-insights-") as tmp:
        tree = args.keep or Path(tmp) / "tree"
        if not (tree / "manifests").is_dir():
            generate(tree, args.count, args.seed)
        if args.trend_months > 0:
            since, until = month_history(tree, args.trend_months)
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
        if args.trend_months > 0:
            from registry.insights.trend import TrendResult, compliance_trend

            def trend() -> TrendResult:
                return compliance_trend(tree, since, until, cache_dir=Path(tmp) / "trend-cache")

            start = time.perf_counter()
            points = len(trend().points)
            print(
                f"trend, first run: {time.perf_counter() - start:.1f} s "
                f"(indexes each of {args.trend_months} month ends once; not part of the target)",
                flush=True,
            )
            results[f"trend ({args.trend_months} months)"] = best_of(trend, args.repeat)
            from registry.insights.pattern_reuse import pattern_adoption

            # The same month-end snapshots as the trend, so read from the cache the trend filled.
            results[f"adoption ({args.trend_months} months)"] = best_of(
                lambda: pattern_adoption(tree, since, until, cache_dir=Path(tmp) / "trend-cache"), args.repeat
            )
    print(describe_checkout())
    print(f"{services:,} services indexed; best of {args.repeat} runs after a warm-up, one connection")
    if args.trend_months > 0:
        print(f"trend: {since} to {until}, {points} points, read from its cache after the first run")
    print(f"{'insight':<24} {'seconds':>9} {'x floor':>9} {'target':>8}")
    print(f"{'count(*) (floor)':<24} {floor:>9.4f} {1:>9.0f} {'':>8}")
    for label, seconds in results.items():
        verdict = "ok" if seconds < TARGET_SECONDS else "OVER"
        print(f"{label:<24} {seconds:>9.4f} {seconds / floor:>9.0f} {verdict:>8}")
    slowest = max(results, key=lambda k: results[k])
    print(f"slowest: {slowest} {results[slowest]:.3f} s (target < {TARGET_SECONDS:.0f} s each over 100,000 manifests)")


if __name__ == "__main__":
    main()
