"""A warm `standards check` from the per-file result cache: files looked up one to a query, against batches.

    python benchmarks/cache_lookups.py [--count 10000] [--seed 0] [--keep DIR] [--repeat 3]

On a generated tree (benchmarks/generate.py) whose result cache is filled first, one process runs the
whole warm `check` (text report; the remembered run, build/cache/runs, removed before each) with
checks.runner.LOOKUP_BATCH at 1, which asks SQLite for one file's digest and result at a time as
every run did before the batches, and at its shipped value, in turn, and prints the cpu seconds of
the best of `--repeat` each and their ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner

import checks.runner
from registry.cli.app import app

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_speed import ensure_tree, tree_options
from generate import AS_OF, describe_checkout


def warm_run(tree: Path, batch: int) -> float:
    """Cpu seconds of one warm `check` with `batch` files to a lookup."""
    shutil.rmtree(tree / "build" / "cache" / "runs", ignore_errors=True)
    checks.runner.LOOKUP_BATCH = batch
    start = time.process_time()
    result = CliRunner().invoke(app, ["check", "--as-of", AS_OF.isoformat(), "--jobs", "1"])
    seconds = time.process_time() - start
    if result.exit_code not in (0, 1):
        raise SystemExit(f"standards check could not run (exit {result.exit_code}):\n{result.output[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    tree_options(parser, 10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    shipped = checks.runner.LOOKUP_BATCH
    with tempfile.TemporaryDirectory(prefix="standards-lookups-") as tmp:
        folder = (args.keep or Path(tmp)).resolve() / f"tree-{args.count}-seed{args.seed}"
        tree, how = ensure_tree(folder, args.count, args.seed)
        print(f"tree: {tree} ({how}); project {describe_checkout()}")
        (tree / "build" / "cache").mkdir(parents=True, exist_ok=True)  # not a Git work tree: ask for a cache
        cwd = Path.cwd()
        try:
            os.chdir(tree)
            warm_run(tree, shipped)  # fills the cache (and loads every module) before anything is timed
            one, batched = [], []
            for _ in range(args.repeat):
                one.append(warm_run(tree, 1))
                batched.append(warm_run(tree, shipped))
        finally:
            os.chdir(cwd)
            checks.runner.LOOKUP_BATCH = shipped
    for label, runs in (("one file to a lookup", one), (f"{shipped} files to a lookup", batched)):
        each = ", ".join(f"{s:.2f}" for s in runs)
        print(f"{label + ':':26} {min(runs):6.2f} cpu-s (best of {args.repeat}: {each})")
    print(f"ratio one/batched: {min(one) / min(batched):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
