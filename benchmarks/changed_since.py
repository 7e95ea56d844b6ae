"""How long `standards check --changed-since` takes for a one-manifest change, against a full run.

    python benchmarks/changed_since.py [--count 100000] [--seed 0] [--keep DIR]

Builds a Git repository of generated manifests (benchmarks/generate.py), commits
it, changes one manifest in a second commit, then times, in the same run and on
the same tree, `standards check --changed-since HEAD~1` and a full
`standards check`. Targets (issue 3): the incremental check under 5% of the full
run and under 2 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF, describe_checkout, generate, service_files, standards_command

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Benchmark",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Benchmark",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True)


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed, proc.returncode


def prepare(tree: Path, count: int, seed: int) -> Path:
    if not (tree / ".git").exists():
        generate(tree, count, seed)
        git(tree, "init", "-q", "-b", "main")
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", f"{count} generated manifests")
    target = sorted(service_files(tree))[count // 2]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("name: ", "name: Changed ", 1), encoding="utf-8")
    git(tree, "commit", "-q", "-am", "change one manifest")
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="standards-changed-") as tmp:
        tree = args.keep or Path(tmp) / "tree"
        start = time.perf_counter()
        changed = prepare(tree, args.count, args.seed)
        print(
            f"repository of {args.count} manifests ready in {time.perf_counter() - start:.1f}s; "
            f"changed {changed.relative_to(tree)}"
        )
        out = Path(tmp) / "report.json"
        base = [*standards_command(), "check", "--as-of", AS_OF.isoformat(), "--format", "json", "--output", str(out)]
        incremental, _ = timed([*base, "--changed-since", "HEAD~1"], tree)
        full, _ = timed(base, tree)
        incremental_again, _ = timed([*base, "--changed-since", "HEAD~1"], tree)
        best = min(incremental, incremental_again)
        print(describe_checkout())
        print(f"full check:        {full:8.2f} s")
        print(f"changed-since:     {best:8.2f} s (best of 2: {incremental:.2f}, {incremental_again:.2f})")
        print(f"ratio changed-since/full: {best / full:.4f} (target < 0.05)")
        print(f"changed-since seconds: {best:.2f} (target < 2.0 on 2 cores)")


if __name__ == "__main__":
    main()
