"""A whole `standards check` remembered: when nothing it reads has changed, its report and exit code
are given back without loading the standards or reading a manifest (docs/decisions/0006-run-memo.md).

The key is everything a run's output depends on: the tool's version and its own files, the options that
shape the report, the date judged at, and the stat (size, times, inode) of every file under the folders a
run reads. A file changed in any way changes its stat, so the key; a miss costs nothing but the listing.

Standard library only, and nothing else from `checks` is imported: `standards check` looks here before
its own imports, which take longer than a remembered run.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import time
from array import array

try:  # hashlib's own import starts OpenSSL (3 ms, a thirtieth of a remembered run); BLAKE2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

# pathlib, typing and datetime cost a remembered run more than its listing: annotations only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import BinaryIO, TextIO

# Every folder and file under the repository root that a check reads (a superset does no harm: more misses).
INPUTS = ("manifests", "standards", "reorganisations", "standards.toml")
# The folders that mark a repository's root (checks.repository.Repository.find).
ROOT_MARKERS = ("standards", "manifests")
SETTINGS_FILE = "standards.toml"
MEMO_FOLDER = os.path.join("build", "cache", "runs")
KEEP = 3  # a report of 100,000 manifests runs to hundreds of MB: keep the last few runs only
# A file written this close to the run's start may yet change within one tick of the file system's clock
# without its stat changing (Git's "racily clean" entries): such a run is not remembered.
RACY_SECONDS = 2.0
# What `--format` accepts (registry.cli.check.Format), and `--fail-on`.
FORMATS = frozenset({"text", "json", "junit", "sarif", "github", "markdown"})
FAIL_ON = frozenset({"must", "should"})


def find_root(start: str | os.PathLike[str]) -> str:
    """The nearest folder at or above `start` holding `standards/`, `standards.toml` or `manifests/`;
    else `start` itself."""
    start = folder = os.path.realpath(start)
    join = os.path.join
    while True:
        if any(os.path.isdir(join(folder, m)) for m in ROOT_MARKERS) or os.path.isfile(join(folder, SETTINGS_FILE)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


def wants_color(to_file: bool, format: str, stdout: TextIO) -> bool:
    """Colour only for the text report, written to a terminal, and not when NO_COLOR is set."""
    return not to_file and format == "text" and stdout.isatty() and not os.environ.get("NO_COLOR")


def report_parts(version: str, format: str, fail_on: str, public: bool, as_of: str, color: bool) -> list[str]:
    """The options a report depends on, as the key takes them; the one list both sides build."""
    width = _terminal_width() if color else ""  # Rich fits the closing table to it
    return [version, format, fail_on, "public" if public else "private", as_of, str(color), width]


def _terminal_width() -> str:
    import shutil  # a coloured run only; a remembered run to a file does without it

    return str(shutil.get_terminal_size().columns)


# In place of a file's four numbers: every entry gives four, so with each folder's count the order is the tree.
_FOLDER = (-1, -1, -1, -1)
_MISSING = (-2, -2, -2, -2)


class _Listing:
    """Every entry under a run's inputs, hashed as it is listed (so memory does not grow with the register):
    per folder its sorted names, then four numbers for each entry: a file's size, modification and change
    times and inode (a file changed in any way changes one), or a folder's mark."""

    def __init__(self, digest: blake2b) -> None:
        # The newest modification or change time listed (ns), folders' own included (see Recorder.racy).
        self.digest, self.newest = digest, 0

    def text(self, text: str) -> None:
        self.digest.update(text.encode("utf-8", "surrogateescape") + b"\0")

    def add(self, path: str) -> None:
        """`path` (a file, or a folder and everything under it but compiled Python), or that it is missing."""
        self.text(path)
        try:
            st = os.stat(path)
        except OSError:
            self.text("missing")
            return
        if stat.S_ISDIR(st.st_mode):
            self.newest = max(self.newest, st.st_mtime_ns, st.st_ctime_ns)
            self._folder(path)
        else:
            self._files(os.path.dirname(path), [os.path.basename(path)])

    def _folder(self, path: str) -> None:
        try:
            names = sorted(n for n in os.listdir(path) if n != "__pycache__")  # compiled files change by themselves
        except OSError:
            self.text("unreadable")
            return
        self.text(f"{len(names)}\0" + "\0".join(names))  # counted: where one folder's names end is kept
        for folder in self._files(path, names):
            self._folder(folder)

    def _files(self, path: str, names: list[str]) -> list[str]:
        """Four numbers for each of `names` in `path` (folders marked, not timed); the folders among them."""
        numbers, folders, prefix = array("q"), [], path + os.sep
        extend, newest = numbers.extend, self.newest
        for name in names:  # the loop that runs for every file of the register: kept to the bare calls
            try:
                st = os.stat(prefix + name)
            except OSError:  # removed while listed, or a broken link
                extend(_MISSING)
                continue
            if stat.S_ISDIR(st.st_mode):  # a folder is its names and what they hold, not its own times
                extend(_FOLDER)
                folders.append(prefix + name)
                # Not in the key, but in how settled the listing is: a file just removed leaves no file's time.
                newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
            else:
                extend((st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
        self.digest.update(numbers.tobytes())
        self.newest = max(newest, max(numbers[1::4], default=0), max(numbers[2::4], default=0))
        return folders


def fingerprint(
    root: str | os.PathLike[str], parts: Iterable[str], code: Iterable[str | os.PathLike[str]]
) -> tuple[str, int]:
    """The run's key, and the newest modification or change time among its inputs (ns)."""
    listing = _Listing(blake2b(digest_size=32))
    for part in [*parts, sys.version]:
        listing.text(part)
    # The installed libraries' folders (not their files): an upgrade adds and removes entries in them.
    for library in (p for p in sys.path if p.endswith("-packages")):
        try:
            st = os.stat(library)
            listing.text(f"{library}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}")
        except OSError:
            listing.text(f"{library}\0missing")
    for folder in code:
        listing.add(os.fspath(folder))
    for name in INPUTS:
        listing.add(os.path.join(root, name))
    return listing.digest.hexdigest(), listing.newest


def code_folders() -> list[str]:
    """The tool's own packages: an edited checkout must not be served the old code's report."""
    here = os.path.dirname(os.path.realpath(__file__))
    return [here, os.path.join(os.path.dirname(here), "registry")]


def has_memos(root: str) -> bool:
    """Whether runs under `root` are remembered (a full run writes its memo into an existing cache only)."""
    return os.path.isdir(os.path.join(root, MEMO_FOLDER))


def _memo(root: str, key: str) -> str:
    return os.path.join(root, MEMO_FOLDER, key)


def replay(root: str, key: str, out: BinaryIO) -> int | None:
    """Write the remembered report for `key` to `out` and give its exit code; None when there is none."""
    try:
        memo = open(_memo(root, key), "rb")  # noqa: SIM115 - closed by the with below, after the open that may fail
    except OSError:
        return None
    with memo:
        head = memo.readline().split()
        # Damaged (cut short, written over): the full run that follows writes it again.
        if len(head) != 3 or head[0] != b"exit" or not head[1].isdigit() or not head[2].isdigit():
            return None
        if int(head[2]) != os.fstat(memo.fileno()).st_size:
            return None
        out.flush()
        _copy(memo, out)
        return int(head[1])


def _copy(memo: BinaryIO, out: BinaryIO) -> None:
    """The rest of `memo` to `out`: by the kernel where it can (no copy through this process), else read and written."""
    try:
        out_fd = out.fileno()
    except (OSError, ValueError):  # not a file (a test's buffer)
        _copy_through(memo, out)
        return
    offset, size = memo.tell(), os.fstat(memo.fileno()).st_size
    try:
        while offset < size:
            sent = os.sendfile(out_fd, memo.fileno(), offset, size - offset)
            if sent == 0:
                break
            offset += sent
    except BrokenPipeError:  # the reader went away: not a destination to try another way
        raise
    except OSError:  # a destination sendfile cannot write to
        memo.seek(offset)
        _copy_through(memo, out)
    out.flush()


def _copy_through(memo: BinaryIO, out: BinaryIO) -> None:
    import shutil  # only where sendfile cannot write: not a remembered run's usual cost

    shutil.copyfileobj(memo, out, 1 << 20)


class Recorder:
    """Tees a run's report into a memo, kept (atomically) only when the run ends cleanly and nothing
    it read changed meanwhile."""

    def __init__(self, root: str, key: str, newest_ns: int, encoding: str, errors: str | None) -> None:
        import tempfile  # a full run's cost, not a remembered one's

        self.root, self.key = root, key
        self.racy = time.time_ns() - newest_ns < RACY_SECONDS * 1e9
        folder = os.path.join(root, MEMO_FOLDER)
        os.makedirs(folder, exist_ok=True)
        fd, self.temporary = tempfile.mkstemp(dir=folder, prefix=".run-", suffix=".tmp")
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
        with open(self.temporary, "r+b") as memo:
            memo.write(_HEAD.format(exit_code, os.fstat(memo.fileno()).st_size).encode())
        os.replace(self.temporary, _memo(self.root, self.key))
        _evict(os.path.join(self.root, MEMO_FOLDER))

    def drop(self) -> None:
        self.stream.close()
        try:
            os.unlink(self.temporary)
        except FileNotFoundError:
            pass


# The exit code and the memo's whole size, by which a damaged one is known.
_HEAD = "exit {:03d} {:015d}\n"


def _evict(folder: str) -> None:
    memos = sorted((e for e in os.scandir(folder) if not e.name.startswith(".")), key=_mtime, reverse=True)
    for old in memos[KEEP:]:
        try:
            os.unlink(old.path)
        except FileNotFoundError:  # another run evicted it first
            pass


def _mtime(entry: os.DirEntry[str]) -> float:
    try:
        return entry.stat().st_mtime
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
