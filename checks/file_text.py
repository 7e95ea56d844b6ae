"""A file's bytes as text, or the problem that stops them being read: not a regular file, too
large, not UTF-8, or holding a control character YAML refuses or would count as a line break.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from checks.problems import Problem, capped

MAX_BYTES = 1_000_000

# What YAML refuses to read (C0 and C1 controls, DEL, U+FFFE, U+FFFF), and the three characters YAML 1.1
# counts as line breaks where editors and Git do not (U+0085, U+2028, U+2029): after one of those, every
# position the parser reports would be on the wrong line.
CONTROL = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LINE_BREAKS = re.compile("\r\n|\r|\n")
_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
    0x2028: "LINE SEPARATOR",
    0x2029: "PARAGRAPH SEPARATOR",
    0xFFFE: "not a character",
    0xFFFF: "not a character",
}


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str | Problem:
    """The file's text, or the problem that stops it being read."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return _not_a_file(info.st_mode)
        if info.st_size > max_bytes:
            return Problem(
                "E102",
                f"file is {info.st_size / 1_000_000:.1f} MB; files must be under {max_bytes / 1_000_000:.1f} MB",
                "split it up or remove what does not belong in a manifest (embedded data, logs)",
            )
        # Non-blocking, and checked again once open: a FIFO swapped in after the check must not hang the run.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as stream:
            mode = os.fstat(stream.fileno()).st_mode
            if not stat.S_ISREG(mode):
                return _not_a_file(mode)
            # As large as the stat said, plus one byte to see a file that grew since: a read asked for the
            # whole limit allocates it first (1 MB a file, most of the cost of reading 10,000 of them).
            raw = stream.read(min(info.st_size, max_bytes) + 1)
            if len(raw) > info.st_size:
                raw += stream.read(max_bytes + 1 - len(raw))  # never more than the limit, whatever the size said
    except FileNotFoundError:
        return Problem("E100", "file does not exist", "check the path and the file name's spelling")
    except IsADirectoryError:
        return Problem("E101", "is a directory, not a file", "give the path of a .yaml file")
    except OSError as exc:
        return Problem("E101", f"file could not be read: {exc.strerror}", "check the file's permissions")
    return decode(raw, max_bytes)


def _not_a_file(mode: int) -> Problem:
    if stat.S_ISDIR(mode):
        return Problem("E101", "is a directory, not a file", "give the path of a .yaml file")
    kinds = (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    kind = next((name for test, name in kinds if test(mode)), "a socket" if stat.S_ISSOCK(mode) else "not a file")
    # Reading one could wait for ever (a FIFO) or never end (/dev/zero), so it is never opened.
    return Problem("E101", f"is {kind}, not a regular file", "give the path of a .yaml file saved on disk")


def decode(raw: bytes, max_bytes: int = MAX_BYTES) -> str | Problem:
    if len(raw) > max_bytes:
        return Problem(
            "E102",
            f"file is {len(raw) / 1_000_000:.1f} MB; files must be under {max_bytes / 1_000_000:.1f} MB",
            "split it up or remove what does not belong in a manifest",
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return Problem(
            "E103",
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            "save the file as UTF-8 (most editors offer this under 'Save with encoding')",
            line,
            column,
        )


def control_problems(text: str) -> list[Problem]:
    """A located problem for each control character in the text (the first few, then a count)."""
    found = list(CONTROL.finditer(text))
    problems: list[Problem] = []
    line, line_start, scanned = 1, 0, 0
    for match in found[:51]:  # one past the cap, so the count's line points at the first left out
        for brk in _LINE_BREAKS.finditer(text, scanned, match.start()):
            line, line_start = line + 1, brk.end()
        scanned = match.start()
        problems.append(_control_problem(match.group(), line, match.start() - line_start + 1))
    return capped(problems, len(found))


def _control_problem(char: str, line: int, column: int) -> Problem:
    code = ord(char)
    name = _CONTROL_NAMES.get(code)
    if code in (0x85, 0x2028, 0x2029):
        return Problem(
            "E113",
            f"U+{code:04X} ({name}) is not allowed: YAML reads it as a line break",
            "replace it with an ordinary line break, or delete it (it usually comes in with pasted text)",
            line,
            column,
        )
    return Problem(
        "E113",
        f"control character U+{code:04X}{f' ({name})' if name else ''} is not allowed",
        "delete it: it is invisible in most editors and usually comes in with text pasted from another program "
        "(tabs and ordinary line breaks are fine)",
        line,
        column,
    )
