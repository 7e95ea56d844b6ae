"""Load on the registry API, with /healthz as the floor, over an index of generated manifests.

    python benchmarks/api_load.py [--count 100000] [--keep DIR] [--duration 10] [--connections 16]

In one run: generates the manifests (benchmarks/generate.py) unless --keep holds
them, times `standards index build` on them, starts `standards serve` on
127.0.0.1, and drives it with wrk (Debian package `wrk`) for each endpoint in
turn, printing requests/s, p50 and p99, and each endpoint's p99 against the
floor's. Targets (issue 4): data endpoints within 3x the floor's p99, at least
1,000 requests/s for a council's compliance summary, and the index build of
100,000 manifests in under 2 minutes. All traffic stays on 127.0.0.1, and every
load run stops by itself after --duration seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF, describe_checkout, generate, standards_command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not become ready")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(text)
    return float(match[1]) * _UNITS[match[2]]


def wrk(url: str, duration: int, connections: int) -> dict[str, float]:
    proc = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    )
    out = proc.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out)[1])  # type: ignore[index]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": float(non2xx[1]) if non2xx else 0.0}


def pick_targets(index: Path) -> dict[str, str]:
    conn = sqlite3.connect(index)
    try:
        council = conn.execute(
            "SELECT council_id FROM services GROUP BY council_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    finally:
        conn.close()
    return {
        "healthz (floor)": "/healthz",
        "council summary": f"/api/v1/councils/{council}",
        "filtered services": f"/api/v1/services?council={council}&phase=live&limit=20",
        "search": "/api/v1/search?q=waste%20collection&limit=20",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--reuse-index", action="store_true", help="keep the index in the --keep folder between runs")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="standards-load-") as tmp:
        tree = args.keep or Path(tmp) / "tree"
        if not (tree / "manifests").is_dir():
            generate(tree, args.count, args.seed)
        index = (tree / "bench-index.sqlite") if args.reuse_index else Path(tmp) / "index.sqlite"
        build_seconds = None
        if not (args.reuse_index and index.is_file()):
            start = time.perf_counter()
            subprocess.run(
                [*standards_command(), "index", "build", "--as-of", AS_OF.isoformat(), "--output", str(index)],
                cwd=tree,
                check=True,
                capture_output=True,
            )
            build_seconds = time.perf_counter() - start
            print(f"index build of {args.count} manifests: {build_seconds:.1f} s", flush=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*standards_command(), "serve", "--index", str(index), "--port", str(port), "--workers", str(args.workers)],
            cwd=tree,
            env={**os.environ, "STANDARDS_TODAY": AS_OF.isoformat()},  # no as-of rebuild while measuring
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_ready(base)
            results = {}
            for label, path in pick_targets(index).items():
                with urllib.request.urlopen(base + path, timeout=10) as r:  # warm up, and fail loudly if broken
                    json.loads(r.read())
                results[label] = wrk(base + path, args.duration, args.connections)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(describe_checkout())
    if build_seconds is not None:
        print(f"index build of {args.count} manifests: {build_seconds:.1f} s (target < 120 s for 100,000)")
    print(f"server workers: {args.workers}; wrk: 1 thread, {args.connections} connections, {args.duration} s each")
    floor = results["healthz (floor)"]
    print(f"{'endpoint':<20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'p99/floor':>10} {'non-2xx':>8}")
    for label, r in results.items():
        print(
            f"{label:<20} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['p99'] / floor['p99']:>10.2f} "
            f"{int(r['errors']):>8}"
        )
    worst = max(r["p99"] / floor["p99"] for label, r in results.items() if label != "healthz (floor)")
    print(f"ratio worst data p99/floor p99: {worst:.2f} (target <= 3)")
    print(f"council summary req/s: {results['council summary']['rps']:.0f} (target >= 1000)")


if __name__ == "__main__":
    main()
