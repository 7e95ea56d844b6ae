"""Writing files so that a reader sees the old content or the new, never half of either."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


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
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        Path(temp_name).replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temp_name).unlink()
        raise


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
