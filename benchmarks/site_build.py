"""How long the playbook site takes to build at sector scale, against a plain MkDocs build.

    python benchmarks/site_build.py [--councils 382] [--per-council 262] [--seed 0] [--keep DIR] [--reuse-index]
        [--repeat 1] [--strict]

In one run, on one generated tree (benchmarks/generate.py, `--councils` x
`--per-council` service manifests, real standards and patterns):

- `git init` and one commit, so the site sees a repository as CI does (not timed);
- `standards index build --as-of 2026-11-01` once (timed and printed on its own:
  the index is a prerequisite, not part of the site target; with `--reuse-index` the
  index a previous run left in the `--keep` tree is used when it is healthy and from the
  tree's commit, which it stays while the project's site/ and schemas/ are unchanged);
- `standards site build`, as a user runs it, timed: the whole site, hand-written
  pages plus every generated page (playbook, patterns, councils, badges,
  dashboard, schema reference);
- `mkdocs build` of the hand-written pages alone, timed: the same `site/mkdocs.yml`
  with its `hooks:` taken out (and `strict` off, since the hand-written pages
  link to generated ones), into a separate folder.

It prints both times and their ratio, the size and page count of each output,
the largest pages, and the load average before and after. Targets, from the same
run (issues 5 and 15): the full build under 2 minutes, the built site under 300 MB
and no page over 500 KB, for 100,000 services: every current council (382, the
most `check` accepts; the issue says 400 x 250, set when former councils were
accepted) x 262 services.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import AS_OF, PROJECT, describe_checkout, generate, standards_command

TARGET_SECONDS = 120.0
TARGET_SITE_BYTES = 300_000_000  # the whole built site (issue 15)
TARGET_PAGE_BYTES = 500_000  # any one HTML page (issue 15)
LARGEST_SHOWN = 5
MARKER = ".benchmark-site-tree.json"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@example.org",
    "GIT_COMMITTER_NAME": "Benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@example.org",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(tree: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in `tree` as the benchmark's own identity (plus `env`); its standard output."""
    full_env = {**os.environ, **GIT_ENV, **(env or {})}
    return subprocess.run(["git", *args], cwd=tree, env=full_env, check=True, capture_output=True, text=True).stdout


def copy_site(tree: Path) -> None:
    """The project's site sources and JSON Schemas, so the site built is the real one."""
    for name in ("site", "schemas"):
        target = tree / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(PROJECT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def ensure_tree(folder: Path, councils: int, per_council: int, seed: int) -> str:
    """A generated Git repository in `folder`, reused when made with the same settings."""
    wanted = {"councils": councils, "per_council": per_council, "seed": seed}
    marker = folder / MARKER
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == wanted:
        copy_site(tree=folder)  # the site may have changed since; the manifests have not
        git(folder, "add", "-A")
        if not git(folder, "status", "--porcelain").strip():
            return "reused"  # no new commit, so an index built for this commit stays current (--reuse-index)
        git(folder, "commit", "-q", "-m", "the project's current site")
        return "reused, with the project's current site committed"
    if marker.is_file():
        shutil.rmtree(folder)
    elif folder.exists() and any(folder.iterdir()):
        raise SystemExit(f"{folder} is not empty and was not made by this script; choose another --keep folder")
    start = time.perf_counter()
    generate(folder, councils * per_council, seed, councils=councils)
    copy_site(folder)
    (folder / ".gitignore").write_text(f"build/\n{MARKER}\n", encoding="utf-8")
    made = time.perf_counter() - start
    start = time.perf_counter()
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "generated tree")
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return f"generated in {made:.1f}s, committed in {time.perf_counter() - start:.1f}s"


