"""A cold `standards check` with rules run as Python closures, against the CEL runtime for every rule.

    python benchmarks/rule_closures.py [--count 10000] [--seed 0] [--keep DIR] [--repeat 2]

On a generated tree (benchmarks/generate.py), `standards check --no-cache` (text report, default jobs)
runs as a user runs it, from this checkout, in turns: as shipped, and with `checks.rules.compile_python`
switched off so that every rule runs in the CEL runtime with the manifest converted into its values, as
every run did before docs/decisions/0009. It prints the best of `--repeat` each (wall and the cpu of all
processes), their ratio, and whether the two reports are the same.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_speed import Measured, ensure_tree, measure, tree_options
from generate import AS_OF, describe_checkout

_RUN = "import sys; {switch}from registry.entry import main; sys.argv = ['standards', *sys.argv[1:]]; main()"
_OFF = "import checks.rules as rules; rules.compile_python = lambda source, node: None; "


def check(tree: Path, closures: bool, report: Path) -> Measured:
    script = _RUN.format(switch="" if closures else _OFF)
    cmd = [sys.executable, "-c", script, "check", "--no-cache", "--as-of", AS_OF.isoformat()]
    run = measure(cmd, tree, report)
    if run.returncode not in (0, 1):
        raise SystemExit(f"standards check could not run (exit {run.returncode}):\n{run.stderr}")
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    tree_options(parser, 10_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="standards-closures-") as tmp:
        folder = (args.keep or Path(tmp)).resolve() / f"tree-{args.count}-seed{args.seed}"
        tree, how = ensure_tree(folder, args.count, args.seed)
        print(f"tree: {tree} ({how}); project {describe_checkout()}")
        reports = {True: Path(tmp) / "closures.txt", False: Path(tmp) / "runtime.txt"}
        runs: dict[bool, list[Measured]] = {True: [], False: []}
        for _ in range(args.repeat):
            for closures in (True, False):
                runs[closures].append(check(tree, closures, reports[closures]))
                print(
                    f"{'closures' if closures else 'runtime':<9} {runs[closures][-1].seconds:6.2f} s wall,"
                    f" {runs[closures][-1].cpu_seconds:6.2f} cpu-s"
                )
        same = reports[True].read_bytes() == reports[False].read_bytes()
    best = {k: min(v, key=lambda m: m.cpu_seconds) for k, v in runs.items()}
    print(f"\n== results: {args.count} services, best of {args.repeat}")
    print(f"runtime for every rule: {best[False].seconds:.2f} s wall, {best[False].cpu_seconds:.2f} cpu-s")
    print(f"closures:               {best[True].seconds:.2f} s wall, {best[True].cpu_seconds:.2f} cpu-s")
    print(f"ratio runtime/closures cpu: {best[False].cpu_seconds / best[True].cpu_seconds:.2f}")
    print(f"ratio runtime/closures wall: {best[False].seconds / best[True].seconds:.2f}")
    print(f"reports identical: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
