"""How fast `standards check` is, against a parsing floor and against JSON Schema validators.

    python benchmarks/check_speed.py [--count 10000] [--seed 0] [--keep DIR] [--memory-scale] [--format text|json]
        [--tool installed|checkout]

One run over the same generated tree (see benchmarks/generate.py) times:

- `standards` installed from this checkout into a new virtual environment as a council's CI or pre-commit
  installs it (a wheel, compiled; `--tool checkout` times this checkout's editable install instead, whose
  path finder costs each start about 10 ms);
- the floor: reading and parsing every manifest with PyYAML's C loader in one process;
- `standards check --as-of 2026-11-01 --format FORMAT` (default text, the report a user gets unasked;
  `--format json` for the largest report), run as a user runs it (a subprocess, default jobs = all
  cores), its report sent to a file in the temporary folder;
- `check-jsonschema --schemafile schemas/service.schema.json` on a subset of the service
  manifests (default 1,000: it manages about 100 files/s), scaled per file;
- ajv-cli (`ajv validate --spec=draft2020` with ajv-formats, pinned in package.json) on every service
  manifest, in one Node process, beside each `standards check` run; the run stops if it is missing;
- `standards check` with its result cache (build/cache/): filling an empty cache; warm with only the
  per-file results (the remembered runs deleted first); warm as a user meets it (the whole run
  remembered, checks/run_memo.py); and after one manifest changed, each against ajv-cli over the same
  files.

It prints files/s for each and the ratios measured in this run, plus the peak
memory (max RSS of the largest process of each `standards check` run, from
`resource.getrusage(RUSAGE_CHILDREN)` in a fresh wrapper process per run) at
`--count` manifests and, with `--memory-scale`, at 100,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import (
    AS_OF,
    PROJECT,
    describe_checkout,
    generate,
    installed_command,
    pattern_files,
    standard_files,
    standards_command,
)

SCHEMA = PROJECT / "schemas" / "service.schema.json"
MARKER = ".benchmark-tree.json"
MEMORY_SCALE_COUNT = 100_000
WARM_REPEAT = 5

# Runs a command in a fresh process and reports its wall time and the peak RSS of the largest
# process it started (ru_maxrss of RUSAGE_CHILDREN covers waited-for grandchildren too).
_MEASURE = r"""
import json, resource, subprocess, sys, time
cfg = json.loads(sys.stdin.read())  # not an argument: a command may be longer than one may be
out = open(cfg["stdout"], "wb") if cfg["stdout"] else subprocess.DEVNULL
start = time.perf_counter()
proc = subprocess.run(
    cfg["cmd"], cwd=cfg["cwd"], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE, check=False
)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "seconds": seconds,
    "maxrss_kb": usage.ru_maxrss,
    "cpu_seconds": usage.ru_utime + usage.ru_stime,
    "returncode": proc.returncode,
    "stderr": proc.stderr.decode("utf-8", "replace")[-2000:],
}))
"""


@dataclass
class Measured:
    seconds: float
    maxrss_kb: int
    cpu_seconds: float
    returncode: int
    stderr: str


def measure(cmd: list[str], cwd: Path, stdout: Path | None) -> Measured:
    cfg = json.dumps({"cmd": cmd, "cwd": str(cwd), "stdout": str(stdout) if stdout else None})
    proc = subprocess.run([sys.executable, "-c", _MEASURE], input=cfg, capture_output=True, text=True, check=True)
    return Measured(**json.loads(proc.stdout))


# --------------------------------------------------------------------------- trees


def rules_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in [*standard_files(PROJECT), *pattern_files(PROJECT)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def tree_options(parser: argparse.ArgumentParser, count: int) -> None:
    """The options every benchmark on a generated tree takes: its size, its seed, and where to keep it."""
    parser.add_argument("--count", type=int, default=count, help=f"service manifests to generate (default {count})")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep generated trees in this folder and reuse them next time")


def ensure_tree(folder: Path, count: int, seed: int) -> tuple[Path, str]:
    """A generated tree in `folder`, reused when it was made with the same count, seed and rules."""
    wanted = {"count": count, "seed": seed, "rules": rules_fingerprint()}
    marker = folder / MARKER
    if marker.is_file():
        if json.loads(marker.read_text(encoding="utf-8")) == wanted:
            return folder, "reused"
        shutil.rmtree(folder)  # made by this script (it has our marker), but for other settings
    elif folder.exists() and any(folder.iterdir()):
        raise SystemExit(f"{folder} is not empty and was not made by this script; choose another --keep folder")
    start = time.perf_counter()
    generate(folder, count, seed)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return folder, f"generated in {time.perf_counter() - start:.1f}s"


def manifest_files(tree: Path) -> list[Path]:
    """What `standards check` checks by default: every YAML file under manifests/<council>/."""
    return sorted(p for p in (tree / "manifests").glob("*/*") if p.suffix in (".yaml", ".yml"))


# --------------------------------------------------------------------------- the contenders


def time_floor(files: list[Path]) -> tuple[float, float]:
    """Wall and CPU seconds to read and parse every file."""
    for path in files:  # warm the page cache so the floor and the tools read from the same place
        path.read_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        with path.open(encoding="utf-8") as f:
            yaml.load(f, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start, time.process_time() - cpu


def invalid_files(report: Path, fmt: str) -> int:
    """How many files the report calls invalid, read from its end (the report itself may be 100s of MB)."""
    with report.open("rb") as f:
        f.seek(max(0, report.stat().st_size - 65536))
        tail = f.read().decode("utf-8", "replace")
    if fmt == "json":
        marker = '"summary": '
        if marker not in tail:
            raise SystemExit(f"no summary at the end of {report}")
        summary = json.loads(tail[tail.rindex(marker) + len(marker) :].strip()[:-1])
        return int(summary["invalid"])
    found = re.search(r"compliant, (\d+) invalid;", tail)
    if found is None:
        raise SystemExit(f"no closing line at the end of {report}")
    return int(found.group(1))


def standards_check(tool: list[str], tree: Path, report: Path | None, fmt: str, cache: bool = False) -> Measured:
    """One `standards check`; cold (`--no-cache`) unless `cache`, so repeats time the same work."""
    cmd = [*tool, "check", "--as-of", AS_OF.isoformat(), "--format", fmt]
    cmd += [] if cache else ["--no-cache"]
    run = measure(cmd, tree, report)
    if run.returncode not in (0, 1):  # 1 means some service fails a rule, which the data intends
        raise SystemExit(f"standards check could not run (exit {run.returncode}):\n{run.stderr}")
    return run


def check_jsonschema(files: list[Path], batch: int) -> float:
    exe = Path(sys.executable).with_name("check-jsonschema")
    command = [str(exe) if exe.is_file() else "check-jsonschema", "--schemafile", str(SCHEMA)]
    start = time.perf_counter()
    for i in range(0, len(files), batch):
        proc = subprocess.run([*command, *map(str, files[i : i + batch])], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"check-jsonschema rejected generated files:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return time.perf_counter() - start


AJV = PROJECT / "node_modules" / ".bin" / "ajv"
AJV_PLUGIN = Path(__file__).resolve().parent / "ajv_yaml12.js"


def ajv(tree: Path, files: list[Path], batch: int) -> Measured:
    """ajv-cli over `files` (wall and cpu summed over its batches); stops the run when it is missing or
    rejects a file. Run directly, not through npx, so no launcher's start-up is counted against it."""
    if not AJV.is_file():
        raise SystemExit(f"ajv-cli is not installed ({AJV} is missing): run `make node-tools` (npm ci)")
    # The plugin adds ajv-formats and reads YAML dates as text, as the schema and `standards check` do.
    command = [str(AJV), "validate", "--spec=draft2020", "--strict=false", "--errors=line"]
    command += ["-c", str(AJV_PLUGIN), "-s", str(SCHEMA)]
    total = Measured(0.0, 0, 0.0, 0, "")
    for i in range(0, len(files), batch):
        # Relative to the tree, so 10,000 paths fit in one command line.
        args = [arg for path in files[i : i + batch] for arg in ("-d", str(path.relative_to(tree)))]
        run = measure([*command, *args], tree, None)
        if run.returncode != 0:
            raise SystemExit(f"ajv-cli rejected generated files (exit {run.returncode}):\n{run.stderr}")
        total.seconds += run.seconds
        total.cpu_seconds += run.cpu_seconds
        total.maxrss_kb = max(total.maxrss_kb, run.maxrss_kb)
    return total


