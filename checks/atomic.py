"""Writing files so that a reader sees the old content or the new, never half of either.

Work in progress lives beside its target under a recognisable name (`.<name>.<random><suffix>`),
is removed on any way out (an error, Ctrl-C, or SIGTERM once the command line turns it into an
exception) and gets the permissions the finished output should have: those of the file or
folder it replaces, else the umask's default, as if created by `open()` or `mkdir()`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

_INTERRUPTS = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, so a step that must finish (creating a
    temporary and remembering it, swapping two folders) is never left half done.

    A signal arriving meanwhile is delivered, and its handler run, as the block ends.
    """
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _create(path: Path, suffix: str, directory: bool) -> Path:
    while True:
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{suffix}")
        try:
            # The kernel applies the umask to these modes, exactly as for any new file or folder.
            if directory:
                temp.mkdir(0o777)
            else:
                os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666))
        except FileExistsError:
            continue
        return temp


def keep_mode(new: Path, old: Path) -> None:
    """Give `new` the permissions of `old`, the file or folder it is about to replace, if there is one,
    so a file a web server or another user could read stays readable after a rebuild."""
    with contextlib.suppress(FileNotFoundError):
        new.chmod(stat.S_IMODE(old.stat().st_mode))


def replace_keeping_mode(new: Path, old: Path) -> None:
    """Rename the file `new` over `old`, which keeps its permissions."""
    keep_mode(new, old)
    new.replace(old)


def replace_keeping_previous(new: Path, path: Path, previous: Path) -> None:
    """Rename the file `new` over `path` (which keeps its permissions), keeping the file it replaces as
    `previous`: a second name, made before the rename, so `path` names a whole file throughout.

    `new` may be `previous` itself: the two files then swap names.
    """
    with signals_deferred():
        held = _link_beside(path) if path.is_file() else None
        try:
            replace_keeping_mode(new, path)
        except BaseException:
            if held is not None:
                held.unlink(missing_ok=True)
            raise
        if held is not None:
            try:
                held.replace(previous)
            except OSError:  # a folder or such in its place: the previous file is only an optimisation
                held.unlink(missing_ok=True)


def _link_beside(path: Path) -> Path | None:
    """A second name for `path` beside it; None where the file system has no hard links."""
    while True:
        link = path.with_name(f".{path.name}.{secrets.token_hex(6)}.previous")
        try:
            os.link(path, link)
        except FileExistsError:
            continue
        except OSError:
            return None
        return link


def remove(path: Path) -> None:
    """Delete a file or a folder tree, if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def temporary_beside(path: Path, suffix: str = ".tmp", *, directory: bool = False) -> Iterator[Path]:
    """A new empty file (or folder) in `path`'s folder to build the replacement of `path` in.

    Whatever is left of it when the block ends is removed: rename it over `path` inside the
    block to keep it.
    """
    temp: Path | None = None
    try:
        with signals_deferred():
            temp = _create(path, suffix, directory)
        yield temp
    finally:
        if temp is not None:
            remove(temp)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """A text stream to a temporary file beside `path`, renamed over it only on success.

    Only regular files are replaced: renaming over `/dev/null` or a named pipe would
    destroy it, so those are written to directly. A symlink's target is replaced, not the link.
    """
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8", newline="\n") as direct:
            yield direct
        return
    path = path.resolve() if path.is_symlink() else path
    path.parent.mkdir(parents=True, exist_ok=True)
    with temporary_beside(path) as temp:
        with temp.open("w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        replace_keeping_mode(temp, path)


def ensure_replaceable(path: Path, *, directory: bool = False) -> None:
    """Refuse, before any work, to rename over `path` unless it is missing or of the same kind.

    A rename swaps whatever is there: over `/dev/null` it would replace the device itself, over
    a file a folder would take its place. What cannot be written to in place (an SQLite index,
    a built site) is refused instead, with an OSError naming the path.
    """
    if not path.exists():
        return
    if directory and not path.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder, so it will not be replaced by one", str(path))
    if not directory and not path.is_file():
        raise IsADirectoryError(errno.EISDIR, "not a regular file, so it will not be replaced", str(path))


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_writer(path) as stream:
        stream.write(text)
