"""How long `standards index build` takes cold, and again after one manifest changed.

    python benchmarks/index_rebuild.py [--count 100000] [--seed 0] [--keep DIR]

On a generated tree (benchmarks/generate.py; reused from --keep when it was made with the same
settings), one run times, each as a user runs it (a subprocess, default jobs):

- a cold build: no previous index and an empty result cache (`build/cache/` removed first);
- the same build with `--no-cache` (what every build cost before the cache);
- a rebuild with nothing changed;
- a rebuild after one service manifest changed (its name edited): only that file's rows are replaced
  (registry/index/incremental.py), in the spare kept by the build before (registry/index/spare.py);
- the same after another manifest changed, with the spare removed first, so the live index is copied
  (how every such rebuild worked before the spare).

It prints each time, the one-change rebuild against the cold build and against the copying one, and
the peak memory of each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_speed import Measured, ensure_tree, manifest_files, measure, tree_options
from generate import AS_OF, describe_checkout, standards_command

from registry.index.spare import spare_path

COLD_TARGET = 60.0
ONE_CHANGE_TARGET = 5.0


def index_build(tree: Path, output: Path, *extra: str) -> Measured:
    cmd = [*standards_command(), "index", "build", "--as-of", AS_OF.isoformat(), "--output", str(output), *extra]
    run = measure(cmd, tree, None)
    if run.returncode != 0:
        raise SystemExit(f"standards index build failed (exit {run.returncode}):\n{run.stderr}")
    return run


def change_one(tree: Path, nth: int = 0) -> tuple[Path, str]:
    """Edit one service manifest's name, in the middle of the tree (`nth` after it); the file and what it held."""
    services = [p for p in manifest_files(tree) if p.stem != "council"]
    path = services[len(services) // 2 + nth]
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("name: "):
            lines[i] = line.rstrip("\n") + " (renamed)\n"
            break
    path.write_text("".join(lines), encoding="utf-8")
    return path, text


def line(label: str, run: Measured) -> str:
    return f"{label:<28} {run.seconds:7.2f} s  (cpu {run.cpu_seconds:.1f} s, peak RSS {run.maxrss_kb / 1024:.0f} MB)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    tree_options(parser, 100_000)
    parser.add_argument("--skip-no-cache", action="store_true", help="do not time the --no-cache build")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="standards-index-bench-") as tmp:
        base = (args.keep or Path(tmp)).resolve()
        tree, how = ensure_tree(base / f"tree-{args.count}-seed{args.seed}", args.count, args.seed)
        print(f"tree: {tree} ({how})")
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before timing; "
            f"project {describe_checkout()}"
        )
        output = Path(tmp) / "index.sqlite"
        shutil.rmtree(tree / "build", ignore_errors=True)
        (tree / "build" / "cache").mkdir(parents=True)  # the generated tree is not a Git work tree: ask for one
        cold = index_build(tree, output)
        print(line("cold (empty cache):", cold))
        if not args.skip_no_cache:
            plain = index_build(tree, Path(tmp) / "plain.sqlite", "--no-cache")
            print(line("--no-cache:", plain))
        same = index_build(tree, output)
        print(line("nothing changed:", same))
        changed, before = change_one(tree)
        one = index_build(tree, output)
        print(line(f"one changed ({changed.name}):", one))
        second, second_before = change_one(tree, 1)
        spare_path(output).unlink()
        copying = index_build(tree, output)
        print(line(f"one changed, copying ({second.name}):", copying))
        size = output.stat().st_size / 1e6
        # Put the tree back as it was, so a kept tree is reused next time.
        changed.write_text(before, encoding="utf-8")
        second.write_text(second_before, encoding="utf-8")
        shutil.rmtree(tree / "build", ignore_errors=True)
    print()
    print(f"== results {dt.date.today().isoformat()}: index of {args.count} services ({size:.0f} MB)")
    print(f"load average after: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"ratio one-change/cold: {one.seconds / cold.seconds:.3f}")
    print(f"ratio copying/one-change (what the spare saves): {copying.seconds / one.seconds:.2f}")
    for name, value, target in (
        ("cold build seconds", cold.seconds, COLD_TARGET),
        ("one-change rebuild seconds", one.seconds, ONE_CHANGE_TARGET),
    ):
        print(f"{name}: {value:.2f} (target < {target:g}) {'met' if value < target else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
