"""A whole `standards check` remembered: when nothing it reads has changed, its report and exit code
are given back without loading the standards or reading a manifest (docs/decisions/0006-run-memo.md).

The key is everything a run's output depends on: the tool's version and its own files, the options that
shape the report, the date judged at, and the stat (size, times, inode) of every file under the folders a
run reads. A file changed in any way changes its stat, so the key; a miss costs nothing but the listing.

Standard library only, and nothing else from `checks` is imported: `standards check` looks here before
its own imports, which take longer than a remembered run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

# Every folder and file under the repository root that a check reads (a superset does no harm: more misses).
INPUTS = ("manifests", "standards", "reorganisations", "standards.toml")
# The folders that mark a repository's root (checks.repository.Repository.find).
ROOT_MARKERS = ("standards", "manifests")
SETTINGS_FILE = "standards.toml"
MEMO_FOLDER = Path("build") / "cache" / "runs"
KEEP = 3  # a report of 100,000 manifests runs to hundreds of MB: keep the last few runs only
# A file written this close to the run's start may yet change within one tick of the file system's clock
# without its stat changing (Git's "racily clean" entries): such a run is not remembered.
RACY_SECONDS = 2.0
# What `--format` accepts (registry.cli.check.Format), and `--fail-on`.
FORMATS = frozenset({"text", "json", "junit", "sarif", "github", "markdown"})
FAIL_ON = frozenset({"must", "should"})


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding `standards/`, `standards.toml` or `manifests/`;
    else `start` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / m).is_dir() for m in ROOT_MARKERS) or (folder / SETTINGS_FILE).is_file():
            return folder
    return start


def wants_color(to_file: bool, format: str, stdout: TextIO) -> bool:
    """Colour only for the text report, written to a terminal, and not when NO_COLOR is set."""
    return not to_file and format == "text" and stdout.isatty() and not os.environ.get("NO_COLOR")


def report_parts(version: str, format: str, fail_on: str, public: bool, as_of: dt.date, color: bool) -> list[str]:
    """The options a report depends on, as the key takes them; the one list both sides build."""
    width = str(shutil.get_terminal_size().columns) if color else ""  # Rich fits the closing table to it
    return [version, format, fail_on, "public" if public else "private", as_of.isoformat(), str(color), width]


def _stat(path: str) -> tuple[bytes, int]:
    try:
        st = os.stat(path)  # noqa: PTH116 - strings, not Paths: this runs for every file of the register
    except OSError:
        return os.fsencode(path) + b"\0missing\0", 0
    entry = f"\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0".encode()
    return os.fsencode(path) + entry, max(st.st_mtime_ns, st.st_ctime_ns)


def _tree(folder: Path) -> Iterator[str]:
    """Every file under `folder` (or `folder` itself, a file), in a stable order, but compiled Python."""
    if not folder.is_dir():
        yield str(folder)
        return
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        yield current  # its own stat: a file added or removed changes it
        yield from (os.path.join(current, name) for name in sorted(files))  # noqa: PTH118 - as above


def fingerprint(root: Path, parts: Iterable[str], code: Iterable[Path]) -> tuple[str, int]:
    """The run's key, and the newest modification or change time among its inputs (ns)."""
    digest = hashlib.sha256()
    for part in [*parts, sys.version]:
        digest.update(part.encode() + b"\0")
    newest = 0
    # The installed libraries' folders (not their files): an upgrade adds and removes entries in them.
    libraries = [Path(p) for p in sys.path if p.endswith("-packages")]
    for path in [*libraries, *(f for base in code for f in _tree(base)), *(f for n in INPUTS for f in _tree(root / n))]:
        entry, changed = _stat(str(path))
        digest.update(entry)
        newest = max(newest, changed)
    return digest.hexdigest(), newest


def code_folders() -> list[Path]:
    """The tool's own packages: an edited checkout must not be served the old code's report."""
    here = Path(__file__).resolve().parent
    return [here, here.parent / "registry"]


def _memo(root: Path, key: str) -> Path:
    return root / MEMO_FOLDER / key


def replay(root: Path, key: str, out: BinaryIO) -> int | None:
    """Write the remembered report for `key` to `out` and give its exit code; None when there is none."""
    try:
        with _memo(root, key).open("rb") as memo:
            head = memo.readline().split()
            # Damaged (cut short, written over): the full run that follows writes it again.
            if len(head) != 3 or head[0] != b"exit" or not head[1].isdigit() or not head[2].isdigit():
                return None
            if int(head[2]) != os.fstat(memo.fileno()).st_size:
                return None
            out.flush()
            _copy(memo, out)
            return int(head[1])
    except OSError:
        return None


def _copy(memo: BinaryIO, out: BinaryIO) -> None:
    """The rest of `memo` to `out`: by the kernel where it can (no copy through this process), else read and written."""
    try:
        out_fd = out.fileno()
    except (OSError, ValueError):  # not a file (a test's buffer)
        shutil.copyfileobj(memo, out, 1 << 20)
        return
    offset, size = memo.tell(), os.fstat(memo.fileno()).st_size
    try:
        while offset < size:
            sent = os.sendfile(out_fd, memo.fileno(), offset, size - offset)
            if sent == 0:
                break
            offset += sent
    except OSError:
        memo.seek(offset)
        shutil.copyfileobj(memo, out, 1 << 20)
    out.flush()


class Recorder:
    """Tees a run's report into a memo, kept (atomically) only when the run ends cleanly and nothing
    it read changed meanwhile."""

    def __init__(self, root: Path, key: str, newest_ns: int, encoding: str, errors: str | None) -> None:
        self.root, self.key = root, key
        self.racy = time.time_ns() - newest_ns < RACY_SECONDS * 1e9
        folder = root / MEMO_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".run-", suffix=".tmp")
        self.temporary = Path(name)
        self.stream = os.fdopen(fd, "w", encoding=encoding, errors=errors or "strict")
        self.stream.write(_HEAD.format(0, 0))  # written over at the end, in the same width

    def write(self, text: str) -> None:
        self.stream.write(text)

    def keep(self, exit_code: int, key_now: str) -> None:
        """Keep the memo when the run's inputs are as they were when it started, and settled."""
        self.stream.close()
        if self.racy or key_now != self.key or not 0 <= exit_code <= 255:
            self.drop()
            return
        with self.temporary.open("r+b") as memo:
            memo.write(_HEAD.format(exit_code, os.fstat(memo.fileno()).st_size).encode())
        self.temporary.replace(_memo(self.root, self.key))
        _evict(self.root / MEMO_FOLDER)

    def drop(self) -> None:
        self.stream.close()
        self.temporary.unlink(missing_ok=True)


# The exit code and the memo's whole size, by which a damaged one is known.
_HEAD = "exit {:03d} {:015d}\n"


def _evict(folder: Path) -> None:
    memos = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=_mtime, reverse=True)
    for old in memos[KEEP:]:
        old.unlink(missing_ok=True)  # another run may have evicted it first


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


class Tee(io.TextIOBase):
    """A text stream writing to the report's destination and to a Recorder."""

    def __init__(self, stream: TextIO, recorder: Recorder) -> None:
        super().__init__()
        self.inner, self.recorder = stream, recorder

    def write(self, text: str) -> int:
        self.recorder.write(text)
        return self.inner.write(text)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.inner.encoding