# --------------------------------------------------------------------------- the result cache


@dataclass
class CachedRuns:
    """`standards check` with its result cache: filling it, warm, and after one file changed."""

    fill: Measured
    warm_files: Measured  # every file's results from the cache, the run itself not remembered
    warm: Measured  # as a user meets it: the whole run remembered
    one_changed: Measured


def cached_runs(tool: list[str], tree: Path, report: Path, repeat: int, fmt: str) -> CachedRuns:
    """Time the cache: an empty one filled, the best of `repeat` warm runs of each kind, one manifest edited."""
    shutil.rmtree(tree / "build" / "cache", ignore_errors=True)
    (tree / "build" / "cache").mkdir(parents=True)  # the generated tree is not a Git work tree: ask for one
    fill = standards_check(tool, tree, report, fmt, cache=True)

    def files_only() -> Measured:
        shutil.rmtree(tree / "build" / "cache" / "runs", ignore_errors=True)
        return standards_check(tool, tree, report, fmt, cache=True)  # remembers the run again, for the next

    warm_files = min((files_only() for _ in range(repeat)), key=lambda r: r.seconds)
    # A remembered run takes tens of milliseconds, where one scheduling hiccup shows: always the best of 5.
    warm = min(
        (standards_check(tool, tree, report, fmt, cache=True) for _ in range(max(repeat, WARM_REPEAT))),
        key=lambda r: r.seconds,
    )
    services = [p for p in manifest_files(tree) if p.stem != "council"]
    path = services[len(services) // 2]
    before = path.read_text(encoding="utf-8")
    path.write_text(before.replace("\nname: ", "\nname: Renamed ", 1), encoding="utf-8")
    try:
        one = standards_check(tool, tree, report, fmt, cache=True)
    finally:
        path.write_text(before, encoding="utf-8")  # a kept tree stays as generated
    report.unlink(missing_ok=True)
    return CachedRuns(fill, warm_files, warm, one)


def print_cached(runs: CachedRuns, files: int, label: str) -> None:
    named = [("fill", runs.fill), ("warm, files", runs.warm_files), ("warm", runs.warm)]
    for name, run in [*named, ("one changed", runs.one_changed)]:
        print(
            f"check {label} {name + ':':<13} {run.seconds:7.2f} s {rate(files, run.seconds)}"
            f"  (cpu {run.cpu_seconds:.1f} s, peak RSS {run.maxrss_kb / 1024:.0f} MB)"
        )


def cached_ratios(
    runs: CachedRuns, ajv_run: Measured, services: int, files: int
) -> list[tuple[str, float, float, bool]]:
    """The cache's targets, per file as the cold ratio is: warm at least 20x faster than ajv-cli."""
    ajv_per_file = ajv_run.seconds / services
    return [
        ("ratio ajv-cli/warm", ajv_per_file / (runs.warm.seconds / files), 20.0, False),
        ("ratio ajv-cli/one-file-changed", ajv_per_file / (runs.one_changed.seconds / files), 1.0, False),
    ]


# --------------------------------------------------------------------------- the run


def rate(files: int, seconds: float) -> str:
    return f"{files / seconds:8.0f} files/s"


def verdict(value: float, target: float, at_most: bool) -> str:
    met = value <= target if at_most else value >= target
    return f"({'target <= ' if at_most else 'target >= '}{target:g}) {'met' if met else 'MISSED'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    tree_options(parser, 10_000)
    parser.add_argument(
        "--jsonschema-files",
        type=int,
        default=1000,
        help="service manifests to time check-jsonschema on (0 = all; default 1000), scaled per file",
    )
    parser.add_argument("--batch", type=int, default=1000, help="files per check-jsonschema invocation")
    parser.add_argument(
        "--ajv-batch", type=int, default=20_000, help="files per ajv-cli invocation (default 20000: one Node process)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="time the floor, standards check and ajv-cli N times; keep the best"
    )
    parser.add_argument(
        "--memory-scale", action="store_true", help=f"also measure peak memory at {MEMORY_SCALE_COUNT:,} manifests"
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="the report standards check writes (default text)"
    )
    parser.add_argument(
        "--tool",
        choices=("installed", "checkout"),
        default="installed",
        help="time `standards` installed from this checkout as a council's CI installs it (a wheel, in a new"
        " virtual environment: default) or this checkout's own, editable, as it is",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    args.repeat = max(1, args.repeat)

    with tempfile.TemporaryDirectory(prefix="standards-bench-") as tmp:
        base = (args.keep or Path(tmp)).resolve()
        tree, how = ensure_tree(base / f"tree-{args.count}-seed{args.seed}", args.count, args.seed)
        files = manifest_files(tree)
        services = [p for p in files if p.stem != "council"]
        councils = len(files) - len(services)
        size = sum(p.stat().st_size for p in services) / max(1, len(services))
        print(f"tree: {tree} ({how}): {len(services)} services (mean {size:.0f} bytes) + {councils} councils")
        tool = installed_command(base / "installed") if args.tool == "installed" else standards_command()
        how_installed = "installed as a council's CI installs it" if args.tool == "installed" else "editable"
        print(f"tool: {tool[0]} (this checkout, {how_installed})")
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before timing, "
            f"Python {sys.version.split()[0]}, PyYAML {yaml.__version__}; project {describe_checkout()}"
        )

        floor, floor_cpu = min(time_floor(files) for _ in range(args.repeat))
        print(f"floor:            {floor:7.2f} s {rate(len(files), floor)}  (cpu {floor_cpu:.1f} s)")

        report = Path(tmp) / f"report.{args.format}"
        runs, ajv_runs = [], []
        for _ in range(args.repeat):  # the two contenders side by side, so a burst of load hits both alike
            runs.append(standards_check(tool, tree, report, args.format))
            invalid = invalid_files(report, args.format)
            report.unlink()
            ajv_runs.append(ajv(tree, services, args.ajv_batch))
        check = min(runs, key=lambda r: r.seconds)
        ajv_run = min(ajv_runs, key=lambda r: r.seconds)
        if invalid != 0:
            raise SystemExit(f"{invalid} files are invalid; the generator is broken")
        print(
            f"standards check:  {check.seconds:7.2f} s {rate(len(files), check.seconds)}"
            f"  (cpu {check.cpu_seconds:.1f} s, peak RSS {check.maxrss_kb / 1024:.0f} MB, invalid {invalid},"
            f" --format {args.format})"
        )
        print(
            f"ajv-cli:          {ajv_run.seconds:7.2f} s {rate(len(services), ajv_run.seconds)}"
            f"  (cpu {ajv_run.cpu_seconds:.1f} s, all {len(services)} service files, shape only, 1 process)"
        )

        subset = services if args.jsonschema_files <= 0 else services[:: max(1, len(services) // args.jsonschema_files)]
        subset = subset[: args.jsonschema_files] if args.jsonschema_files > 0 else subset
        js = check_jsonschema(subset, args.batch)
        js_per_file = js / len(subset)
        print(
            f"check-jsonschema: {js:7.2f} s {rate(len(subset), js)}  (timed on {len(subset)} of {len(services)} "
            f"service files, 1 process; {js_per_file * len(services):.1f} s scaled to all {len(services)})"
        )

        cached = cached_runs(tool, tree, report, args.repeat, args.format)
        print_cached(cached, len(files), f"@{args.count}")

        big: Measured | None = None
        big_cached: CachedRuns | None = None
        if args.memory_scale:
            big_tree, big_how = ensure_tree(
                base / f"tree-{MEMORY_SCALE_COUNT}-seed{args.seed}", MEMORY_SCALE_COUNT, args.seed
            )
            big_files = len(manifest_files(big_tree))
            print(f"memory tree: {big_tree} ({big_how}): {big_files} files")
            big = standards_check(tool, big_tree, None, args.format)
            big_cached = cached_runs(tool, big_tree, Path(tmp) / f"big-report.{args.format}", 1, args.format)
            print_cached(big_cached, big_files, f"@{MEMORY_SCALE_COUNT}")
            print(
                f"standards check @{MEMORY_SCALE_COUNT:,}: {big.seconds:7.2f} s {rate(big_files, big.seconds)}"
                f"  (cpu {big.cpu_seconds:.1f} s, peak RSS {big.maxrss_kb / 1024:.0f} MB)"
            )

    check_vs_floor = check.seconds / floor
    load_after = os.getloadavg()[0]
    js_vs_check = js_per_file / (check.seconds / len(files))
    print()
    print(
        f"== results {dt.date.today().isoformat()}: {len(services)} services + {councils} councils, seed {args.seed},"
        f" --format {args.format}"
    )
    print(
        f"load average after: {load_after:.2f} on {os.cpu_count()} cores (other work on the machine skews wall times)"
    )
    print(f"files/s floor: {len(files) / floor:.0f}")
    print(f"files/s check: {len(files) / check.seconds:.0f}")
    print(f"files/s check-jsonschema: {len(subset) / js:.0f} (on {len(subset)} files, scaled per file)")
    print(f"files/s ajv-cli: {len(services) / ajv_run.seconds:.0f}")
    print(f"cpu check/floor: {check.cpu_seconds / floor_cpu:.2f} (all processes' cpu seconds; not a target)")
    per_file_ajv_cpu = ajv_run.cpu_seconds / len(services)
    print(f"cpu check/ajv-cli: {check.cpu_seconds / len(files) / per_file_ajv_cpu:.2f} (per file; not a target)")
    print(f"peak RSS check @{args.count}: {check.maxrss_kb / 1024:.1f} MB")
    results = [
        ("ratio check/floor", check_vs_floor, 1.5, True),
        # Per file: the check also reads the councils' files, which ajv-cli (one schema) is not given.
        ("ratio check/ajv-cli", (check.seconds / len(files)) / (ajv_run.seconds / len(services)), 1.0, True),
        ("ratio check-jsonschema/check", js_vs_check, 5.0, False),
    ]
    results += cached_ratios(cached, ajv_run, len(services), len(files))
    print(f"peak RSS warm check @{args.count}: {cached.warm.maxrss_kb / 1024:.1f} MB")
    if big is not None and big_cached is not None:
        print(f"peak RSS check @{MEMORY_SCALE_COUNT}: {big.maxrss_kb / 1024:.1f} MB")
        results.append((f"ratio memory {MEMORY_SCALE_COUNT}/{args.count}", big.maxrss_kb / check.maxrss_kb, 1.5, True))
        print(f"peak RSS warm check @{MEMORY_SCALE_COUNT}: {big_cached.warm.maxrss_kb / 1024:.1f} MB")
        ratio = big_cached.warm.maxrss_kb / cached.warm.maxrss_kb
        results.append((f"ratio warm memory {MEMORY_SCALE_COUNT}/{args.count}", ratio, 1.5, True))
    else:
        print("ratio memory: not measured (add --memory-scale)")
    missed = False
    for name, value, target, at_most in results:
        line = f"{name}: {value:.2f} {verdict(value, target, at_most)}"
        missed = missed or line.endswith("MISSED")
        print(line)
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
