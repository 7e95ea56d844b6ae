"""Screenshots of the built site as people see it: `standards serve` on 127.0.0.1, Debian's Chromium
through Playwright (as tests/test_site_browser.py drives it), nothing fetched from the network.

    python scripts/screenshot.py --readme
        the council page README.md shows, docs/council-page.png (1,366 px wide, the first screen)
    python scripts/screenshot.py /councils/camden/ /dashboard/ --width 1366 --width 375
        any pages at any widths, into build/screenshots/<page>-<width>.png

Build the index and the site first (`make run` does, or `standards index build` then
`standards site build`); the server reads build/index.sqlite and serves build/site.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Headless and quiet: without these Chromium phones home (updates, sync, field trials).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
README_PAGE = "/councils/camden/"
README_SHOT = ROOT / "docs" / "council-page.png"
README_LIMIT = 200_000  # bytes: the README's picture stays small enough for a clone


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _as_of(index: Path) -> str | None:
    """The day the index was judged as of, so the server judges as of it too rather than re-judging today."""
    if not index.is_file():
        return None
    with closing(sqlite3.connect(f"file:{index}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()
    return str(row[0]) if row else None


@contextmanager
def serving(index: Path) -> Iterator[str]:
    """`standards serve` on a free port of 127.0.0.1 until the block ends; its address."""
    port = _free_port()
    exe = Path(sys.executable).with_name("standards")
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port), "--index", str(index)],
        cwd=ROOT,
        env={"STANDARDS_TODAY": _as_of(ROOT / index) or "", **os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _ready(base):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"standards serve did not start:\n{server.stderr.read() if server.stderr else ''}")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def shoot(base: str, shots: list[tuple[str, int, Path]], height: int = 900, full: bool = False) -> None:
    """Each (page, width, file): the page's first screen at that width (or all of it), light scheme."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for path, width, out in shots:
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme="light")
                page = context.new_page()
                response = page.goto(base + path, wait_until="networkidle")
                if response is None or response.status != 200:
                    raise SystemExit(f"{path}: HTTP {response and response.status}")
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=full)
                context.close()
                print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {out.stat().st_size:,} bytes")
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", help="site paths, e.g. /councils/camden/")
    parser.add_argument("--width", type=int, action="append", help="viewport width in px (repeatable)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "screenshots")
    parser.add_argument("--index", type=Path, default=Path("build/index.sqlite"))
    parser.add_argument("--full", action="store_true", help="the whole page, not only its first screen")
    parser.add_argument("--readme", action="store_true", help=f"write {README_SHOT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    if not CHROMIUM.is_file():
        raise SystemExit(f"{CHROMIUM} not found: install Debian's chromium (`apt-get install chromium`)")
    shots: list[tuple[str, int, Path]] = []
    if args.readme:
        shots.append((README_PAGE, 1366, README_SHOT))
    for path in args.pages:
        name = path.strip("/").replace("/", "-") or "home"
        shots += [(path, width, args.out / f"{name}-{width}.png") for width in args.width or [1366, 375]]
    if not shots:
        parser.error("name pages to take, or --readme")
    with serving(args.index) as base:
        shoot(base, shots, full=args.full)
    if args.readme and README_SHOT.stat().st_size > README_LIMIT:
        print(f"{README_SHOT}: over {README_LIMIT:,} bytes; keep the README's picture small", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
