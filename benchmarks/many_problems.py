"""How long `standards check` takes on a file of 60,000 mistakes, against parsing that file.

    python benchmarks/many_problems.py [--keys 60000]

Copies the test suite's small repository, adds one service manifest holding `--keys` unknown
keys (issue 11: it took 14 s and printed 20 MB when every problem was listed and described),
then times, in one run, `standards check` on that file and the parsing floor (PyYAML's C loader
on the same file). Prints the ratio and the size of the report: findings are capped at 50 per
file, so the report stays a few kilobytes however many mistakes a file holds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import standards_command

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"
HEAD = (
    "kind: Service\nschema_version: 1\nid: many\nname: Many mistakes\nphase: live\nchannels: [web]\n"
    "owner:\n  team: Testing\nprivacy:\n  handles_personal_data: false\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=60_000, help="unknown keys in the manifest (default 60000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(MINI, repo)
        path = repo / "manifests" / "leeds" / "many.yaml"
        path.write_text(HEAD + "".join(f"u{i:06}: 1\n" for i in range(args.keys)), encoding="utf-8")
        size = path.stat().st_size

        start = time.perf_counter()
        with path.open("rb") as f:
            yaml.load(f, Loader=yaml.CSafeLoader)
        floor = time.perf_counter() - start

        command = [*standards_command(), "check", "--as-of", "2026-11-01", "manifests/leeds/many.yaml"]
        start = time.perf_counter()
        run = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)
        check = time.perf_counter() - start
        if run.returncode != 1:
            raise SystemExit(f"standards check should fail this file (exit {run.returncode}):\n{run.stderr}")
    findings = sum(1 for line in run.stdout.splitlines() if line.startswith("manifests/leeds/many.yaml:"))
    print(f"file: {args.keys:,} unknown keys, {size:,} bytes")
    print(f"floor (yaml CSafeLoader):  {floor:.2f} s")
    print(f"standards check:           {check:.2f} s (start-up included), {len(run.stdout):,} bytes printed")
    print(f"findings listed: {findings} (50 and one line counting the rest)")
    print(f"ratio check/floor: {check / floor:.1f}")


if __name__ == "__main__":
    main()
