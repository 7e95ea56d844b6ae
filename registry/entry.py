"""The `standards` console script: a remembered `check` is answered before the command line is loaded.

Loading the full command line (Typer, pydantic, the CEL runtime, the standards) takes longer than
giving back a remembered report of 10,000 manifests, so a plain `standards check` whose inputs have
not changed is answered from checks.run_memo with the standard library alone. Anything else, and any
`check` with an option read here as unknown, goes to registry.cli as before.
"""

from __future__ import annotations

import os
import sys
import time

from checks import run_memo
from registry import __version__

TYPE_CHECKING = False  # typing itself takes 2 ms to import, a fiftieth of a remembered run
if TYPE_CHECKING:
    from collections.abc import Sequence

# The options a remembered run may have, each with whether it takes a value; anything else runs in full.
_OPTIONS = {"--format": True, "-f": True, "--as-of": True, "--fail-on": True, "--public": False}


def remembered_options(argv: Sequence[str]) -> dict[str, str] | None:
    """`check`'s options from argv when a remembered report can answer it, else None."""
    if not argv or argv[0] != "check":
        return None
    given: dict[str, str] = {}
    args = iter(argv[1:])
    for arg in args:
        name, has_value, value = arg.partition("=")
        takes_value = _OPTIONS.get(name)
        if takes_value is None or (has_value and not takes_value):
            return None
        if takes_value and not has_value:
            value = next(args, "")
            if not value or value.startswith("-"):
                return None  # Typer's usage error, from the full command line
        given["--format" if name == "-f" else name] = value if takes_value else "yes"
    return given


def _iso_date(value: str) -> bool:
    """YYYY-MM-DD in ASCII digits (re is not imported for it: 3 ms)."""
    digits = value[:4] + value[5:7] + value[8:]
    return len(value) == 10 and value[4] == value[7] == "-" and digits.isascii() and digits.isdigit()


def replayed(argv: Sequence[str]) -> int | None:
    """The exit code of a remembered run, its report written to stdout; None when it must run in full."""
    given = remembered_options(argv)
    if given is None:
        return None
    format, fail_on = given.get("--format", "text"), given.get("--fail-on", "must")
    if format not in run_memo.FORMATS or fail_on not in run_memo.FAIL_ON:
        return None
    # As registry.cli.options.parse_date gives it back (isoformat), without datetime's import: any other
    # spelling runs in full, and a date that is not one (02-30) has no memo, so it runs and is refused.
    as_of = given.get("--as-of") or time.strftime("%Y-%m-%d")
    if not _iso_date(as_of):
        return None
    root = run_memo.find_root(".")
    if not run_memo.has_memos(root):
        return None
    color = run_memo.wants_color(False, format, sys.stdout)
    parts = run_memo.report_parts(__version__, format, fail_on, "--public" in given, as_of, color)
    key, _ = run_memo.fingerprint(root, parts, run_memo.code_folders())
    return run_memo.replay(root, key, sys.stdout.buffer)


def main() -> None:
    try:
        code = replayed(sys.argv[1:])
    except BrokenPipeError:  # the reader went away (`| head`): quietly, with click's exit code for it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        sys.exit(1)
    if code is not None:
        sys.exit(code)
    from registry.cli import main as full

    full()