CPU = {"last": 0.0}  # the CPU seconds (user + system) of the last command `timed` ran


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path) -> float:
    """The wall seconds `cmd` took; its CPU seconds go to CPU["last"]: on a machine shared with other work
    the wall time stretches with the load, the CPU time much less."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    CPU["last"] = _children_cpu() - cpu
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed (exit {proc.returncode}) in {cwd}:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def plain_config(tree: Path, out: Path) -> Path:
    """site/mkdocs.yml without its hooks (no generated pages), building into `out`.

    Edited as text, not loaded and dumped: MkDocs configs use `!!python/name:` tags that a
    safe YAML round trip would lose. The copy sits beside the original so relative paths
    (docs_dir, custom_dir) mean the same.
    """
    text = (tree / "site" / "mkdocs.yml").read_text(encoding="utf-8")
    # Drop the top-level `hooks:` key and its indented list.
    text, hooks = re.subn(r"^hooks:[^\n]*\n(?:(?:[ \t]+[^\n]*|[ \t]*)\n)*", "", text, flags=re.MULTILINE)
    if hooks != 1:
        raise SystemExit("site/mkdocs.yml has no top-level `hooks:` key to take out; update this benchmark")
    text = re.sub(r"^(strict|site_dir):[^\n]*\n", "", text, flags=re.MULTILINE)
    text += f"\nstrict: false\nsite_dir: {json.dumps(str(out))}\n"
    config = tree / "site" / "mkdocs-plain.yml"
    config.write_text(text, encoding="utf-8")
    return config


def output_stats(folder: Path) -> tuple[int, int, int]:
    """(bytes, files, HTML pages) under a built site."""
    size = files = pages = 0
    for path in folder.rglob("*"):
        if path.is_file():
            files += 1
            size += path.stat().st_size
            pages += path.suffix == ".html"
    return size, files, pages


def largest_pages(folder: Path) -> list[tuple[int, str]]:
    """Every HTML page under a built site as (bytes, path), largest first."""
    sizes = [(p.stat().st_size, p.relative_to(folder).as_posix()) for p in folder.rglob("*.html")]
    return sorted(sizes, reverse=True)


def size_by_folder(folder: Path) -> list[tuple[int, str]]:
    """Bytes under each top-level entry of a built site (insights/ split one level more), largest first."""
    totals: dict[str, int] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            parts = path.relative_to(folder).parts
            key = "/".join(parts[:2] if parts[0] == "insights" and len(parts) > 2 else parts[:1])
            totals[key] = totals.get(key, 0) + path.stat().st_size
    return sorted(((size, name) for name, size in totals.items()), reverse=True)


def _index_is_reusable(tree: Path, index: Path) -> bool:
    """Whether `standards site build` would read `index` as it is (healthy, from the tree's commit)."""
    from registry.index.health import index_verdict

    return index.is_file() and index_verdict(tree, index)[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=382)
    parser.add_argument("--per-council", type=int, default=262, help="service manifests per council")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) a tree in this folder")
    parser.add_argument(
        "--reuse-index", action="store_true", help="use the index a previous run left in the --keep tree"
    )
    parser.add_argument("--repeat", type=int, default=1, help="time each build N times; keep the best")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    args.repeat = max(1, args.repeat)
    mkdocs = Path(sys.executable).with_name("mkdocs")
    if not mkdocs.is_file():
        raise SystemExit(f"mkdocs is not installed beside {sys.executable}: pip install -e .")

    with tempfile.TemporaryDirectory(prefix="standards-site-bench-") as tmp:
        base = (args.keep or Path(tmp)).resolve()
        tree = base / f"site-tree-{args.councils}x{args.per_council}-seed{args.seed}"
        how = ensure_tree(tree, args.councils, args.per_council, args.seed)
        services = args.councils * args.per_council
        print(f"tree: {tree} ({how}): {args.councils} councils x {args.per_council} = {services} services")
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before timing, "
            f"Python {sys.version.split()[0]}; project {describe_checkout()}",
            flush=True,
        )

        index = tree / "build" / "index.sqlite"
        if args.reuse_index and args.keep and _index_is_reusable(tree, index):
            index_seconds = None
            print(f"index: {index}, from a previous run (--reuse-index)", flush=True)
        else:
            index_seconds = timed(
                [*standards_command(), "index", "build", "--as-of", AS_OF.isoformat(), "--output", str(index)], tree
            )
            print(f"index build (once, not part of the target): {index_seconds:.1f} s", flush=True)
        built = index.stat().st_mtime_ns

        site_out = tree / "build" / "site"
        plain_out = Path(tmp) / "plain-site"
        config = plain_config(tree, plain_out)
        site_runs, plain_runs, site_cpu = [], [], []
        for _ in range(args.repeat):
            site_runs.append(timed([*standards_command(), "site", "build", "--index", str(index)], tree))
            site_cpu.append(CPU["last"])
            plain_runs.append(timed([str(mkdocs), "build", "--quiet", "-f", str(config)], tree))
            print(
                f"  site build {site_runs[-1]:.1f} s ({site_cpu[-1]:.1f} s CPU), "
                f"plain mkdocs build {plain_runs[-1]:.1f} s",
                flush=True,
            )
        if index.stat().st_mtime_ns != built:
            raise SystemExit("`standards site build` rebuilt the index, so its time includes an index build")
        site_size, site_files, site_pages = output_stats(site_out)
        plain_size, plain_files, plain_pages = output_stats(plain_out)
        largest = largest_pages(site_out)
        folders = size_by_folder(site_out)
        config.unlink()

    site_seconds, plain_seconds = min(site_runs), min(plain_runs)
    print()
    print(f"== results {dt.date.today().isoformat()}: {args.councils} councils x {args.per_council} services")
    print(f"load average after: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work skews wall times)")
    index_text = "reused" if index_seconds is None else f"{index_seconds:.1f} s"
    print(f"index build: {index_text} (not part of the target)")
    print(
        f"standards site build: {site_seconds:.1f} s ({min(site_cpu):.1f} s CPU, user + system); {site_pages} pages, "
        f"{site_files} files, {site_size / 1e6:.1f} MB"
    )
    print(
        f"plain mkdocs build (hand-written pages only): {plain_seconds:.2f} s; {plain_pages} pages, "
        f"{plain_files} files, {plain_size / 1e6:.1f} MB"
    )
    print(f"ratio site/plain: {site_seconds / plain_seconds:.1f}")
    print("largest parts: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for size, name in folders[:8]))
    over = [(size, path) for size, path in largest if size > TARGET_PAGE_BYTES]
    print(
        "largest pages: "
        + ", ".join(f"{path} {size / 1e3:.0f} KB" for size, path in largest[:LARGEST_SHOWN])
        + f"; {len(over)} over {TARGET_PAGE_BYTES / 1e3:.0f} KB"
        + (f" ({', '.join(sorted({p.split('/')[0] for _, p in over}))})" if over else "")
    )
    verdicts = [
        (site_seconds < TARGET_SECONDS, f"site build {site_seconds:.1f} s (target < {TARGET_SECONDS:.0f} s)"),
        (
            site_size < TARGET_SITE_BYTES,
            f"site size {site_size / 1e6:.1f} MB (target < {TARGET_SITE_BYTES / 1e6:.0f} MB)",
        ),
        (
            not over,
            f"largest page {largest[0][0] / 1e3:.0f} KB, {largest[0][1]} (target <= {TARGET_PAGE_BYTES / 1e3:.0f} KB)"
            if largest
            else "largest page: no pages",
        ),
    ]
    for met, text in verdicts:
        print(f"{text} at {args.councils} x {args.per_council}: {'met' if met else 'MISSED'}")
    if args.strict and not all(met for met, _ in verdicts):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
